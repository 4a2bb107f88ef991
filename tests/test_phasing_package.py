"""Fixed packages: one-shot feasibility and the fewest stages of a given deal (a position)."""

from __future__ import annotations

import pytest

from detente.errors import DetenteError
from detente.phasing.deal import Deal, fix_package
from detente.phasing.designer import design
from detente.phasing.package import phase_package
from detente.scenariofile.loader import load_scenario
from tests.conftest import SCENARIOS

A4A = SCENARIOS / "theory" / "action-for-action.yaml"


def deal(delta: float = 0.9) -> Deal:
    scenario = load_scenario(A4A, {"delta": delta})
    assert scenario.phasing is not None
    return scenario.phasing.deal


@pytest.mark.parametrize(("size", "stages"), [(2.0, 1), (4.5, 2), (8.0, 3), (13.0, 4)])
def test_fewest_stages_of_a_fixed_package_follow_theory_3_1(size: float, stages: int) -> None:
    # THEORY §3.1, δ = 0.9: X*(k) = 2, 4.7, 8.345, 13.2658, so a package of `size` needs the
    # first k with X*(k) >= size.
    result = phase_package(deal(), {"a_step": size, "b_step": size}, max_stages=6)
    assert result.min_stages == stages
    assert result.one_shot.feasible is (stages == 1)
    found = result.search.design
    assert found is not None and found.schedule is not None
    assert found.schedule.totals() == pytest.approx({"a_step": size, "b_step": size})


def test_one_shot_check_names_the_move_that_fails() -> None:
    result = phase_package(deal(), {"a_step": 3.0, "b_step": 3.0}, max_stages=2)
    assert result.one_shot_check is not None
    assert result.one_shot_check.violated  # the single exchange of 3 fails
    assert min(result.one_shot_check.slacks) < 0


def test_beyond_the_ceiling_no_number_of_stages_carries_the_package() -> None:
    # δ = 0.9: the ceiling of the total is 22.0493 (THEORY §3.1 table).
    result = phase_package(deal(), {"a_step": 25.0, "b_step": 25.0}, max_stages=8)
    assert result.min_stages is None and result.search.design is None


def test_fixing_a_package_is_a_bound_the_designer_respects() -> None:
    fixed = fix_package(deal(), {"a_step": 4.0})
    assert fixed.measured == ("a_step",)
    assert design(fixed, 3).total == pytest.approx(4.0)


def test_a_package_naming_an_unknown_item_is_refused() -> None:
    with pytest.raises(DetenteError, match="unknown item 'c_step'"):
        fix_package(deal(), {"c_step": 1.0})


def test_a_binary_item_is_delivered_whole_or_not_at_all() -> None:
    scenario = load_scenario(SCENARIOS / "hanoi-2019.yaml")
    assert scenario.phasing is not None
    with pytest.raises(DetenteError, match="binary item 'yongbyon'"):
        fix_package(scenario.phasing.deal, {"yongbyon": 0.5})
