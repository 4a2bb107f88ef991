"""Phased agreements in the documents: ``analyze``'s ``phasing``, and ``phase`` and ``implement``.

The designer, the stage search and the simulation are :mod:`detente.phasing`'s;
this module runs them with a scenario's defaults and reports their results as
typed documents (:mod:`detente.analysis.documents`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from detente.analysis.calendar import (
    calendar_doc,
    outcome_changes,
    package_changes,
    stage_dates,
    struck,
)
from detente.analysis.documents import (
    AnswerDoc,
    BreakDoc,
    DeviationCount,
    GivenDocument,
    ImplementDocument,
    ItemUnits,
    LapseDoc,
    OneShotDoc,
    PackageDoc,
    PathDoc,
    PhaseDocument,
    PhasingDoc,
    StageSearchDoc,
    WeightChangeDoc,
)
from detente.analysis.verification import (
    DESIGNED,
    deterrence_docs,
    package_verification,
    verification_docs,
)
from detente.errors import DetenteError
from detente.phasing.covert import Covert, during
from detente.phasing.deal import Deal, fix_package
from detente.phasing.designer import Design, Designer, OneShot, design, min_stages
from detente.phasing.enforcement import Valuation, check
from detente.phasing.package import phase_package
from detente.phasing.path import Path, equilibrium_path
from detente.phasing.plan import Phasing
from detente.phasing.schedule import Schedule
from detente.phasing.simulation import Implementation
from detente.ratification import BoolArray
from detente.scenario import Scenario


def _one_shot(one: OneShot | None) -> OneShotDoc | None:
    return None if one is None else OneShotDoc(one.feasible, one.max_total)


def _stages(schedule: Schedule | None) -> tuple[dict[str, float], ...] | None:
    return None if schedule is None else tuple(schedule.as_dicts())


def item_units(deal: Deal) -> ItemUnits:
    """Each item's unit, the binary items and the measured ones, as the deal declares them.

    An item whose total is held at 0 (left out of a fixed package) adds nothing to a total,
    so it is not named among the measured items.

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item
    >>> deal = Deal((Stake("A"), Stake("B")), (Item("x", "A", unit="t"), Item("y", "B", binary=True)),
    ...             (("A",), ("B",)), measure=("x",))
    >>> item_units(deal)
    ItemUnits(units={'x': 't', 'y': None}, binary=('y',), measured=('x',))
    """
    return ItemUnits(
        {item.name: item.unit for item in deal.items},
        tuple(item.name for item in deal.items if item.binary),
        tuple(name for name in deal.measured if deal.items[deal.item_index(name)].total[1] > 0),
    )


def phasing_doc(
    scenario: Scenario,
    agreement: Mapping[str, object] | None,
    ratifiable: BoolArray | None = None,
    agreement_index: int | None = None,
) -> PhasingDoc | None:
    """``phasing``: the best self-enforcing schedule of the scenario's deal, and the one-shot.

    With the scenario's ``phasing:`` defaults (stages, objective, target): the
    status, total and feasibility of the best schedule, the one-shot exchange
    (``one_shot.feasible``, ``one_shot.max_total``) and, when a target is set,
    ``min_stages``: the fewest stages up to ``stages`` that carry it (``null``
    if more are needed). Claims read these fields, e.g.
    ``phasing.one_shot.feasible == false and phasing.feasible``.

    Every named position whose outcome gives amounts of the deal's items (an
    issue named like an item) is phased as a fixed package under
    ``phasing.positions.NAME`` (:func:`package_document`), and so is the
    bargaining ``agreement`` (its outcome) under ``phasing.agreement`` when there is one.

    ``ratifiable`` marks the outcomes every signatory's ratifiers accept, when
    factions are declared: the best schedule then uses no amount of an item
    (an issue named like it) that no ratifiable outcome gives (:func:`ratifiable_deal`).

    With a calendar, ``phasing.calendar`` dates the stages and lists the events
    (:func:`~detente.analysis.calendar.calendar_doc`); a faction change that takes a
    position's (or the agreement's, at ``agreement_index``) outcome out of a party's win-set
    makes that party renege from its date in the package's phasing
    (:func:`~detente.analysis.calendar.struck`).
    """
    plan = scenario.phasing
    if plan is None:
        return None
    deal = plan.deal if ratifiable is None else ratifiable_deal(scenario, plan.deal, ratifiable)
    designer = Designer(deal, plan.time_limit, reasons=False)  # shared by the packages
    best = designer.best(plan.stages, plan.objective, plan.target)
    search = None if plan.target is None else designer.min_stages(plan.target, plan.stages)
    outcomes = {name: scenario.space.to_dict(p.index) for name, p in scenario.positions.items()}
    packages = outcome_packages(plan, outcomes)
    found = {} if agreement is None else outcome_packages(plan, {"agreement": agreement})
    indices = {name: p.index for name, p in scenario.positions.items()}

    def phased(amounts: dict[str, float], index: int | None) -> PackageDoc:
        return dated_package(scenario, plan, amounts, designer, index)

    positions = {name: phased(amounts, indices[name]) for name, amounts in packages.items()}
    for name in positions:  # a position's own schedule, as phase --given --position NAME
        own = scenario.positions[name].schedule
        if own is not None:
            index = indices[name]
            given = given_document(
                struck(scenario, plan.deal, index),
                own,
                f"positions.{name}.schedule",
                scenario,
                index,
            )
            positions[name] = replace(positions[name], given=given)
    agreed = phased(found["agreement"], agreement_index) if found else None
    widest = max([best.stages, *(len(p.schedule or ()) for p in positions.values())])
    return PhasingDoc(
        stages=best.stages,
        objective=best.objective,
        target=plan.target,
        status=best.status,
        feasible=best.feasible,
        max_total=best.total,
        value=best.value,
        completion_probability=None
        if best.enforcement is None
        else best.enforcement.completion_probability,
        one_shot=_one_shot(best.one_shot),
        searched=search is not None,
        min_stages=None if search is None else search.stages,
        schedule=_stages(best.schedule),
        units=item_units(plan.deal),
        positions=positions,
        has_agreement=agreement is not None,
        agreement=agreed,
        verification=verification_docs(plan, best),
        calendar=calendar_doc(
            scenario,
            deal,
            max(widest, len(agreed.schedule or ()) if agreed else 0),
            None if best.schedule is None else best.schedule.totals(),
        ),
    )


def dated_package(
    scenario: Scenario,
    plan: Phasing,
    amounts: dict[str, float],
    designer: Designer,
    outcome: int | None,
) -> PackageDoc:
    """:func:`package_document` of a package whose ``outcome`` may be known: the faction changes
    that take the outcome out of a party's win-set make the party renege from their dates
    (:func:`~detente.analysis.calendar.struck`), and are reported beside the package."""
    if outcome is None:
        return package_document(plan, amounts, designer)
    deal = struck(scenario, designer.deal, outcome)
    base = designer if deal is designer.deal else Designer(deal, plan.time_limit, reasons=False)
    document = package_document(plan, amounts, base)
    stages = None if document.schedule is None else len(document.schedule)
    changes = outcome_changes(scenario, deal, outcome, stages)
    return document if changes is None else replace(document, weight_changes=changes)


def ratifiable_deal(scenario: Scenario, deal: Deal, ratifiable: BoolArray) -> Deal:
    """``deal`` with each item's total kept within the amounts some ratifiable outcome gives it.

    An item named like an issue may deliver only between the least and the
    largest value of that issue over the outcomes in every signatory's win-set:
    an amount no ratifiable deal contains would be vetoed at home. The bound is
    item by item (a combination of allowed amounts may still be vetoed; the
    positions and the agreement, phased as fixed packages, are checked whole).
    With no ratifiable outcome the deal is left as it is (there is no agreement
    to carry out, which the analysis says).
    """
    chosen = np.flatnonzero(ratifiable)
    if chosen.size == 0:
        return deal
    space = scenario.space
    positions = space.value_indices(chosen)
    items = []
    for item in deal.items:
        if item.name not in space.names:
            items.append(item)
            continue
        k = space.position(item.name)
        values = np.asarray(space.issues[k].values, dtype=np.float64)[positions[:, k]]
        low, high = max(item.total[0], float(values.min())), min(item.total[1], float(values.max()))
        items.append(replace(item, total=(low, max(low, high))))
    return replace(deal, items=tuple(items))


def outcome_packages(
    plan: Phasing, outcomes: Mapping[str, Mapping[str, object]]
) -> dict[str, dict[str, float]]:
    """The package of every named outcome: ``{name: {item: amount}}``.

    An item's amount is the outcome's value of the issue of the same name;
    items without such an issue are left to the designer, and outcomes that
    name none of the items are left out.

    >>> from detente.phasing.deal import Deal, Stake
    >>> from detente.phasing.items import Item
    >>> plan = Phasing(Deal((Stake("A"), Stake("B")), (Item("x", "A"),), (("A",),)))
    >>> outcome_packages(plan, {"offer": {"x": 1, "price": "low"}})
    {'offer': {'x': 1.0}}
    """
    packages: dict[str, dict[str, float]] = {}
    for name, outcome in outcomes.items():
        amounts = {
            item: _amount(name, item, outcome[item])
            for item in plan.deal.item_names
            if item in outcome
        }
        if amounts:
            packages[name] = amounts
    return packages


def _amount(position: str, item: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise DetenteError(
            f"position {position!r}: issue {item!r} is also an item, so its values must be "
            f"amounts (numbers), got {value!r}"
        )
    return float(value)


def package_document(
    plan: Phasing, amounts: dict[str, float], base: Designer | None = None
) -> PackageDoc:
    """``phasing.positions.NAME``: the package, its one-shot exchange and its fewest stages.

    ``base`` is the plan's designer, whose compiled constraints the package shares (and
    whose deal it phases: the items the package leaves open keep that deal's bounds, e.g.
    what the ratifiers allow).
    """
    deal = plan.deal if base is None else base.deal
    result = phase_package(deal, amounts, plan.max_stages, plan.time_limit, base)
    plain = result.one_shot_check
    found = result.search.design
    return PackageDoc(
        package=dict(result.amounts),
        units=item_units(fix_package(plan.deal, dict(result.amounts))),
        one_shot_feasible=result.one_shot.feasible,
        violated=None if plain is None else tuple(plain.violated),
        worst_slack=None if plain is None else min(plain.slacks, default=0.0),
        min_stages=result.min_stages,
        max_stages=result.max_stages,
        schedule=None if found is None else _stages(found.schedule),
        completion_probability=None
        if found is None or found.enforcement is None
        else found.enforcement.completion_probability,
        reason=result.search.reason,
        verification=package_verification(
            fix_package(deal, dict(result.amounts)), dict(result.amounts), found
        ),
    )


def _cumulative(schedule: Schedule) -> tuple[dict[str, float], ...]:
    levels = Schedule.from_array(schedule.items, np.cumsum(schedule.array(), axis=1))
    return tuple(levels.as_dicts())


def design_document(
    result: Design, deal: Deal, scenario: Scenario | None = None, outcome: int | None = None
) -> PhaseDocument:
    """The document of a design of ``deal`` (what ``detente phase --json`` prints).

    With a calendar it dates the schedule's stages, and, given the ``scenario``, says what
    its faction changes do to the package (the ``outcome``'s, when it is a position's).
    """
    enforcement = result.enforcement
    stages = 0 if result.schedule is None else result.schedule.stages
    document = PhaseDocument(
        stages=result.stages,
        objective=result.objective,
        status=result.status,
        max_total=result.total,
        value=result.value,
        schedule=_stages(result.schedule),
        cumulative=None if result.schedule is None else _cumulative(result.schedule),
        units=item_units(deal),
        binding=tuple(result.binding),
        slack={}
        if enforcement is None
        else dict(zip(enforcement.labels, enforcement.slacks, strict=True)),
        completion_probability=None if enforcement is None else enforcement.completion_probability,
        expected_values={} if enforcement is None else dict(enforcement.expected_values),
        one_shot=_one_shot(result.one_shot),
        gap=result.gap,
        reason=result.reason,
        verification={}
        if enforcement is None
        else deterrence_docs(enforcement.verification, DESIGNED, _during(deal, result.schedule)),
        stage_dates=stage_dates(deal.calendar, stages),
        weight_changes=_changes(scenario, deal, outcome, result.schedule),
    )
    return document


def _during(deal: Deal, schedule: Schedule | None) -> tuple[Covert, ...]:
    """Covert cheating during a designed schedule (nothing when there is none)."""
    return () if schedule is None else during(deal, schedule)


def _changes(
    scenario: Scenario | None, deal: Deal, outcome: int | None, schedule: Schedule | None
) -> tuple[WeightChangeDoc, ...] | None:
    """The faction changes against a schedule's package: a known outcome's, else its totals."""
    if scenario is None:
        return None
    stages = None if schedule is None else schedule.stages
    if outcome is not None:
        return outcome_changes(scenario, deal, outcome, stages)
    return package_changes(scenario, deal, None if schedule is None else schedule.totals(), stages)


def path_document(path: Path, deal: Deal | None = None, stages: int = 0) -> PathDoc:
    """The document of an equilibrium path (of a ``stages``-stage schedule of ``deal``, whose
    calendar, if any, dates the break and the lapse), and of what follows a break the deal
    survives."""
    broken = path.breaks
    calendar = None if deal is None else deal.calendar
    dates = stage_dates(calendar, stages)
    lapse = None
    if calendar is not None and path.lapses is not None:
        deadline = calendar.deadline(stages)
        assert deadline is not None  # the path lapses: a deadline cuts the schedule
        lapse = LapseDoc(path.lapses, deadline.name, deadline.date.isoformat())
    return PathDoc(
        completed=path.completed,
        breaks=None
        if broken is None
        else BreakDoc(
            broken.stage,
            broken.party,
            broken.slack,
            broken.shortfall,
            None if dates is None else dates[broken.stage - 1],
            broken.withholds,
            broken.goes_on,
            tuple(AnswerDoc(a.item, a.stage, a.share) for a in broken.answers),
        ),
        carried_out=path.carried_out,
        values=dict(path.values),
        lapses=lapse,
        then=None if path.then is None else path_document(path.then, deal, stages),
    )


def given_document(
    deal: Deal,
    schedule: Schedule,
    source: str,
    scenario: Scenario | None = None,
    outcome: int | None = None,
) -> GivenDocument:
    """``phase --given``: a given schedule (trailing empty stages dropped), checked, and its
    equilibrium path; with a calendar, its stage dates and (given the ``scenario``) what the
    faction changes do to its package (the ``outcome``'s, when it is a position's)."""
    schedule = schedule.trimmed()
    valuation = Valuation(deal, schedule.stages)
    enforcement = check(deal, schedule, valuation)
    return GivenDocument(
        source=source,
        stages=schedule.stages,
        schedule=tuple(schedule.as_dicts()),
        cumulative=_cumulative(schedule),
        units=item_units(deal),
        self_enforcing=enforcement.self_enforcing,
        slack=dict(zip(enforcement.labels, enforcement.slacks, strict=True)),
        completion_probability=enforcement.completion_probability,
        expected_values=dict(enforcement.expected_values),
        path=path_document(equilibrium_path(deal, schedule, valuation), deal, schedule.stages),
        stage_dates=stage_dates(deal.calendar, schedule.stages),
        weight_changes=_changes(scenario, deal, outcome, schedule),
        verification=deterrence_docs(
            enforcement.verification, source, during(deal, schedule, valuation)
        ),
    )


def min_stages_document(
    plan: Phasing, target: float, scenario: Scenario | None = None, outcome: int | None = None
) -> PhaseDocument:
    """``phase --min-stages``: the design in the fewest stages that carry ``target``.

    The one-shot is the one-stage exchange with the target; when no number of
    stages up to ``plan.max_stages`` carries it, the document is the largest
    design in that many stages, marked infeasible, with the search's reason.
    ``scenario`` and ``outcome`` as for :func:`design_document`.
    """
    search = min_stages(plan.deal, target, plan.max_stages, plan.time_limit)
    one = design(plan.deal, 1, "total", target, plan.time_limit).one_shot
    if search.design is None:
        widest = design(plan.deal, plan.max_stages, "total", None, plan.time_limit)
        document = design_document(widest, plan.deal)
        document = replace(
            document, stages=None, status="infeasible", schedule=None, cumulative=None
        )
        document = replace(document, binding=(), slack={}, verification={})
        document = replace(
            document,
            stage_dates=stage_dates(plan.deal.calendar, 0),
            weight_changes=_changes(scenario, plan.deal, outcome, None),
        )
    else:
        document = design_document(search.design, plan.deal, scenario, outcome)
    return replace(
        document,
        one_shot=_one_shot(one),
        reason=search.reason,
        search=StageSearchDoc(search.stages, target),
    )


def implement_document(
    run: Implementation, deal: Deal, schedule: Schedule, seed: int
) -> ImplementDocument:
    """The document of ``deal``'s ``schedule`` carried out (what ``detente implement --json`` prints)."""
    return ImplementDocument(
        sessions=run.sessions,
        seed=seed,
        stages=schedule.stages,
        schedule=tuple(schedule.as_dicts()),
        units=item_units(deal),
        completion_rate=run.completion_rate,
        completion_probability=run.completion_probability,
        break_stage_histogram=tuple(run.break_stage_histogram),
        expected_values=dict(run.expected_values),
        reneged_by=dict(run.reneged_by),
        stage_dates=stage_dates(deal.calendar, len(run.break_stage_histogram)),
        lapsed=run.lapsed,
        deviations=tuple(DeviationCount(*entry) for entry in run.deviations),
        went_on=run.went_on,
    )
