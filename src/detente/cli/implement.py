"""``detente implement``: carry a schedule out many times and count what happens."""

from __future__ import annotations

from typing import Annotated

import numpy as np
import typer

from detente import sizes
from detente.analysis.calendar import stage_dates
from detente.analysis.labels import labels_of
from detente.analysis.phasing import implement_document
from detente.cli.common import JsonOpt, ScenarioArg, SetOpt, console, emit_json, load
from detente.cli.phase import StagesOpt, phasing_of
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.phasing.designer import design
from detente.phasing.plan import Phasing
from detente.phasing.schedule import Schedule
from detente.phasing.simulation import implement as run

SessionsOpt = Annotated[int, typer.Option("--sessions", min=1, help="Number of sessions.")]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Seed of the random generator.")]


def schedule_for(plan: Phasing, stages: int | None) -> Schedule:
    """The scenario's fixed schedule, or (with ``--stages`` or none fixed) the designer's."""
    if plan.schedule is not None and stages is None:
        return plan.schedule
    result = design(plan.deal, stages or plan.stages, plan.objective, plan.target, plan.time_limit)
    if result.schedule is None:
        raise DetenteError(f"no schedule to implement: {result.reason}")
    return result.schedule


def require_session_memory(plan: Phasing, sessions: int, stages: int) -> None:
    """Refuse more sessions than the per-session arrays of a simulation hold in the memory limit."""
    parties = len(plan.deal.parties)
    nbytes = 8 * sessions * (4 + 2 * stages * parties)
    sizes.require(
        "memory",
        nbytes,
        f"--sessions {sessions:,} over {stages} stages and {parties} parties",
        f"the simulation holds arrays of about {sizes.size_text(nbytes)}",
    )


def implement(
    scenario: ScenarioArg,
    stages: StagesOpt = None,
    sessions: SessionsOpt = 10_000,
    seed: SeedOpt = 0,
    set_: SetOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Simulate carrying out the scenario's schedule: completion rate, where deals break, values."""
    sizes.require("sessions", sessions, f"--sessions {sessions:,}", "each session is carried out")
    sizes.require_stages(stages, "--stages")
    loaded = load(scenario, set_)
    plan = phasing_of(loaded)
    require_session_memory(plan, sessions, stages or plan.stages)
    schedule = schedule_for(plan, stages)
    outcome = run(plan.deal, schedule, sessions, np.random.default_rng(seed))
    if json_:
        emit_json(implement_document(outcome, plan.deal, schedule, seed).json())
        return
    labels = labels_of(loaded)
    console.print(
        f"{outcome.sessions:,} sessions over {schedule.stages} stage(s): completed "
        f"{outcome.completion_rate:.4f} (analytic, exogenous reneging only: "
        f"{outcome.completion_probability:.4f})",
        highlight=False,
    )
    dates = stage_dates(plan.deal.calendar, len(outcome.break_stage_histogram))
    console.print(
        "broke down in stage: "
        + ", ".join(
            f"{k}{'' if dates is None else f' ({dates[k - 1].span})'}: {c}"
            for k, c in enumerate(outcome.break_stage_histogram, start=1)
        ),
        highlight=False,
    )
    calendar = plan.deal.calendar
    if outcome.lapsed and calendar is not None:
        deadline = calendar.deadline(len(outcome.break_stage_histogram))
        said = "" if deadline is None else f" {deadline.name!r} ({deadline.date})"
        console.print(
            literal(f"lapsed unfinished at the deadline{said}: {outcome.lapsed}"), highlight=False
        )
    for stage, party, item, goes_on, count in outcome.deviations:
        what = "everything" if item is None else labels.item(item)
        then = "the deal went on" if goes_on else "the deal ended"
        console.print(
            literal(
                f"{labels.party(party)} withheld {what} in stage {stage}, {then}: "
                f"{count:,} session(s)"
            )
        )
    if outcome.went_on:
        console.print(
            literal(f"carried to the end after a deviation (not completed): {outcome.went_on:,}")
        )
    console.print(
        literal(
            "expected values: "
            + ", ".join(f"{labels.party(p)} {v:.6g}" for p, v in outcome.expected_values)
        )
    )
