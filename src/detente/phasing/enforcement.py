"""The self-enforcement check: is honouring worth at least reneging, at every move?

The derivation, and how the reference models of phased exchange [Fearon1995]
[LockwoodThomas2002] [Powell2006] map onto it, is in
``docs/explanation/self-enforcement.md``. In brief, for party ``i`` at its
move in stage ``t``:

* **honouring** is worth its deliveries now, then, move group by move group,
  the others' deliveries and the stage's flows (less any cost of delay),
  discounted per stage (by the stage's length in periods, with a calendar) and
  weighted by ``i``'s belief that each other mover honours its next step
  (beliefs along the compliance path, :func:`detente.trust.compliance_path`),
  the completion value at the end, and, where another party reneges, ``i``'s
  value of that breakdown;
* **reneging** is worth what ``i`` receives from the others moving at the same
  time, its outside option (shifted by the leverage of items delivered before
  the stage), the flows of delivered items that go on (the reversible share of
  the others' items is withdrawn) less the reversible share of one-time
  benefits clawed back.

Dated events (:mod:`detente.phasing.calendar`) strike a party's move from
their stage on, or end the deal unfinished at a deadline: a lapse, valued as a
breakdown at the first stage cut off.

A mover may also withhold a single item, and the others may answer a
withholding in proportion instead of ending everything
(:mod:`detente.phasing.deviations`): such a deviation is worth the modified
schedule carried out as believed (:func:`deviation_values`).

Both are affine in the schedule's amounts; the designer builds its linear
constraints by evaluating this same valuation on a basis of schedules, so the
check and the program cannot disagree about what a constraint means.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.phasing.deal import Deal
from detente.phasing.deviations import Deviation, Deviations, Modified
from detente.phasing.schedule import Schedule, aligned
from detente.phasing.truth import TrueType, from_belief
from detente.phasing.verification import Cheating, Deterrence
from detente.trust import TrustModel, compliance_path
from detente.utility import FloatArray

BoolArray = NDArray[np.bool_]


class Valuation:
    """A deal over a fixed number of stages, compiled to arrays.

    Every method takes amounts ``X[batch, item, stage]`` and returns one value
    per batch entry, so the designer can evaluate many schedules at once.
    """

    def __init__(self, deal: Deal, stages: int) -> None:
        if stages < 1:
            raise DetenteError(f"the number of stages must be at least 1, got {stages}")
        self.deal, self.stages = deal, stages
        parties, items = deal.parties, deal.items
        self.once = np.array([[it.once(p) for p in parties] for it in items], dtype=np.float64)
        self.flow = np.array(
            [[it.per_stage_flow(p) for p in parties] for it in items], dtype=np.float64
        )
        self.lever = np.array([[it.leverage_on(p) for p in parties] for it in items])
        self.rho = np.array([it.reversibility for it in items], dtype=np.float64)
        self.giver = np.array([deal.party_index(it.giver) for it in items], dtype=np.int64)
        self.groups = tuple(tuple(deal.party_index(p) for p in g) for g in deal.order)
        group_of = {p: g for g, members in enumerate(self.groups) for p in members}
        self.item_group = np.array([group_of[int(p)] for p in self.giver], dtype=np.int64)
        self.delta = np.array([s.discount for s in deal.stakes], dtype=np.float64)
        self.outside = np.array([s.outside for s in deal.stakes], dtype=np.float64)
        self.completion = np.array([s.completion for s in deal.stakes], dtype=np.float64)
        self.pv = self._perpetuity()
        self._clock()
        self.types = self._types()
        """Every party's true type (committed probability, hazard): declared, else its belief's."""
        self._strikes, self.struck = self._dated_strikes()
        self.truth = self._outside_view() * self.struck
        self.views = np.stack([self.beliefs(p) for p in range(len(deal.parties))])
        """``[truster, trustee, stage]``: every party's beliefs along the compliance path, each
        dated strike (:meth:`strikes`) counted at its stage."""
        if self._strikes:
            self.views = self.views * self._about_others(self.struck)
        self._sums_of: FloatArray | None = None
        self._sums: dict[int, FloatArray] = {}
        self._breakdowns: dict[tuple[int, frozenset[int]], FloatArray] = {}
        self._broke_of: dict[frozenset[int], BoolArray] = {}
        self.kept = 1.0 - self.rho
        """Per item: the share of its flow that goes on after a breakdown."""
        self.gains = np.maximum(self.once, 0.0)
        """``[item, party]``: one-time benefits, of which a breakdown claws back the reversible share."""
        self._in_group = tuple(self.item_group == g for g in range(len(self.groups)))
        self._whole = tuple(frozenset(members) for members in self.groups)
        """Per move group: all its members, the renegers of the breakdowns a path looks up."""
        self.cheating = Cheating(deal)
        """The deal's cheating-prone and verification items (:mod:`detente.phasing.verification`)."""

    def over(self, deal: Deal) -> Valuation:
        """A valuation of ``deal`` over the same stages (this one, when it is its deal)."""
        return self if deal is self.deal else Valuation(deal, self.stages)

    def _perpetuity(self) -> FloatArray:
        """``1 / (1 − δ)`` per party: the present value of a flow of 1 per stage forever."""
        for p, stake in enumerate(self.deal.stakes):
            if stake.discount >= 1.0 and np.any(self.flow[:, p] != 0.0):
                raise DetenteError(
                    f"party {stake.party!r} values a flow but has discount 1: a flow forever "
                    "is worth infinitely much; give it a discount below 1"
                )
        return np.where(self.delta < 1.0, 1.0 / np.maximum(1.0 - self.delta, 1e-300), 0.0)

    def _clock(self) -> None:
        """Each stage's discount, flow weight and delay cost per party, and the deadline's cut.

        A stage of ``d`` periods (one without a calendar) discounts by ``δ^d`` across it
        and weighs a flow per period by ``(1 − δ^d)/(1 − δ)`` (``d`` at ``δ = 1``).
        """
        calendar, K = self.deal.calendar, self.stages
        periods = np.ones(K) if calendar is None else calendar.periods(K)
        delta = self.delta[:, None]
        self.discount: FloatArray = delta ** periods[None, :]
        """``[party, stage]``: the discount across each stage."""
        patient = delta < 1.0
        self.annuity: FloatArray = np.where(
            patient, (1.0 - self.discount) / np.where(patient, 1.0 - delta, 1.0), periods[None, :]
        )
        """``[party, stage]``: a flow of 1 per period over the stage, at the stage's start."""
        self.reach: FloatArray = delta ** np.concatenate([[0.0], np.cumsum(periods)[:-1]])[None, :]
        """``[party, stage]``: the discount from the first stage's start to each stage's start."""
        costs = {} if calendar is None else dict(calendar.delay_cost)
        per_period = np.array([costs.get(p, 0.0) for p in self.deal.parties], dtype=np.float64)
        self.delay: FloatArray = per_period[:, None] * self.annuity
        """``[party, stage]``: each party's cost of delay over each stage, paid for every
        stage that the deal outlasts unfinished (all but the last, when it completes)."""
        self._delayed = bool(per_period.any())
        self._uneven = bool((self.annuity != 1.0).any())
        self.horizon = K if calendar is None else calendar.horizon(K)
        """The stages that can be carried out: all of them, or those before a deadline."""
        self._everyone = frozenset(range(len(self.deal.parties)))

    @property
    def lapses(self) -> bool:
        """Whether a deadline cuts the schedule short (it ends unfinished, in a breakdown)."""
        return self.horizon < self.stages

    @property
    def n_groups(self) -> int:
        """Move groups over the stages that can be carried out (the whole schedule unless a
        deadline cuts it)."""
        return self.horizon * len(self.groups)

    @property
    def checked_groups(self) -> int:
        """Move groups whose moves are checked: all but the ``tail``'s, before any deadline."""
        return min(max(self.stages - self.deal.tail, 0), self.horizon) * len(self.groups)

    def beliefs(self, truster: int) -> FloatArray:
        """``[trustee, stage]``: the truster's honour probabilities along the compliance path."""
        parties = self.deal.parties
        view = np.ones((len(parties), self.stages))
        for q, trustee in enumerate(parties):
            if q != truster:
                model = self.deal.trust.model(parties[truster], trustee)
                view[q] = compliance_path(model, self.stages)
        return view

    def _dated_strikes(self) -> tuple[tuple[tuple[int, int, float], ...], FloatArray]:
        """``((party, stage, 1 − hazard), ...)`` of the calendar's strikes, and the product
        ``[party, stage]`` of the uncertain ones at the stages they fall in.

        A certain strike (hazard 1) is left out of that product: the designer gives the
        party nothing to deliver from its stage on (:meth:`barred`), so no designed move is
        struck, and a given schedule meets it at the party's next non-empty move.
        """
        calendar = self.deal.calendar
        found = () if calendar is None else calendar.strikes(self.stages)
        strikes = tuple((self.deal.party_index(q), k, 1.0 - h) for q, k, h in found)
        struck = np.ones((len(self.deal.parties), self.stages))
        for q, k, keep in strikes:
            if keep > 0.0:
                struck[q, k] *= keep
        return strikes, struck

    def barred(self) -> BoolArray:
        """``[item, stage]``: the amounts a certain strike rules out, those of the struck party's
        items from the strike's stage on (it reneges on any move it still has to make)."""
        barred = np.zeros((len(self.deal.items), self.stages), dtype=np.bool_)
        for q, k, keep in self._strikes:
            if keep == 0.0:
                barred[self.giver == q, k:] = True
        return barred

    def _about_others(self, factors: FloatArray) -> FloatArray:
        """``factors[trustee, stage]`` as ``[truster, trustee, stage]``, 1 where a party would
        weigh its own move (it knows its own plan)."""
        n = len(self.deal.parties)
        spread = np.broadcast_to(factors, (n, *factors.shape)).copy()
        spread[np.arange(n), np.arange(n)] = 1.0
        return spread

    def strikes(self, active: BoolArray | None = None) -> FloatArray:
        """``[party, stage]``: the probability that no dated event strikes the party's move.

        A strike falls on the party's next non-empty move from the stage of its date
        (``active`` says which moves of one schedule deliver something); without ``active``,
        on the move of that stage, empty or not (the designer's programs).
        """
        if active is None or not self._strikes:
            return self.struck
        return np.where(active, self.struck, 1.0) * self._moved(active)

    def _moved(self, active: BoolArray) -> FloatArray:
        """``[party, stage]``: the strikes :attr:`struck` does not place (those that fell on
        empty moves, and the certain ones) at the mover's next non-empty move (1 elsewhere)."""
        moved = np.ones_like(self.struck)
        for q, k, keep in self._strikes:
            if active[q, k] and keep > 0.0:
                continue  # in :attr:`struck` already
            later = np.flatnonzero(active[q, k:])
            if later.size:
                moved[q, k + int(later[0])] *= keep
        return moved

    def _outside_view(self) -> FloatArray:
        """``[party, stage]``: the probability each party's move is honoured when its type
        honours it (``1 − hazard``, :mod:`detente.phasing.truth`)."""
        hazard = np.array([t.hazard for t in self.types], dtype=np.float64)
        return np.repeat((1.0 - hazard)[:, None], self.stages, axis=1)

    def true_model(self, trustee: str) -> TrustModel | None:
        """The belief that stands for the truth about ``trustee`` when the deal declares none:
        the first truster's that names it."""
        for truster in self.deal.parties:
            if (truster, trustee) in self.deal.trust.beliefs:
                return self.deal.trust.model(truster, trustee)
        return None

    def _types(self) -> tuple[TrueType, ...]:
        declared = dict(self.deal.truth)
        return tuple(
            declared.get(party) or from_belief(self.true_model(party))
            for party in self.deal.parties
        )

    # --- values ---------------------------------------------------------------------------

    def _earlier(self, X: FloatArray, t: int) -> FloatArray:
        """``X[:, :, :t].sum(axis=2)``, computed once per amounts array and stage.

        The valuation needs these sums at every move group and breakdown; the
        memo holds them (and the breakdown values) for the array last seen
        (amounts are never changed in place between calls).
        """
        self._see(X)
        if t not in self._sums:
            self._sums[t] = X[:, :, :t].sum(axis=2)
        return self._sums[t]

    def _see(self, X: FloatArray) -> None:
        if self._sums_of is not X:
            self._sums_of, self._sums, self._breakdowns = X, {}, {}

    def _broke(self, renegers: frozenset[int]) -> BoolArray:
        """Per item: whether a reneger gives it (it withholds its deliveries in the group)."""
        if renegers not in self._broke_of:
            reneged = np.zeros(len(self.delta), dtype=np.bool_)
            reneged[list(renegers)] = True
            self._broke_of[renegers] = reneged[self.giver]
        return self._broke_of[renegers]

    def _before_group(self, X: FloatArray, t: int, g: int) -> FloatArray:
        return self._earlier(X, t) + X[:, :, t] * (self.item_group < g)

    def breakdowns(self, X: FloatArray, n: int, renegers: frozenset[int]) -> FloatArray:
        """``[batch, party]``: every party's value (at the breakdown stage) when ``renegers``
        renege in move group ``n`` (memoised for the amounts array last seen)."""
        self._see(X)
        key = (n, renegers)
        if key in self._breakdowns:
            return self._breakdowns[key]
        t, g = divmod(n, len(self.groups))
        if X.shape[0] == 1 and n < self.n_groups and renegers == self._whole[g]:
            self._whole_groups(X)  # one schedule: every group's at once
            return self._breakdowns[key]
        now = X[:, :, t] * (self._in_group[g] & ~self._broke(renegers))
        level = self._before_group(X, t, g) + now
        value: FloatArray = now @ self.once
        value += self.pv * ((level * self.kept) @ self.flow)
        value += self.outside + self._earlier(X, t) @ self.lever
        value -= (level * self.rho) @ self.gains
        self._breakdowns[key] = value
        return value

    def _whole_groups(self, X: FloatArray) -> None:
        """Memoise :meth:`breakdowns` of one schedule (``X[0]``) for every move group whose
        members all renege, in a few array operations: nothing of the group is delivered, so
        the levels are those before the group."""
        G, M = len(self.groups), self.n_groups
        amounts = X[0]
        stages = np.arange(M) // G
        earlier = np.concatenate(
            [np.zeros((amounts.shape[0], 1)), np.cumsum(amounts, axis=1)], axis=1
        )[:, stages].T  # [group, item]: delivered before the group's stage
        before = self.item_group[None, :] < (np.arange(M) % G)[:, None]
        level = earlier + amounts[:, stages].T * before
        values = self.pv * ((level * self.kept) @ self.flow)
        values += self.outside + earlier @ self.lever
        values -= (level * self.rho) @ self.gains
        for n in range(M):
            self._breakdowns[(n, self._whole[n % G])] = values[n][None]

    def breakdown(self, X: FloatArray, party: int, n: int, renegers: frozenset[int]) -> FloatArray:
        """Party's value (at the breakdown stage) when ``renegers`` renege in move group ``n``."""
        return self.breakdowns(X, n, renegers)[:, party]

    def continuations(
        self, X: FloatArray, views: FloatArray, post: FloatArray | None = None
    ) -> FloatArray:
        """``V[batch, n, party]``: each party's value from move group ``n`` on (at its stage).

        ``views[party]`` is the ``[trustee, stage]`` honour probabilities the
        party weighs outcomes by. Column ``n_groups`` is the value after the
        last move: completion value plus the flows of every stage after the
        schedule (``post``: see :meth:`end_value`).
        """
        M = self.n_groups
        V = np.zeros((X.shape[0], M + 1, len(self.deal.parties)))
        V[:, M] = self.end_value(X, post)
        for n in range(M - 1, -1, -1):
            V[:, n] = self.expect(X, n, views, self.go_on(X, n, V[:, n + 1]))
        return V

    def end_value(self, X: FloatArray, post: FloatArray | None = None) -> FloatArray:
        """``[batch, party]``: the value after the last move (completion, then flows forever
        from the end of the last stage), or, when a deadline cuts the schedule, the lapse: a
        breakdown with nothing delivered at the first stage cut off.

        ``post[batch, item]`` are amounts delivered (withdrawn, when negative) in the stage
        after the schedule (:mod:`detente.phasing.deviations`: a response due after the last
        move), valued then: one-time values and the flows from that stage on.
        """
        if self.lapses:
            return self.breakdowns(X, self.n_groups, self._everyone)
        flows: FloatArray = X.sum(axis=2) @ self.flow
        after = self.discount[:, -1]
        value = self.completion + after * self.pv * flows
        if post is not None:
            value = value + after * (post @ self.once + self.pv * (post @ self.flow))
        return value

    def go_on(self, X: FloatArray, n: int, after: FloatArray) -> FloatArray:
        """``[batch, party]``: the value of group ``n`` when every member honours, ``after``
        being the value from the next group on: the group's deliveries, the stage's flows if
        it ends the stage, then ``after``. The completion value is paid in the last stage;
        a stage followed by another (or by a deadline's lapse) costs its delay and discounts
        ``after`` across its length."""
        G = len(self.groups)
        t, g = divmod(n, G)
        value: FloatArray = (X[:, :, t] * self._in_group[g]) @ self.once
        if g == G - 1:
            flows: FloatArray = self._earlier(X, t + 1) @ self.flow
            value += flows * self.annuity[:, t] if self._uneven else flows
            if n + 1 == self.n_groups and not self.lapses:
                return value + after  # completed: the completion value is paid in this stage
            if self._delayed:
                value -= self.delay[:, t]  # the deal is still unfinished through this stage
            return value + self.discount[:, t] * after
        return value + after

    def continuation(self, X: FloatArray, party: int, view: FloatArray) -> FloatArray:
        """``V[batch, n]``: party's value from move group ``n`` on, under ``view`` (see
        :meth:`continuations`)."""
        views = np.broadcast_to(view, (len(self.deal.parties), *view.shape))
        return self.continuations(X, views)[:, :, party]

    def expect(self, X: FloatArray, n: int, views: FloatArray, go_on: FloatArray) -> FloatArray:
        """``[batch, party]``: the value of group ``n`` over its members' choices, each
        member honouring with the probability in ``views`` (``go_on`` when all honour)."""
        t, g = divmod(n, len(self.groups))
        members = self.groups[g]
        if len(members) == 1:  # the common case, without enumerating sets of renegers
            honour = views[:, members[0], t]
            if (honour >= 1.0).all():
                return go_on
            return honour * go_on + (1.0 - honour) * self.breakdowns(X, n, frozenset(members))
        value = np.zeros_like(go_on)
        for renegers, probability in _chances(members, views[:, :, t]):
            if probability.any():  # probabilities are >= 0
                part = go_on if not renegers else self.breakdowns(X, n, renegers)
                value += probability * part
        return value

    def renege(self, X: FloatArray, party: int, n: int, view: FloatArray) -> FloatArray:
        """Party's value of reneging at its move in group ``n``."""
        t, g = divmod(n, len(self.groups))
        if len(self.groups[g]) == 1:  # the common case: nobody else moves at the same time
            return self.breakdowns(X, n, self._whole[g])[:, party]
        others = tuple(q for q in self.groups[g] if q != party)
        value = np.zeros(X.shape[0])
        for renegers, probability in _outcomes(others, view[:, t]):
            if probability > 0.0:
                value += probability * self.breakdowns(X, n, renegers | {party})[:, party]
        return value

    def stakes(self, X: FloatArray) -> FloatArray:
        """``[batch, party]``: each party's stake per stage in the completed deal,
        ``F = (1 − δ)(H − P)``, what covert cheating puts at risk
        (:mod:`detente.phasing.verification`).

        ``(1 − δ) H`` is the party's flows at the final levels; ``P`` its value of a
        breakdown after the last stage, as :meth:`breakdowns` values one: the kept
        shares' flows, the outside option shifted by the leverage of everything
        delivered, less the reversible share of the one-time benefits received.
        """
        level = X[:, :, : self.horizon].sum(axis=2)  # a deadline cuts the stages after it
        breakdown: FloatArray = self.outside + level @ self.lever
        breakdown += self.pv * ((level * self.kept) @ self.flow)
        breakdown -= (level * self.rho) @ self.gains
        stake: FloatArray = level @ self.flow - (1.0 - self.delta) * breakdown
        return stake

    # --- empty moves ------------------------------------------------------------------------

    def active(self, X: FloatArray) -> BoolArray:
        """``[party, stage]``: whether the party delivers anything at its move in the stage
        (of the one schedule ``X[0]``). An empty move cannot be reneged on: nothing is
        withheld, so it carries no hazard and no incentive constraint."""
        delivers = np.abs(X[0]) > MOVE_TOLERANCE
        active = np.zeros((len(self.deal.parties), self.stages), dtype=np.bool_)
        np.logical_or.at(active, self.giver, delivers)
        return active

    def effective(self, views: FloatArray, active: BoolArray) -> FloatArray:
        """``views`` (this valuation's ``[truster, trustee, stage]`` beliefs or ``[party,
        stage]`` truth) at the moves of one schedule: every empty move honoured for sure, and
        a dated strike that fell on an empty move moved to the mover's next non-empty one."""
        honoured = np.where(active, views, 1.0)
        if not self._strikes:
            return honoured
        moved = self._moved(active)
        return honoured * (moved if views.ndim == 2 else self._about_others(moved))

    # --- results ----------------------------------------------------------------------------

    def moves(self) -> Iterator[tuple[int, int, str]]:
        """``(group n, party, label)`` of every checked move, in time order."""
        G = len(self.groups)
        for n in range(self.checked_groups):
            for p in self.groups[n % G]:
                yield n, p, f"stage {n // G + 1}: {self.deal.parties[p]}"

    def labels(self) -> tuple[str, ...]:
        """One label per incentive constraint, in time order."""
        return tuple(label for _, _, label in self.moves())

    def slacks(self, X: FloatArray) -> FloatArray:
        """``[batch, move]``: value of honouring minus value of reneging, at every move of
        :meth:`moves` (the designer's constraints: every move counts, empty or not)."""
        moves = list(self.moves())
        if not moves:
            return np.zeros((X.shape[0], 0))
        V = self.continuations(X, self.views)
        columns = [V[:, n, p] - self.renege(X, p, n, self.views[p]) for n, p, _ in moves]
        return np.column_stack(columns)

    def expected_values(self, X: FloatArray) -> FloatArray:
        """``[batch, party]``: expected present value when every move is honoured unless its
        mover's hazard strikes (what opportunists and committed types alike do on a
        self-enforcing schedule)."""
        views = np.broadcast_to(self.truth, (len(self.deal.parties), *self.truth.shape))
        return self.continuations(X, views)[:, 0]

    def completion_probability(self, active: BoolArray | None = None) -> float:
        """Probability no hazard strikes a move (every move, or only the ``active`` ones): the
        completion probability of a self-enforcing schedule (0 when a deadline cuts it)."""
        if self.lapses:
            return 0.0
        truth = self.truth if active is None else self.effective(self.truth, active)
        movers = [p for group in self.groups for p in group]
        return float(np.prod(truth[movers]))


