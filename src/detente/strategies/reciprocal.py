"""Reciprocal concession: tit for tat in utility [Faratin1998] [Baarslag2011].

The party concedes, in its own utility, as much as the opponent's offers have
improved for it since the opponent's first offer, times ``reciprocity``:
aspiration = ``best - reciprocity · max(0, u(opponent's latest) - u(opponent's
first))``, clipped to the floor. It measures the opponent's concession in its
own utility, so it needs no opponent model. Bilateral only (one opponent).
Deterministic. Two tit-for-tat players never move first, so they time out
unless one opens below its best.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from detente.protocols import State
from detente.registry import NON_NEGATIVE
from detente.strategies.acceptance import Accept, load_acceptance
from detente.strategies.base import Composite, Negotiator, StrategySpec, spec_string
from detente.strategies.registry import STRATEGIES
from detente.table import Table


@dataclass(frozen=True, slots=True)
class Reciprocal:
    """Offer at an aspiration lowered by the opponent's observed concession."""

    reciprocity: float = 1.0
    opponent: int = -1

    def prepare(self, table: Table, party: int, deadline: int) -> Reciprocal:
        others = [i for i in table.signatories if i != party]
        return Reciprocal(self.reciprocity, others[0] if len(others) == 1 else -1)

    def _target(self, me: Negotiator, state: State) -> float:
        view = me.view
        first, last = state.first_offers[self.opponent], state.last_offers[self.opponent]
        if first < 0:
            return view.best
        gained = float(view.utilities[last]) - float(view.utilities[first])
        return max(view.best - self.reciprocity * max(gained, 0.0), view.floor)

    def propose(self, me: Negotiator, state: State) -> int:
        return me.view.at_least(self._target(me, state))

    def next_utility(self, me: Negotiator, state: State) -> float:
        return float(me.view.utilities[self.propose(me, state)])


def tit_for_tat(
    reciprocity: Annotated[float, NON_NEGATIVE, "own concession per unit of the opponent's"] = 1.0,
    accept: Accept = "next",
) -> StrategySpec:
    """Reciprocal concession composed with acceptance policies ``accept``."""
    spec = spec_string("tit-for-tat", reciprocity=reciprocity, accept=accept)
    return Composite(spec, Reciprocal(reciprocity), load_acceptance(accept))


STRATEGIES.declare(
    "tit-for-tat",
    tit_for_tat,
    "reciprocal concession: concede as much as the opponent did [Faratin1998]",
    bilateral_only=True,
    vectorisable=True,
)
