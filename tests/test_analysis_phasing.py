"""The ``phasing`` section of ``analyze``: the designer's results, as fields claims can read."""

from __future__ import annotations

import numpy as np
import pytest

from detente.analysis import analyze
from detente.claims import Claim
from detente.scenariofile.loader import load_scenario
from tests.conftest import SCENARIOS

THEORY = SCENARIOS / "theory"


@pytest.mark.parametrize(("delta", "total"), [(1.0, 16.25), (0.9, 13.2658)])
def test_analyze_reports_the_best_four_stage_schedule_of_theory_3_1(
    delta: float, total: float
) -> None:
    # THEORY.md §3.1 table, k = 4; the one-shot exchange carries X*(1) = 2.
    document = analyze(load_scenario(THEORY / "action-for-action.yaml", {"delta": delta}))
    phasing = document["phasing"]
    assert phasing["stages"] == 4 and phasing["status"] == "optimal" and phasing["feasible"]
    assert phasing["max_total"] == pytest.approx(total, abs=1e-4)
    assert phasing["one_shot"] == {"feasible": True, "max_total": pytest.approx(2.0)}
    assert "min_stages" not in phasing  # no target in this scenario
    claim = Claim.parse("phasing_helps", "phasing.max_total > 4 * phasing.one_shot.max_total")
    assert claim.holds(document)


def test_with_a_target_analyze_reports_the_fewest_stages_that_carry_it() -> None:
    phasing = analyze(load_scenario(THEORY / "power-shift.yaml"))["phasing"]
    assert phasing["target"] is not None
    assert phasing["min_stages"] == 6


def test_a_scenario_without_items_has_no_phasing_section() -> None:
    assert "phasing" not in analyze(load_scenario(THEORY / "worked-example.yaml"))


def test_the_best_schedule_uses_no_amount_the_ratifiers_would_veto() -> None:
    from detente.analysis.phasing import ratifiable_deal
    from detente.phasing import design

    scenario = load_scenario(SCENARIOS / "hanoi-2019.yaml")
    assert scenario.phasing is not None
    space = scenario.space
    values = space.value_indices(np.arange(space.size))
    no_yongbyon = values[:, space.position("yongbyon")] == 0  # every ratifiable deal leaves it
    deal = ratifiable_deal(scenario, scenario.phasing.deal, no_yongbyon)
    assert deal.items[deal.item_index("yongbyon")].total == (0.0, 0.0)
    assert deal.items[deal.item_index("un_relief")].total == (0.0, 1.0)
    found = design(deal, 2)
    assert found.schedule is not None
    assert found.schedule.totals()["yongbyon"] == 0.0
    nothing = np.zeros(space.size, dtype=bool)
    assert ratifiable_deal(scenario, scenario.phasing.deal, nothing) is scenario.phasing.deal
