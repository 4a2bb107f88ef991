"""A random baseline: uniform offers among one's rational outcomes, coin-flip acceptance.

Randomness consumption: each proposal draws one ``integers(start, size)`` (a
position in the party's sorted utilities); each response to a rational offer
draws one ``random()`` (acceptance with probability ``p_accept``).
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.protocols import State
from detente.strategies.base import Negotiator
from detente.table import Table


@dataclass(frozen=True, slots=True)
class Uniform:
    """Offer a uniformly random individually rational outcome."""

    def prepare(self, table: Table, party: int, deadline: int) -> Uniform:
        return self

    def propose(self, me: Negotiator, state: State) -> int:
        view = me.view
        return int(view.order[me.generator.integers(view.start, view.size)])

    def next_utility(self, me: Negotiator, state: State) -> float:
        return me.view.floor
