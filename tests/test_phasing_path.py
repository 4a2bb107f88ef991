"""The equilibrium path of a given schedule: THEORY §6's table, brute force, empty stages."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from detente.phasing import Deal, Schedule, check
from detente.phasing.deviations import Deviations
from detente.phasing.path import equilibrium_path
from tests.conftest import CLI, SCENARIOS
from tests.phasing_reference import (
    brute_force_plans,
    responsive_deals,
    sequential_deals,
    small_deals,
)

PARTIAL = SCENARIOS / "theory" / "partial-implementation.yaml"
ONE_SHOT = ["a1=3", "a2=0", "a3=0", "b1=3", "b2=0", "b3=0", "c_B1=1.4"]


@pytest.mark.parametrize(
    ("sets", "breaks", "values"),
    [
        ([], {"stage": 3, "party": "B"}, {"A": 0.18, "B": 0.09}),
        (["c_B3=3"], None, {"A": 4.878, "B": 0.09}),
        (["c_B1=4", "c_B3=0.1"], {"stage": 1, "party": "B"}, {"A": 0.0, "B": 0.0}),
        (ONE_SHOT, {"stage": 1, "party": "B"}, {"A": 0.0, "B": 0.0}),
    ],
    ids=["costly-last-step", "cheaper-last-step", "costly-step-first", "one-shot"],
)
def test_the_partial_implementation_scenario_reproduces_theory_6(
    detente_cli: CLI, sets: list[str], breaks: dict[str, object] | None, values: dict[str, float]
) -> None:
    """THEORY §6 [D]: δ = 0.9, a = b = (1, 1, 1), c_A = 0.2, c_B1 = c_B2 = 0.1, f_A = 0.2, f_B = 0.1."""
    options = [arg for s in sets for arg in ("--set", s)]
    done = detente_cli("phase", PARTIAL, "--given", "--json", *options)
    assert done.returncode == 0, done.stderr
    path = json.loads(done.stdout)["path"]
    assert path["completed"] is (breaks is None)
    if breaks is None:
        assert path["breaks"] is None
    else:
        assert {k: path["breaks"][k] for k in ("stage", "party")} == breaks
        assert path["breaks"]["shortfall"] == pytest.approx(-path["breaks"]["slack"])
        assert path["breaks"]["shortfall"] > 0
    assert path["values"] == pytest.approx(values, abs=1e-9)


def test_the_path_says_how_far_the_schedule_is_carried_out(detente_cli: CLI) -> None:
    done = detente_cli("phase", PARTIAL, "--given")
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())
    assert "breaks in stage 3 at Side B" in said
    assert "2 stage(s) carried out before" in said


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequential_deals())
def test_the_backward_pass_finds_the_one_subgame_perfect_plan_of_brute_force(
    case: tuple[Deal, np.ndarray],
) -> None:
    """Reneging on everything as the only deviation: deals where a giver values one of its own
    items also let it withhold another and keep that one, which the brute force of
    ``test_phasing_deviations.py`` enumerates and this one does not."""
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts).trimmed()  # "K stages": at most K
    assume(Deviations(deal, schedule.stages).trivial)
    path = equilibrium_path(deal, schedule)
    plans = brute_force_plans(deal, schedule.array())
    G = len(deal.order)
    found = {(m.stage - 1) * G + deal.order.index((m.party,)): m.honours for m in path.moves}
    assert found in plans
    assert len(plans) == 1 or all(len(p) == 0 for p in plans)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(small_deals(), responsive_deals(max_stages=3), responsive_deals(simultaneous=True))
)
def test_a_schedule_is_self_enforcing_exactly_when_its_path_completes(
    case: tuple[Deal, np.ndarray],
) -> None:
    """With and without declared responses (single-item deviations that let the deal go on)."""
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts)
    assert equilibrium_path(deal, schedule).completed is check(deal, schedule).self_enforcing


@settings(max_examples=60, deadline=None)
@given(small_deals(), st.integers(1, 3))
def test_trailing_empty_stages_change_neither_the_path_nor_the_completion_rate(
    case: tuple[Deal, np.ndarray], extra: int
) -> None:
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts)
    padded = Schedule.from_array(
        deal.item_names, np.hstack([amounts, np.zeros((amounts.shape[0], extra))])
    )
    assert equilibrium_path(deal, padded) == equilibrium_path(deal, schedule)
    assert check(deal, padded) == check(deal, schedule)
