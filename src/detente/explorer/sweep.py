"""A sweep's results as the explorer shows them: claim shares, brushed by parameter ranges.

:meth:`SweepView.read` reads a ``detente sweep`` results directory once (the store's reader,
the valid draws only) and summarizes it as ``detente summarize --discover`` does
(:func:`~detente.experiments.summary.summarize_sweep`: each claim's share and interval, and the
discovered boxes of parameter values where it holds). :meth:`SweepView.inside` is the brush: the
draws whose parameters lie in given ranges (a numeric range ``[low, high]`` or a set of labels),
and :meth:`SweepView.shares` each claim's share among them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.experiments.store import ResultStore
from detente.experiments.summary import Questions, summarize_sweep
from detente.experiments.table import claim_holds, valid_rows

Brush = Mapping[str, tuple[float, float] | frozenset[str]]
"""Parameter ranges: a numeric parameter's ``(low, high)`` or a categorical one's labels."""


@dataclass(frozen=True, slots=True)
class SweepView:
    """A sweep's valid draws: each parameter's values, each claim's truth, and its summary."""

    directory: str
    claims: tuple[str, ...]
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    values: Mapping[str, NDArray[Any]] = field(compare=False, repr=False)
    holds: Mapping[str, NDArray[np.bool_]] = field(compare=False, repr=False)
    summary: Mapping[str, Any] = field(compare=False, repr=False)

    @classmethod
    def read(cls, directory: str | Path) -> SweepView:
        """Read and summarize a sweep's results directory.

        Raises:
            DetenteError: the directory holds no sweep (or see
                :meth:`~detente.experiments.store.ResultStore.read`).
        """
        manifest, table = ResultStore(directory).read()
        if manifest.kind != "sweep":
            raise DetenteError(
                f"--sweep {directory}: holds a {manifest.kind} run, not a sweep "
                "(give the directory `detente sweep --out` wrote)"
            )
        summary = summarize_sweep(manifest, table, Questions(discover=True), by_choice=False)
        table = table.filter(pa.array(valid_rows(table)))
        names = [
            n.removeprefix("parameter.") for n in table.column_names if n.startswith("parameter.")
        ]
        values = {n: _column(table, f"parameter.{n}") for n in names}
        claims = tuple(
            n.removeprefix("claim.") for n in table.column_names if n.startswith("claim.")
        )
        return cls(
            str(directory),
            claims,
            tuple(n for n in names if values[n].dtype != object),
            tuple(n for n in names if values[n].dtype == object),
            values,
            {c: claim_holds(table, c) for c in claims},
            summary,
        )

    @property
    def draws(self) -> int:
        """How many valid draws."""
        return int(next(iter(self.holds.values())).size) if self.holds else 0

    def inside(self, brush: Brush) -> NDArray[np.bool_]:
        """Which draws lie in every range of ``brush`` (a parameter it does not name: any value)."""
        mask = np.ones(self.draws, dtype=bool)
        for name, allowed in brush.items():
            column = self.values.get(name)
            if column is None:
                raise DetenteError(f"brush on {name}: the sweep drew no such parameter")
            if isinstance(allowed, frozenset):
                mask &= np.isin(column, list(allowed))
            else:
                low, high = sorted(allowed)
                mask &= (column >= low) & (column <= high)
        return mask

    def shares(self, brush: Brush) -> dict[str, dict[str, float | int | None]]:
        """Each claim among the brushed draws: ``{claim: {holds, draws, share}}`` (share
        ``None`` when no draw is inside)."""
        mask = self.inside(brush)
        inside = int(mask.sum())
        found: dict[str, dict[str, float | int | None]] = {}
        for claim, holds in self.holds.items():
            count = int(holds[mask].sum())
            found[claim] = {
                "holds": count,
                "draws": inside,
                "share": None if inside == 0 else count / inside,
            }
        return found

    def boxes(self, claim: str) -> list[Mapping[str, Any]]:
        """The discovered boxes of a claim (``summarize --discover``'s, best first)."""
        entry = (self.summary.get("discovery") or {}).get(claim) or {}
        return list(entry.get("boxes") or [])

    def discovery_reason(self, claim: str) -> str:
        """Why a claim has no box (empty when it has one)."""
        entry = (self.summary.get("discovery") or {}).get(claim) or {}
        return str(entry.get("reason") or "")


def _column(table: pa.Table, name: str) -> NDArray[Any]:
    """A parameter's values: numbers as floats, labels (a categorical parameter) as objects."""
    column = table.column(name)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return np.asarray(column.to_pylist(), dtype=object)
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.float64)


def brush_of(
    selection: Mapping[str, Any] | None, axes: tuple[str, str]
) -> dict[str, tuple[float, float]]:
    """The brush a Plotly box selection (``selectedData``'s ``range``) draws on two axes.

    >>> brush_of({"range": {"x": [0.2, 0.5], "y": [3, 1]}}, ("w", "k"))
    {'w': (0.2, 0.5), 'k': (1.0, 3.0)}
    >>> brush_of(None, ("w", "k"))
    {}
    """
    box = (selection or {}).get("range") or {}
    brush: dict[str, tuple[float, float]] = {}
    for axis, name in zip(("x", "y"), axes, strict=True):
        if axis in box and len(box[axis]) == 2:
            low, high = sorted(float(v) for v in box[axis])
            brush[name] = (low, high)
    return brush


def labels_kept(sweep: SweepView, kept: Sequence[Sequence[str]]) -> dict[str, frozenset[str]]:
    """The brush the label checklists draw (``kept``: the labels ticked for each categorical
    parameter, in :attr:`SweepView.categorical` order); a parameter with every label ticked
    is left out (any value)."""
    brush = {}
    for name, ticked in zip(sweep.categorical, kept, strict=True):
        every = {str(v) for v in sweep.values[name]}
        if set(ticked) != every:
            brush[name] = frozenset(ticked)
    return brush
