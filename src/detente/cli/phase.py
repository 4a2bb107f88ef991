"""``detente phase``: the best self-enforcing schedule, the one-shot exchange, the fewest stages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from detente import sizes
from detente.analysis.calendar import struck
from detente.analysis.documents import (
    AnswerDoc,
    BreakDoc,
    GivenDocument,
    ItemUnits,
    PhaseDocument,
    StageDatesDoc,
    WeightChangeDoc,
)
from detente.analysis.labels import labels_of
from detente.analysis.phasing import (
    design_document,
    given_document,
    min_stages_document,
    outcome_packages,
)
from detente.analysis.verification import verdict
from detente.cli.common import (
    JsonOpt,
    ScenarioArg,
    SetOpt,
    console,
    emit_json,
    load,
    warn_out_of_range,
)
from detente.cli.conclusions import move_text, named, package_text
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.errors import DetenteError, UnknownNameError
from detente.experiments.robust import RobustDocument, robust_document
from detente.experiments.scenario_text import ScenarioText
from detente.labels import Labels
from detente.phasing.deal import fix_package
from detente.phasing.designer import OBJECTIVES, Objective, design
from detente.phasing.plan import Phasing
from detente.scenario import Scenario
from detente.scenariofile.loader import parse_overrides

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
GivenOpt = Annotated[
    bool,
    typer.Option(
        "--given",
        help="Analyse the scenario's own phasing.schedule (with --position, the position's "
        "schedule) instead of designing one: where its equilibrium path breaks.",
    ),
]
RobustOpt = Annotated[
    bool,
    typer.Option(
        "--robust",
        help="Design one package and schedule that works in as many of --draws sampled worlds "
        "as possible, and compare it on as many fresh draws with the point-estimate design "
        "and the positions.",
    ),
]
DrawsOpt = Annotated[
    int | None,
    typer.Option(
        "--draws", help="With --robust: training draws (the evaluation sample has as many)."
    ),
]
SeedOpt = Annotated[
    int,
    typer.Option(
        "--seed",
        min=0,
        help="With --robust: seed of the draws (training: draws 0…N−1 of its stream, "
        "evaluation: N…2N−1).",
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
    given: GivenOpt = False,
    robust: RobustOpt = False,
    draws: DrawsOpt = None,
    seed: SeedOpt = 0,
    set_: SetOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Design the best self-enforcing schedule (or the fewest stages) for a scenario's deal,
    or, with --given, find where a given schedule's equilibrium path breaks, or, with
    --robust, the deal that works in the most sampled worlds."""
    if stages is not None and min_stages_:
        raise DetenteError("give either --stages K or --min-stages, not both")
    sizes.require_stages(stages, "--stages")
    sizes.require_stages(max_stages, "--max-stages")
    if robust or draws is not None:
        conflicts = bool(given or min_stages_ or position or objective or equal_steps or max_stages)
        _robust(scenario, set_, robust, draws, seed, stages, target, conflicts, json_)
        return
    loaded = load(scenario, set_)
    plan = phasing_of(loaded)
    if given:
        _given(loaded, plan, position, json_, bool(stages or min_stages_ or target or objective))
        return
    deal, outcome = plan.deal, None
    if position is not None:
        amounts = position_package(loaded, plan, position)
        outcome = loaded.positions[position].index
        deal = fix_package(struck(loaded, deal, outcome), amounts)
        target, min_stages_ = sum(amounts.values()), min_stages_ or stages is None
    if equal_steps:
        for name in equal_steps:
            deal.item_index(name)
        deal = replace(deal, equal_steps=(*deal.equal_steps, *equal_steps))
    goal = plan.target if target is None else target
    if min_stages_:
        limit = max_stages or plan.max_stages
        document = _min_stages(replace(plan, deal=deal, max_stages=limit), goal, loaded, outcome)
    else:
        chosen = _objective(objective, plan.objective)
        result = design(deal, stages or plan.stages, chosen, goal, plan.time_limit)
        document = design_document(result, deal, loaded, outcome)
    if json_:
        emit_json(document.json())
    else:
        labels = labels_of(loaded)
        render(document.json(), document.units, labels, document.stage_dates)
        render_changes(document.weight_changes, labels, fixed=outcome is not None)


