"""``detente simulate``: run many negotiation sessions and summarise them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.progress import Progress
from rich.text import Text

from detente import sizes
from detente.analysis.documents import SimulateDocument
from detente.analysis.labels import labels_of
from detente.batch import BatchSession, Tally, choose_engine
from detente.cli.common import (
    DEFAULT_MAX_OUTCOMES,
    JsonOpt,
    MaxOutcomesOpt,
    ScenarioArg,
    SetOpt,
    console,
    emit_json,
    err_console,
    load,
)
from detente.cli.conclusions import outcome_text
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.files import write_atomically
from detente.session import Session, Summary, protocol_for, strategies_for, summarize
from detente.trace import Trace, dumps

StrategiesOpt = Annotated[
    str | None,
    typer.Option(
        "--strategies",
        help="Strategy specs, one per signatory in party order (or one for all), e.g. "
        "'boulware(exponent=4),hardline'. Default: the scenario's protocol.strategies.",
        show_default=False,
    ),
]
SessionsOpt = Annotated[int, typer.Option("--sessions", min=1, help="Number of sessions.")]
SeedOpt = Annotated[
    int, typer.Option("--seed", min=0, help="Seed; session k uses SeedSequence(seed).spawn.")
]
RoundsOpt = Annotated[
    int | None,
    typer.Option(
        "--rounds",
        help="Deadline in rounds (default: the scenario's, else 100).",
        show_default=False,
    ),
]
ProtocolOpt = Annotated[
    str | None,
    typer.Option(
        "--protocol", help="Protocol spec, e.g. 'single-text(deadline=50)'.", show_default=False
    ),
]
EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help="auto (the batch engine when every strategy is vectorisable and no traces are "
        "written), batch or reference.",
    ),
]
TraceOpt = Annotated[
    Path | None,
    typer.Option(
        "--trace-out", help="Write every session's trace as JSON Lines.", show_default=False
    ),
]


def simulate(
    scenario: ScenarioArg,
    strategies: StrategiesOpt = None,
    sessions: SessionsOpt = 100,
    seed: SeedOpt = 0,
    rounds: RoundsOpt = None,
    protocol: ProtocolOpt = None,
    trace_out: TraceOpt = None,
    set_: SetOpt = None,
    json_: JsonOpt = False,
    max_outcomes: MaxOutcomesOpt = DEFAULT_MAX_OUTCOMES,
    engine: EngineOpt = "auto",
) -> None:
    """Run sessions of a negotiation protocol with the given strategies and summarise them."""
    if rounds is not None and rounds < 1:
        raise DetenteError(f"--rounds must be at least 1, got {rounds}")
    sizes.require("sessions", sessions, f"--sessions {sessions:,}", "each session is played out")
    loaded = load(scenario, set_)
    negotiation = protocol_for(loaded, rounds, protocol)
    sizes.require("rounds", negotiation.deadline, f"a deadline of {negotiation.deadline:,} rounds")
    session = Session.prepare(loaded, negotiation, strategies_for(loaded, strategies), max_outcomes)
    ran = choose_engine(session, engine, traces=trace_out is not None)
    if ran == "batch":
        summary = _run_batch(session, sessions, seed)
    elif trace_out is None:
        summary = summarize(_run(session, sessions, seed))
    else:
        summaries: list[Summary] = []

        def write(path: Path) -> None:
            with path.open("w", encoding="utf-8") as out:
                summaries.append(summarize(_written(_run(session, sessions, seed), out)))

        write_atomically(trace_out, write)
        summary = summaries[0]
    document = SimulateDocument(summary, loaded.space.names, ran)
    if json_:
        emit_json(document.json())
    else:
        render(session, document)


def _run(session: Session, n: int, seed: int) -> Iterator[Trace]:
    with Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("sessions", total=n)
        for trace in session.run_many(n, seed):
            bar.advance(task)
            yield trace


def _run_batch(session: Session, n: int, seed: int) -> Summary:
    tally = Tally(session.table.scenario.party_ids)
    with Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("sessions", total=n)
        for chunk in BatchSession.of(session).stream(n, seed):
            tally.add(chunk)
            bar.advance(task, len(chunk))
    return tally.summary(session.table.scenario.space)


def _written(traces: Iterator[Trace], out: TextIO) -> Iterator[Trace]:
    for trace in traces:
        out.write(dumps(trace) + "\n")
        yield trace


def render(session: Session, document: SimulateDocument) -> None:
    """Print the readable summary."""
    summary = document.summary
    scenario = session.table.scenario
    labels = labels_of(scenario)
    specs = [s for s in session.specs if s]
    said = (
        f": {summary.sessions} sessions of {session.protocol.name} "
        f"(deadline {session.protocol.deadline}) with {', '.join(specs)}"
    )
    console.print(Text.assemble(literal(scenario.name, style="bold"), literal(said)))
    console.print(
        literal(
            f"agreement rate {summary.agreement_rate:.3g}, mean rounds {summary.mean_rounds:.3g}; "
            + ", ".join(f"{kind} {count}" for kind, count in summary.results)
        )
    )
    utilities = zip(summary.parties, summary.mean_utilities, strict=True)
    said = ", ".join(f"{labels.party(p)} {u:.4g}" for p, u in utilities)
    console.print(literal(f"mean utility: {said}"))
    if summary.agreements:
        kinds = {issue.name: issue.kind for issue in scenario.space.issues}
        rows = [
            [outcome_text(dict(zip(document.issues, values, strict=True)), kinds, labels), str(n)]
            for values, n in summary.agreements[:10]
        ]
        print_table(console, "Agreements", [Column("outcome"), Column("sessions", "right")], rows)
