"""Retrodiction's faction changes: one dated before the case is foreseen (a strike known to all,
as ``phase --given`` has it); one dated on or after the case's date is not (the parties play the
path they expect, and the changed party reneges at its first move from the change's stage)."""

from __future__ import annotations

from pathlib import Path

from detente.analysis.calendar import struck
from detente.analysis.retrodiction import agreed_schedule, predict
from detente.experiments.scenario_text import ScenarioText
from detente.phasing.enforcement import Valuation
from detente.phasing.path import equilibrium_path
from detente.record import Break
from detente.scenario import Scenario

CASE = """
name: a §6 exchange whose first mover's factions change
date: {date}
parameters:
  w: {{value: 2, range: [0, 3], source: "assumption: the hawks' weight after the change"}}
issues: [{{name: step_a, type: item}}, {{name: step_b1, type: item}}, {{name: step_b2, type: item}}, {{name: step_b3, type: item}}]
parties:
  - id: A
    discount: 0.9
    utility: {{values: {{step_a: -0.3, step_b1: 2, step_b2: 2, step_b3: 2}}}}
  - id: B
    discount: 0.9
    factions:
      - {{id: doves, weight: 1, utility: {{values: {{step_a: 1, step_b1: -0.1, step_b2: -0.1, step_b3: -0.1}}}}}}
      - {{id: hawks, weight: 0.5, utility: {{values: {{step_a: 0.1, step_b1: -1, step_b2: -1, step_b3: -1}}}}}}
    negotiating_utility: {{leading: doves}}
    ratification: {{rule: majority, threshold: 0.5}}
items:
  - {{name: step_a, giver: A, cost: 0.3, flow: {{B: 0.1}}, reversibility: 1}}
  - {{name: step_b1, giver: B, cost: 0.1, flow: {{A: 0.2}}, reversibility: 1}}
  - {{name: step_b2, giver: B, cost: 0.1, flow: {{A: 0.2}}, reversibility: 1}}
  - {{name: step_b3, giver: B, cost: 0.1, flow: {{A: 0.2}}, reversibility: 1}}
positions:
  deal: {{outcome: {{step_a: 1, step_b1: 1, step_b2: 1, step_b3: 1}}}}
phasing:
  order: [[B], [A]]
  schedule: [{{step_b1: 1, step_a: 1}}, {{step_b2: 1, step_a: 1}}, {{step_b3: 1, step_a: 1}}]
  calendar:
    start: 1990-01-01
    stage_length: {{years: 1}}
    events: [{{date: 1991-03-01, name: new government, party: B, faction: hawks, weight: =w}}]
record:
  agreed: deal
  events: [{{date: 1990-02-01, party: B, did: delivered, item: step_b1, stage: 1, source: "test"}}]
"""


def _case(tmp_path: Path, date: str, w: float = 2.0) -> Scenario:
    path = tmp_path / f"case-{date}.yaml"
    path.write_text(CASE.format(date=date).replace("value: 2,", f"value: {w},"), encoding="utf-8")
    return ScenarioText.read(path).build({})


def test_a_change_after_the_case_is_unforeseen_and_breaks_at_the_changed_partys_next_move(
    tmp_path: Path,
) -> None:
    scenario = _case(tmp_path, "1990-01-01")
    outcome = predict(scenario).outcome
    # Expected without the change: completed (every B step pays for itself); the change
    # falls in stage 2, where B moves first: B reneges there, dated by the stage's start.
    assert outcome.formed and outcome.carried_out == 1
    assert outcome.breaks == Break(2, "B", "1991-01-01", None)


def test_a_change_that_keeps_the_deal_ratifiable_changes_nothing(tmp_path: Path) -> None:
    outcome = predict(_case(tmp_path, "1990-01-01", w=0.8)).outcome
    assert outcome.completed and outcome.breaks is None


def test_a_change_before_the_case_is_foreseen_and_the_others_anticipate_it(
    tmp_path: Path,
) -> None:
    """Known to all, B's reneging in stage 2 leaves A one stage of B's flow (0.2) for its cost
    (0.3): A would not answer in stage 1, so B gives nothing either: the path breaks in stage 1
    at B (§6: B honours only if A will answer), as ``phase --given`` has it on the struck deal."""
    scenario = _case(tmp_path, "1991-06-01")
    schedule, _, deal = agreed_schedule(scenario)
    assert schedule is not None and deal is not None and scenario.phasing is not None
    known = struck(scenario, scenario.phasing.deal, scenario.positions["deal"].index)
    assert deal.calendar == known.calendar
    expected = equilibrium_path(known, schedule, Valuation(known, schedule.stages))
    assert expected.breaks is not None and (expected.breaks.stage, expected.breaks.party) == (
        1,
        "B",
    )
    outcome = predict(scenario).outcome
    assert outcome.carried_out == 0
    assert outcome.breaks == Break(1, "B", "1990-01-01", None)
