"""The typed result documents: the facts readers need, and JSON exactly as the commands print it."""

from __future__ import annotations

from pathlib import Path

from detente.analysis import run
from detente.analysis.documents import IssueFacts, givers, kinds
from detente.analysis.phasing import design_document, min_stages_document
from detente.phasing.designer import design
from detente.scenariofile.loader import load_scenario
from tests.conftest import SCENARIOS

FACTS = """
name: facts
issues:
  - {name: x, type: item}
  - {name: y, type: item}
  - {name: n, range: [0, 1]}
parties:
  - {id: A, utility: {type: linear, values: {x: 0, y: 1, n: {slope: 1}}}}
  - {id: B, utility: {type: linear, values: {x: 2, y: -1, n: {slope: -1}}}}
  - {id: C, utility: {type: linear, values: {x: -0.1, y: 0, n: {slope: 0}}}}
items:
  - {name: x, giver: A, cost: 1, value: {B: 2}}
"""


def test_issues_carry_their_declared_kind_and_giver(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(FACTS)
    document = run(load_scenario(path))
    assert document.issues == (
        IssueFacts("x", "item", 2, "A"),
        IssueFacts("y", "item", 2, None),  # no item of that name says who gives it
        IssueFacts("n", "integer", 2, None),
    )
    assert document.kinds() == {"x": "item", "y": "item", "n": "integer"}
    assert givers(document.issues) == {"x": "A"}
    assert document.json()["issues"] == {"x": 2, "y": 2, "n": 2}  # the JSON is unchanged


def test_kinds_and_givers_of_a_real_case() -> None:
    document = run(load_scenario(SCENARIOS / "singapore-2018.yaml"))
    declared = givers(document.issues)
    # worth 0.8 to both sides: no one pays for it in utility, yet the US gives it
    assert declared["new_relations"] == "us" and declared["denuclearization_pledge"] == "nk"
    assert set(kinds(document.issues).values()) == {"item"}


def test_the_phase_document_keeps_the_order_of_phase_json() -> None:
    plan = load_scenario(SCENARIOS / "theory" / "action-for-action.yaml").phasing
    assert plan is not None
    printed = design_document(design(plan.deal, 2), plan.deal).json()
    assert list(printed) == [
        "stages",
        "objective",
        "status",
        "max_total",
        "value",
        "schedule",
        "cumulative",
        "units",
        "binding",
        "slack",
        "completion_probability",
        "expected_values",
        "one_shot",
        "gap",
        "reason",
    ]


def test_a_stage_search_adds_its_result_and_target_after_the_design() -> None:
    plan = load_scenario(SCENARIOS / "theory" / "power-shift.yaml").phasing
    assert plan is not None
    found = min_stages_document(plan, plan.target or 1.0).json()
    assert list(found)[-3:] == ["reason", "min_stages", "target"]
    assert found["min_stages"] == found["stages"]
    missing = min_stages_document(plan, 1e6).json()
    assert (missing["stages"], missing["status"], missing["min_stages"]) == (
        None,
        "infeasible",
        None,
    )
    assert missing["binding"] == [] and missing["slack"] == {}