def _given(
    scenario: Scenario, plan: Phasing, position: str | None, json_: bool, designing: bool
) -> None:
    if designing:
        raise DetenteError(
            "--given analyses a schedule the scenario gives: it takes no --stages, "
            "--min-stages, --target or --objective"
        )
    deal, outcome = plan.deal, None
    if position is None:
        schedule, source, where = plan.schedule, "phasing.schedule", "phasing.schedule"
    else:
        position_package(scenario, plan, position)
        schedule = scenario.positions[position].schedule
        source = where = f"positions.{position}.schedule"
        outcome = scenario.positions[position].index
        deal = struck(scenario, deal, outcome)
    if schedule is None:
        raise DetenteError(
            f"{scenario.path or scenario.name}: --given needs a schedule, and {where} gives "
            "none; add one ({item: amount} per stage) or drop --given to design one"
        )
    document = given_document(deal, schedule, source, scenario, outcome)
    if json_:
        emit_json(document.json())
    else:
        labels = labels_of(scenario)
        render_given(document, labels)
        render_changes(document.weight_changes, labels, fixed=outcome is not None)


def _dated(stage: int, dates: Sequence[StageDatesDoc] | None) -> str:
    """``stage 3`` or, with a calendar, ``stage 3 (2020-03-01 to 2020-09-01)``."""
    return f"stage {stage}" if not dates else f"stage {stage} ({dates[stage - 1].span})"


def render_given(document: GivenDocument, labels: Labels) -> None:
    """Print where a given schedule's equilibrium path breaks (and, when the deal goes on
    after a withholding, what follows), and its schedule."""
    path, dates = document.path, document.stage_dates
    if path.breaks is not None:
        verdict = _break(path.breaks, labels, path.carried_out, dates)
    elif path.lapses is not None:
        lapse = path.lapses
        verdict = (
            f"lapses at the deadline {lapse.event!r} ({lapse.date}): {_dated(lapse.stage, dates)} "
            f"and later are cut off; {path.carried_out} stage(s) carried out before"
        )
    else:
        verdict = f"completed: every mover honours, all {document.stages} stage(s) carried out"
    source = document.source
    if source.startswith("positions."):
        source = f"the schedule of {labels.position(source.split('.')[1])}"
    console.print(literal(f"{source}, {document.stages} stage(s): {verdict}"))
    after = path.then
    while after is not None:
        if after.breaks is None:
            console.print(literal("then: the rest of the modified schedule is carried out"))
        else:
            console.print(literal(f"then: {_break(after.breaks, labels, None, dates)}"))
        after = after.then
    values = ", ".join(f"{labels.party(p)} {v:.6g}" for p, v in path.values.items())
    console.print(literal(f"values along the path: {values}"))
    _verification(document.json().get("verification", {}), labels)
    _schedule_table(document.schedule, document.units, labels, dates)


def _verification(entries: Mapping[str, Mapping[str, Any]], labels: Labels) -> None:
    """One line per cheating-prone item: whether covert cheating on it pays."""
    for item, entry in entries.items():
        console.print(literal(verdict(labels.item(item), named(entry, labels), _number)))


def render_changes(changes: Sequence[WeightChangeDoc] | None, labels: Labels, fixed: bool) -> None:
    """Say what each faction change does to the package (``fixed``: a position's, which the
    schedule then counts; else a designed or given one's, reported only)."""
    for change in changes or ():
        party = labels.party(change.party)
        head = (
            f"faction change {change.event!r} ({change.date}: {party}'s {change.faction} "
            f"weighs {change.weight:g})"
        )
        if change.in_win_set is None:
            said = "cannot be judged: no item is named like an issue"
        elif change.in_win_set:
            said = f"the package stays in {party}'s win-set"
        elif fixed:
            said = (
                f"takes the package out of {party}'s win-set: {party} reneges on "
                "any step it still has to take"
            )
        else:
            said = (
                f"takes the package out of {party}'s win-set (reported only: phase the "
                "package as a position to carry the change out)"
            )
        when = "" if change.stage is None else f", in stage {change.stage}"
        console.print(literal(f"{head}{when}: {said}"))


