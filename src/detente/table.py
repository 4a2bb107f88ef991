"""The negotiating table: what every session of a scenario shares, computed once.

A :class:`Table` holds the utility matrix ``U[outcome, party]`` as negotiators see
it (a party whose negotiator anticipates ratification sees every outcome its
factions would refuse as unacceptable, :func:`detente.twolevel.negotiating_matrix`;
``ratified`` keeps each party's ratification verdicts) and, for each
party, a :class:`PartyView`: its utilities sorted ascending (ties by ascending
outcome index) with the matching outcome order, its reservation value and the
range of utilities it may ever offer or accept. Strategies choose offers by
binary search in these arrays, never by scanning the outcome space, and a
batch engine can share the same arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.outcomes import ENUMERATION_LIMIT
from detente.ratification import BoolArray
from detente.scenario import Scenario
from detente.twolevel import has_factions, negotiating_matrix, ratified_matrix
from detente.utility import FloatArray

IntArray = NDArray[np.int64]

TOLERANCE = 1e-9
"""Relative tolerance for utility comparisons: ``a >= b`` is ``a >= b - TOLERANCE·scale``."""


def _ascending_order(utilities: FloatArray) -> IntArray:
    """Indices by ascending utility, ties by ascending index (a stable sort, done fast).

    >>> _ascending_order(np.array([2.0, 1.0, 2.0, 0.0])).tolist()
    [3, 1, 0, 2]
    """
    order = np.argsort(utilities, kind="quicksort")
    ranked = utilities[order]
    if np.any(ranked[1:] == ranked[:-1]):
        order = np.argsort(utilities, kind="stable")
    return order.astype(np.int64, copy=False)


@dataclass(frozen=True, slots=True)
class PartyView:
    """One party's precomputed preferences.

    ``order`` lists outcome indices by ascending utility (ties by ascending
    index) and ``ascending`` their utilities; ``start`` is the first position in
    that order whose utility is at least ``floor = max(reservation, lowest finite
    utility)``, so positions ``start..size-1`` are exactly the outcomes the
    party may offer (finite and individually rational). ``rational`` is false
    when there is none. ``scale`` is the width of the rational range (at least
    1e-12) used for tolerances.

    >>> import numpy as np
    >>> view = PartyView.of(0, "a", np.array([3.0, -np.inf, 1.0, 3.0]), reservation=2.0)
    >>> view.order.tolist(), view.start, view.floor, view.best
    ([1, 2, 0, 3], 2, 2.0, 3.0)
    """

    index: int
    id: str
    reservation: float
    floor: float
    best: float
    start: int
    rational: bool
    scale: float
    utilities: FloatArray = field(compare=False, repr=False)
    order: IntArray = field(compare=False, repr=False)
    ascending: FloatArray = field(compare=False, repr=False)

    @classmethod
    def of(cls, index: int, party_id: str, utilities: FloatArray, reservation: float) -> PartyView:
        """Precompute the view of party ``index`` from its utility of every outcome."""
        utilities = np.ascontiguousarray(utilities, dtype=np.float64)
        utilities.flags.writeable = False
        order = _ascending_order(utilities)
        ascending = utilities[order]
        finite = ascending[np.isfinite(ascending)]
        best = float(finite[-1]) if finite.size else -np.inf
        floor = max(float(reservation), float(finite[0])) if finite.size else float(reservation)
        start = int(np.searchsorted(ascending, floor, side="left"))
        rational = bool(finite.size) and best >= floor
        for array in (order, ascending):
            array.flags.writeable = False
        return cls(
            index=index,
            id=party_id,
            reservation=float(reservation),
            floor=floor,
            best=best,
            start=start if rational else len(ascending),
            rational=rational,
            scale=max(best - floor, 1e-12) if rational else 1.0,
            utilities=utilities,
            order=order,
            ascending=ascending,
        )

    @property
    def size(self) -> int:
        """Number of outcomes."""
        return len(self.order)

    def at_least(self, target: float) -> int:
        """The outcome of lowest utility ``>= target`` (lowest index among ties), by search.

        Targets above ``best`` give the best outcome; the caller ensures the
        party is rational. Utilities within the tolerance of ``target`` count.
        """
        return int(self.order[self.position_at_least(target)])

    def position_at_least(self, target: float) -> int:
        """Position in ``order`` of :meth:`at_least`'s outcome."""
        position = int(self.ascending.searchsorted(target - TOLERANCE * self.scale))
        return min(max(position, self.start), len(self.order) - 1)

    def acceptable(self, utility: float) -> bool:
        """Whether an outcome of this utility is finite-valued and individually rational."""
        return utility > -math.inf and utility >= self.reservation


@dataclass(frozen=True, slots=True)
class Table:
    """A scenario with everything strategies precompute, shared by all its sessions."""

    scenario: Scenario
    views: tuple[PartyView, ...]
    signatories: tuple[int, ...]
    matrix: FloatArray = field(compare=False, repr=False)
    ratified: BoolArray | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, scenario: Scenario, limit: int = ENUMERATION_LIMIT) -> Table:
        """Build the table of ``scenario`` (enumerates the outcome space up to ``limit``).

        >>> from detente.outcomes import Issue, OutcomeSpace
        >>> from detente.parties import Party
        >>> from detente.utility import LinearAdditive
        >>> space = OutcomeSpace((Issue.integer("x", 0, 2),))
        >>> a = Party("a", LinearAdditive((1.0,), ((0, 1, 2),)))
        >>> b = Party("b", LinearAdditive((1.0,), ((2, 1, 0),)))
        >>> Table.of(Scenario("toy", space, (a, b))).views[1].order.tolist()
        [2, 1, 0]
        """
        matrix = scenario.utility_matrix(limit)
        ratified = ratified_matrix(scenario, limit) if has_factions(scenario) else None
        if ratified is not None:
            matrix = negotiating_matrix(scenario, matrix, ratified)
        matrix.flags.writeable = False
        views = tuple(
            PartyView.of(i, p.id, matrix[:, i], p.reservation)
            for i, p in enumerate(scenario.parties)
        )
        signatories = tuple(i for i, p in enumerate(scenario.parties) if p.signatory)
        return cls(scenario, views, signatories, matrix, ratified)

    @property
    def size(self) -> int:
        """Number of outcomes."""
        return int(self.matrix.shape[0])

    @property
    def discounts(self) -> tuple[float, ...]:
        """Each party's discount factor per round."""
        return tuple(p.discount for p in self.scenario.parties)
