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