def _break(
    broken: BreakDoc,
    labels: Labels,
    carried_out: int | None,
    dates: Sequence[StageDatesDoc] | None = None,
) -> str:
    """``breaks in stage 2 at B: withholding b3 is worth 0.5 more …; the deal goes on: a
    suspended from stage 3``."""
    withheld = broken.withholds
    what = "reneging" if withheld is None else f"withholding {labels.item(withheld)}"
    text = (
        f"breaks in {_dated(broken.stage, dates)} at {labels.party(broken.party)}: {what} is worth "
        f"{broken.shortfall:.6g} more than honouring there (slack {broken.slack:.6g})"
    )
    if carried_out is not None:
        text += f"; {carried_out} stage(s) carried out before"
    if not broken.goes_on:
        return text + ("" if broken.withholds is None else "; the deal ends")
    answers = ", ".join(_answer(a, labels) for a in broken.answers) or "nothing is withdrawn"
    return f"{text}; the others answer ({answers}) and the deal goes on"


def _answer(answer: AnswerDoc, labels: Labels) -> str:
    when = f"from stage {answer.stage}"
    item = labels.item(answer.item)
    if answer.share == 0.0:
        return f"{item} suspended {when}"
    return f"{item} suspended and {answer.share:.6g} of it snapped back {when}"


def _min_stages(
    plan: Phasing, target: float | None, scenario: Scenario, outcome: int | None
) -> PhaseDocument:
    if target is None:
        raise DetenteError(
            "--min-stages needs a target: give --target X or phasing.target in the scenario"
        )
    return min_stages_document(plan, target, scenario, outcome)


def _number(x: float) -> str:
    return f"{x:.6g}"


NO_SCHEDULE = "none (no self-enforcing schedule)"
NO_ONE_SHOT = "none (no one-shot exchange is self-enforcing)"


def _total(x: float | None, units: ItemUnits, labels: Labels, missing: str) -> str:
    """A total in the measure's unit (or naming the items it sums), or ``missing`` in words."""
    return missing if x is None else total_text(_number(x), units, labels)


def _totals(
    design: float | None, one_shot: float | None, units: ItemUnits, labels: Labels
) -> tuple[str, str]:
    """The design's total and the one-shot's, naming the measured items once."""
    if design is None or one_shot is None:
        return (
            _total(design, units, labels, NO_SCHEDULE),
            _total(one_shot, units, labels, NO_ONE_SHOT),
        )
    return total_text(_number(design), units, labels), units.total(_number(one_shot), again=True)


def total_text(number: str, units: ItemUnits, labels: Labels) -> str:
    """A total in the measure's unit, or with the measured items named by display name.

    >>> total_text("2", ItemUnits({"a_b": None}, (), ("a_b",)), Labels())
    '2 (a b)'
    """
    if units.measure_unit is not None or not units.measured:
        return units.total(number)
    return f"{number} ({', '.join(labels.item(item) for item in units.measured)})"


def _stage_count(stages: int | None) -> str:
    return "no number of stages suffices" if stages is None else f"{stages} stage(s)"


def render(
    document: dict[str, Any],
    units: ItemUnits,
    labels: Labels,
    dates: Sequence[StageDatesDoc] | None = None,
) -> None:
    """Print the readable summary of a design document (``units``: how its amounts read;
    ``labels``: the scenario's display names; ``dates``: its stages' dates, with a calendar)."""
    if "min_stages" in document:
        fewest = f"fewest stages: {document['min_stages'] or 'none'} ({document['reason']})"
        console.print(literal(fewest))
    one = document["one_shot"] or {}
    total, one_total = _totals(document["max_total"], one.get("max_total"), units, labels)
    console.print(
        literal(
            f"objective {document['objective']}, {_stage_count(document['stages'])}: "
            f"{document['status']}; total {total}; one-shot: "
            f"{'feasible' if one.get('feasible') else 'not self-enforcing'}, "
            f"largest one-shot total {one_total}"
        )
    )
    if document["reason"] and "min_stages" not in document:
        console.print(literal(document["reason"]))
    if not document["schedule"]:
        return
    _schedule_table(document["schedule"], units, labels, dates)
    binding = [move_text(move, labels) for move in document["binding"]]
    console.print(literal("binding: " + (", ".join(binding) or "none")))
    _verification(document.get("verification", {}), labels)


NOISE = 1e-9
"""Amounts at most this large are solver noise: nothing is delivered."""


def _delivered(stage: Mapping[str, float], units: ItemUnits, labels: Labels) -> str:
    """``Yongbyon dismantled, UN sanctions relief 0.25 share of UN relief``: binary items by
    display name, others with their amount and unit (solver noise left out)."""
    given = {name: x for name, x in stage.items() if abs(x) > NOISE}
    return package_text(given, units, labels)


