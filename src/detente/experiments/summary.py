"""Summaries of a results directory: how often each claim holds, and what it depends on.

For a sweep, each claim gets the share of draws in which it holds with an
exact (Clopper–Pearson) 95% interval [ClopperPearson1934], and its
sensitivity to each parameter: the share within each tercile of the
parameter's drawn values, and Spearman's rank correlation between the
parameter and the claim holding. Parameters are listed most influential
(largest absolute correlation) first.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.experiments.store import Manifest, ResultStore

CONFIDENCE = 0.95

Summarizer = Callable[[Manifest, pa.Table], dict[str, object]]


def share_interval(holds: int, total: int, confidence: float = CONFIDENCE) -> dict[str, float]:
    """The share ``holds / total`` with its exact binomial (Clopper–Pearson) interval.

    >>> {k: round(v, 4) for k, v in share_interval(7, 10).items()}
    {'share': 0.7, 'low': 0.3475, 'high': 0.9333}
    """
    from scipy import stats

    interval = stats.binomtest(holds, total).proportion_ci(confidence, method="exact")
    return {"share": holds / total, "low": float(interval.low), "high": float(interval.high)}


def sensitivity(holds: NDArray[np.bool_], values: NDArray[np.float64]) -> dict[str, object]:
    """How a claim's truth varies with one parameter: tercile shares and Spearman's rho.

    ``rho`` is null when either the claim or the parameter never varies.

    >>> x = np.linspace(0, 1, 9)
    >>> result = sensitivity(x > 0.5, x)
    >>> round(result["spearman"], 3), result["terciles"][::2], result["cuts"]
    (0.866, [0.0, 1.0], [0.375, 0.75])
    """
    from scipy import stats

    order = np.argsort(values, kind="stable")
    groups = np.array_split(order, 3)
    shares = [float(holds[g].mean()) if g.size else None for g in groups]
    cuts = [float(values[g[0]]) for g in groups[1:] if g.size]
    varies = np.ptp(values) > 0 and np.ptp(holds.astype(np.int8)) > 0
    rho = float(stats.spearmanr(values, holds).statistic) if varies and holds.size > 2 else None
    return {"spearman": rho, "terciles": shares, "cuts": cuts}


def summarize_sweep(manifest: Manifest, table: pa.Table) -> dict[str, object]:
    """The summary of a sweep's rows (see the module docstring)."""
    names = table.column_names
    parameters = [n.removeprefix("parameter.") for n in names if n.startswith("parameter.")]
    values = {p: table.column(f"parameter.{p}").to_numpy() for p in parameters}
    claims: dict[str, object] = {}
    for claim in (n.removeprefix("claim.") for n in names if n.startswith("claim.")):
        holds = np.asarray(table.column(f"claim.{claim}").fill_null(False).to_numpy(), dtype=bool)
        by_parameter = {p: sensitivity(holds, v) for p, v in values.items()}
        ranked = sorted(by_parameter.items(), key=lambda item: -abs(_rho(item[1])))
        claims[claim] = {
            **share_interval(int(holds.sum()), holds.size),
            "holds": int(holds.sum()),
            "sensitivity": dict(ranked),
        }
    return {
        "kind": "sweep",
        "draws": table.num_rows,
        "planned": manifest.total,
        "complete": manifest.complete,
        "parameters": parameters,
        "claims": claims,
    }


def _rho(entry: dict[str, object]) -> float:
    rho = entry["spearman"]
    return rho if isinstance(rho, float) else 0.0


SUMMARIZERS: dict[str, Summarizer] = {"sweep": summarize_sweep}
"""How to summarize each kind of run, by the kind recorded in its manifest."""


def summarize(directory: str | os.PathLike[str]) -> dict[str, object]:
    """The summary of the results in ``directory`` as a JSON-ready document.

    Keys: ``kind``, ``draws`` (rows summarized), ``planned``, ``complete`` and,
    for a sweep, ``parameters`` and ``claims`` (``{name: {share, low, high,
    holds, sensitivity}}``).
    """
    manifest, table = ResultStore(directory).read()
    summarizer = SUMMARIZERS.get(manifest.kind)
    if summarizer is None:
        raise DetenteError(f"{directory}: cannot summarize a {manifest.kind!r} run")
    return summarizer(manifest, table)
