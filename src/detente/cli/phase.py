"""``detente phase``: the best self-enforcing schedule, the one-shot exchange, the fewest stages."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import typer
from rich.table import Table

from detente import sizes
from detente.analysis.documents import PhaseDocument
from detente.analysis.phasing import design_document, min_stages_document, outcome_packages
from detente.cli.common import JsonOpt, ScenarioArg, SetOpt, console, emit_json, load
from detente.errors import DetenteError, UnknownNameError
from detente.phasing.deal import fix_package
from detente.phasing.designer import OBJECTIVES, Objective, design
from detente.phasing.plan import Phasing
from detente.scenario import Scenario

StagesOpt = Annotated[
    int | None, typer.Option("--stages", min=1, help="Number of stages (default: the scenario's).")
]
MinStagesOpt = Annotated[
    bool, typer.Option("--min-stages", help="Find the fewest stages that carry the target.")
]
TargetOpt = Annotated[
    float | None, typer.Option("--target", help="Measured total the schedule must carry out.")
]
ObjectiveOpt = Annotated[
    str | None,
    typer.Option("--objective", help="total, surplus or completion (default: the scenario's)."),
]
MaxStagesOpt = Annotated[
    int | None,
    typer.Option(
        "--max-stages", min=1, help="Most stages --min-stages tries (default: scenario's)."
    ),
]
PositionOpt = Annotated[
    str | None,
    typer.Option(
        "--position",
        help="Phase a named position's package (its items' totals fixed): one-shot and the "
        "fewest stages that carry it.",
    ),
]
EqualStepsOpt = Annotated[
    list[str] | None,
    typer.Option("--equal-steps", help="Item that must move in equal steps (repeatable)."),
]


def phasing_of(scenario: Scenario) -> Phasing:
    """The scenario's phasing section, or a one-line error saying it has none."""
    if scenario.phasing is None:
        raise DetenteError(
            f"{scenario.path or scenario.name}: no items: section; phasing needs the items a "
            "deal is made of (see docs/reference/scenario-files.md)"
        )
    return scenario.phasing


def position_package(scenario: Scenario, plan: Phasing, name: str) -> dict[str, float]:
    """The item amounts of the named position, or a one-line error."""
    if name not in scenario.positions:
        known = ", ".join(scenario.positions) or "none declared"
        raise UnknownNameError(f"--position {name!r}: no such position; positions: {known}")
    outcome = scenario.space.to_dict(scenario.positions[name].index)
    found = outcome_packages(plan, {name: outcome})
    if not found:
        raise DetenteError(
            f"--position {name!r}: its outcome names none of the items "
            f"({', '.join(plan.deal.item_names)}); name an issue like an item to phase it"
        )
    return found[name]


def _objective(name: str | None, default: Objective) -> Objective:
    if name is None:
        return default
    for objective in OBJECTIVES:
        if objective == name:
            return objective
    raise DetenteError(f"--objective {name!r}: choose one of {', '.join(OBJECTIVES)}")


def phase(
    scenario: ScenarioArg,
    stages: StagesOpt = None,
    min_stages_: MinStagesOpt = False,
    target: TargetOpt = None,
    objective: ObjectiveOpt = None,
    equal_steps: EqualStepsOpt = None,
    max_stages: MaxStagesOpt = None,
    position: PositionOpt = None,
    set_: SetOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Design the best self-enforcing schedule (or the fewest stages) for a scenario's deal."""
    if stages is not None and min_stages_:
        raise DetenteError("give either --stages K or --min-stages, not both")
    sizes.require_stages(stages, "--stages")
    sizes.require_stages(max_stages, "--max-stages")
    loaded = load(scenario, set_)
    plan = phasing_of(loaded)
    deal = plan.deal
    if position is not None:
        amounts = position_package(loaded, plan, position)
        deal = fix_package(deal, amounts)
        target, min_stages_ = sum(amounts.values()), min_stages_ or stages is None
    if equal_steps:
        for name in equal_steps:
            deal.item_index(name)
        deal = replace(deal, equal_steps=(*deal.equal_steps, *equal_steps))
    goal = plan.target if target is None else target
    if min_stages_:
        limit = max_stages or plan.max_stages
        document = _min_stages(replace(plan, deal=deal, max_stages=limit), goal)
    else:
        chosen = _objective(objective, plan.objective)
        result = design(deal, stages or plan.stages, chosen, goal, plan.time_limit)
        document = design_document(result)
    if json_:
        emit_json(document.json())
    else:
        render(document.json())


def _min_stages(plan: Phasing, target: float | None) -> PhaseDocument:
    if target is None:
        raise DetenteError(
            "--min-stages needs a target: give --target X or phasing.target in the scenario"
        )
    return min_stages_document(plan, target)


def _number(x: float | None) -> str:
    return "-" if x is None else f"{x:.6g}"


def render(document: dict[str, Any]) -> None:
    """Print the readable summary of a design document."""
    if "min_stages" in document:
        console.print(f"fewest stages: {document['min_stages'] or 'none'} ({document['reason']})")
    one = document["one_shot"] or {}
    console.print(
        f"objective {document['objective']}, {document['stages'] or '-'} stage(s): "
        f"{document['status']}; total {_number(document['max_total'])}; one-shot: "
        f"{'feasible' if one.get('feasible') else 'not self-enforcing'}, "
        f"largest one-shot total {_number(one.get('max_total'))}",
        highlight=False,
    )
    if document["reason"] and "min_stages" not in document:
        console.print(document["reason"], highlight=False)
    if not document["schedule"]:
        return
    items = sorted({name for stage in document["schedule"] for name in stage})
    table = Table(title="Schedule (amount per stage)")
    table.add_column("stage", justify="right")
    for name in items:
        table.add_column(name, justify="right")
    for k, stage in enumerate(document["schedule"], start=1):
        table.add_row(str(k), *(_number(stage.get(name, 0.0)) for name in items))
    console.print(table)
    console.print("binding: " + (", ".join(document["binding"]) or "none"), highlight=False)
