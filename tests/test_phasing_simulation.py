"""Simulated implementation: seeded, converging to the analytic probabilities and values."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.phasing import Deal, Item, Link, Schedule, Stake, check, design, implement
from detente.phasing.items import party_values
from detente.phasing.path import equilibrium_path
from detente.phasing.truth import TrueType
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


def test_parties_renege_where_it_pays_and_the_others_see_it_coming() -> None:
    deal = exchange(TrustTable({}))
    schedule = steps(4, 2)
    assert check(deal, schedule).violated == ("stage 1: B",)
    run = implement(deal, schedule, 100, np.random.default_rng(0))
    assert run.completion_rate == 0.0
    assert run.break_stage_histogram == (100, 0)
    # B would renege on its first answer, so A, moving first, does not take its step at all
    assert dict(run.reneged_by) == {"A": 100, "B": 0, "C": 0}


def test_trustworthy_types_do_not_renege_where_it_pays_but_opportunists_do() -> None:
    deal = exchange(TrustTable({("A", "B"): TwoTypes(0.25, 0.0, 0.0)}))
    run = implement(deal, steps(4, 2), 20_000, np.random.default_rng(5))
    assert run.completion_rate == pytest.approx(0.75, abs=0.02)


def test_a_self_enforcing_schedule_is_completed_by_opportunists_too() -> None:
    """A's belief: B is an opportunist with 0.3 (who would renege with 1) or trustworthy (0.1).
    The schedule pays B to honour, so both types honour; only the hazard (0.1) strikes."""
    deal = exchange(TrustTable({("A", "B"): TwoTypes(0.3, 1.0, 0.1)}), completion=60.0)
    schedule = steps(0.2, 0.2)
    assert check(deal, schedule).self_enforcing
    run = implement(deal, schedule, 50_000, np.random.default_rng(9))
    assert run.completion_probability == pytest.approx(0.9**2)
    assert run.completion_rate == pytest.approx(0.81, abs=0.01)


def test_a_beta_belief_is_no_hazard_a_self_enforcing_schedule_completes() -> None:
    """Beliefs are not behaviour: a Beta reputation of mean 0.59 makes B committed with 0.59,
    and an opportunist B honours a schedule that pays it to."""
    deal = exchange(TrustTable({("A", "B"): BetaReputation(5, 3.5)}), completion=60.0)
    schedule = steps(0.2, 0.2)
    assert check(deal, schedule).self_enforcing
    run = implement(deal, schedule, 5_000, np.random.default_rng(2))
    assert run.completion_probability == 1.0
    assert run.completion_rate == 1.0


@settings(max_examples=10, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 0.3), st.floats(0.0, 0.3), st.integers(0, 2**31))
def test_a_path_that_breaks_at_b_completes_only_when_b_is_committed(
    committed: float, h_a: float, h_b: float, seed: int
) -> None:
    """Closed form: the path breaks at B's second answer (it costs 4, more than its completion
    value gives back); A, believing B committed with 0.5, still steps. Completion is
    P(B committed) times no hazard at any of the four moves."""
    truth = (("A", TrueType(0.0, h_a)), ("B", TrueType(committed, h_b)))
    deal = replace(exchange(TrustTable({("A", "B"): TwoTypes(0.5, 0.0, 0.0)})), truth=truth)
    schedule = steps(1, 4)
    path = equilibrium_path(deal, schedule)
    assert path.breaks is not None and (path.breaks.stage, path.breaks.party) == (2, "B")
    run = implement(deal, schedule, 20_000, np.random.default_rng(seed))
    p = committed * (1 - h_a) ** 2 * (1 - h_b) ** 2
    assert run.completion_probability == pytest.approx(p)
    assert run.completion_probability <= committed + 1e-12
    assert abs(run.completion_rate - p) < 5 * np.sqrt(p * (1 - p) / 20_000) + 1e-9


def test_at_least_one_session_is_needed() -> None:
    with pytest.raises(DetenteError, match="sessions"):
        implement(exchange(TrustTable({})), steps(1), 0, np.random.default_rng(0))
