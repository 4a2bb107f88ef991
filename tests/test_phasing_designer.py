"""The schedule designer: THEORY §3.1-§3.3 from scenario files, properties, infeasibility."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.phasing import Deal, Item, Stake, check, design, min_stages, party_values
from detente.phasing.plan import Phasing
from detente.phasing.truth import TrueType
from detente.scenariofile.loader import load_scenario
from detente.trust import Hazard, TrustTable
from tests.conftest import SCENARIOS
from tests.phasing_reference import reference_slack, small_deals
from tests.strategies import action_for_action_deals, random_deal

THEORY = SCENARIOS / "theory"


def phasing(name: str, **overrides: float) -> Phasing:
    """The phasing section of a theory scenario, with parameter overrides."""
    plan = load_scenario(THEORY / f"{name}.yaml", overrides).phasing
    assert plan is not None
    return plan


# --- THEORY §3.1: action for action -------------------------------------------------------

TABLE_DELTA_1 = (2, 5, 9.5, 16.25, 26.375, 30, 30, 30)
TABLE_DELTA_09 = (2, 4.7, 8.345, 13.2658, 19.9088, 22.0493, 22.0493, 22.0493)


@pytest.mark.parametrize("k", range(1, 9))
def test_action_for_action_reproduces_theory_3_1_row_delta_1(k: int) -> None:
    """THEORY §3.1 [D], table row δ = 1, h_B = 0: X*(k)."""
    plan = phasing("action-for-action", delta=1.0)
    assert design(plan.deal, k).total == pytest.approx(TABLE_DELTA_1[k - 1], abs=1e-6)


@pytest.mark.parametrize("k", range(1, 9))
def test_action_for_action_reproduces_theory_3_1_row_delta_09(k: int) -> None:
    """THEORY §3.1 [D], table row δ = 0.9, h_B = 0: X*(k) (the table rounds to 4 decimals)."""
    plan = phasing("action-for-action", delta=0.9)
    assert design(plan.deal, k).total == pytest.approx(TABLE_DELTA_09[k - 1], abs=5e-5 + 1e-9)


@pytest.mark.parametrize(
    ("delta", "h_b", "c_a", "v_a", "g_a", "c_b", "g_b"),
    [
        (0.9, 0.0, 1.0, 0.8, 6.0, 1.0, 2.0),
        (1.0, 0.2, 1.0, 0.8, 6.0, 1.0, 2.0),
        (0.8, 0.3, 2.0, 0.5, 4.0, 0.5, 1.0),
        (0.95, 0.1, 1.5, 0.2, 3.0, 1.0, 9.0),
    ],
)
def test_one_shot_reproduces_theory_3_1_formula(
    delta: float, h_b: float, c_a: float, v_a: float, g_a: float, c_b: float, g_b: float
) -> None:
    """THEORY §3.1: X*(1) = min{G_B/c_B, (1 − h_B) G_A / (c_A − (1 − h_B) v_A)}."""
    plan = phasing(
        "action-for-action", delta=delta, h_B=h_b, c_A=c_a, v_A=v_a, G_A=g_a, c_B=c_b, G_B=g_b
    )
    second = (1 - h_b) * g_a / (c_a - (1 - h_b) * v_a) if c_a > (1 - h_b) * v_a else math.inf
    expected = min(g_b / c_b, second)
    result = design(plan.deal, 3)
    assert result.one_shot is not None
    assert result.one_shot.max_total == pytest.approx(expected, rel=1e-9)


def test_deal_of_8_needs_three_stages_at_delta_09() -> None:
    """THEORY §3.1: a deal of size 8 fails one-shot and succeeds with three stages (δ = 0.9, h_B = 0)."""
    plan = phasing("action-for-action", delta=0.9, h_B=0.0)
    search = min_stages(plan.deal, 8.0)
    assert search.stages == 3
    assert search.design is not None and search.design.one_shot is None
    assert design(plan.deal, 3, target=8.0).one_shot == design(plan.deal, 1, target=8.0).one_shot
    assert design(plan.deal, 1, target=8.0).one_shot.feasible is False  # type: ignore[union-attr]


def test_with_delta_1_and_no_hazard_the_total_is_capped_at_ga_over_ca_minus_va() -> None:
    """THEORY §3.1: with δ = 1 and h = 0 the total is capped at G_A / (c_A − v_A) = 30."""
    plan = phasing("action-for-action", delta=1.0)
    assert design(plan.deal, 12).total == pytest.approx(6 / (1 - 0.8))


def test_mistrust_lowers_the_ceiling_below_8_and_no_number_of_stages_helps() -> None:
    """THEORY §3.1: as h_B grows the ceiling falls below 8 and no number of stages helps."""
    plan = phasing("action-for-action", delta=0.9, h_B=0.5)
    search = min_stages(plan.deal, 8.0, max_stages=12)
    assert search.stages is None
    assert "below the target 8" in search.reason


# --- THEORY §3.2: gradualism (Lockwood & Thomas 2002) ---------------------------------------


def test_gradualism_reproduces_the_maximal_path_of_theory_3_2() -> None:
    """THEORY §3.2 [LockwoodThomas2002]: x_t = 1 − (c/(bδ))^(t+1); b=2, c=1, δ=0.9."""
    plan = phasing("gradualism")
    result = design(plan.deal, plan.stages, plan.objective)
    assert result.schedule is not None
    levels = np.cumsum(result.schedule.array(), axis=1)
    expected = [0.444444, 0.691358, 0.828532, 0.904740, 0.947078]
    for side in levels:
        assert side[:5] == pytest.approx(expected, abs=1e-6)
    gamma = 1 / (2 * 0.9)
    assert levels[0, :10] == pytest.approx([1 - gamma ** (t + 1) for t in range(10)], abs=1e-6)


def test_gradualism_binds_every_checked_constraint() -> None:
    """THEORY §3.2: every IC binds on the maximal path."""
    plan = phasing("gradualism")
    result = design(plan.deal, 20, "surplus")
    assert result.enforcement is not None
    assert len(result.binding) == len(result.enforcement.labels)


def test_gradualism_all_at_once_is_never_self_enforcing() -> None:
    """THEORY §3.2: no cooperation can be sustained by a schedule that ends (no tail)."""
    plan = phasing("gradualism")
    result = design(replace(plan.deal, tail=0), 15, "surplus")
    assert result.total == pytest.approx(0.0, abs=1e-9)


def first_level(delta: float, stages: int) -> float:
    plan = phasing("gradualism", delta=delta)
    schedule = design(plan.deal, stages, "surplus").schedule
    assert schedule is not None
    return float(schedule.array()[0, 0])


def test_gradualism_needs_b_delta_above_c() -> None:
    """THEORY §3.2: cooperation is possible iff bδ > c.

    With bδ > c the first level is 1 − c/(bδ) whatever the horizon; with bδ < c
    what the truncated horizon's open end sustains vanishes as the horizon grows.
    """
    assert first_level(0.7, 40) == pytest.approx(1 - 1 / (2 * 0.7), abs=1e-5)
    short, long = first_level(0.45, 20), first_level(0.45, 60)
    assert long < 0.05 * short


# --- THEORY §3.3: power shift (Fearon 1995, Powell 2006) -----------------------------------


def test_power_shift_fewest_stages_with_free_steps_is_6() -> None:
    """THEORY §3.3: steps sized freely need 6 stages (≈ 0.056, 0.062, 0.069, 0.076, 0.085, rest)."""
    plan = phasing("power-shift")
    assert plan.target is not None
    search = min_stages(plan.deal, plan.target)
    assert search.stages == 6
    assert search.design is not None and search.design.schedule is not None
    steps = search.design.schedule.array()[plan.deal.item_index("disarm")]
    assert steps[:5] == pytest.approx([0.056, 0.062, 0.069, 0.076, 0.085], abs=5e-4)
    assert steps.sum() == pytest.approx(0.4)


@pytest.mark.parametrize(("k", "feasible"), [(1, False), (7, False), (8, True)])
def test_power_shift_equal_steps_need_k_star_8(k: int, feasible: bool) -> None:
    """THEORY §3.3: equal steps need k ≥ k* = ⌈δP/((1−δ)(1−p0+κ))⌉ = 8; one-shot and k = 7 fail."""
    plan = phasing("power-shift")
    deal = replace(plan.deal, equal_steps=("disarm",))
    assert design(deal, k, target=plan.target).feasible is feasible


def test_power_shift_equal_steps_fewest_stages_is_k_star() -> None:
    plan = phasing("power-shift")
    assert plan.target is not None
    deal = replace(plan.deal, equal_steps=("disarm",))
    assert min_stages(deal, plan.target).stages == 8
    k_star = math.ceil(0.9 * 0.4 / ((1 - 0.9) * (1 - 0.6 + 0.1)))
    assert k_star == 8


def test_completion_objective_uses_the_fewest_stages_that_carry_the_target() -> None:
    plan = phasing("action-for-action", delta=0.9, h_B=0.05)
    result = design(plan.deal, 6, "completion", target=8.0)
    assert result.stages == min_stages(plan.deal, 8.0).stages
    assert result.value == pytest.approx(0.95**result.stages)
    assert result.total == pytest.approx(8.0)


def test_surplus_objective_reports_the_expected_joint_value() -> None:
    plan = phasing("action-for-action", delta=0.9, h_B=0.1)
    result = design(plan.deal, 3, "surplus")
    assert result.enforcement is not None
    joint = sum(v for _, v in result.enforcement.expected_values)
    assert result.value == pytest.approx(joint)
    assert joint >= sum(v for _, v in design(plan.deal, 3).enforcement.expected_values) - 1e-9  # type: ignore[union-attr]


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(action_for_action_deals(), st.integers(1, 4))
def test_adding_stages_never_lowers_the_maximal_total(deal: Deal, k: int) -> None:
    fewer, more = design(deal, k), design(deal, k + 1)
    if fewer.total is not None:
        assert more.total is not None
        assert more.total >= fewer.total - 1e-6 * (1 + fewer.total)


@settings(max_examples=25, deadline=None)
@given(action_for_action_deals(hazards=False), st.floats(0.0, 0.5), st.floats(0.0, 1.0))
def test_raising_trust_never_lowers_the_maximal_total(deal: Deal, h: float, cut: float) -> None:
    low = replace(deal, trust=TrustTable({("A", "B"): Hazard(h), ("B", "A"): Hazard(h)}))
    high_h = h * cut
    high = replace(deal, trust=TrustTable({("A", "B"): Hazard(high_h), ("B", "A"): Hazard(high_h)}))
    less, more = design(low, 3).total, design(high, 3).total
    if less is not None:
        assert more is not None
        assert more >= less - 1e-6 * (1 + less)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 6), st.integers(1, 4))
def test_designer_schedules_pass_the_self_enforcement_check(seed: int, items: int, k: int) -> None:
    deal = random_deal(np.random.default_rng(seed), items, parties=2 + seed % 2)
    result = design(deal, k, objective="surplus" if seed % 3 else "total")
    if result.schedule is not None:
        assert check(deal, result.schedule).self_enforcing


# --- bad input and infeasibility ---------------------------------------------------------


def simple_deal(**stake: float) -> Deal:
    return Deal(
        (Stake("A", **stake), Stake("B")),
        (Item("x", "A", cost=1.0, value=party_values({"B": 1.0}), total=(0.0, 5.0)),),
        (("A",),),
    )


def test_an_infeasible_target_is_a_result_with_a_reason() -> None:
    result = design(simple_deal(completion=2.0), 2, target=4.0)
    assert result.status == "infeasible" and result.schedule is None
    assert "largest self-enforcing total is 2" in result.reason


def test_a_deal_infeasible_even_empty_says_which_move_fails() -> None:
    result = design(simple_deal(outside=3.0, completion=1.0), 2)
    assert result.status == "infeasible"
    assert "stage 1: A" in result.reason


def test_unknown_objective_is_refused() -> None:
    with pytest.raises(DetenteError, match="objective"):
        design(simple_deal(), 2, objective="fastest")  # type: ignore[arg-type]


def test_zero_stages_is_refused() -> None:
    with pytest.raises(DetenteError, match="at least 1"):
        design(simple_deal(), 0)


def test_binary_items_are_delivered_whole() -> None:
    deal = Deal(
        (Stake("A", completion=2.5), Stake("B")),
        (
            Item("x", "A", cost=1.0, value=party_values({"B": 1.0}), binary=True),
            Item("y", "A", cost=1.0, value=party_values({"B": 1.0}), binary=True),
            Item("z", "A", cost=1.0, value=party_values({"B": 1.0}), binary=True),
        ),
        (("A",),),
    )
    result = design(deal, 2)
    assert result.total == 2.0
    assert result.schedule is not None
    assert set(np.unique(result.schedule.array())) <= {0.0, 1.0}


@settings(max_examples=20, deadline=None)
@given(small_deals(), st.sampled_from(["total", "surplus"]))
def test_designer_schedules_pass_the_path_by_path_check(
    case: tuple[Deal, np.ndarray], objective: str
) -> None:
    deal, amounts = case
    bounded = replace(deal, items=tuple(replace(it, total=(0.0, 3.0)) for it in deal.items))
    result = design(bounded, amounts.shape[1], objective)  # type: ignore[arg-type]
    if result.schedule is None:
        return
    designed = result.schedule.array()
    groups = len(deal.order)
    for n in range(designed.shape[1] * groups):
        for party in deal.order[n % groups]:
            assert reference_slack(bounded, designed, party, n) >= -1e-6


def test_an_unbounded_program_says_so() -> None:
    deal = Deal(
        (Stake("A"), Stake("B")), (Item("x", "A", value=party_values({"B": 1.0})),), (("A",),)
    )
    result = design(deal, 2)
    assert result.status == "unbounded" and "no upper bound" in result.reason


# --- plan: design and min_stages sharing one memo --------------------------------------------


@pytest.mark.parametrize(
    ("name", "overrides", "target"),
    [
        ("theory/power-shift.yaml", {}, None),
        ("theory/power-shift.yaml", {}, 0.3),
        ("theory/action-for-action.yaml", {"delta": 0.9}, 8.0),
        ("theory/action-for-action.yaml", {"delta": 0.9, "h_B": 0.2}, 8.0),
    ],
)
def test_plan_gives_what_design_and_min_stages_give_apart(
    name: str, overrides: dict[str, float], target: float | None
) -> None:
    from detente.phasing.designer import plan

    deal = load_scenario(SCENARIOS / name, overrides).phasing.deal  # type: ignore[union-attr]
    best, search = plan(deal, 4, "total", target)
    assert best == design(deal, 4, "total", target)
    if target is None:
        assert search is None
    else:
        assert search == min_stages(deal, target, 4)
    quiet, quiet_search = plan(deal, 4, "total", target, reasons=False)
    assert replace(quiet, reason=best.reason) == best
    if search is not None and quiet_search is not None:
        assert quiet_search.stages == search.stages


@settings(max_examples=40, deadline=None)
@given(small_deals(), st.integers(1, 3))
def test_a_designed_schedule_gives_every_signatory_at_least_no_deal(
    case: tuple[Deal, np.ndarray], stages: int
) -> None:
    """Participation: each mover's expected value is at least its outside option."""
    deal, _ = case
    found = design(deal, stages, "surplus")
    if found.enforcement is None:
        return
    values = dict(found.enforcement.expected_values)
    movers = {p for group in deal.order for p in group}
    for stake in deal.stakes:
        if stake.party in movers:
            assert values[stake.party] >= stake.outside - 1e-6 * (1 + abs(stake.outside))


def test_when_no_schedule_pays_a_signatory_the_designer_says_who_and_by_how_much() -> None:
    """A believes B always answers, so A's step is self-enforcing; but B is struck by a hazard
    of 0.6, so in expectation A gets 0.1, below its no-deal value of 0.5."""
    deal = Deal(
        (Stake("A", outside=0.5), Stake("B", completion=3.0)),
        (
            Item("x", "A", cost=1.0, value=party_values({"B": 2.0}), total=(1.0, 1.0)),
            Item("y", "B", cost=0.5, value=party_values({"A": 2.0}), total=(1.0, 1.0)),
        ),
        (("A",), ("B",)),
        truth=(("B", TrueType(0.0, 0.6)),),
    )
    found = design(deal, 1)
    assert not found.feasible
    assert found.reason == (
        "infeasible: every self-enforcing 1-stage schedule leaves A below its no-deal value "
        "(0.5): at best 0.1 in expectation, short by 0.4"
    )
