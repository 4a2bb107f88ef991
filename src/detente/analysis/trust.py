"""Trust in ``analyze``: each party's belief that another honours its next step, and why."""

from __future__ import annotations

from collections.abc import Sequence

from detente.analysis.documents import TrustDoc
from detente.scenario import Scenario
from detente.trust import BetaReputation, Hazard, TrustModel, TrustTable, TwoTypes


def describe(model: TrustModel) -> dict[str, float | str]:
    """The parameters behind a belief, for reports.

    >>> describe(TwoTypes(0.3, 1.0, 0.1).after(False))["opportunist"]
    0.8108108108108107
    """
    if isinstance(model, BetaReputation):
        alpha, beta = model.posterior
        return {"model": "beta", "alpha": alpha, "beta": beta, "mean": model.honour_probability()}
    if isinstance(model, TwoTypes):
        return {"model": "types", "opportunist": model.opportunist}
    if isinstance(model, Hazard):
        return {"model": "hazard", "hazard": model.renege}
    return {"model": type(model).__name__}


def honour_matrix(trust: TrustTable | None, parties: Sequence[str]) -> dict[str, dict[str, float]]:
    """``{truster: {trustee: probability of honouring}}`` over every ordered pair of parties.

    Pairs the trust table does not name are fully trusted (1.0); without a
    trust table the result is empty.
    """
    return {} if trust is None else trust.matrix(tuple(parties))


def trust_doc(scenario: Scenario) -> TrustDoc:
    """``trust``: ``{truster: {trustee: probability of honouring its next step}}``.

    ``trust_models`` gives the parameters behind each belief (Beta posterior,
    probability of an opportunist, hazard).
    """
    beliefs = {} if scenario.trust is None else scenario.trust.beliefs
    models: dict[str, dict[str, dict[str, float | str]]] = {}
    for (truster, trustee), model in beliefs.items():
        models.setdefault(truster, {})[trustee] = describe(model)
    return TrustDoc(honour_matrix(scenario.trust, scenario.party_ids), models)