MOVE_TOLERANCE = 1e-9
"""An amount below which a move delivers nothing (an empty move)."""


def _outcomes(
    members: tuple[int, ...], honour: FloatArray
) -> tuple[tuple[frozenset[int], float], ...]:
    """Every set of renegers among ``members`` with its probability (independent moves)."""
    return _outcome_table(members, tuple(float(honour[q]) for q in members))


def _chances(
    members: tuple[int, ...], honour: FloatArray
) -> Iterator[tuple[frozenset[int], FloatArray]]:
    """Every set of renegers among ``members`` with its probability to each party.

    ``honour[party, q]`` is the probability ``party`` gives to ``q`` honouring;
    the products are taken in the order :func:`_outcome_table` takes them.
    """
    if not members:
        yield frozenset(), np.ones(honour.shape[0])
        return
    for size in range(len(members) + 1):
        for renegers in combinations(members, size):
            factors = [(1.0 - honour[:, q]) if q in renegers else honour[:, q] for q in members]
            probability = factors[0]
            for factor in factors[1:]:
                probability = probability * factor
            yield frozenset(renegers), probability


@lru_cache(maxsize=4096)
def _outcome_table(
    members: tuple[int, ...], honour: tuple[float, ...]
) -> tuple[tuple[frozenset[int], float], ...]:
    """:func:`_outcomes` with ``honour[k]`` the probability ``members[k]`` honours (memoised)."""
    table = []
    for size in range(len(members) + 1):
        for renegers in combinations(members, size):
            probability = 1.0
            for q, h in zip(members, honour, strict=True):
                probability *= (1.0 - h) if q in renegers else h
            table.append((frozenset(renegers), probability))
    return tuple(table)


