"""Claims conditional on each choice of a sweep's categorical parameters.

A categorical parameter is stored as a string column ``parameter.NAME`` (its
drawn label). For each such parameter and each of its labels, every claim's
share among the draws that drew the label, with its exact (Clopper–Pearson)
95% interval: ``summarize``'s ``by_choice`` key. A label no valid draw drew is
listed with ``draws: 0`` and null shares.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from detente.experiments.table import claim_holds


def is_categorical(kind: pa.DataType) -> bool:
    """Whether a column of type ``kind`` holds labels (a categorical parameter): the one test
    of it, for tables (:func:`categorical_columns`) and arrays (:func:`categorical_arrays`).

    >>> is_categorical(pa.string()), is_categorical(pa.float64())
    (True, False)
    """
    return bool(pa.types.is_string(kind))


def categorical_columns(table: pa.Table) -> list[str]:
    """The names of the parameters stored as labels (string columns)."""
    return [
        name.removeprefix("parameter.")
        for name, kind in zip(table.column_names, table.schema.types, strict=True)
        if name.startswith("parameter.") and is_categorical(kind)
    ]


def categorical_arrays(arrays: Mapping[str, NDArray[Any]]) -> frozenset[str]:
    """The names of the arrays of labels (those Arrow reads as strings; see :func:`is_categorical`).

    >>> sorted(categorical_arrays({"x": np.zeros(2), "m": np.array(["a", None], dtype=object)}))
    ['m']
    """
    return frozenset(
        name for name, values in arrays.items() if is_categorical(pa.array(values).type)
    )


def declared_labels(parameters: object) -> dict[str, list[str]]:
    """Each categorical parameter's labels in the file's order, from a manifest's
    ``parameters`` argument (the sweep's drawn parameters as recorded), where present."""
    found: dict[str, list[str]] = {}
    if isinstance(parameters, list):
        for entry in parameters:
            if isinstance(entry, Mapping) and isinstance(entry.get("labels"), list):
                found[str(entry["name"])] = [str(label) for label in entry["labels"]]
    return found


def label_shares(holds: NDArray[np.bool_], labels: NDArray[np.object_]) -> dict[str, float]:
    """A claim's share among the draws of each label drawn (a categorical parameter's
    sensitivity), in order of the labels' first appearance.

    >>> label_shares(np.array([True, False, True]), np.array(["a", "b", "a"], dtype=object))
    {'a': 1.0, 'b': 0.0}
    """
    return {str(label): float(holds[labels == label].mean()) for label in dict.fromkeys(labels)}


Interval = Callable[[int, int], dict[str, float]]
"""``(holds, total) -> {"share", "low", "high"}``: :func:`detente.experiments.summary.share_interval`."""


def by_choice(
    table: pa.Table,
    claims: Sequence[str],
    interval: Interval,
    declared: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, dict[str, dict[str, object]]]:
    """``{NAME: {LABEL: {"draws": n, "claims": {CLAIM: {share, low, high}}}}}`` over the
    valid draws of ``table``, each share with its ``interval`` (``declared``: labels in the
    file's order, drawn or not).
    """
    holds = {claim: claim_holds(table, claim) for claim in claims}
    result: dict[str, dict[str, dict[str, object]]] = {}
    for name in categorical_columns(table):
        drawn = np.asarray(table.column(f"parameter.{name}").to_pylist(), dtype=object)
        labels = list(dict.fromkeys([*(declared or {}).get(name, ()), *sorted(set(drawn))]))
        result[name] = {}
        for label in labels:
            mine = drawn == label
            count = int(mine.sum())
            result[name][label] = {
                "draws": count,
                "claims": {
                    claim: interval(int(h[mine].sum()), count)
                    if count
                    else {"share": None, "low": None, "high": None}
                    for claim, h in holds.items()
                },
            }
    return result


def share_rows(
    labels: Mapping[str, Any], percent: Callable[[float], str]
) -> list[tuple[str, list[str]]]:
    """One row per claim of a ``by_choice`` entry: the claim and, per label, its share with
    its interval written with ``percent`` ("no draws" for a label never drawn).

    >>> entry = {"veto": {"draws": 4, "claims": {"c": {"share": 0.5, "low": 0.1, "high": 0.9}}},
    ...          "none": {"draws": 0, "claims": {"c": {"share": None, "low": None, "high": None}}}}
    >>> share_rows(entry, lambda x: f"{100 * x:.0f}%")
    [('c', ['50% (10%–90%)', 'no draws'])]
    """
    claims = next(iter(labels.values()))["claims"] if labels else {}
    rows = []
    for claim in claims:
        cells = []
        for entry in labels.values():
            s = entry["claims"][claim]
            cells.append(
                "no draws"
                if s["share"] is None
                else f"{percent(s['share'])} ({percent(s['low'])}–{percent(s['high'])})"
            )
        rows.append((claim, cells))
    return rows
