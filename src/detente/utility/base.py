"""What every utility shares: the protocol, hard constraints, weighted sums, the matrix.

A utility maps outcome indices to numbers in one NumPy call. ``-inf`` marks an
outcome the party cannot accept at all (a violated hard constraint): it is
never individually rational, whatever the reservation value.

:func:`utility_matrix` stacks the parties' utilities into ``U[outcome, party]``,
the one object the analysis core works on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from detente.outcomes import ENUMERATION_LIMIT, IndexArray, OutcomeSpace

FloatArray = NDArray[np.float64]

UNACCEPTABLE = -np.inf
"""Utility of an outcome that violates one of the party's hard constraints."""


@runtime_checkable
class Utility(Protocol):
    """Anything that gives the utility of many outcomes at once."""

    def evaluate(self, space: OutcomeSpace, indices: IndexArray) -> FloatArray:
        """Utilities of the outcomes at ``indices`` (float64, same length)."""
        ...


@runtime_checkable
class WholeSpace(Protocol):
    """A utility that computes every outcome's value faster than index by index."""

    def full(self, space: OutcomeSpace) -> FloatArray:
        """Utility of every outcome of ``space``, in index order."""
        ...


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
    if isinstance(utility, WholeSpace):
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
    >>> from detente.utility.linear import LinearAdditive
    >>> space = OutcomeSpace((Issue.integer("x", 0, 2),))
    >>> utility_matrix(space, [LinearAdditive((1.0,), ((0, 1, 2),)),
    ...                        LinearAdditive((1.0,), ((2, 1, 0),))]).tolist()
    [[0.0, 2.0], [1.0, 1.0], [2.0, 0.0]]
    """
    if indices is None:
        space.require_enumerable("building the utility matrix", limit, len(utilities))
        columns = [evaluate_all(u, space) for u in utilities]
    else:
        columns = [u.evaluate(space, indices) for u in utilities]
    return np.column_stack(columns) if columns else np.empty((0, 0))
