"""``detente tournament``: strategies against each other, every assignment, every scenario."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import DOMAIN_READING, DomainReading, console, load
from detente.cli.sweep import (
    ChunkOpt,
    ForceOpt,
    OutOpt,
    ResumeOpt,
    SchedulerOpt,
    SeedOpt,
    WorkersOpt,
    note,
)
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.experiments.runner import RunOptions
from detente.experiments.tournament import Entrant, Tournament, run_tournament
from detente.registry import split_specs


def digest(path: Path) -> str:
    """A content hash of a scenario file, or of every file in a domain folder."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    hasher = hashlib.sha256()
    for file in files:
        hasher.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
        hasher.update(file.read_bytes())
    return f"sha256:{hasher.hexdigest()}"


def entrant(text: str) -> Entrant:
    """A tournament scenario from a path: a scenario file or a domain folder."""
    path = Path(text.strip())
    if not path.exists():
        raise DetenteError(f"{path}: no such scenario file or domain folder")
    reading = DOMAIN_READING.get() or DomainReading()
    options = f"real_steps={reading.real_steps},lenient={reading.lenient}"
    return Entrant(str(path), load(path, None), f"{digest(path)};{options}")


def tournament(
    scenarios: Annotated[
        str,
        typer.Argument(
            help="Scenario files or domain folders, comma-separated.", show_default=False
        ),
    ],
    strategies: Annotated[
        str,
        typer.Option(
            "--strategies",
            help="Strategy specs, comma-separated, e.g. 'boulware,conceder,tit-for-tat'.",
            show_default=False,
        ),
    ],
    out: OutOpt,
    repetitions: Annotated[
        int, typer.Option("--repetitions", min=1, help="Sessions per assignment.")
    ] = 1,
    seed: SeedOpt = None,
    rounds: Annotated[
        int | None,
        typer.Option("--rounds", min=1, help="Deadline in rounds (default: each scenario's)."),
    ] = None,
    protocol: Annotated[
        str | None, typer.Option("--protocol", help="Protocol spec for every scenario.")
    ] = None,
    engine: Annotated[
        str,
        typer.Option("--engine", help="auto (batch engine where it can run), batch or reference."),
    ] = "auto",
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    force: ForceOpt = False,
    chunk_size: ChunkOpt = None,
) -> None:
    """Tournament: every assignment of the strategies to each scenario's parties, repeated."""
    entrants = tuple(entrant(text) for text in scenarios.split(",") if text.strip())
    specs = tuple(split_specs(strategies))
    plan = Tournament(entrants, specs, repetitions, seed, protocol, rounds, engine)
    options = RunOptions(out, workers, scheduler, resume, force, chunk_size, notify=note)
    manifest = run_tournament(plan, options)
    console.print(
        literal(
            f"{manifest.total:,} sessions in {out} ({len(manifest.chunks)} chunks, "
            f"seed {manifest.arguments['seed']}); summarize with: detente summarize {out}"
        )
    )
