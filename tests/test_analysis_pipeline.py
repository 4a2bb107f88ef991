"""The analysis pipeline: one typed document per scenario, printed as JSON in a fixed order."""

from __future__ import annotations

import json

import detente as dt
from detente.analysis import AnalyzeDocument, analyze, run
from detente.analysis.pipeline import analysis_of
from detente.analysis.solutions import Bargaining
from detente.scenariofile.loader import load_scenario
from tests.conftest import SCENARIOS

HANOI = SCENARIOS / "hanoi-2019.yaml"
WORKED = SCENARIOS / "theory" / "worked-example.yaml"


def test_analyze_is_the_typed_document_as_json() -> None:
    scenario = load_scenario(WORKED)
    document = run(scenario)
    assert isinstance(document, AnalyzeDocument)
    assert analyze(scenario) == document.json() == dt.analyze(scenario)
    json.dumps(document.json(), allow_nan=False)  # plain JSON values only


def test_the_sections_come_in_pipeline_order() -> None:
    assert list(analyze(load_scenario(HANOI))) == [
        "scenario",
        "parties",
        "signatories",
        "issues",
        "n_outcomes",
        "reservation_values",
        "n_rational",
        "pareto",
        "solutions",
        "positions",
        "win_sets",
        "intersection_size",
        "agreement",
        "stakeholders",
        "stakeholder_effects",
        "solution_scope",
        "solutions_unrestricted",
        "trust",
        "trust_models",
        "phasing",
        "verification",
        "parameters",
        "claims",
        "labels",
    ]


def test_claims_are_read_on_the_document_the_earlier_steps_built() -> None:
    document = run(load_scenario(HANOI))
    assert document.claims is not None
    assert document.claims == {name: name != "offer_needs_phasing" for name in document.claims}
    assert document.phasing is not None and document.phasing.has_agreement


def test_a_shared_bargaining_problem_gives_the_same_document() -> None:
    scenario = load_scenario(HANOI)
    assert analysis_of(scenario, Bargaining.of(scenario)).json() == analyze(scenario)
