"""Nash-seeking: propose the Nash bargaining solution [Nash1950], accept it or better.

The Nash point maximises the product of the signatories' gains over their
reservation values among outcomes rational for every signatory (complete
information: the party knows everyone's utilities — an oracle opponent model).
Ties go to the lowest outcome index. With no outcome rational for all the
party falls back to its own best outcome. Deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.protocols import State
from detente.strategies.base import Negotiator
from detente.table import Table
from detente.utility import FloatArray


def nash_index(utilities: FloatArray, disagreement: FloatArray) -> int | None:
    """Outcome maximising ``Π_i (u_i - d_i)`` over outcomes with every ``u_i >= d_i``.

    >>> nash_index(np.array([[2.0, 1.0], [6.0, 2.0], [4.0, 5.0], [1.0, 9.0]]), np.zeros(2))
    2
    """
    gains = utilities - disagreement[None, :]
    rational = np.all(np.isfinite(utilities) & (gains >= 0.0), axis=1)
    if not rational.any():
        return None
    product = np.where(rational, np.prod(np.where(rational[:, None], gains, 0.0), axis=1), -1.0)
    return int(np.argmax(product))


@dataclass(frozen=True, slots=True)
class NashPoint:
    """Always offer the Nash point of the signatories."""

    point: int = -1

    def prepare(self, table: Table, party: int, deadline: int) -> NashPoint:
        signatories = list(table.signatories)
        d = np.array([table.views[i].reservation for i in signatories])
        point = nash_index(np.asarray(table.matrix[:, signatories]), d)
        view = table.views[party]
        return NashPoint(view.at_least(view.best) if point is None else point)

    def propose(self, me: Negotiator, state: State) -> int:
        return self.point

    def next_utility(self, me: Negotiator, state: State) -> float:
        return float(me.view.utilities[self.point])
