"""``detente sweep``: draw the uncertain parameters, analyse every draw, test the claims."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import ScenarioArg, SetOpt, console, say, warn_out_of_range
from detente.cli.text import literal
from detente.experiments.runner import RunOptions
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.summary import invalid_draws
from detente.experiments.sweep import parse_fields, run_sweep, scenario_sweep
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


def sweep(
    scenario: ScenarioArg,
    draws: Annotated[int, typer.Option("--draws", min=1, help="Number of draws.")],
    out: OutOpt,
    seed: SeedOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    force: ForceOpt = False,
    lhs: Annotated[
        bool, typer.Option("--lhs", help="Latin hypercube instead of independent draws.")
    ] = False,
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
    overrides = parse_overrides(set_ or [])
    text = ScenarioText.read(scenario, overrides)
    warn_out_of_range(text.build({}), overrides)
    options = RunOptions(out, workers, scheduler, resume, force, chunk_size, notify=note)
    manifest = run_sweep(scenario_sweep(text, draws, seed, lhs, parse_fields(fields)), options)
    invalid = invalid_draws(out)
    if invalid:
        draw, why = invalid[0]
        say(
            f"warning: {len(invalid):,} of {manifest.total:,} draws gave an invalid scenario and "
            f"are left out of every share (their rows say why in the column invalid); "
            f"e.g. draw {draw}: {why}"
        )
    console.print(
        literal(
            f"{manifest.total:,} draws in {out} ({len(manifest.chunks)} chunks, "
            f"seed {manifest.arguments['seed']}); summarize with: detente summarize {out}"
        ),
        soft_wrap=True,
    )
