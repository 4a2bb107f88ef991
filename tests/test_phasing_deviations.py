"""Partial compliance and proportional response: single-item deviations, declared responses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.phasing import Deal, Schedule, check, design
from detente.phasing.path import Path, equilibrium_path
from tests.phasing_reference import (
    activity,
    believed,
    choices,
    consistent_plans,
    deviation_value,
    fresh,
    modify,
    responses_for,
    responsive_deals,
    withheld,
)
from tests.strategies import random_deal


def _plan(deal: Deal, path: Path) -> dict[int, object]:
    """The path's choices by move group: honour, "all", or the withheld item's position."""
    G = len(deal.order)
    plan: dict[int, object] = {}
    for m in path.moves:
        n = (m.stage - 1) * G + deal.order.index((m.party,))
        plan[n] = "honour" if m.honours else (
            "all" if m.withholds is None else deal.item_names.index(m.withholds)
        )
    return plan


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responsive_deals())
def test_the_path_is_one_of_the_plans_brute_force_finds_consistent(
    case: tuple[Deal, np.ndarray],
) -> None:
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts).trimmed()
    X = schedule.array()
    path = equilibrium_path(deal, schedule)
    play = fresh(X)
    plan = _plan(deal, path)
    assert plan in consistent_plans(deal, play)
    start = 0
    while path.then is not None:
        first = min(n for n, c in plan.items() if c != "honour")
        play = modify(deal, play, first, withheld(deal, play, first, plan[first]))
        path, start = path.then, first + 1
        plan = _plan(deal, path)
        assert plan in consistent_plans(deal, play, start)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responsive_deals(max_stages=3))
def test_every_slack_of_the_check_is_honouring_minus_a_forward_accounting_of_the_deviation(
    case: tuple[Deal, np.ndarray],
) -> None:
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts).trimmed()
    X = schedule.array()
    play = fresh(X)
    act = activity(deal, play)
    G = len(deal.order)
    expected = {}
    for n in range(X.shape[1] * G):
        (mover,) = deal.order[n % G]
        if not act[deal.parties.index(mover), n // G]:
            continue
        honour = believed(deal, play, mover, n, n, act, sure=True)
        for choice in choices(deal, play, n)[1:]:
            label = f"stage {n // G + 1}: {mover}"
            if choice != "all":
                label += f" withholds {deal.item_names[int(choice)]}"  # type: ignore[call-overload]
            expected[label] = honour - deviation_value(deal, play, mover, n, n, choice, act)
    found = check(deal, schedule)
    assert set(found.labels) <= set(expected)
    for label, slack in zip(found.labels, found.slacks, strict=True):
        assert slack == pytest.approx(expected[label], rel=1e-7, abs=1e-7)
    for label in set(expected) - set(found.labels):  # left out: dominated by reneging on everything
        mover = label.split(": ")[1].split(" ")[0]
        everything = expected[label.split(" withholds")[0]]
        assert " withholds " in label and expected[label] >= everything - 1e-7, (label, mover)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(responsive_deals(max_stages=3), responsive_deals(simultaneous=True)))
def test_a_schedule_with_responses_is_self_enforcing_exactly_when_its_path_completes(
    case: tuple[Deal, np.ndarray],
) -> None:
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts)
    assert equilibrium_path(deal, schedule).completed is check(deal, schedule).self_enforcing


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(3, 7), st.integers(1, 4), st.data())
def test_designed_schedules_with_responses_pass_the_check_with_the_same_slacks(
    seed: int, items: int, k: int, data: st.DataObject
) -> None:
    deal = data.draw(responses_for(random_deal(np.random.default_rng(seed), items, 2 + seed % 2)))
    result = design(deal, k, objective="surplus" if seed % 3 else "total")
    if result.schedule is None:
        return
    found = check(deal, result.schedule)
    assert found.self_enforcing
    assert result.enforcement is not None
    assert result.enforcement.labels == found.labels
    assert result.enforcement.slacks == pytest.approx(found.slacks, rel=1e-6, abs=1e-6)
