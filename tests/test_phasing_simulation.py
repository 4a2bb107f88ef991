"""Simulated implementation: seeded, converging to the analytic probabilities and values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.phasing import Deal, Item, Link, Schedule, Stake, check, design, implement
from detente.phasing.items import party_values
from detente.trust import BetaReputation, Hazard, TrustTable, TwoTypes


def exchange(trust: TrustTable, completion: float = 6.0) -> Deal:
    return Deal(
        (Stake("A", 0.9, completion=completion), Stake("B", 0.9, completion=2.0), Stake("C")),
        (
            Item("a", "A", cost=1.0, value=party_values({"B": 1.5, "C": 0.5})),
            Item("b", "B", cost=1.0, value=party_values({"A": 0.8})),
        ),
        (("A",), ("B",)),
        links=(Link("a", "b"),),
        trust=trust,
    )


def steps(*sizes: float) -> Schedule:
    return Schedule.from_stages(("a", "b"), [{"a": s, "b": s} for s in sizes])


@settings(max_examples=15, deadline=None)
@given(st.floats(0.0, 0.3), st.floats(0.0, 0.3), st.integers(1, 4), st.integers(0, 2**31))
def test_completion_rate_converges_to_the_analytic_probability(
    h_a: float, h_b: float, k: int, seed: int
) -> None:
    deal = exchange(TrustTable({("A", "B"): Hazard(h_b), ("B", "A"): Hazard(h_a)}))
    schedule = steps(*([0.5] * k))
    run = implement(deal, schedule, 20_000, np.random.default_rng(seed))
    p = (1 - h_a) ** k * (1 - h_b) ** k
    assert run.completion_probability == pytest.approx(p)
    assert abs(run.completion_rate - p) < 5 * np.sqrt(p * (1 - p) / 20_000) + 1e-9


def test_expected_values_converge_to_the_analytic_values_stakeholder_included() -> None:
    deal = exchange(TrustTable({("A", "B"): Hazard(0.1), ("B", "A"): Hazard(0.05)}))
    schedule = design(deal, 3).schedule
    assert schedule is not None
    analytic = dict(check(deal, schedule).expected_values)
    simulated = dict(implement(deal, schedule, 100_000, np.random.default_rng(3)).expected_values)
    for party in ("A", "B", "C"):
        assert simulated[party] == pytest.approx(analytic[party], abs=0.05)
    assert simulated["C"] > 0


def test_the_break_stage_histogram_counts_every_broken_session() -> None:
    deal = exchange(TrustTable({("A", "B"): Hazard(0.2)}))
    run = implement(deal, steps(1, 1, 1), 5_000, np.random.default_rng(0))
    broken = sum(run.break_stage_histogram)
    assert broken == round((1 - run.completion_rate) * run.sessions)
    assert len(run.break_stage_histogram) == 3
    assert run.break_stage_histogram[0] > run.break_stage_histogram[2]
    assert dict(run.reneged_by)["B"] == broken


def test_same_seed_same_result() -> None:
    deal = exchange(TrustTable({("A", "B"): Hazard(0.2), ("B", "A"): Hazard(0.1)}))
    first = implement(deal, steps(1, 1), 2_000, np.random.default_rng(42))
    again = implement(deal, steps(1, 1), 2_000, np.random.default_rng(42))
    assert first == again


def test_parties_renege_where_it_pays() -> None:
    deal = exchange(TrustTable({}))
    schedule = steps(4, 2)
    assert check(deal, schedule).violated == ("stage 1: B",)
    run = implement(deal, schedule, 100, np.random.default_rng(0))
    assert run.completion_rate == 0.0
    assert run.break_stage_histogram == (100, 0)
    assert dict(run.reneged_by)["B"] == 100


def test_trustworthy_types_do_not_renege_where_it_pays_but_opportunists_do() -> None:
    deal = exchange(TrustTable({("A", "B"): TwoTypes(0.25, 0.0, 0.0)}))
    run = implement(deal, steps(4, 2), 20_000, np.random.default_rng(5))
    assert run.completion_rate == pytest.approx(0.75, abs=0.02)


def test_two_type_completion_matches_the_compliance_path() -> None:
    """THEORY §3.4's types: an opportunist (0.3) always reneges, a trustworthy type with 0.1."""
    deal = exchange(TrustTable({("A", "B"): TwoTypes(0.3, 1.0, 0.1)}), completion=60.0)
    schedule = steps(0.2, 0.2)
    assert check(deal, schedule).self_enforcing
    run = implement(deal, schedule, 50_000, np.random.default_rng(9))
    assert run.completion_probability == pytest.approx(0.7 * 0.9**2)
    assert run.completion_rate == pytest.approx(0.7 * 0.81, abs=0.01)


def test_beta_trustees_draw_their_compliance_probability() -> None:
    deal = exchange(TrustTable({("A", "B"): BetaReputation(5, 3.5)}), completion=60.0)
    schedule = steps(0.2, 0.2)
    run = implement(deal, schedule, 50_000, np.random.default_rng(2))
    assert run.completion_probability == pytest.approx(5 / 8.5 * 6 / 9.5)
    assert run.completion_rate == pytest.approx(run.completion_probability, abs=0.01)


def test_at_least_one_session_is_needed() -> None:
    with pytest.raises(DetenteError, match="sessions"):
        implement(exchange(TrustTable({})), steps(1), 0, np.random.default_rng(0))
