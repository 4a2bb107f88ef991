"""The model against the record on THEORY.md §6, whose path is known (stages 1-2 carried out,
breaks in stage 3 at B; completed at c_B3 = 3; breaks in stage 1 at B with the costly step
first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.analysis.pipeline import analyze
from detente.analysis.retrodiction import first_costly_step, matches, predict
from detente.record import Break, Outcome
from detente.scenariofile.loader import load_scenario

SIX = Path(__file__).parent / "fixtures" / "record" / "partial-implementation.yaml"


@pytest.mark.parametrize(
    ("sets", "carried_out", "completed", "breaks", "values", "match"),
    [
        ({}, 2, False, Break(3, "B", "2002-01-01"), {"A": 0.18, "B": 0.09}, True),
        ({"c_B3": 3}, 3, True, None, {"A": 4.878, "B": 0.09}, False),
    ],
)
def test_the_predicted_path_is_the_theory_s(
    sets: dict[str, float],
    carried_out: int,
    completed: bool,
    breaks: Break | None,
    values: dict[str, float],
    match: bool,
) -> None:
    scenario = load_scenario(SIX, sets)
    prediction = predict(scenario)
    assert prediction.outcome == Outcome(True, carried_out, completed, breaks)
    assert prediction.stages == 3 and prediction.source == "phasing.schedule"
    assert {p: round(v, 3) for p, v in prediction.values.items()} == values
    assert scenario.record is not None
    assert matches(scenario.record.outcome(3), prediction.outcome) is match


def test_the_costly_step_first_does_not_form() -> None:
    """c_B = (4, 0.1, 0.1): B will not take its first step, and the whole position is not worth
    it to B either, so the model says no deal forms (the record says one did)."""
    scenario = load_scenario(SIX, {"c_B1": 4, "c_B3": 0.1})
    assert predict(scenario).outcome == Outcome(False, 0, False, None)
    document = analyze(scenario)["retrodiction"]
    assert document["match"] is False
    assert document["model"]["formed"] is False
    assert document["record"]["breaks"] == {
        "stage": 3,
        "party": "B",
        "date": "2002-02-01",
        "did": "halted",
    }


def test_analyze_reports_the_record_and_a_claim_can_read_it() -> None:
    document = analyze(load_scenario(SIX))
    retro = document["retrodiction"]
    assert set(retro) == {"date", "record", "model", "match"}
    assert retro["match"] is True and document["claims"] == {"retrodicted": True}
    assert [d["start"] for d in retro["model"]["stage_dates"]] == [
        "2001-01-01",
        "2001-07-01",
        "2002-01-01",
    ]
    assert retro["record"]["carried_out"] == 2 and retro["record"]["trust_records"]["used"] == 0


def test_first_costly_step_breaks_where_the_first_positive_cost_falls() -> None:
    """B moves first in every stage and its first step costs 0.1 > 0: the baseline says B breaks
    in stage 1; with B's first steps free it says stage 3, which the record shows."""
    assert first_costly_step(load_scenario(SIX)) == Outcome(True, 0, False, Break(1, "B"))
    free = load_scenario(SIX, {"c_B1": 0, "c_B2": 0, "c_A": 0})
    assert first_costly_step(free) == Outcome(True, 2, False, Break(3, "B"))


@pytest.mark.parametrize(
    ("record", "model", "tolerance", "expected"),
    [
        (Outcome(False, 0, False, None), Outcome(False, 0, False, None), 0, True),
        (Outcome(False, 0, False, None), Outcome(True, 3, True, None), 0, False),
        (Outcome(True, 3, True, None), Outcome(True, 1, False, None), 0, True),  # neither breaks
        (Outcome(True, 2, False, Break(3, "B")), Outcome(True, 3, True, None), 0, False),
        (Outcome(True, 2, False, Break(3, "B")), Outcome(True, 2, False, Break(3, "A")), 0, False),
        (Outcome(True, 2, False, Break(3, "B")), Outcome(True, 1, False, Break(2, "B")), 0, False),
        (Outcome(True, 2, False, Break(3, "B")), Outcome(True, 1, False, Break(2, "B")), 1, True),
    ],
)
def test_the_match_rule(record: Outcome, model: Outcome, tolerance: int, expected: bool) -> None:
    assert matches(record, model, tolerance) is expected
