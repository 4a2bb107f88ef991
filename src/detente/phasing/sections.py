"""What phased agreements add to ``detente analyze``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.errors import DetenteError
from detente.phasing.plan import Phasing
from detente.scenariofile.phasing import describe, honour_matrix

if TYPE_CHECKING:
    from detente.analysis import AnalysisContext
    from detente.phasing.designer import Designer
    from detente.scenario import Scenario


def trust_section(scenario: Scenario, context: AnalysisContext) -> dict[str, Any]:
    """``trust``: ``{truster: {trustee: probability of honouring its next step}}``.

    ``trust_models`` gives the parameters behind each belief (Beta posterior,
    probability of an opportunist, hazard).
    """
    beliefs = {} if scenario.trust is None else scenario.trust.beliefs
    models: dict[str, dict[str, Any]] = {}
    for (truster, trustee), model in beliefs.items():
        models.setdefault(truster, {})[trustee] = describe(model)
    return {"trust": honour_matrix(scenario.trust, scenario.party_ids), "trust_models": models}


def phasing_section(scenario: Scenario, context: AnalysisContext) -> dict[str, Any]:
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
    bargaining agreement under ``phasing.agreement`` when there is one.
    """
    from detente.phasing.designer import Designer

    plan = scenario.phasing
    if plan is None:
        return {}
    designer = Designer(plan.deal, plan.time_limit, reasons=False)  # shared by the packages
    best = designer.best(plan.stages, plan.objective, plan.target)
    search = None if plan.target is None else designer.min_stages(plan.target, plan.stages)
    one = best.one_shot
    document: dict[str, Any] = {
        "stages": best.stages,
        "objective": best.objective,
        "target": plan.target,
        "status": best.status,
        "feasible": best.feasible,
        "max_total": best.total,
        "value": best.value,
        "completion_probability": None
        if best.enforcement is None
        else best.enforcement.completion_probability,
        "one_shot": None if one is None else {"feasible": one.feasible, "max_total": one.max_total},
    }
    if search is not None:
        document["min_stages"] = search.stages
    document["schedule"] = None if best.schedule is None else best.schedule.as_dicts()
    outcomes = {name: scenario.space.to_dict(p.index) for name, p in scenario.positions.items()}
    packages = outcome_packages(plan, outcomes)
    if packages:
        document["positions"] = {
            name: package_document(plan, amounts, designer) for name, amounts in packages.items()
        }
    agreement = context.document.get("agreement")
    if agreement:
        found = outcome_packages(plan, {"agreement": agreement["outcome"]})
        document["agreement"] = (
            package_document(plan, found["agreement"], designer) if found else None
        )
    return {"phasing": document}


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
) -> dict[str, Any]:
    """``phasing.positions.NAME``: the package, its one-shot exchange and its fewest stages.

    ``base`` is the plan's designer, whose compiled constraints the package shares.
    """
    from detente.phasing.package import phase_package

    result = phase_package(plan.deal, amounts, plan.max_stages, plan.time_limit, base)
    plain = result.one_shot_check
    found = result.search.design
    return {
        "package": dict(result.amounts),
        "one_shot": {
            "feasible": result.one_shot.feasible,
            "violated": None if plain is None else list(plain.violated),
            "worst_slack": None if plain is None else min(plain.slacks, default=0.0),
        },
        "min_stages": result.min_stages,
        "max_stages": result.max_stages,
        "schedule": None if found is None or found.schedule is None else found.schedule.as_dicts(),
        "completion_probability": None
        if found is None or found.enforcement is None
        else found.enforcement.completion_probability,
        "reason": result.search.reason,
    }