def _schedule_table(
    schedule: Sequence[Mapping[str, float]],
    units: ItemUnits,
    labels: Labels,
    dates: Sequence[StageDatesDoc] | None = None,
) -> None:
    columns = [Column("stage", "right"), *([Column("dates")] if dates else []), Column("delivered")]
    rows = [
        [str(k), *((dates[k - 1].span,) if dates else ()), _delivered(stage, units, labels)]
        for k, stage in enumerate(schedule, start=1)
    ]
    print_table(console, "Schedule: what is delivered in each stage", columns, rows)


def _robust(
    path: Path,
    sets: list[str] | None,
    robust: bool,
    draws: int | None,
    seed: int,
    stages: int | None,
    target: float | None,
    conflicts: bool,
    json_: bool,
) -> None:
    """``phase --robust --draws N``: design on N draws, judge on N fresh ones."""
    if not robust:
        raise DetenteError("--draws is for --robust: give --robust --draws N, or drop --draws")
    if draws is None:
        raise DetenteError(
            "--robust needs --draws N: the number of training draws (the evaluation sample "
            "has as many), e.g. --robust --draws 50"
        )
    if draws < 1:
        raise DetenteError(f"--draws must be at least 1, got {draws}")
    if conflicts:
        raise DetenteError(
            "--robust designs its own package and schedule: it takes --draws, --seed, --stages "
            "and --target, not --given, --min-stages, --position, --objective, --equal-steps "
            "or --max-stages"
        )
    overrides = parse_overrides(sets or [])
    text = ScenarioText.read(path, overrides)
    point = text.build({})
    warn_out_of_range(point, overrides)
    document = robust_document(text, draws, seed, stages, target, show=not json_)
    if json_:
        emit_json(document.json())
    else:
        render_robust(document, labels_of(point))


def render_robust(document: RobustDocument, labels: Labels) -> None:
    """Print the robust package and schedule as ``phase`` prints a schedule, and the comparison."""
    data = document.json()
    robust = data["robust"]
    units = document.units
    console.print(
        literal(
            f"robust deal over {data['draws']:,} training draws (seed {data['seed']}), "
            f"at most {data['stages']} stage(s): {_robust_status(robust)}"
        )
    )
    if robust["schedule"]:
        _schedule_table(robust["schedule"], units, labels, document.stage_dates)
        at_point = robust["path_at_point"]
        verdict = "completed" if at_point and at_point["completed"] else "does not complete"
        console.print(literal(f"at the point estimate its path {verdict}"))
    deals = [("robust", robust), ("point design", data["point_design"])]
    deals += [(f"position {labels.position(n)}", e) for n, e in data["positions"].items()]
    rows = [
        [
            name,
            _schedule_source(entry),
            _share_cell(entry["training_share"], entry["training_interval"]),
            _share_cell(entry["share"], entry["interval"]),
        ]
        for name, entry in deals
    ]
    print_table(
        console,
        "Share of draws in which each deal works (95% interval)",
        ["deal", "schedule", "training draws", "fresh draws"],
        rows,
    )
    for label, sample in (("training", data["training"]), ("evaluation", data["evaluation"])):
        if sample["invalid"]:
            first = sample["first_invalid"]
            console.print(
                literal(
                    f"{sample['invalid']:,} {label} draw(s) gave an invalid scenario and are left "
                    f"out; e.g. draw {first['draw']}: {first['why']}"
                )
            )


def _robust_status(robust: Mapping[str, Any]) -> str:
    if robust["schedule"] is None:
        return robust["reason"] or "no schedule"
    said = f"works in {robust['counted']:,} draw(s) as the program counts them"
    if robust["status"] == "time_limit":
        gap = robust["gap"]
        said += "; a program stopped at its time limit: the best schedule found" + (
            "" if gap is None else f", relative gap {gap:.3g}"
        )
    if robust["rejected"]:
        said += f"; {len(robust['rejected'])} draw(s) the program counted failed the exact check"
    return said


def _schedule_source(entry: Mapping[str, Any]) -> str:
    stages = entry["stages"]
    source = {
        "robust": "robust design",
        "designed": "designed",
        "given": "its own",
        "one_shot": "its package at once",
        "none": "none",
    }[entry["source"]]
    return source if stages is None else f"{source}, {stages} stage(s)"


def _share_cell(share: float | None, interval: Mapping[str, float] | None) -> str:
    if share is None or interval is None:
        return "—"
    return f"{share:.0%} [{interval['low']:.0%}, {interval['high']:.0%}]"
