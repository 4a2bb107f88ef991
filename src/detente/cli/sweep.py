"""``detente sweep``: draw the uncertain parameters, analyse every draw, test the claims."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import ScenarioArg, SetOpt, console, say, warn_out_of_range
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.experiments.designs import DESIGNS, DesignKind
from detente.experiments.precision import MAX_DRAWS, MIN_DRAWS, run_to_precision
from detente.experiments.runner import RunOptions
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.store import Manifest
from detente.experiments.summary import invalid_draws
from detente.experiments.sweep import Sweep, parse_fields, run_sweep, scenario_sweep
from detente.labels import Labels
from detente.scenariofile.loader import parse_overrides

OutOpt = Annotated[
    Path,
    typer.Option(
        "--out", "-o", "--output", help="Results directory (Parquet chunks and a manifest)."
    ),
]
SeedOpt = Annotated[
    int | None,
    typer.Option(
        "--seed",
        min=0,
        help="Seed; the same seed gives the same results anywhere "
        "(default: a fresh one, printed and kept in the manifest).",
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Run on this many local worker processes (at most one per core unless "
        "--limit workers=N allows more).",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Run on the Dask cluster at this address (tcp://host:port)."),
]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Continue the run in --out: compute only missing chunks.")
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace an earlier run in --out, or write beside others.")
]


def note(message: str) -> None:
    """What a run noticed, as one line on stderr."""
    say(f"note: {message}")


ChunkOpt = Annotated[
    int | None,
    typer.Option("--chunk-size", min=1, help="Units per task (default: about 1 s of work each)."),
]


DesignOpt = Annotated[
    str | None,
    typer.Option(
        "--design",
        help="Which points to draw: random (independent, the default), lhs (Latin hypercube), "
        "sobol (16 scrambled Sobol' replicates; the default of --precision) or saltelli "
        "(for summarize --sensitivity; --draws is the number of base samples N, a power of "
        "two, and the run has N·(parameters + 2) draws).",
    ),
]


def sweep(
    scenario: ScenarioArg,
    out: OutOpt,
    draws: Annotated[
        int | None, typer.Option("--draws", min=1, help="Number of draws (not with --precision).")
    ] = None,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    force: ForceOpt = False,
    design: DesignOpt = None,
    lhs: Annotated[
        bool, typer.Option("--lhs", help="Latin hypercube: the same as --design lhs.")
    ] = False,
    precision: Annotated[
        float | None,
        typer.Option(
            "--precision",
            help="Draw in rounds until every claim's 95% interval is within ± this "
            "(e.g. 0.01); --design sobol unless another extendable design is given.",
        ),
    ] = None,
    max_draws: Annotated[
        int | None,
        typer.Option(
            "--max-draws",
            min=1,
            help=f"With --precision: stop at this many draws (default {MAX_DRAWS:,}).",
        ),
    ] = None,
    chunk_size: ChunkOpt = None,
    fields: Annotated[
        str | None,
        typer.Option(
            "--fields",
            help="Result fields to store, comma-separated (a group such as phasing, or "
            "wildcards: solutions.*.utilities); none stores only parameters and claims "
            "(default: every field of analyze --json).",
        ),
    ] = None,
    set_: SetOpt = None,
) -> None:
    """Robustness sweep: the share of plausible parameter values over which each claim holds."""
    kind = _design(design, lhs, precision)
    if (draws is None) == (precision is None):
        raise DetenteError(
            "give --draws N, or --precision E to draw until the claims are that precise"
        )
    if max_draws is not None and precision is None:
        raise DetenteError("--max-draws caps a --precision run; give --precision E as well")
    overrides = parse_overrides(set_ or [])
    text = ScenarioText.read(scenario, overrides)
    warn_out_of_range(text.build({}), overrides)
    options = RunOptions(out, workers, scheduler, resume, force, chunk_size, notify=note)
    plan = scenario_sweep(text, draws or MIN_DRAWS, seed, kind, parse_fields(fields))
    if precision is not None:
        manifest = _to_precision(plan, options, precision, max_draws or MAX_DRAWS)
    else:
        if plan.plan.balance_note():
            say(f"warning: {plan.plan.balance_note()}")
        if kind == "saltelli":
            say(
                f"note: {draws:,} base samples of {len(plan.parameters) + 2} draws: {plan.total:,} draws"
            )
        manifest = run_sweep(plan, options)
    _warn_invalid(out, manifest)
    console.print(
        literal(
            f"{manifest.total:,} draws in {out} ({len(manifest.chunks)} chunks, "
            f"seed {manifest.arguments['seed']}); summarize with: detente summarize {out}"
        )
    )


def _design(design: str | None, lhs: bool, precision: float | None) -> DesignKind:
    """The design asked for: ``--lhs`` is ``--design lhs``; ``--precision`` defaults to sobol."""
    if lhs and design not in (None, "lhs"):
        raise DetenteError(f"--lhs is --design lhs; it cannot go with --design {design}")
    chosen = "lhs" if lhs else design or ("sobol" if precision is not None else "random")
    if chosen not in DESIGNS:
        raise DetenteError(f"--design {chosen}: no such design; choose one of {', '.join(DESIGNS)}")
    return chosen


def _to_precision(plan: Sweep, options: RunOptions, target: float, most: int) -> Manifest:
    """Run ``plan`` in rounds to ``target``; say each round and, at the end, every interval."""
    ended = run_to_precision(plan, options, target, most, progress=note)
    widest = ended.widest
    if not ended.reached:
        say(
            f"note: stopped at --max-draws {most:,} before reaching ±{target:g}: the widest "
            f"interval is ±{widest.half_width:.4f} ({widest.claim}); raise --max-draws or "
            "--resume with a larger one"
        )
    labels = Labels.of(ended.manifest.details)
    rows = []
    for name, interval in widest.intervals.items():
        low, high = float(interval["low"]), float(interval["high"])  # type: ignore[arg-type]
        rows.append(
            [
                labels.claim(name),
                f"{float(interval['share']):.4f}",  # type: ignore[arg-type]
                f"{low:.4f}–{high:.4f}",
                f"{(high - low) / 2:.4f}",
                str(interval["interval_method"]),
            ]
        )
    columns = [
        Column("claim"),
        *(Column(c, "right") for c in ("share", "95% interval", "±")),
        Column("method"),
    ]
    print_table(
        console, f"Claims after {widest.draws:,} valid draws (95% intervals)", columns, rows
    )
    return ended.manifest


def _warn_invalid(out: Path, manifest: Manifest) -> None:
    invalid = invalid_draws(out)
    if invalid:
        draw, why = invalid[0]
        say(
            f"warning: {len(invalid):,} of {manifest.total:,} draws gave an invalid scenario and "
            f"are left out of every share (their rows say why in the column invalid); "
            f"e.g. draw {draw}: {why}"
        )