def affine(function: object, shape: tuple[int, int]) -> tuple[FloatArray, FloatArray]:
    """``(A, b)`` with ``f(x) = A x + b`` for an affine ``f`` of amounts ``x = X.ravel()``.

    ``function`` maps ``X[batch, item, stage]`` to ``[batch, m]``; it is
    evaluated once on the zero schedule and once per unit schedule.

    >>> A, b = affine(lambda X: X.sum(axis=(1, 2))[:, None] + 1.0, (2, 3))
    >>> A.tolist(), b.tolist()
    ([[1.0, 1.0, 1.0, 1.0, 1.0, 1.0]], [1.0])
    """
    size = shape[0] * shape[1]
    basis = np.concatenate([np.zeros((1, size)), np.eye(size)]).reshape(size + 1, *shape)
    values = np.asarray(function(basis))  # type: ignore[operator]
    b = values[0]
    return (values[1:] - b).T, b


SLACK_TOLERANCE = 1e-6
"""Relative slack within which a move counts as honoured rather than reneged on."""


def violates(slack: float) -> bool:
    """Whether a constraint's slack is negative beyond the tolerance."""
    return slack < -SLACK_TOLERANCE * (1.0 + abs(slack))


@dataclass(frozen=True, slots=True)
class Enforcement:
    """The result of the self-enforcement check of one schedule.

    ``slacks[k]`` is honouring minus reneging at move ``labels[k]``: negative
    means the mover prefers to renege there.
    """

    labels: tuple[str, ...]
    slacks: tuple[float, ...]
    completion_probability: float
    expected_values: tuple[tuple[str, float], ...]
    verification: tuple[Deterrence, ...] = ()

    @property
    def self_enforcing(self) -> bool:
        """Honouring is worth at least reneging at every move (within tolerance), and covert
        cheating on every delivered cheating-prone item is deterred."""
        return not any(violates(s) for s in self.slacks) and not self.undeterred

    @property
    def undeterred(self) -> tuple[str, ...]:
        """Cheating-prone items on which covert cheating pays at the end of the schedule."""
        return tuple(d.item for d in self.verification if not d.deterred)

    @property
    def violated(self) -> tuple[str, ...]:
        """Moves at which the mover prefers to renege."""
        return tuple(m for m, s in zip(self.labels, self.slacks, strict=True) if violates(s))

    def binding(self, tolerance: float = 1e-6) -> tuple[str, ...]:
        """Moves at which the mover is (within ``tolerance``) indifferent."""
        return tuple(
            label for label, s in zip(self.labels, self.slacks, strict=True) if abs(s) <= tolerance
        )


