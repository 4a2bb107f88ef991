"""What varies across a sweep's draws: what each named solution contains.

The contents of an agreement are as uncertain as its existence. From the
``result.solutions.NAME.outcome.ISSUE`` columns a sweep stored, for each
solution: how often each issue takes each value, and how often each whole
package (the outcome over every issue) appears, most common first. Shares are
of all the draws summarized; ``missing`` is the share of draws where the
solution does not exist (every issue null), so a solution's package shares
and ``missing`` add up to 1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pyarrow as pa

from detente.claims import Value

PREFIX = "result.solutions."
PACKAGES = 5
"""How many of the most common packages of each solution a summary lists."""


def solution_columns(names: Sequence[str]) -> dict[str, dict[str, str]]:
    """``{solution: {issue: column}}`` for the outcome columns among ``names``.

    >>> solution_columns(["result.solutions.nash.outcome.deal", "result.solutions.nash.ties"])
    {'nash': {'deal': 'result.solutions.nash.outcome.deal'}}
    """
    found: dict[str, dict[str, str]] = {}
    for name in names:
        solution, _, rest = name.removeprefix(PREFIX).partition(".outcome.")
        if name.startswith(PREFIX) and rest and "." not in solution:
            found.setdefault(solution, {})[rest] = name
    return found


def label(value: Value) -> str:
    """An issue value as a JSON key: a string as it is, a whole number without ``.0``.

    >>> label("MediumDeal"), label(2.0), label(0.25), label(True)
    ('MediumDeal', '2', '0.25', 'true')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def contents(table: pa.Table, packages: int = PACKAGES) -> dict[str, object] | None:
    """``{solution: {packages, issues, missing}}`` over the rows of ``table``; ``None`` when the
    sweep stored no solution outcome (e.g. ``sweep --fields phasing``).

    ``packages`` lists the most common whole packages, ``[{outcome: {issue: value}, share}]``;
    ``issues`` gives ``{issue: {value: share}}``, most common value first.
    """
    found = solution_columns(table.column_names)
    if not found or table.num_rows == 0:
        return None
    return {solution: _solution(table, columns, packages) for solution, columns in found.items()}


def _solution(table: pa.Table, columns: dict[str, str], packages: int) -> dict[str, object]:
    issues = list(columns)
    values = [table.column(columns[issue]).to_pylist() for issue in issues]
    rows = [tuple(row) for row in zip(*values, strict=True)]
    total = len(rows)
    present = [row for row in rows if any(v is not None for v in row)]
    common = Counter(present).most_common(packages)
    by_issue = {}
    for issue, column in zip(issues, values, strict=True):
        counts = Counter(label(v) for v in column if v is not None)
        by_issue[issue] = {value: count / total for value, count in counts.most_common()}
    return {
        "packages": [
            {"outcome": dict(zip(issues, package, strict=True)), "share": count / total}
            for package, count in common
        ],
        "issues": by_issue,
        "missing": (total - len(present)) / total,
    }
