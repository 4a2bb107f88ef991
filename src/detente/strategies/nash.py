"""Nash-seeking: propose the Nash bargaining solution [Nash1950], accept it or better.

The Nash point is :func:`detente.solutions.nash` over the signatories' utilities
with their reservation values as the disagreement point (complete
information: the party knows everyone's utilities — an oracle opponent model);
among tied optima it is the solution's reported ``index``. With no outcome
rational for every signatory the party falls back to its own best outcome.
Deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.protocols import State
from detente.solutions import Solution, nash
from detente.strategies.acceptance import Accept, load_acceptance
from detente.strategies.base import Composite, Negotiator, StrategySpec, spec_string
from detente.strategies.registry import STRATEGIES
from detente.table import Table


@dataclass(frozen=True, slots=True)
class NashPoint:
    """Always offer the Nash point of the signatories."""

    point: int = -1

    def prepare(self, table: Table, party: int, deadline: int) -> NashPoint:
        signatories = list(table.signatories)
        d = np.array([table.views[i].reservation for i in signatories])
        solution = nash(np.asarray(table.matrix[:, signatories]), d)
        view = table.views[party]
        if isinstance(solution, Solution):
            return NashPoint(solution.index)
        return NashPoint(view.at_least(view.best))

    def propose(self, me: Negotiator, state: State) -> int:
        return self.point

    def next_utility(self, me: Negotiator, state: State) -> float:
        return float(me.view.utilities[self.point])


def nash_seeking(accept: Accept = "next") -> StrategySpec:
    """The Nash point composed with acceptance policies ``accept``."""
    return Composite(spec_string("nash", accept=accept), NashPoint(), load_acceptance(accept))


STRATEGIES.declare(
    "nash",
    nash_seeking,
    "propose the Nash bargaining solution, accept it or better [Nash1950]",
    vectorisable=True,
)