def deviation_values(
    valuation: Valuation,
    moves: Deviations,
    state: Modified,
    deviations: Sequence[Deviation],
    views: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """What each deviation is worth, one-shot, on a (possibly modified) schedule ``state``.

    ``valuation`` is over ``moves.after`` (the deal after a deviation: withdrawal rows, no
    completion value). A deviation
    that ends the deal is worth its breakdown value (the mover delivering its other items
    first, for a single-item one); a deviation that goes on is worth the modified schedule
    carried out *as believed* from the move on, the valuation of honouring (each other mover
    honouring with the believed probability in ``views``, its failure a breakdown).

    Returns the value to each deviation's mover (``[k]``) and, for the deviations that go
    on, every party's value of the move group with the deviation made and the rest carried
    out as believed (``[k, party]``, what the others look ahead to; ``nan`` for the ending
    ones).
    """
    X = state.amounts[None]
    values = np.empty(len(deviations))
    ahead = np.full((len(deviations), len(valuation.deal.parties)), np.nan)
    G = len(valuation.groups)
    going = [k for k, d in enumerate(deviations) if not d.ends]
    for k, d in enumerate(deviations):
        if d.ends:
            values[k] = valuation.renege(X, d.party, d.group, views[d.party])[0]
            if d.item is not None:  # it delivers the rest of its move, then the deal ends
                t = d.group // G
                rest = (moves.giver == d.party) & (np.abs(state.amounts[:, t]) > 0.0)
                rest[list(d.withheld)] = False
                values[k] += float(state.amounts[rest, t] @ moves.rest[rest])
    if going:
        after = [moves.apply(state, [deviations[k]]) for k in going]
        Xb = np.stack([m.amounts for m in after])
        V = valuation.continuations(Xb, views, np.stack([m.post for m in after]))
        for row, k in enumerate(going):
            d = deviations[k]
            values[k] = V[row, d.group, d.party]
        for n in sorted({deviations[k].group for k in going}):
            rows = [row for row, k in enumerate(going) if deviations[k].group == n]
            go = valuation.go_on(Xb[rows], n, V[rows, n + 1])
            for row, value in zip(rows, go, strict=True):
                ahead[going[row]] = value
    return values, ahead


def check(deal: Deal, schedule: Schedule, valuation: Valuation | None = None) -> Enforcement:
    """Check a schedule: the slack of every party's incentive constraint at every move.

    Empty moves (nothing to deliver) cannot be reneged: they carry no hazard and
    no constraint, so a schedule's trailing empty stages never change its check.
    Besides reneging on everything (``stage 2: B``), every single-item deviation the
    mover could prefer has a slack (``stage 2: B withholds b3``), valued one-shot with the
    declared responses (:mod:`detente.phasing.deviations`, :func:`deviation_values`).

    ``valuation`` is the deal's compiled valuation over the schedule's number
    of stages, when the caller has it already (the designer does).

    Action for action (``docs/explanation/self-enforcement.md``) at δ = 1: A steps (cost 1, worth 1.5 to B), B answers with a
    matched step (cost 1, worth 0.8 to A), completion is worth 6 to A and 2 to
    B. Steps (3, 2) are self-enforcing; (4, 2) are not, because B's first
    answer costs 4 and is backed only by 1.5 × 2 − 2 + 2 = 3:

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, Link, party_values
    >>> deal = Deal(
    ...     (Stake("A", completion=6.0), Stake("B", completion=2.0)),
    ...     (Item("a", "A", cost=1.0, value=party_values({"B": 1.5})),
    ...      Item("b", "B", cost=1.0, value=party_values({"A": 0.8}))),
    ...     order=(("A",), ("B",)), links=(Link("a", "b"),))
    >>> def steps(*sizes):
    ...     return Schedule.from_stages(("a", "b"), [{"a": s, "b": s} for s in sizes])
    >>> check(deal, steps(3, 2)).self_enforcing
    True
    >>> check(deal, steps(4, 2)).violated
    ('stage 1: B',)
    """
    schedule = schedule.trimmed()
    X = aligned(deal, schedule)[None]
    if valuation is None or valuation.deal is not deal or valuation.stages != schedule.stages:
        valuation = Valuation(deal, schedule.stages)
    active = valuation.active(X)
    views = valuation.effective(valuation.views, active)
    V = valuation.continuations(X, views)[0]
    moves = [
        (n, p, label) for n, p, label in valuation.moves() if active[p, n // len(valuation.groups)]
    ]
    deviations = Deviations(deal, schedule.stages)
    if deviations.trivial:
        labels = [label for _, _, label in moves]
        slacks = [V[n, p] - valuation.renege(X, p, n, views[p])[0] for n, p, _ in moves]
    else:
        labels, slacks = _deviation_slacks(valuation, deviations, X[0], views, moves)
    truth = valuation.effective(valuation.truth, active)
    values = valuation.continuations(X, np.broadcast_to(truth, (len(deal.parties), *truth.shape)))
    cheating = valuation.cheating
    return Enforcement(
        labels=tuple(labels),
        slacks=tuple(float(s) for s in slacks),
        completion_probability=valuation.completion_probability(active),
        expected_values=tuple(zip(deal.parties, (float(v) for v in values[0, 0]), strict=True)),
        verification=deterrence(
            cheating,
            X[0, :, : valuation.horizon].sum(axis=1),  # what is delivered before any deadline
            valuation.stakes(X)[0, cheating.giver],
        ),
    )


def deterrence(
    cheating: Cheating, totals: FloatArray, stakes: FloatArray
) -> tuple[Deterrence, ...]:
    """Whether covert cheating pays on each cheating-prone item at the end of one schedule.

    ``totals`` are the schedule's item totals, ``stakes`` each cheating-prone item's
    giver's stake (:meth:`Valuation.stakes`). An item delivered at most
    :data:`MOVE_TOLERANCE` gains nothing from cheating, so it is deterred; else
    it is deterred when its slack is not negative beyond the tolerance of
    :func:`violates` (the designer's rows are these slacks).
    """
    if not len(cheating):
        return ()
    delivered = totals[cheating.index] > MOVE_TOLERANCE
    gains = np.where(delivered, cheating.gains(totals), 0.0)
    detection = cheating.detection(totals)
    slacks = cheating.slacks(stakes, gains, detection)
    return tuple(
        Deterrence(
            item=name,
            giver=giver,
            gain=float(g),
            stake=float(f),
            lag=int(lag),
            detection=float(q),
            min_detection=threshold,
            slack=float(slack),
            deterred=not (on and violates(float(slack))),
        )
        for name, giver, g, f, lag, q, threshold, slack, on in zip(
            cheating.names,
            cheating.givers,
            gains,
            stakes,
            cheating.lag,
            detection,
            cheating.thresholds(stakes, gains),
            slacks,
            delivered,
            strict=True,
        )
    )


def _deviation_slacks(
    valuation: Valuation,
    deviations: Deviations,
    amounts: FloatArray,
    views: FloatArray,
    moves: Sequence[tuple[int, int, str]],
) -> tuple[list[str], list[float]]:
    """Every deviation's label and slack at the ``moves`` (``check``, when the deal has
    deviations besides reneging on everything): honouring minus the deviation's value."""
    state = deviations.padded(amounts)
    chosen = [d for n, p, _ in moves for d in deviations.at(n, p, amounts=state.amounts)]
    after = valuation.over(deviations.after)
    values, _ = deviation_values(after, deviations, state, chosen, views)
    V = valuation.continuations(amounts[None], views)[0]
    slacks = [float(V[d.group, d.party] - value) for d, value in zip(chosen, values, strict=True)]
    return [d.label for d in chosen], slacks
