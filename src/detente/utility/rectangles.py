"""Hyper-rectangle utilities: GENIUS's non-linear (ANAC 2014) profiles, vectorised.

The sum of the utilities of the axis-aligned boxes an outcome lies in (bounds
inclusive), divided by ``scale`` (GENIUS's ``maxutility``) and capped (GENIUS
caps at 1). Evaluated with NumPy, one box at a time over a chunk of outcomes,
so even a 10¹⁰-outcome domain needs no enumeration to be read or written.
The ``rectangles`` kind::

    utility: {type: rectangles, scale: 4, ceiling: 1,
              boxes: [{utility: 3, bounds: {a: [1, 2]}}, {utility: 1, bounds: {b: [1, 1]}}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import Field

from detente.outcomes import IndexArray, OutcomeSpace
from detente.utility.base import FloatArray
from detente.utility.kinds import KindSpec, UtilityKind, ValueName, issue_at, register, value_at


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


class BoxSpec(KindSpec):
    """An axis-aligned box of outcomes: for each listed issue, inclusive value bounds."""

    utility: float
    bounds: dict[str, tuple[ValueName, ValueName]] = Field(
        default_factory=dict, description="Issue -> [lowest, highest] value; unlisted: any."
    )


class RectanglesUtilitySpec(KindSpec):
    """``u = min(Σ_{boxes containing the outcome} utility / scale, ceiling)`` (GENIUS hyperRectangle)."""

    type: Literal["rectangles"]
    boxes: list[BoxSpec]
    scale: float = Field(default=1.0, gt=0)
    ceiling: float | None = None


def build(spec: RectanglesUtilitySpec, space: OutcomeSpace) -> HyperRectangles:
    """The utility a ``rectangles`` entry declares over ``space``."""
    boxes = []
    for k, box in enumerate(spec.boxes):
        bounds = []
        for name, (low, high) in box.bounds.items():
            where = ("boxes", k, "bounds", name)
            issue = issue_at(space, name, where)
            first = value_at(issue, low, where)
            last = value_at(issue, high, where)
            bounds.append((space.position(name), first, last))
        boxes.append(Box(tuple(bounds), box.utility))
    return HyperRectangles(tuple(boxes), spec.scale, spec.ceiling)


def data(utility: HyperRectangles, space: OutcomeSpace) -> dict[str, Any]:
    """A hyper-rectangle utility as a ``rectangles`` entry."""
    boxes = []
    for box in utility.boxes:
        bounds = {
            space.issues[p].name: [space.issues[p].values[low], space.issues[p].values[high]]
            for p, low, high in box.bounds
        }
        boxes.append({"utility": float(box.utility), "bounds": bounds})
    entry: dict[str, Any] = {"type": "rectangles", "scale": float(utility.scale), "boxes": boxes}
    if utility.ceiling is not None:
        entry["ceiling"] = float(utility.ceiling)
    return entry


RECTANGLES = register(
    UtilityKind(
        "rectangles",
        RectanglesUtilitySpec,
        (HyperRectangles,),
        build,
        data,
        "sum of the utilities of the boxes an outcome lies in, scaled and capped (GENIUS)",
        {
            "type": "rectangles",
            "scale": 2.0,
            "boxes": [
                {"utility": 3, "bounds": {"n": [1, 2]}},
                {"utility": 1, "bounds": {"x": [1, 1]}},
            ],
        },
    )
)
