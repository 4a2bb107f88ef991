"""Utilities GENIUS defines beyond a plain weighted sum, vectorised.

- :class:`Capped`: GENIUS returns ``min(u, 1)`` for every utility space, so a
  linear profile whose weights sum above 1 saturates at 1.
- :class:`HyperRectangles`: the non-linear (ANAC 2014) profiles — the sum of the
  utilities of the axis-aligned boxes an outcome lies in (bounds inclusive),
  divided by ``maxutility`` and capped at 1. Evaluated with NumPy, one box at a
  time over a whole chunk of outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.outcomes import IndexArray, OutcomeSpace
from detente.utility import FloatArray, Utility


@dataclass(frozen=True, slots=True)
class Capped:
    """``min(base(x), ceiling)``.

    >>> from detente.outcomes import Issue
    >>> from detente.utility import LinearAdditive
    >>> space = OutcomeSpace((Issue.item("a"),))
    >>> Capped(LinearAdditive((2.0,), ((0.25, 1.0),))).evaluate(space, np.arange(2)).tolist()
    [0.5, 1.0]
    """

    base: Utility
    ceiling: float = 1.0

    def evaluate(self, space: OutcomeSpace, indices: IndexArray) -> FloatArray:
        return np.minimum(self.base.evaluate(space, indices), self.ceiling)


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned box: ``bounds`` are ``(issue position, lowest, highest value index)``.

    An empty ``bounds`` covers every outcome.
    """

    bounds: tuple[tuple[int, int, int], ...]
    utility: float


@dataclass(frozen=True, slots=True)
class HyperRectangles:
    """``min(Σ_{boxes containing x} utility / scale, ceiling)``.

    >>> from detente.outcomes import Issue
    >>> space = OutcomeSpace((Issue.integer("a", 0, 2), Issue.integer("b", 0, 1)))
    >>> u = HyperRectangles((Box(((0, 1, 2),), 3.0), Box(((1, 1, 1),), 1.0)), scale=4.0)
    >>> u.evaluate(space, np.arange(6)).tolist()
    [0.0, 0.25, 0.75, 1.0, 0.75, 1.0]
    """

    boxes: tuple[Box, ...]
    scale: float
    ceiling: float | None = 1.0

    def evaluate(self, space: OutcomeSpace, indices: IndexArray) -> FloatArray:
        values = space.value_indices(indices)
        total = np.zeros(len(values), dtype=np.float64)
        for box in self.boxes:
            inside = np.ones(len(values), dtype=np.bool_)
            for position, low, high in box.bounds:
                column = values[:, position]
                inside &= (column >= low) & (column <= high)
            total[inside] += box.utility
        total /= self.scale
        return total if self.ceiling is None else np.minimum(total, self.ceiling)
