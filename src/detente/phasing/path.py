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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.phasing.deal import Deal
from detente.phasing.enforcement import Valuation, violates
from detente.phasing.schedule import Schedule, aligned
from detente.phasing.truth import from_belief
from detente.utility import FloatArray


@dataclass(frozen=True, slots=True)
class Move:
    """One non-empty move of the plan: the mover's choice and its margin.

    ``slack`` is honouring minus reneging at the move (negative: the mover
    reneges); ``stage`` counts from 1.
    """

    stage: int
    party: str
    honours: bool
    slack: float

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
    honours where the plan has it renege, every move can be struck by its
    mover's hazard. ``lapses`` is the stage (from 1) from which a deadline of the
    deal's calendar cuts the schedule off, if it does: the deal then ends
    unfinished there, whoever honours.
    """

    moves: tuple[Move, ...]
    values: tuple[tuple[str, float], ...]
    completion_probability: float = 1.0
    lapses: int | None = None

    @property
    def breaks(self) -> Move | None:
        """The first move whose mover reneges, or ``None`` when the path completes."""
        return next((move for move in self.moves if not move.honours), None)

    @property
    def completed(self) -> bool:
        """Whether every mover honours along the path and no deadline cuts it (without a
        deadline: whether the schedule is self-enforcing)."""
        return self.breaks is None and self.lapses is None

    def reneges(self, stage: int, party: str) -> bool:
        """Whether the plan has ``party`` renege at its move in ``stage`` (counted from 1)."""
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
    schedule = schedule.trimmed()
    X = aligned(deal, schedule)[None]
    if valuation is None or valuation.deal is not deal or valuation.stages != schedule.stages:
        valuation = Valuation(deal, schedule.stages)
    return _Induction(valuation, X).path()


class _Induction:
    """Backward induction over the move groups of one schedule."""

    def __init__(self, valuation: Valuation, X: FloatArray) -> None:
        self.v, self.X = valuation, X
        self.active = valuation.active(X)
        self.beliefs = valuation.effective(valuation.views, self.active)
        self.outside = valuation.effective(valuation.truth, self.active)
        """``[party, stage]``: the chance a move its type honours is honoured (the hazard)."""
        self.committed = self._committed()
        self.views = self.beliefs.copy()
        """``[truster, trustee, stage]``: beliefs; where the plan has the trustee renege, the
        truster's belief that it is committed (and honours all the same)."""
        self.checked = valuation.checked_groups
        self.plan: dict[tuple[int, int], float] = {}
        """``(group, party)`` → the slack of every non-empty checked move."""

    def path(self) -> Path:
        v, X = self.v, self.X
        parties = v.deal.parties
        V = v.end_value(X)  # each party under its own beliefs, the plan after it
        for n in range(v.n_groups - 1, -1, -1):
            go_on = v.go_on(X, n, V)
            value = v.expect(X, n, self.views, go_on)  # each mover's own move honoured
            if self._decide(n, value):
                value = v.expect(X, n, self.views, go_on)
            V = value
        G = len(v.groups)
        moves = tuple(
            Move(n // G + 1, parties[p], not violates(slack), slack)
            for (n, p), slack in sorted(self.plan.items())
        )
        values, completion = self._over_types()
        lapses = v.horizon + 1 if v.lapses else None
        return Path(moves, tuple(zip(parties, values, strict=True)), completion, lapses)

    def _over_types(self) -> tuple[list[float], float]:
        """Every party's value and the completion probability, over the true types of the
        parties the plan has renege (each committed with its probability, independently)."""
        v, parties = self.v, self.v.deal.parties
        renegers = sorted({p for (_, p), slack in self.plan.items() if violates(slack)})
        values = np.zeros(len(parties))
        completion = 0.0
        hazards = float(np.prod(self.outside[self.active]))
        for mask in range(2 ** len(renegers)):
            committed = {p for k, p in enumerate(renegers) if mask >> k & 1}
            chance = 1.0
            for p in renegers:
                share = v.types[p].committed
                chance *= share if p in committed else 1.0 - share
            if chance == 0.0:
                continue
            truth = self.outside.copy()
            for (n, p), slack in self.plan.items():
                if violates(slack) and p not in committed:
                    truth[p, n // len(v.groups)] = 0.0
            views = np.broadcast_to(truth, (len(parties), *truth.shape))
            values += chance * v.continuations(self.X, views)[0, 0]
            if len(committed) == len(renegers) and not v.lapses:
                completion = chance * hazards
        return [float(x) for x in values], completion

    def _committed(self) -> FloatArray:
        """``[truster, trustee, stage]``: each truster's belief that the trustee is committed
        (:func:`~detente.phasing.truth.from_belief`) and struck by no dated event; a party
        knows its own plan (0)."""
        deal, parties = self.v.deal, self.v.deal.parties
        committed = np.zeros_like(self.beliefs)
        for i, truster in enumerate(parties):
            for q, trustee in enumerate(parties):
                if i != q and (truster, trustee) in deal.trust.beliefs:
                    committed[i, q] = from_belief(deal.trust.model(truster, trustee)).committed
        return committed * self.v.strikes(self.active)[None] if self.v.deal.calendar else committed

    def _decide(self, n: int, honoured: FloatArray) -> bool:
        """The movers' choices in group ``n``, each a best response to the plan after the
        group; simultaneous movers each take the others to honour as believed (as the check
        does), so a schedule's path completes exactly when it is self-enforcing.

        ``honoured[0, p]`` is ``p``'s value of the group under its own beliefs, its own move
        honoured: its value of honouring. Returns whether some mover reneges.
        """
        t, g = divmod(n, len(self.v.groups))
        movers = [p for p in self.v.groups[g] if self.active[p, t] and n < self.checked]
        slacks = {
            p: float(honoured[0, p] - self.v.renege(self.X, p, n, self.views[p])[0]) for p in movers
        }
        reneged = False
        for p, slack in slacks.items():
            self.plan[(n, p)] = slack
            if violates(slack):
                self.views[:, p, t] = self.committed[:, p, t]
                reneged = True
        return reneged
