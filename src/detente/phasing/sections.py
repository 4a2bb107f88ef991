"""What phased agreements add to ``detente analyze``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.phasing.spec import describe, honour_matrix

if TYPE_CHECKING:
    from detente.analysis import AnalysisContext
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
    """
    from detente.phasing.designer import plan as design_plan

    plan = scenario.phasing
    if plan is None:
        return {}
    best, search = design_plan(
        plan.deal, plan.stages, plan.objective, plan.target, plan.time_limit, reasons=False
    )
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
    return {"phasing": document}
