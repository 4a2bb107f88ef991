"""Utility functions over an outcome space, vectorised.

A utility maps outcome indices to numbers in one NumPy call. ``-inf`` marks an
outcome the party cannot accept at all (a violated hard constraint): it is
never individually rational, whatever the reservation value.

:func:`utility_matrix` stacks the parties' utilities into ``U[outcome, party]``,
the one object the analysis core works on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from detente.outcomes import ENUMERATION_LIMIT, IndexArray, OutcomeSpace, Value

FloatArray = NDArray[np.float64]

UNACCEPTABLE = -np.inf
"""Utility of an outcome that violates one of the party's hard constraints."""


@runtime_checkable
class Utility(Protocol):
    """Anything that gives the utility of many outcomes at once."""

    def evaluate(self, space: OutcomeSpace, indices: IndexArray) -> FloatArray:
        """Utilities of the outcomes at ``indices`` (float64, same length)."""
        ...


@dataclass(frozen=True, slots=True)
class LinearAdditive:
    """Weighted sum of per-issue value tables: ``u(x) = offset + Σ_i w_i · t_i[x_i]``.

    ``tables[i]`` lists the value of each of issue ``i``'s values, in the
    space's order. Issues absent from the utility have weight 0.

    >>> from detente.outcomes import Issue
    >>> space = OutcomeSpace((Issue("a", ("x", "y")), Issue.item("b")))
    >>> u = LinearAdditive(weights=(0.5, 2.0), tables=((0.0, 1.0), (0.0, 1.0)))
    >>> u.evaluate(space, np.arange(4)).tolist()
    [0.0, 2.0, 0.5, 2.5]
    """

    weights: tuple[float, ...]
    tables: tuple[tuple[float, ...], ...]
    offset: float = 0.0

    def __post_init__(self) -> None:
        if len(self.weights) != len(self.tables):
            raise ValueError("one weight per value table is needed")

    def _check(self, space: OutcomeSpace) -> None:
        if tuple(len(t) for t in self.tables) != space.shape:
            raise ValueError(
                f"value tables of sizes {[len(t) for t in self.tables]} do not match "
                f"the outcome space's issues {space.shape}"
            )

    def evaluate(self, space: OutcomeSpace, indices: IndexArray) -> FloatArray:
        self._check(space)
        values = space.value_indices(indices)
        total = np.full(len(values), self.offset, dtype=np.float64)
        for i, (weight, table) in enumerate(zip(self.weights, self.tables, strict=True)):
            if weight != 0.0:
                total += weight * np.asarray(table, dtype=np.float64)[values[:, i]]
        return total

    def full(self, space: OutcomeSpace) -> FloatArray:
        """Utility of every outcome, built by broadcasting (no index arithmetic)."""
        self._check(space)
        total = np.full((1,), self.offset, dtype=np.float64)
        for weight, table in zip(self.weights, self.tables, strict=True):
            column = weight * np.asarray(table, dtype=np.float64)
            total = (total[:, None] + column[None, :]).ravel()
        return total


@dataclass(frozen=True, slots=True)
class TableUtility:
    """Explicit utilities for listed outcomes; every other outcome gets ``default``.

    >>> from detente.outcomes import Issue
    >>> space = OutcomeSpace((Issue("deal", ("small", "big")),))
    >>> TableUtility(indices=(1,), values=(9.0,), default=0.0).evaluate(space, np.arange(2)).tolist()
    [0.0, 9.0]
    """

    indices: tuple[int, ...]
    values: tuple[float, ...]
    default: float = 0.0

    @classmethod
    def from_outcomes(
        cls, space: OutcomeSpace, table: Mapping[tuple[Value, ...], float], default: float = 0.0
    ) -> TableUtility:
        """Build from ``{outcome tuple: utility}``."""
        pairs = sorted((space.to_index(outcome), float(u)) for outcome, u in table.items())
        return cls(tuple(i for i, _ in pairs), tuple(u for _, u in pairs), default)

    def evaluate(self, space: OutcomeSpace, indices: IndexArray) -> FloatArray:
        indices = np.asarray(indices, dtype=np.int64)
        result = np.full(len(indices), self.default, dtype=np.float64)
        if not self.indices:
            return result
        keys = np.asarray(self.indices, dtype=np.int64)
        pos = np.clip(np.searchsorted(keys, indices), 0, len(keys) - 1)
        hit = keys[pos] == indices
        result[hit] = np.asarray(self.values, dtype=np.float64)[pos[hit]]
        return result


@dataclass(frozen=True, slots=True)
class Requirement:
    """A hard constraint: issue ``position`` must take one of ``allowed`` value positions."""

    position: int
    allowed: frozenset[int]

    def satisfied(self, space: OutcomeSpace, indices: IndexArray) -> NDArray[np.bool_]:
        """Which of the outcomes satisfy the requirement."""
        values = space.value_indices(indices)[:, self.position]
        return np.isin(values, np.fromiter(self.allowed, dtype=np.int64))


@dataclass(frozen=True, slots=True)
class Constrained:
    """A utility with hard constraints: violating outcomes are :data:`UNACCEPTABLE`."""

    base: Utility
    requirements: tuple[Requirement, ...]

    def evaluate(self, space: OutcomeSpace, indices: IndexArray) -> FloatArray:
        values = self.base.evaluate(space, indices)
        for requirement in self.requirements:
            values = np.where(requirement.satisfied(space, indices), values, UNACCEPTABLE)
        return values


@dataclass(frozen=True, slots=True)
class WeightedSum:
    """``Σ_k w_k · u_k``: a party's utility derived from its factions' utilities."""

    parts: tuple[Utility, ...]
    weights: tuple[float, ...]

    def evaluate(self, space: OutcomeSpace, indices: IndexArray) -> FloatArray:
        total = np.zeros(len(indices), dtype=np.float64)
        for weight, part in zip(self.weights, self.parts, strict=True):
            if weight != 0.0:
                total += weight * part.evaluate(space, indices)
        return total


def evaluate_all(utility: Utility, space: OutcomeSpace, chunk_size: int = 2_000_000) -> FloatArray:
    """Utility of every outcome of ``space`` (the caller checks the enumeration limit)."""
    if isinstance(utility, LinearAdditive):
        return utility.full(space)
    return np.concatenate([utility.evaluate(space, chunk) for chunk in space.chunks(chunk_size)])


def utility_matrix(
    space: OutcomeSpace,
    utilities: Sequence[Utility],
    indices: IndexArray | None = None,
    limit: int = ENUMERATION_LIMIT,
) -> FloatArray:
    """``U[outcome, party]`` for the given outcomes, or for every outcome of the space.

    >>> from detente.outcomes import Issue
    >>> space = OutcomeSpace((Issue.integer("x", 0, 2),))
    >>> utility_matrix(space, [LinearAdditive((1.0,), ((0, 1, 2),)),
    ...                        LinearAdditive((1.0,), ((2, 1, 0),))]).tolist()
    [[0.0, 2.0], [1.0, 1.0], [2.0, 0.0]]
    """
    if indices is None:
        space.require_enumerable("building the utility matrix", limit)
        columns = [evaluate_all(u, space) for u in utilities]
    else:
        columns = [u.evaluate(space, indices) for u in utilities]
    return np.column_stack(columns) if columns else np.empty((0, 0))
