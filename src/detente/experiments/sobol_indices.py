"""Global sensitivity: first- and total-order Sobol' indices of a Saltelli sweep [Saltelli2002].

Each claim's indicator (1 where it holds) and each numeric result field that
varies across the draws (booleans as 0/1) is an output ``Y``; its first-order
index ``S1`` of a parameter is the share of ``Var(Y)`` that parameter explains
alone, its total-order index ``ST`` the share it takes part in (alone or with
others) [Sobol2001]. SALib estimates both (``SALib.analyze.sobol.analyze``
without second-order indices) with bootstrap confidence intervals (the run's
seed seeds the bootstrap, so the same directory gives the same intervals).

The indices are computed on the design's unit coordinates, not on the
parameter values: a parameter's index is the same whatever its distribution
or whether it is numeric or categorical.

A Saltelli design is a sequence of blocks of ``D + 2`` rows (one per base
sample); an invalid draw leaves its block unusable, so each block with an
invalid row (or a row not yet computed) is dropped whole, and the indices use
the ``N`` blocks left. A field that is null in some kept row (a solution that
does not always exist) has no value to decompose there: it is skipped, and
said so. What SALib warns of while estimating an output's indices (say,
constant values in a resample) is kept per output (``Indices.warnings``), for
the caller to say in one line, instead of printed.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.experiments.designs import unit_problem
from detente.experiments.store import Manifest
from detente.experiments.table import valid_rows

BOOTSTRAP_SPAWN_KEY = 2**32 - 4
"""Spawn key of the bootstrap's generator (never a draw's index)."""
RESAMPLES = 1000
"""Bootstrap resamples for the 95 % intervals (SALib's default of 100 leaves their ends noisy)."""
CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class Indices:
    """Every output's indices, ranked by total order; what was dropped or skipped, and why."""

    indices: dict[str, dict[str, dict[str, float]]]
    kinds: dict[str, str]
    base_samples: int
    dropped: int
    skipped: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    """``{output: what SALib warned of while estimating its indices}`` (distinct messages)."""


def sobol_indices(
    manifest: Manifest, table: pa.Table, claims: Collection[str] | None = None
) -> Indices:
    """The Sobol' indices of a Saltelli sweep's claims and numeric result fields.

    With ``claims``, of those claims only (and of no result field).

    Raises:
        DetenteError: the sweep is not a Saltelli design, or no whole block is left.
    """
    arguments = manifest.arguments
    if arguments.get("design") != "saltelli":
        design = "lhs" if arguments.get("lhs") else arguments.get("design", "random")
        raise DetenteError(
            f"--sensitivity needs a Saltelli design and this sweep's is {design}; "
            "sweep again with --design saltelli"
        )
    parameters = [n for n in table.column_names if n.startswith("parameter.")]
    block = len(parameters) + 2
    kept, dropped = whole_blocks(table, block, int(str(arguments["base_samples"])))
    if kept.num_rows < 2 * block:
        raise DetenteError(
            f"Sobol' indices need at least 2 whole base samples of {block} valid draws; "
            f"{kept.num_rows // block} left after dropping {dropped} with an invalid draw"
        )
    outputs, kinds, skipped = _outputs(kept, claims)
    rng = np.random.default_rng(
        np.random.SeedSequence(int(str(arguments["seed"])), spawn_key=(BOOTSTRAP_SPAWN_KEY,))
    )
    names = [p.removeprefix("parameter.") for p in parameters]
    indices: dict[str, dict[str, dict[str, float]]] = {}
    warned: dict[str, str] = {}
    for name, y in outputs.items():
        indices[name], said = _analyze(y, names, rng)
        if said:
            warned[name] = "; ".join(said)
    return Indices(indices, kinds, kept.num_rows // block, dropped, skipped, warned)


def whole_blocks(table: pa.Table, block: int, base: int) -> tuple[pa.Table, int]:
    """The rows of the base samples whose ``block`` rows are all present and valid, in draw order.

    Returns them and how many base samples were dropped.

    >>> t = pa.table({"draw": [0, 1, 2, 3, 4, 5], "invalid": [None, None, None, "x", None, None]})
    >>> kept, dropped = whole_blocks(t, 3, 2)
    >>> kept.column("draw").to_pylist(), dropped
    ([0, 1, 2], 1)
    """
    table = table.sort_by("draw")
    draws = table.column("draw").to_numpy()
    valid = valid_rows(table)
    good = np.zeros(base, dtype=np.int64)
    np.add.at(good, draws // block, valid.astype(np.int64))
    whole = good == block
    keep = whole[draws // block] & valid
    return table.filter(pa.array(keep)), int(base - whole.sum())


def _outputs(
    table: pa.Table, chosen: Collection[str] | None = None
) -> tuple[dict[str, NDArray[np.float64]], dict[str, str], dict[str, str]]:
    """Each claim's indicator and each varying numeric result field, with their kinds and skips
    (with ``chosen``: those claims' indicators only)."""
    outputs: dict[str, NDArray[np.float64]] = {}
    kinds: dict[str, str] = {}
    skipped: dict[str, str] = {}
    claims = {n.removeprefix("claim.") for n in table.column_names if n.startswith("claim.")}
    claims_first = sorted(table.schema, key=lambda column: not column.name.startswith("claim."))
    for column in claims_first:
        if column.name.startswith("claim."):
            name, kind = column.name.removeprefix("claim."), "claim"
            if chosen is not None and name not in chosen:
                continue
        elif chosen is None and column.name.startswith("result.") and _numeric(column.type):
            name, kind = column.name.removeprefix("result."), "field"
            name = column.name if name in claims else name  # a field named like a claim
        else:
            continue
        values = table.column(column.name)
        if values.null_count:
            skipped[name] = f"null in {values.null_count:,} of {len(values):,} draws"
            continue
        y = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
        if kind == "field" and not np.ptp(y) > 0:
            continue  # a constant field: no variance to decompose
        outputs[name], kinds[name] = y, kind
    return outputs, kinds, skipped


def _numeric(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_floating(kind) or pa.types.is_integer(kind) or pa.types.is_boolean(kind)
    )


def _analyze(
    y: NDArray[np.float64], names: list[str], rng: np.random.Generator
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """``{param: {S1, S1_conf, ST, ST_conf}}`` for output ``y``, largest ``ST`` first, and the
    distinct messages SALib warned of (caught, not printed), each on one line.

    An output that never varies (a claim that always holds) has every index 0.
    """
    if not np.ptp(y) > 0:
        zero = {"S1": 0.0, "S1_conf": 0.0, "ST": 0.0, "ST_conf": 0.0}
        return {name: dict(zero) for name in names}, []
    from SALib.analyze import sobol

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = sobol.analyze(
            unit_problem(len(names)),
            y,
            calc_second_order=False,
            num_resamples=RESAMPLES,
            conf_level=CONFIDENCE,
            seed=rng,
        )
    said = list(dict.fromkeys(" ".join(str(w.message).split()) for w in caught))
    entries = {
        name: {key: float(found[key][j]) for key in ("S1", "S1_conf", "ST", "ST_conf")}
        for j, name in enumerate(names)
    }
    return dict(sorted(entries.items(), key=lambda item: -item[1]["ST"])), said
