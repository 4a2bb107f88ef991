"""Table utilities: values listed outcome by outcome.

The ``table`` kind::

    utility: {type: table, outcomes: [{outcome: {deal: big}, utility: 9}], default: 0}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import Field

from detente.errors import FieldError
from detente.outcomes import IndexArray, OutcomeSpace, Value
from detente.utility.base import FloatArray
from detente.utility.kinds import KindSpec, UtilityKind, ValueName, issue_at, register, value_at


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


class TableEntry(KindSpec):
    """One listed outcome and its utility."""

    outcome: dict[str, ValueName]
    utility: float


class TableUtilitySpec(KindSpec):
    """Utilities listed outcome by outcome; unlisted outcomes get ``default``."""

    type: Literal["table"]
    outcomes: list[TableEntry] = Field(min_length=1)
    default: float = 0.0


def build(spec: TableUtilitySpec, space: OutcomeSpace) -> TableUtility:
    """The utility a ``table`` entry declares over ``space``."""
    table: dict[tuple[Value, ...], float] = {}
    for i, entry in enumerate(spec.outcomes):
        where = ("outcomes", i, "outcome")
        missing = [name for name in space.names if name not in entry.outcome]
        if missing:
            raise FieldError(
                f"outcome does not give a value for issue(s) {', '.join(missing)}", where
            )
        for name in entry.outcome:
            issue_at(space, name, (*where, name))
        outcome = tuple(
            space.issues[k].values[value_at(space.issues[k], entry.outcome[n], (*where, n))]
            for k, n in enumerate(space.names)
        )
        table[outcome] = entry.utility
    return TableUtility.from_outcomes(space, table, spec.default)


def data(utility: TableUtility, space: OutcomeSpace) -> dict[str, Any]:
    """A table utility as a ``table`` entry."""
    outcomes = [
        {"outcome": space.to_dict(index), "utility": float(value)}
        for index, value in zip(utility.indices, utility.values, strict=True)
    ]
    return {"type": "table", "outcomes": outcomes, "default": float(utility.default)}


TABLE = register(
    UtilityKind(
        "table",
        TableUtilitySpec,
        (TableUtility,),
        build,
        data,
        "values listed outcome by outcome, a default for the rest",
        {"type": "table", "outcomes": [{"outcome": {"deal": "big", "n": 1, "x": 1}, "utility": 9}]},
    )
)
