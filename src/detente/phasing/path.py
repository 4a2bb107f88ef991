"""The equilibrium path of a given schedule: where it breaks, who reneges, what each gets.

The self-enforcement check asks whether every mover prefers honouring
*everything left* to reneging now. A given schedule that fails that check is
not simply "not carried out": each mover compares reneging now with what will
*actually* happen if it honours, which may be a later breakdown. Backward
induction over the moves gives the subgame-perfect plan (who honours, who
reneges, at every move reached with everything before honoured), and the path
is that plan played from the start: completed, or broken at the first move
whose mover reneges. Early stages can pay for themselves through the flows
they start, so partial implementation is an equilibrium outcome
(``docs/explanation/self-enforcement.md``, "Where a given schedule breaks").

Beliefs about the others weigh what each mover looks ahead to: where the plan
has another party honour, the mover's belief that it honours (its compliance
path); where the plan has it renege, the mover's belief that it is committed
and honours all the same (:mod:`detente.phasing.truth`). An empty move (nothing
to deliver) cannot be reneged at all. Ties honour. The schedule is
self-enforcing exactly when its path completes.

A mover chooses among honouring, reneging on everything and withholding one
item (:mod:`detente.phasing.deviations`), each deviation valued one-shot as
the check values it. When the others answer a deviation in proportion and the
deal goes on, the path goes on along the modified schedule: the same backward
induction on what remains (``Path.then``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np

from detente.phasing.deal import Deal
from detente.phasing.deviations import Deviation, Deviations, Modified
from detente.phasing.enforcement import BoolArray, Valuation, deviation_values, violates
from detente.phasing.schedule import Schedule, aligned
from detente.phasing.truth import from_belief
from detente.utility import FloatArray


@dataclass(frozen=True, slots=True)
class Answered:
    """A response carried out after a withholding: ``item`` stops from ``stage`` (counted
    from 1; one past the last stage is after the schedule) and ``share`` of its stock is
    withdrawn then (a snap-back; 0 for a suspension)."""

    item: str
    stage: int
    share: float


@dataclass(frozen=True, slots=True)
class Move:
    """One non-empty move of the plan: the mover's choice and its margin.

    ``slack`` is honouring minus the mover's best deviation (negative: the mover
    deviates); ``stage`` counts from 1. A mover that deviates withholds the one item
    ``withholds``, or everything it gives (``None``); ``goes_on`` says whether the others
    then answer with their declared responses (``answers``) and the deal goes on, rather
    than breaking down.
    """

    stage: int
    party: str
    honours: bool
    slack: float
    withholds: str | None = None
    goes_on: bool = False
    answers: tuple[Answered, ...] = ()

    @property
    def shortfall(self) -> float:
        """How much more honouring would have to be worth for the mover to honour (0 if it does)."""
        return 0.0 if self.honours else -self.slack


@dataclass(frozen=True, slots=True)
class Path:
    """The equilibrium path of a schedule.

    ``moves`` is the plan at every non-empty, checked move in time order (what
    each mover does when everything before it was honoured: what an opportunist
    does). ``values`` is every party's expected present value at the start and
    ``completion_probability`` the chance that every move is honoured, over the
    parties' true types (:mod:`detente.phasing.truth`): a committed party
    honours where the plan has it deviate, every move can be struck by its
    mover's hazard. ``lapses`` is the stage (from 1) from which a deadline of the
    deal's calendar cuts the schedule off, if it does: the deal then ends
    unfinished there, whoever honours.

    ``then`` is set when the deal goes on after the first deviation (every response
    to it proportional): the path of the modified schedule from the next move on, its
    ``values`` and ``completion_probability`` at that point, given that the parties
    that deviated so far are opportunists.
    """

    moves: tuple[Move, ...]
    values: tuple[tuple[str, float], ...]
    completion_probability: float = 1.0
    then: Path | None = None
    lapses: int | None = None

    @property
    def breaks(self) -> Move | None:
        """The first move whose mover does not honour in full, or ``None`` when the path
        completes."""
        return next((move for move in self.moves if not move.honours), None)

    @property
    def completed(self) -> bool:
        """Whether every mover honours along the path and no deadline cuts it (without a
        deadline: whether the schedule is self-enforcing)."""
        return self.breaks is None and self.lapses is None

    def reneges(self, stage: int, party: str) -> bool:
        """Whether the plan has ``party`` deviate at its move in ``stage`` (counted from 1)."""
        return any(m.stage == stage and m.party == party and not m.honours for m in self.moves)

    @property
    def carried_out(self) -> int:
        """The number of stages carried out in full before the break (all of them if none)."""
        broken = self.breaks
        if broken is not None:
            return broken.stage - 1
        if self.lapses is not None:
            return self.lapses - 1
        return max((m.stage for m in self.moves), default=0)

    @property
    def ends(self) -> Move | None:
        """The move at which the deal breaks down along the path (``None``: it is carried to
        the end, in full or as modified by proportional responses)."""
        if self.then is not None:
            return self.then.ends
        return self.breaks


def equilibrium_path(deal: Deal, schedule: Schedule, valuation: Valuation | None = None) -> Path:
    """The subgame-perfect path of ``schedule`` (one backward pass over the moves).

    A steps, B answers, twice; B's second answer costs more than the future
    gives it back, so B reneges there, and A still takes both steps:

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> deal = Deal((Stake("A", 0.9), Stake("B", 0.9)),
    ...             (Item("a", "A", cost=0.2, flow=party_values({"B": 0.1}), reversibility=1),
    ...              Item("b1", "B", cost=0.1, flow=party_values({"A": 0.2}), reversibility=1),
    ...              Item("b2", "B", cost=4.0, flow=party_values({"A": 0.2}), reversibility=1)),
    ...             order=(("B",), ("A",)))
    >>> path = equilibrium_path(deal, Schedule.from_stages(("a", "b1", "b2"),
    ...                         [{"a": 1, "b1": 1}, {"a": 1, "b2": 1}]))
    >>> path.breaks.stage, path.breaks.party, path.carried_out
    (2, 'B', 1)

    Trailing empty stages are dropped first: "K stages" means at most K.
    """
    return equilibrium_game(deal, schedule, valuation).path()


def equilibrium_game(deal: Deal, schedule: Schedule, valuation: Valuation | None = None) -> Game:
    """The plans of ``schedule`` and of the schedules its deviations leave (what
    :func:`equilibrium_path` reports and :mod:`detente.phasing.simulation` plays)."""
    schedule = schedule.trimmed()
    X = aligned(deal, schedule)[None]
    if valuation is None or valuation.deal is not deal or valuation.stages != schedule.stages:
        valuation = Valuation(deal, schedule.stages)
    return Game(valuation, X)


class Game:
    """The backward inductions of a schedule (``root``) and, lazily, of every schedule a
    proportional response to a deviation leaves (:meth:`Node.child`)."""

    def __init__(self, valuation: Valuation, X: FloatArray) -> None:
        self.valuation = valuation
        self.moves = Deviations(valuation.deal, valuation.stages)
        self.trivial = self.moves.trivial
        """Deviations are those of the original model: reneging on everything ends the deal."""
        self.after = valuation if self.trivial else valuation.over(self.moves.after)
        self.committed = _committed(valuation)
        """``[truster, trustee, stage]``: each truster's belief that the trustee is committed."""
        self.root = Node(self, self.moves.padded(X[0]), 0, valuation, X, None)

    def path(self) -> Path:
        """The path from the start (:func:`equilibrium_path`)."""
        return self.root.path(frozenset())


