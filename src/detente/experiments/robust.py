"""Robust deals: one package and schedule for most plausible worlds (``detente phase --robust``).

The scenario's uncertain parameters are drawn as a sweep draws them
(:func:`~detente.experiments.draws.draw_values`, seeded per draw by
:func:`~detente.experiments.chunks.unit_seed`): the **training** sample is draws
``0 … N−1`` of the seed's stream, the **evaluation** sample draws ``N … 2N−1`` (what
``detente sweep --seed S --draws 2N`` draws after its first ``N``), so the two never
share a draw and the same seed gives the same samples. A draw whose values make no
valid scenario is left out of its sample and counted.

Each draw is a deal with the designer's bounds for that draw (what its ratifiers
allow, :func:`~detente.analysis.phasing.ratifiable_deal`, as ``analyze`` designs).
:func:`~detente.phasing.robust.robust_design` chooses the schedule that works in the
most training draws; the evaluation sample then judges it
(:func:`~detente.phasing.robust.judge`, the check and the path of ``phase --given``)
beside the point-estimate design (the designer's schedule at the point estimate, as
``phase`` prints it) and each named position's schedule (its own, else its designed
one, else its package exchanged in one stage).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from detente import sizes
from detente.analysis.calendar import stage_dates, struck
from detente.analysis.documents import (
    ItemUnits,
    Json,
    PathDoc,
    StageDatesDoc,
    stage_dates_json,
)
from detente.analysis.phasing import (
    item_units,
    outcome_packages,
    package_document,
    path_document,
    ratifiable_deal,
)
from detente.analysis.solutions import Bargaining
from detente.analysis.twolevel import ratification
from detente.errors import DetenteError
from detente.experiments.chunks import Chunk
from detente.experiments.draws import draw_values
from detente.experiments.progress import progress_bar
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.summary import share_interval
from detente.phasing.deal import Deal
from detente.phasing.designer import Designer, design
from detente.phasing.plan import Phasing
from detente.phasing.robust import Requirements, RobustDesign, judge, robust_design
from detente.phasing.schedule import Schedule
from detente.scenario import Scenario

ROWS_COST = "the robust program holds every draw's rows in one mixed-integer program"


@dataclass(frozen=True, slots=True)
class World:
    """One valid draw: its index in the seed's stream, its scenario and its deal (with the
    designer's bounds for that draw)."""

    draw: int
    scenario: Scenario
    deal: Deal


@dataclass(frozen=True, slots=True)
class Sample:
    """The valid draws of a sample and the invalid ones, ``(draw, why)``."""

    worlds: tuple[World, ...]
    invalid: tuple[tuple[int, str], ...]

    def json(self) -> Json:
        """``{valid, invalid, first_invalid}``: how many sampled worlds could be evaluated, and why the
        first one could not."""
        first = (
            None if not self.invalid else {"draw": self.invalid[0][0], "why": self.invalid[0][1]}
        )
        return {"valid": len(self.worlds), "invalid": len(self.invalid), "first_invalid": first}


def designed_deal(scenario: Scenario) -> Deal:
    """The scenario's deal with the bounds the designer uses: with factions, each item's total
    within the amounts some ratifiable outcome gives it (as ``analyze`` designs)."""
    plan = scenario.phasing
    if plan is None:
        raise DetenteError(
            f"{scenario.path or scenario.name}: no items: section to design a deal of"
        )
    ratified = ratification(scenario, Bargaining.of(scenario))
    if not ratified.factions:
        return plan.deal
    return ratifiable_deal(scenario, plan.deal, ratified.win_sets.common)


