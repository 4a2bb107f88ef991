"""Sweeps to a precision: draw in rounds until every claim's 95 % interval is within ±E.

A precision run is one extendable sweep (``sobol`` by default, or ``random``)
that grows round by round: each round adds whole chunks to the same results
directory, then the claims' intervals are read back from what is written
(:func:`claim_intervals`; for ``sobol``, Student's t over the replicate
means, see :mod:`detente.experiments.summary`). The next round's size is
what the widest interval asks for at the rate of independent draws
(``n·(h/E)²``, an overestimate for quasi-random draws), at least double the
draws so far for ``sobol`` (each replicate keeps a power of two of points) or
1.5 times for ``random``, and at most four times. The run stops when every
half-width is at most ``E`` and at least :data:`MIN_DRAWS` draws are made (a
claim that holds in every draw or none of a replicate has a zero-width
interval however few the draws), or at ``--max-draws``. The target is in the
manifest: ``--resume`` continues toward it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, replace

import pyarrow as pa
import pyarrow.parquet as pq

from detente import sizes
from detente.errors import DetenteError
from detente.experiments.chunks import TARGET_TASK_SECONDS
from detente.experiments.designs import next_power_of_two
from detente.experiments.runner import RunOptions, chosen_seed, worker_count
from detente.experiments.store import Manifest, ResultStore, chunk_name
from detente.experiments.summary import claim_interval
from detente.experiments.sweep import Sweep, run_sweep
from detente.experiments.table import claim_holds, valid_rows

MIN_DRAWS_PER_REPLICATE = 8
"""A ``sobol`` precision run makes at least this many points per replicate (128 draws with 16)."""
MIN_DRAWS = 128
"""Fewest draws a precision run stops at (16 replicates × 8 points for ``sobol``)."""
MAX_DRAWS = 65_536
"""Default ``--max-draws``: 2¹⁶, about ±0.004 at a share of one half with independent draws."""
SAFETY = 1.1
"""The next round aims this much past the draws the widest interval asks for."""


@dataclass(frozen=True, slots=True)
class Widest:
    """The widest claim interval of a round: its claim, half-width and the draws it rests on."""

    claim: str
    half_width: float
    draws: int
    intervals: dict[str, dict[str, object]]


@dataclass(frozen=True, slots=True)
class PrecisionRun:
    """How a precision run ended: its manifest, its last intervals and whether it met the target."""

    manifest: Manifest
    widest: Widest
    reached: bool


def run_to_precision(
    sweep: Sweep,
    options: RunOptions,
    target: float,
    most: int = MAX_DRAWS,
    progress: Callable[[str], None] | None = None,
) -> PrecisionRun:
    """Grow ``sweep`` round by round until every claim is within ±``target`` (or ``most`` draws).

    ``sweep.draws`` is ignored: the first round makes :data:`MIN_DRAWS` draws
    (or, resuming, completes the draws recorded). ``progress`` hears one line
    per round.
    """
    _check(sweep, target, most)
    existing = ResultStore(options.out).existing() if options.resume else None
    sweep = replace(sweep.with_seed(chosen_seed(sweep.seed, existing)), precision=target)
    chunk = _chunk_size(sweep, options, existing, most)
    most = max(chunk, most - most % chunk)
    design, replicates = sweep.design, sweep.plan.replicates
    first = round_up(design, replicates, MIN_DRAWS, chunk)
    draws = existing.total if existing is not None else first
    options = replace(options, chunk_size=chunk)
    while True:
        draws = min(draws, most)
        manifest = run_sweep(replace(sweep, draws=draws), options)
        options = replace(options, resume=True, force=False)
        widest = widest_interval(options.out)
        if progress is not None:
            progress(
                f"{draws:,} draws: widest 95% interval ±{widest.half_width:.4f} "
                f"({widest.claim}); target ±{target:g}"
            )
        if widest.half_width <= target and draws >= MIN_DRAWS:
            return PrecisionRun(manifest, widest, True)
        if draws >= most:
            return PrecisionRun(manifest, widest, False)
        draws = next_round(design, replicates, draws, widest.half_width / target, chunk)


def _check(sweep: Sweep, target: float, most: int) -> None:
    if not 0 < target < 0.5:
        raise DetenteError(
            f"--precision {target:g}: give a half-width between 0 and 0.5, e.g. 0.01"
        )
    if not sweep.extendable:
        raise DetenteError(
            f"--precision grows the run in rounds and a {sweep.design} design cannot grow; "
            "use --design sobol (the default) or --design random"
        )
    if not sweep.claims:
        raise DetenteError("--precision: the scenario declares no claim to estimate")
    if most < MIN_DRAWS:
        raise DetenteError(
            f"--max-draws {most:,}: a precision run makes at least {MIN_DRAWS} draws"
        )
    sizes.require("draws", most, f"--max-draws {most:,}", "each draw is one analysis")


def _chunk_size(sweep: Sweep, options: RunOptions, existing: Manifest | None, most: int) -> int:
    """A power of two (so every round is whole chunks), about a second of work per chunk.

    Small enough that the first round feeds every worker several chunks, and at least 8
    draws (a pilot timed on a busy machine would otherwise make a file of every draw or two).
    """
    if options.chunk_size is not None:
        return options.chunk_size
    if existing is not None:
        return existing.chunk_size
    _, seconds = sweep.pilot()
    by_time = TARGET_TASK_SECONDS / max(seconds, 1e-9)
    balanced = MIN_DRAWS / (4 * max(worker_count(options.workers) or 1, 1))
    files = most / sizes.limit("chunks")
    return max(next_power_of_two(math.ceil(files)), _power_below(min(by_time, balanced)), 8)


def _power_below(x: float) -> int:
    """The largest power of two at most ``x`` (1 below 2)."""
    return 1 << max(0, math.floor(math.log2(max(x, 1.0))))


def round_up(design: str, replicates: int, draws: int, chunk: int) -> int:
    """``draws`` rounded up to whole chunks and, for ``sobol``, a power of two per replicate.

    >>> round_up("sobol", 16, 100, 8), round_up("random", 16, 100, 8)
    (128, 104)
    """
    if design == "sobol":
        draws = replicates * next_power_of_two(math.ceil(draws / replicates))
    return math.ceil(draws / chunk) * chunk


def next_round(design: str, replicates: int, draws: int, ratio: float, chunk: int) -> int:
    """The draws after the next round when the widest interval is ``ratio`` times the target.

    >>> next_round("random", 16, 1000, 1.2, 8), next_round("sobol", 16, 1024, 1.2, 8)
    (1584, 2048)
    >>> next_round("random", 16, 128, 10.0, 8)  # at most four times as many
    512
    """
    least = 2.0 if design == "sobol" else 1.5
    wanted = draws * min(4.0, max(ratio**2 * SAFETY, least))
    return round_up(design, replicates, math.ceil(wanted), chunk)


def widest_interval(directory: str | os.PathLike[str]) -> Widest:
    """The claims' intervals of the sweep written in ``directory``, and the widest of them."""
    intervals, draws = claim_intervals(directory)
    name, widest = max(intervals.items(), key=lambda item: _half(item[1]))
    return Widest(name, _half(widest), draws, intervals)


def _half(interval: dict[str, object]) -> float:
    return (float(str(interval["high"])) - float(str(interval["low"]))) / 2


def claim_intervals(
    directory: str | os.PathLike[str],
) -> tuple[dict[str, dict[str, object]], int]:
    """Each claim's share and 95 % interval (as ``summarize`` gives them), and the valid draws.

    Reads only the claim columns of each chunk written.
    """
    store = ResultStore(directory)
    manifest = store.existing()
    if manifest is None or not manifest.done:
        raise DetenteError(f"{directory}: no chunk has completed yet")
    names = [n for n, _ in manifest.schema if n.startswith("claim.")]
    tables = [
        pq.read_table(store.directory / chunk_name(i), columns=["draw", "invalid", *names])
        for i in sorted(manifest.done)
    ]
    table = pa.concat_tables(tables)
    valid = valid_rows(table)
    draws = table.column("draw").to_numpy()[valid]
    arguments = manifest.arguments
    replicates = int(str(arguments["replicates"])) if arguments.get("design") == "sobol" else None
    intervals = {}
    for name in names:
        claim = name.removeprefix("claim.")
        intervals[claim] = claim_interval(claim_holds(table, claim)[valid], draws, replicates)
    return intervals, int(valid.sum())
