"""A random baseline: uniform offers among one's rational outcomes, coin-flip acceptance.

Randomness consumption: each proposal draws one ``random()`` ``u`` and offers
position ``start + min(floor(u·n), n - 1)`` of the party's sorted utilities
(``n = size - start`` rational outcomes); each response to a rational offer
draws one ``random()`` (acceptance with probability ``p_accept``). Every draw
is one ``random()`` double (one 64-bit output of the party's PCG64 stream), so
the batch engine can compute the same draws for many sessions at once
(:mod:`detente.batch.streams`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from detente.protocols import State
from detente.registry import UNIT
from detente.strategies.acceptance import AcceptWithProbability
from detente.strategies.base import Composite, Negotiator, StrategySpec, spec_string
from detente.strategies.registry import STRATEGIES
from detente.table import Table


@dataclass(frozen=True, slots=True)
class Uniform:
    """Offer a uniformly random individually rational outcome."""

    def prepare(self, table: Table, party: int, deadline: int) -> Uniform:
        return self

    def propose(self, me: Negotiator, state: State) -> int:
        view = me.view
        n = view.size - view.start
        return int(view.order[view.start + min(int(me.generator.random() * n), n - 1)])

    def next_utility(self, me: Negotiator, state: State) -> float:
        return me.view.floor


def uniform(
    p_accept: Annotated[float, UNIT, "probability of accepting a rational offer"] = 0.5,
) -> StrategySpec:
    """Uniform offers, accepting a rational offer with probability ``p_accept``."""
    spec = spec_string("random", p_accept=p_accept)
    return Composite(spec, Uniform(), AcceptWithProbability(p_accept))


STRATEGIES.declare(
    "random",
    uniform,
    "uniformly random rational offers, accept with probability p_accept",
    stochastic=True,
    vectorisable=True,
)