def sample(
    text: ScenarioText, seed: int, chunk: Chunk, advance: Callable[[int], None] | None = None
) -> Sample:
    """The draws of ``chunk`` of the seed's stream, built into worlds (invalid ones apart)."""
    parameters = text.uncertain()
    values = {
        name: column.tolist() for name, column in draw_values(parameters, seed, chunk).items()
    }
    worlds, invalid = [], []
    for k, draw in enumerate(range(chunk.start, chunk.stop)):
        drawn = {name: column[k] for name, column in values.items()}
        try:
            scenario = text.build(drawn)
            sizes.require_scenario(scenario)
            worlds.append(World(draw, scenario, designed_deal(scenario)))
        except DetenteError as error:
            invalid.append((draw, str(error)))
        if advance is not None:
            advance(1)
    return Sample(tuple(worlds), tuple(invalid))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A schedule to judge across draws: the robust design, the point design or a position's.

    ``outcome`` is the position's outcome (its faction changes strike its moves in a draw,
    as ``phase --given --position`` has them); ``source`` says where the schedule comes from.
    """

    name: str
    source: str
    schedule: Schedule | None
    outcome: int | None = None
    reason: str = ""

    def deal(self, world: World) -> Deal:
        """The deal this candidate is judged in, in one world."""
        if self.outcome is None:
            return world.deal
        return struck(world.scenario, world.deal, self.outcome)


@dataclass(frozen=True, slots=True)
class Record:
    """How a candidate fares over one sample: the draws where it works, and why it fails
    elsewhere (``{reason: count}``, the first condition of :class:`~detente.phasing.robust.Verdict`
    that fails)."""

    works: int
    total: int
    failures: Mapping[str, int]

    def json(self, prefix: str = "") -> Json:
        """``share`` and ``interval`` (Clopper–Pearson), ``prefix``-ed; ``None`` without draws."""
        if not self.total:
            return {f"{prefix}share": None, f"{prefix}interval": None}
        found = share_interval(self.works, self.total)
        return {
            f"{prefix}share": found["share"],
            f"{prefix}interval": {"low": found["low"], "high": found["high"]},
        }


def record(candidate: Candidate, worlds: Sequence[World], advance: Callable[[int], None]) -> Record:
    """Judge ``candidate`` in every world."""
    if candidate.schedule is None:  # nothing to judge: no share
        advance(len(worlds))
        return Record(0, 0, {})
    works, failures = 0, dict[str, int]()
    for world in worlds:
        advance(1)
        verdict = judge(candidate.deal(world), candidate.schedule)
        if verdict.works:
            works += 1
        else:
            reason = verdict.failure or ""
            failures[reason] = failures.get(reason, 0) + 1
    return Record(works, len(worlds), failures)


@dataclass(frozen=True, slots=True)
class Standing:
    """One candidate's schedule and how it fares: on the training and the evaluation draws."""

    candidate: Candidate
    training: Record
    evaluation: Record

    def json(self) -> Json:
        """A candidate's shares (evaluation and training worlds), its package and schedule."""
        schedule = self.candidate.schedule
        return {
            **self.evaluation.json(),
            **self.training.json("training_"),
            "source": self.candidate.source,
            "package": None if schedule is None else _package(schedule),
            "schedule": None if schedule is None else schedule.as_dicts(),
            "stages": None if schedule is None else schedule.stages,
            "failures": dict(self.evaluation.failures),
            "reason": self.candidate.reason or None,
        }


def _package(schedule: Schedule) -> dict[str, float]:
    """The schedule's totals, leaving out items it does not deliver, rounded to 12 decimals
    (summing a solver's stage amounts can overshoot a whole item by an ulp: 1.0000000000000004).

    >>> from detente.phasing.schedule import Schedule
    >>> _package(Schedule.from_stages(("a", "b"), [{"a": 0.7}, {"a": 0.2}, {"a": 0.1}]))
    {'a': 1.0}
    """
    totals = schedule.totals().items()
    return {name: round(total, 12) for name, total in totals if abs(total) > 1e-9}


@dataclass(frozen=True, slots=True)
class RobustDocument:
    """What ``detente phase --robust`` returns (its ``json()`` is the ``--json`` output)."""

    draws: int
    seed: int
    stages: int
    requirements: Requirements
    design: RobustDesign
    robust: Standing
    point_design: Standing
    positions: Mapping[str, Standing]
    path_at_point: PathDoc | None
    training: Sample
    evaluation: Sample
    units: ItemUnits
    stage_dates: tuple[StageDatesDoc, ...] | None

    def json(self) -> Json:
        """The ``phase --robust --json`` document."""
        design = self.design
        robust = {
            **self.robust.json(),
            "path_at_point": None if self.path_at_point is None else self.path_at_point.json(),
            "status": design.status,
            "gap": design.gap,
            "counted": len(design.counted),
            "rejected": list(design.rejected),
            "surplus_at_point": design.surplus,
            "programs": design.programs,
            "stage_dates": None if self.stage_dates is None else stage_dates_json(self.stage_dates),
        }
        return {
            "draws": self.draws,
            "seed": self.seed,
            "stages": self.stages,
            "evaluation_draws": [self.draws, 2 * self.draws],
            "requirements": {"target": self.requirements.target, "floor": self.requirements.floor},
            "training": self.training.json(),
            "evaluation": self.evaluation.json(),
            "robust": robust,
            "point_design": self.point_design.json(),
            "positions": {name: standing.json() for name, standing in self.positions.items()},
            "units": self.units.json(),
            "binary": list(self.units.binary),
            "measured": list(self.units.measured),
        }


