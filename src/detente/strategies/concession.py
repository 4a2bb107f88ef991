"""Time-based concession [Faratin1998]: aspiration falls from one's best to one's floor.

The aspiration at relative time ``t`` is ``floor + (best - floor) · (1 - t^e)``:
``e > 1`` concedes late (Boulware), ``e = 1`` linearly, ``e < 1`` early
(Conceder). The offer is the outcome of lowest own utility at or above the
aspiration (lowest outcome index among equal utilities), found by binary
search in the party's sorted utilities. Deterministic: consumes no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.protocols import State
from detente.strategies.base import Negotiator
from detente.table import Table


def aspiration(best: float, floor: float, time: float, exponent: float) -> float:
    """The aspiration level at relative time ``time``.

    >>> aspiration(1.0, 0.0, 0.5, 1.0), aspiration(1.0, 0.0, 0.5, 4.0)
    (0.5, 0.9375)
    """
    return floor + (best - floor) * (1.0 - time**exponent)


@dataclass(frozen=True, slots=True)
class Aspiration:
    """Offer at the aspiration level of the current round's time."""

    exponent: float = 1.0

    def prepare(self, table: Table, party: int) -> Aspiration:
        return self

    def _utility_at(self, me: Negotiator, time: float) -> float:
        view = me.view
        return float(view.utilities[view.at_least(aspiration(view.best, view.floor, time, self.exponent))])

    def propose(self, me: Negotiator, state: State) -> int:
        view = me.view
        return view.at_least(aspiration(view.best, view.floor, state.time, self.exponent))

    def next_utility(self, me: Negotiator, state: State) -> float:
        return self._utility_at(me, state.time_at(state.round + 1))
