"""Linear-additive utilities: a weighted sum of per-issue value tables, optionally capped.

The ``linear`` kind (the default ``type`` of a utility entry)::

    utility: {weights: {un_relief: 2}, values: {un_relief: [0, 0.5, 1]}, offset: 0, ceiling: 1}

Per issue, ``values`` is a mapping from value to number, a list aligned with
the issue's values, a linear term ``{slope, intercept}`` for numeric issues,
or, for an item, one number: its value when delivered (0 otherwise). Weights
default to 1 for the issues ``values`` names. ``ceiling`` caps the sum (GENIUS
caps every utility at 1: :class:`Capped`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from detente.errors import FieldError
from detente.outcomes import IndexArray, Issue, OutcomeSpace
from detente.utility.base import FloatArray, Utility
from detente.utility.kinds import KindSpec, UtilityKind, issue_at, register, value_at


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
class Capped:
    """``min(base(x), ceiling)``.

    >>> from detente.outcomes import Issue
    >>> space = OutcomeSpace((Issue.item("a"),))
    >>> Capped(LinearAdditive((2.0,), ((0.25, 1.0),))).evaluate(space, np.arange(2)).tolist()
    [0.5, 1.0]
    """

    base: Utility
    ceiling: float = 1.0

    def evaluate(self, space: OutcomeSpace, indices: IndexArray) -> FloatArray:
        return np.minimum(self.base.evaluate(space, indices), self.ceiling)


class LinearTerm(KindSpec):
    """A linear value function of a numeric issue: ``intercept + slope * value``."""

    slope: float = 1.0
    intercept: float = 0.0


IssueValues = Annotated[
    LinearTerm | dict[str, float] | list[float] | float, Field(union_mode="left_to_right")
]


class LinearUtilitySpec(KindSpec):
    """``u = offset + Σ_issue weight · value(issue)``.

    Per issue, ``values`` is a mapping from value to number, a list aligned with
    the issue's values, a linear term ``{slope, intercept}`` for numeric issues,
    or, for an item, one number: its value when delivered (0 otherwise).
    Weights default to 1.
    """

    type: Literal["linear"] = "linear"
    weights: dict[str, float] = Field(default_factory=dict)
    values: dict[str, IssueValues] = Field(default_factory=dict)
    offset: float = 0.0
    ceiling: float | None = Field(
        default=None, description="Cap: u = min(u, ceiling) (GENIUS caps every utility at 1)."
    )


def build(spec: LinearUtilitySpec, space: OutcomeSpace) -> LinearAdditive | Capped:
    """The utility a ``linear`` entry declares over ``space``."""
    for name in (*spec.weights, *spec.values):
        where = "weights" if name in spec.weights else "values"
        issue_at(space, name, (where, name))
    weights = tuple(
        spec.weights.get(issue.name, 1.0 if issue.name in spec.values else 0.0)
        for issue in space.issues
    )
    tables = tuple(
        _table_for(issue, spec.values.get(issue.name), ("values", issue.name))
        for issue in space.issues
    )
    linear = LinearAdditive(weights, tables, spec.offset)
    return linear if spec.ceiling is None else Capped(linear, spec.ceiling)


def _table_for(
    issue: Issue, values: LinearTerm | dict[str, float] | list[float] | float | None, path: Any
) -> tuple[float, ...]:
    if values is None:
        return (0.0,) * len(issue)
    if isinstance(values, LinearTerm):
        if not all(isinstance(v, int | float) for v in issue.values):
            raise FieldError(
                f"a linear term needs a numeric issue; {issue.name!r} has named values", path
            )
        return tuple(values.intercept + values.slope * float(v) for v in issue.values)
    if isinstance(values, list):
        if len(values) != len(issue):
            raise FieldError(
                f"lists {len(values)} values but issue {issue.name!r} has {len(issue)}", path
            )
        return tuple(values)
    if isinstance(values, dict):
        table = [0.0] * len(issue)
        for key, number in values.items():
            table[value_at(issue, key, (*path, key))] = number
        return tuple(table)
    if issue.kind != "item":
        raise FieldError(
            f"a single number is allowed only for items; give {issue.name!r} a value per value",
            path,
        )
    return (0.0, float(values))


def data(utility: LinearAdditive | Capped, space: OutcomeSpace) -> dict[str, Any] | None:
    """A linear utility (capped or not) as a ``linear`` entry; ``None`` for a capped non-linear one."""
    if isinstance(utility, Capped):
        if not isinstance(utility.base, LinearAdditive):
            return None
        return {**_entry(utility.base, space), "ceiling": float(utility.ceiling)}
    return _entry(utility, space)


def _entry(utility: LinearAdditive, space: OutcomeSpace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for issue, table in zip(space.issues, utility.tables, strict=True):
        numbers = [float(t) for t in table]
        named = issue.kind == "values" and all(isinstance(v, str) for v in issue.values)
        values[issue.name] = (
            dict(zip(map(str, issue.values), numbers, strict=True)) if named else numbers
        )
    entry: dict[str, Any] = {
        "type": "linear",
        "weights": {i.name: float(w) for i, w in zip(space.issues, utility.weights, strict=True)},
        "values": values,
    }
    if utility.offset != 0.0:
        entry["offset"] = float(utility.offset)
    return entry


LINEAR = register(
    UtilityKind(
        "linear",
        LinearUtilitySpec,
        (LinearAdditive, Capped),
        build,
        data,
        "offset + Σ weight · value per issue, optionally capped (the default type)",
        {"weights": {"n": 2.0}, "values": {"n": [0, 1, 3], "x": 0.5}, "ceiling": 4.0},
    )
)