def robust_document(
    text: ScenarioText,
    draws: int,
    seed: int,
    stages: int | None = None,
    target: float | None = None,
    show: bool = True,
) -> RobustDocument:
    """Design the robust schedule on ``draws`` training draws and judge it on as many fresh ones.

    ``stages`` defaults to the scenario's ``phasing.max_stages`` (for the robust deal and the
    point design alike); ``target`` (default: the scenario's ``phasing.target``) fixes the
    measured total, else the robust deal must carry at least the point design's total.
    """
    point, plan = _checked(text, draws)
    K = plan.max_stages if stages is None else stages
    goal = plan.target if target is None else target
    _require_rows(plan.deal, K, draws, plan.time_limit)
    point_deal = designed_deal(point)
    best = design(point_deal, K, plan.objective, goal, plan.time_limit)
    requirements = _requirements(goal, best.total if best.feasible else None)
    with progress_bar("drawing", 2 * draws, 0, "draws", show) as advance:
        training = sample(text, seed, Chunk(0, 0, draws), advance)
        evaluation = sample(text, seed, Chunk(1, draws, 2 * draws), advance)
    if not training.worlds:
        draw, why = training.invalid[0]
        raise DetenteError(f"every training draw gave an invalid scenario; e.g. draw {draw}: {why}")
    rows = len(training.worlds) * Designer(plan.deal, plan.time_limit).usable(K)
    with progress_bar("building rows", rows, 0, "draws", show) as advance:
        deals = [w.deal for w in training.worlds]
        found = robust_design(plan.deal, deals, K, requirements, plan.time_limit, advance)
    candidates = [
        Candidate("robust", "robust", found.schedule, reason=_why_none(found)),
        Candidate("point_design", "designed", best.schedule, reason=best.reason),
        *_positions(point, point_deal),
    ]
    standings = _standings(candidates, training, evaluation, show)
    used = 0 if found.schedule is None else found.schedule.trimmed().stages
    return RobustDocument(
        draws=draws,
        seed=seed,
        stages=K,
        requirements=requirements,
        design=found,
        robust=standings[0],
        point_design=standings[1],
        positions={s.candidate.name: s for s in standings[2:]},
        path_at_point=_path_at(point_deal, found.schedule),
        training=training,
        evaluation=evaluation,
        units=item_units(plan.deal),
        stage_dates=stage_dates(plan.deal.calendar, used),
    )


def _checked(text: ScenarioText, draws: int) -> tuple[Scenario, Phasing]:
    """The point estimate and its phasing plan, or a one-line error saying what is missing."""
    if draws < 1:
        raise DetenteError(f"--draws must be at least 1, got {draws}")
    sizes.require("draws", draws, f"--draws {draws:,}", "each draw is one analysis")
    point = text.build({})
    if point.phasing is None:
        raise DetenteError(
            f"{point.path or point.name}: no items: section; phasing needs the items a deal is "
            "made of (see docs/reference/scenario-files.md)"
        )
    if not text.uncertain():
        raise DetenteError(
            f"{point.path or point.name}: --robust draws the uncertain parameters, and no "
            "parameter has a range; give one (e.g. range: [0.8, 0.99])"
        )
    return point, point.phasing


def _standings(
    candidates: Sequence[Candidate], training: Sample, evaluation: Sample, show: bool
) -> list[Standing]:
    """Every candidate judged in every training and evaluation world."""
    judged = len(candidates) * (len(training.worlds) + len(evaluation.worlds))
    with progress_bar("judging", judged, 0, "draws", show) as advance:
        return [
            Standing(c, record(c, training.worlds, advance), record(c, evaluation.worlds, advance))
            for c in candidates
        ]


def _path_at(deal: Deal, schedule: Schedule | None) -> PathDoc | None:
    """The equilibrium path of the robust schedule at the point estimate."""
    if schedule is None:
        return None
    return path_document(judge(deal, schedule).path, deal, schedule.trimmed().stages)


def _requirements(target: float | None, point_total: float | None) -> Requirements:
    """A target fixes the total; else the point design's total is the least the deal carries."""
    if target is not None:
        return Requirements(target=target)
    if point_total is None:
        raise DetenteError(
            "--robust needs a deal to match: the point estimate has no self-enforcing design, "
            "so give --target X (the measured total the robust deal must carry)"
        )
    return Requirements(floor=point_total)


def _why_none(found: RobustDesign) -> str:
    if found.schedule is not None:
        return ""
    return "no schedule within the bounds carries the required total"


def _positions(point: Scenario, deal: Deal) -> list[Candidate]:
    """Each named position's schedule: its own, else its design at the point estimate (the
    fewest stages that carry its package), else its package exchanged in one stage."""
    plan = point.phasing
    assert plan is not None
    outcomes = {name: point.space.to_dict(p.index) for name, p in point.positions.items()}
    packages = outcome_packages(plan, outcomes)
    designer = Designer(deal, plan.time_limit, reasons=False)
    found = []
    for name, position in point.positions.items():
        if name not in packages:
            continue
        amounts = packages[name]
        if position.schedule is not None:
            found.append(Candidate(name, "given", position.schedule, position.index))
            continue
        document = package_document(plan, amounts, designer)
        if document.schedule is not None:
            schedule = Schedule.from_stages(deal.item_names, document.schedule)
            found.append(Candidate(name, "designed", schedule, position.index))
        elif len(amounts) == len(deal.items):
            schedule = Schedule.from_stages(deal.item_names, [amounts])
            found.append(Candidate(name, "one_shot", schedule, position.index, document.reason))
        else:
            found.append(Candidate(name, "none", None, position.index, document.reason))
    return found


def _require_rows(deal: Deal, stages: int, draws: int, time_limit: float) -> None:
    """Refuse a program beyond the ``robust-rows`` limit: each draw's rows times the draws."""
    program = Designer(deal, time_limit, reasons=False).program(stages)
    per_draw = len(program.rows(None)[0]) + len(program.compiled.cheating)
    sizes.require(
        "robust-rows",
        per_draw * draws,
        f"--draws {draws:,} ({per_draw} rows per draw at {stages} stages)",
        ROWS_COST,
    )