class Node:
    """The plan of one schedule (the given one, or one a deviation left) from move group
    ``start`` on: at every non-empty, checked move the mover's slack and its deviation
    (``None``: it honours)."""

    def __init__(
        self,
        game: Game,
        state: Modified,
        start: int,
        valuation: Valuation,
        X: FloatArray,
        post: FloatArray | None,
    ) -> None:
        self.game, self.state, self.start = game, state, start
        self.v, self.X, self.post = valuation, X, post
        self.active = valuation.active(X)
        self.beliefs = valuation.effective(valuation.views, self.active)
        self.outside = valuation.effective(valuation.truth, self.active)
        """``[party, stage]``: the chance a move its type honours is honoured (the hazard)."""
        self.views = self.beliefs.copy()
        """``[truster, trustee, stage]``: beliefs; where the plan has the trustee renege, the
        truster's belief that it is committed (and honours all the same)."""
        self.checked = valuation.checked_groups
        self.committed = game.committed
        """``[truster, trustee, stage]``: beliefs that the trustee is committed, struck by the
        calendar's dated events at this schedule's moves (a committed party honours, unless
        struck)."""
        if valuation.deal.calendar is not None:
            self.committed = self.committed * valuation.strikes(self.active)[None]
        self.plan: dict[tuple[int, int], tuple[float, Deviation | None]] = {}
        """``(group, party)`` → the slack of every non-empty checked move and the mover's
        deviation there (``None``: it honours)."""
        self.children: dict[tuple[int, frozenset[Deviation]], Node] = {}
        self._truth: dict[frozenset[int], FloatArray] = {}
        self.options = {} if game.trivial else self._options()
        self._induct()

    # --- the backward induction ---------------------------------------------------------------

    def _options(self) -> dict[tuple[int, int], list[tuple[Deviation, float, FloatArray]]]:
        """Every deviation at every non-empty checked move from ``start`` on, with its value
        to the mover and what every party looks ahead to (one-shot, as the check values it)."""
        moves, G = self.game.moves, len(self.v.groups)
        found = [
            d
            for n in range(self.start, self.checked)
            for p in self.v.groups[n % G]
            if self.active[p, n // G]
            for d in moves.at(n, p, self.state.cancelled, self.state.amounts)
        ]
        values, ahead = deviation_values(self.game.after, moves, self.state, found, self.beliefs)
        options: dict[tuple[int, int], list[tuple[Deviation, float, FloatArray]]] = {}
        for k, d in enumerate(found):
            options.setdefault((d.group, d.party), []).append((d, float(values[k]), ahead[k]))
        return options

    def _induct(self) -> None:
        v, X = self.v, self.X
        V = v.end_value(X, self.post)  # each party under its own beliefs, the plan after it
        for n in range(v.n_groups - 1, self.start - 1, -1):
            go_on = v.go_on(X, n, V)
            value = v.expect(X, n, self.views, go_on)  # each mover's own move honoured
            if self.game.trivial:
                if self._renege(n, value):
                    value = v.expect(X, n, self.views, go_on)
            else:
                planned = self._decide(n, value)
                if planned:
                    value = self._ahead(n, go_on, planned)
            V = value

    def _movers(self, n: int) -> list[int]:
        t, g = divmod(n, len(self.v.groups))
        return [p for p in self.v.groups[g] if self.active[p, t] and n < self.checked]

    def _renege(self, n: int, honoured: FloatArray) -> bool:
        """The movers' choices in group ``n`` when reneging on everything is the only
        deviation, each a best response to the plan after the group; simultaneous movers
        each take the others to honour as believed (as the check does), so a schedule's path
        completes exactly when it is self-enforcing.

        ``honoured[0, p]`` is ``p``'s value of the group under its own beliefs, its own move
        honoured: its value of honouring. Returns whether some mover reneges.
        """
        t = n // len(self.v.groups)
        slacks = {
            p: float(honoured[0, p] - self.v.renege(self.X, p, n, self.views[p])[0])
            for p in self._movers(n)
        }
        reneged = False
        for p, slack in slacks.items():
            renege = self.game.moves.at(n, p)[0] if violates(slack) else None
            self.plan[(n, p)] = (slack, renege)
            if renege is not None:
                self.views[:, p, t] = self.committed[:, p, t]
                reneged = True
        return reneged

    def _decide(self, n: int, honoured: FloatArray) -> dict[int, tuple[Deviation, FloatArray]]:
        """Each mover's best choice in group ``n`` among honouring and its deviations (the
        first of the best deviations; ties honour). Returns the deviating movers' deviations
        with what every party looks ahead to after each."""
        planned: dict[int, tuple[Deviation, FloatArray]] = {}
        for p in self._movers(n):
            options = self.options.get((n, p), [])
            if not options:
                continue  # nothing it gives is left to withhold
            slacks = [float(honoured[0, p]) - value for _, value, _ in options]
            k = int(np.argmin(slacks))
            deviation, _, ahead = options[k]
            chosen = deviation if violates(slacks[k]) else None
            self.plan[(n, p)] = (slacks[k], chosen)
            if chosen is not None:
                planned[p] = (chosen, ahead)
        return planned

    def _ahead(
        self, n: int, go_on: FloatArray, planned: dict[int, tuple[Deviation, FloatArray]]
    ) -> FloatArray:
        """Every party's value of group ``n`` under the plan, by its own beliefs: a member the
        plan has deviate honours with the belief that it is committed, else deviates; the
        others honour as believed, else fail (a breakdown)."""
        t = n // len(self.v.groups)
        members = []
        for q in self.v.groups[n % len(self.v.groups)]:
            honour = self.views[:, q, t]
            if q in planned:
                committed = self.committed[:, q, t]
                members.append(_Member(planned[q][0], committed, 0.0 * committed, 1 - committed))
            else:
                members.append(_Member(None, honour, 1 - honour, 0.0 * honour))
        return self._outcomes(n, go_on, members, lambda devs: self._believed(n, planned, devs))

    def _believed(
        self, n: int, planned: dict[int, tuple[Deviation, FloatArray]], devs: Sequence[Deviation]
    ) -> FloatArray:
        """``[1, party]``: the group with ``devs`` made (none ending), the modified schedule
        then carried out as believed."""
        if len(devs) == 1:
            return planned[devs[0].party][1][None]
        state = self.game.moves.apply(self.state, devs)
        after = self.game.after
        X = state.amounts[None]
        V = after.continuations(X, self.beliefs, state.post[None])
        return after.go_on(X, n, V[:, n + 1])

    def _outcomes(
        self,
        n: int,
        go_on: FloatArray,
        members: Sequence[_Member],
        going: Callable[[Sequence[Deviation]], FloatArray],
    ) -> FloatArray:
        """``[1, party]``: the expected value of group ``n`` over its members' outcomes, each
        honouring, failing (the deal breaks down) or making its deviation with the
        probabilities (per party weighing them) ``members`` give. ``going(devs)`` is the
        value when the deviations made go on."""
        value = np.zeros_like(go_on)
        for outcome in product(range(3), repeat=len(members)):
            chance = np.ones(go_on.shape[1])
            for member, k in zip(members, outcome, strict=True):
                chance = chance * member.chances[k]
            if not chance.any():
                continue
            failed = frozenset(
                q
                for q, member, k in zip(
                    self.v.groups[n % len(self.v.groups)], members, outcome, strict=True
                )
                if k == 1
            )
            devs = [
                m.deviation for m, k in zip(members, outcome, strict=True) if k == 2 and m.deviation
            ]
            if failed or any(d.ends for d in devs):
                X = self.game.moves.masked(self.X, devs) if devs else self.X
                part = self.v.breakdowns(X, n, failed)
            else:
                part = going(devs) if devs else go_on
            value += chance * part
        return value

    # --- what follows a deviation ------------------------------------------------------------

    def child(self, n: int, devs: Sequence[Deviation]) -> Node:
        """The plan of the schedule ``devs`` (made in group ``n``, none ending) leave, from
        the next move group on."""
        key = (n, frozenset(devs))
        if key not in self.children:
            state = self.game.moves.apply(self.state, devs)
            after = self.game.after
            self.children[key] = Node(
                self.game, state, n + 1, after, state.amounts[None], state.post[None]
            )
        return self.children[key]

    def deviation(self, n: int, p: int) -> Deviation | None:
        """What the plan has ``p`` do at its move in group ``n`` (``None``: honour)."""
        entry = self.plan.get((n, p))
        return None if entry is None else entry[1]

    def first(self, honest: frozenset[int] = frozenset()) -> tuple[int, list[Deviation]] | None:
        """The first move group at which the plan has a party not in ``honest`` deviate, with
        those deviations."""
        found = sorted((n, p) for (n, p), (_, d) in self.plan.items() if d and p not in honest)
        if not found:
            return None
        n = found[0][0]
        return n, [
            d for (m, p), (_, d) in sorted(self.plan.items()) if m == n and d and p not in honest
        ]

    # --- over the true types ---------------------------------------------------------------

    def truth(self, committed: frozenset[int]) -> FloatArray:
        """``[party]``: every party's value from ``start`` on (at its stage) when the parties
        in ``committed`` honour every move and the others follow the plans, every move
        struck by its mover's hazard."""
        if committed in self._truth:
            return self._truth[committed]
        v, X = self.v, self.X
        parties = len(v.deal.parties)
        views = np.broadcast_to(self.outside, (parties, *self.outside.shape))
        first = self.first(committed)
        if first is None:
            V, top = v.end_value(X, self.post), v.n_groups
        else:
            top, devs = first
            t = top // len(v.groups)
            members = []
            for q in v.groups[top % len(v.groups)]:
                h = np.full(parties, 1.0 - self.outside[q, t])
                mine = next((d for d in devs if d.party == q), None)
                if mine is None:
                    members.append(_Member(None, 1 - h, h, 0.0 * h))
                else:
                    members.append(_Member(mine, 0.0 * h, h, 1 - h))
            V = self._outcomes(top, np.zeros((1, parties)), members, self._truly(top, committed))
        for n in range(top - 1, self.start - 1, -1):
            V = v.expect(X, n, views, v.go_on(X, n, V))
        value: FloatArray = V[0]
        self._truth[committed] = value
        return value

    def _truly(
        self, n: int, committed: frozenset[int]
    ) -> Callable[[Sequence[Deviation]], FloatArray]:
        def going(devs: Sequence[Deviation]) -> FloatArray:
            child = self.child(n, devs)
            return child.v.go_on(child.X, n, child.truth(committed)[None])

        return going

    def over_types(self, opportunists: frozenset[int]) -> tuple[list[float], float]:
        """Every party's value from ``start`` on and the probability the schedule is carried
        out from there with nobody deviating, over the true types (the ``opportunists`` known
        to be such)."""
        v = self.v
        movers = sorted({p for group in v.groups for p in group} - opportunists)
        values = np.zeros(len(v.deal.parties))
        completion = 0.0
        hazards = float(np.prod(self.outside[self.active & self._ahead_of_start()]))
        for committed, chance in _profiles(movers, v):
            values += chance * self.truth(committed)
            if self.first(committed) is None and not v.lapses:
                completion += chance * hazards
        return [float(x) for x in values], completion

    def _ahead_of_start(self) -> BoolArray:
        """``[party, stage]``: the moves at or after move group ``start``."""
        G = len(self.v.groups)
        group = np.zeros(self.active.shape, dtype=np.int64)
        for g, members in enumerate(self.v.groups):
            group[list(members)] = g
        return np.arange(self.v.stages)[None] * G + group >= self.start

    def path(self, opportunists: frozenset[int]) -> Path:
        """The path from ``start`` (its moves, values, and what follows its first deviation
        when the deal goes on), the ``opportunists`` known to be such."""
        v, G = self.v, len(self.v.groups)
        parties = v.deal.parties
        names = self.game.moves.original.item_names
        lapses = v.horizon + 1 if v.lapses else None
        moves = tuple(
            _move(n // G + 1, parties[p], slack, d, self.game.moves, names)
            for (n, p), (slack, d) in sorted(self.plan.items())
        )
        if self.game.trivial:
            values, completion = self._over_types()
            return Path(moves, tuple(zip(parties, values, strict=True)), completion, None, lapses)
        values, completion = self.over_types(opportunists)
        then = None
        first = self.first()
        if first is not None and not any(d.ends for d in first[1]):
            n, devs = first
            then = self.child(n, devs).path(opportunists | {d.party for d in devs})
        return Path(moves, tuple(zip(parties, values, strict=True)), completion, then, lapses)

    def _over_types(self) -> tuple[list[float], float]:
        """Every party's value and the completion probability, over the true types of the
        parties the plan has renege (each committed with its probability, independently),
        when reneging on everything is the only deviation."""
        v, parties = self.v, self.v.deal.parties
        renegers = sorted({p for (_, p), (_, d) in self.plan.items() if d is not None})
        values = np.zeros(len(parties))
        completion = 0.0
        hazards = float(np.prod(self.outside[self.active]))
        for committed, chance in _profiles(renegers, v):
            truth = self.outside.copy()
            for (n, p), (_, d) in self.plan.items():
                if d is not None and p not in committed:
                    truth[p, n // len(v.groups)] = 0.0
            views = np.broadcast_to(truth, (len(parties), *truth.shape))
            values += chance * v.continuations(self.X, views)[0, 0]
            if len(committed) == len(renegers) and not v.lapses:
                completion = chance * hazards
        return [float(x) for x in values], completion


def _profiles(
    parties: Sequence[int], valuation: Valuation
) -> Iterator[tuple[frozenset[int], float]]:
    """Every set of committed ``parties`` (the others opportunists) with its probability over
    their true types, independently; impossible sets left out."""
    for mask in range(2 ** len(parties)):
        committed = frozenset(p for k, p in enumerate(parties) if mask >> k & 1)
        chance = 1.0
        for p in parties:
            share = valuation.types[p].committed
            chance *= share if p in committed else 1.0 - share
        if chance != 0.0:
            yield committed, chance


@dataclass(frozen=True, slots=True)
class _Member:
    """A member of a move group: its deviation, and the chances (per party weighing them)
    that it honours, fails or makes that deviation."""

    deviation: Deviation | None
    honours: FloatArray
    fails: FloatArray
    deviates: FloatArray

    @property
    def chances(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        return self.honours, self.fails, self.deviates


def _move(
    stage: int,
    party: str,
    slack: float,
    deviation: Deviation | None,
    moves: Deviations,
    names: Sequence[str],
) -> Move:
    if deviation is None:
        return Move(stage, party, True, slack)
    withholds = None if deviation.item is None else names[deviation.item]
    if deviation.ends:
        return Move(stage, party, False, slack, withholds)
    answers = tuple(
        Answered(names[a.item], a.stage + 1, a.share) for a in moves.answers_to([deviation])
    )
    return Move(stage, party, False, slack, withholds, True, answers)


def _committed(valuation: Valuation) -> FloatArray:
    """``[truster, trustee, stage]``: each truster's belief that the trustee is committed
    (:func:`~detente.phasing.truth.from_belief`); a party knows its own plan (0)."""
    deal, parties = valuation.deal, valuation.deal.parties
    committed = np.zeros((len(parties), len(parties), valuation.stages))
    for i, truster in enumerate(parties):
        for q, trustee in enumerate(parties):
            if i != q and (truster, trustee) in deal.trust.beliefs:
                committed[i, q] = from_belief(deal.trust.model(truster, trustee)).committed
    return committed
