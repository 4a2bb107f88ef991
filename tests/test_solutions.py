"""Bargaining solutions on a finite outcome set (detente.solutions, THEORY.md §2)."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente import solutions
from detente.solutions import (
    Lottery,
    NoSolution,
    Solution,
    convex_solutions,
    egalitarian,
    kalai_smorodinsky,
    nash,
    pareto_frontier,
    rational_mask,
    solve_all,
    utilitarian,
)
from tests.strategies import REAL_UTILITY, bargaining_problems, utility_matrices

WORKED_EXAMPLE = np.array([[2.0, 1.0], [6.0, 2.0], [4.0, 5.0], [1.0, 9.0]])
"""THEORY.md §2 [D]: FreezeForFreeze, SmallDeal, MediumDeal, BigDeal; d = (0, 0)."""
FREEZE_FOR_FREEZE, SMALL_DEAL, MEDIUM_DEAL, BIG_DEAL = range(4)

TOLERANCES = st.sampled_from([0.0, 1e-9, 0.1, 0.2])
"""Relative tolerances; 0.1 and 0.2 merge neighbouring grid values into chains."""


# ----------------------------------------------------------------------------- references


def reference_levels(column: np.ndarray, tol: float) -> np.ndarray:
    """Label each value by the first value of its level (a chain of gaps <= tol × range)."""
    values = sorted(set(column.tolist()))
    spread = values[-1] - values[0]
    step = tol * (spread if spread > 0 else 1.0)
    label, first, previous = {}, values[0], values[0]
    for value in values:
        if value - previous > step:
            first = value
        label[value], previous = first, value
    return np.array([label[v] for v in column.tolist()])


def level_matrix(U: np.ndarray, rows: np.ndarray, tol: float) -> np.ndarray:
    return np.column_stack([reference_levels(U[rows, p], tol) for p in range(U.shape[1])])


def dominates(a: np.ndarray, b: np.ndarray) -> bool:
    return bool((a >= b).all() and (a > b).any())


def reference_frontier(U: np.ndarray, tol: float, mask: np.ndarray | None = None) -> set[int]:
    """O(n²) frontier: usable rows not dominated on tolerance levels by any usable row."""
    usable = np.isfinite(U).all(axis=1) & (True if mask is None else mask)
    rows = np.flatnonzero(usable)
    if len(rows) == 0:
        return set()
    levels = level_matrix(U, rows, tol)
    return {
        int(rows[a])
        for a in range(len(rows))
        if not any(dominates(levels[b], levels[a]) for b in range(len(rows)))
    }


def rational_rows(U: np.ndarray, d: np.ndarray) -> np.ndarray:
    return np.flatnonzero((d <= U).all(axis=1))


def leximin_key(values: np.ndarray) -> tuple[float, ...]:
    return tuple(np.sort(values).tolist())


# ----------------------------------------------------------------------------- worked example


def test_worked_example_pure_outcomes_match_theory_section_2() -> None:
    """THEORY.md §2 [D]: Nash, KS and egalitarian pick MediumDeal; utilitarian BigDeal."""
    found = solve_all(WORKED_EXAMPLE, [0.0, 0.0])
    for name in ("nash", "kalai_smorodinsky", "egalitarian"):
        assert isinstance(found[name], Solution)
        assert found[name].indices == (MEDIUM_DEAL,), name
        assert found[name].utilities == (4.0, 5.0)
    assert found["utilitarian"] == Solution("utilitarian", (BIG_DEAL,), (1.0, 9.0), 10.0)
    assert found["nash"].value == 20.0
    assert found["kalai_smorodinsky"].value == pytest.approx(5 / 9)


def test_worked_example_lotteries_match_theory_section_2() -> None:
    """THEORY.md §2 [D]: over the convex hull Nash (3.875, 5.1667), KS (62/17, 93/17), egal. 4.4."""
    found = convex_solutions(WORKED_EXAMPLE, [0.0, 0.0])
    expected = {
        "nash": (3.875, 5.1667),
        "kalai_smorodinsky": (62 / 17, 93 / 17),
        "egalitarian": (4.4, 4.4),
        "utilitarian": (1.0, 9.0),
    }
    for name, utilities in expected.items():
        assert found[name].utilities == pytest.approx(utilities, abs=1e-4), name
    assert found["nash"].outcomes == (MEDIUM_DEAL, BIG_DEAL)
    assert found["nash"].probabilities == pytest.approx((23 / 24, 1 / 24))
    assert found["egalitarian"].outcomes == (SMALL_DEAL, MEDIUM_DEAL)
    assert found["egalitarian"].probabilities == pytest.approx((0.2, 0.8))
    assert found["utilitarian"].outcomes == (BIG_DEAL,)


def test_worked_example_frontier_drops_only_freeze_for_freeze() -> None:
    assert pareto_frontier(WORKED_EXAMPLE).tolist() == [SMALL_DEAL, MEDIUM_DEAL, BIG_DEAL]


# ----------------------------------------------------------------------------- rational set


@given(bargaining_problems())
@settings(max_examples=50)
def test_rational_mask_is_acceptable_and_at_least_the_reservation(problem: tuple) -> None:
    U, d = problem
    expected = np.isfinite(U).all(axis=1) & (d <= U).all(axis=1)
    assert rational_mask(U, d).tolist() == expected.tolist()


# ----------------------------------------------------------------------------- frontier


@given(utility_matrices(), TOLERANCES)
@settings(max_examples=50)
def test_frontier_matches_brute_force_reference(U: np.ndarray, tol: float) -> None:
    assert set(pareto_frontier(U, tol=tol).tolist()) == reference_frontier(U, tol)


@given(utility_matrices(parties=st.integers(2, 4), outcomes=st.integers(1, 60)), TOLERANCES)
@settings(max_examples=50)
def test_frontier_divide_and_conquer_and_pivots_match_reference(U: np.ndarray, tol: float) -> None:
    """Force the pivot pre-filter and the recursive dominance search on small inputs."""
    with patch.object(solutions, "_BRUTE_FORCE_PAIRS", 1), patch.object(solutions, "_FEW", 0):
        found = pareto_frontier(U, tol=tol)
    assert set(found.tolist()) == reference_frontier(U, tol)


@given(utility_matrices(), TOLERANCES)
@settings(max_examples=50)
def test_frontier_is_non_dominated_and_dominates_every_dropped_outcome(
    U: np.ndarray, tol: float
) -> None:
    rows = np.flatnonzero(np.isfinite(U).all(axis=1))
    if len(rows) == 0:
        assert pareto_frontier(U, tol=tol).tolist() == []
        return
    levels = dict(zip(rows.tolist(), level_matrix(U, rows, tol), strict=True))
    front = pareto_frontier(U, tol=tol).tolist()
    for a in front:
        assert not any(dominates(levels[b], levels[a]) for b in front)
    for dropped in set(rows.tolist()) - set(front):
        assert any(dominates(levels[f], levels[dropped]) for f in front)
        if tol == 0:
            assert any(dominates(U[f], U[dropped]) for f in front)


@given(utility_matrices(outcomes=st.integers(1, 40)))
@settings(max_examples=40)
def test_frontier_is_sorted_by_utilities_descending(U: np.ndarray) -> None:
    front = pareto_frontier(U)
    keys = [(tuple((-U[i]).tolist()), i) for i in front.tolist()]
    assert keys == sorted(keys)
    assert front.dtype == np.int64


@given(utility_matrices(), st.data())
@settings(max_examples=40)
def test_frontier_respects_mask(U: np.ndarray, data: st.DataObject) -> None:
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(U), max_size=len(U))), bool)
    assert set(pareto_frontier(U, mask).tolist()) == reference_frontier(U, 1e-9, mask)


def test_frontier_keeps_duplicates_and_near_duplicates() -> None:
    U = np.array([[1.0, 2.0], [0.1 + 0.2, 3.0], [0.3, 3.0], [1.0, 2.0], [0.0, 1.0], [0.2, 2.0]])
    assert pareto_frontier(U).tolist() == [0, 3, 1, 2]
    assert pareto_frontier(U, tol=0).tolist() == [0, 3, 1]


def test_frontier_merges_near_equal_values_along_chains() -> None:
    """Steps of 0.4 × tol × range chain 0.0, 0.4, 0.8 into one level: no outcome dominates."""
    U = np.array([[0.0, 10.0], [0.4, 10.0], [0.8, 10.0], [10.0, 0.0]])
    assert pareto_frontier(U, tol=0.05).tolist() == [3, 2, 1, 0]
    assert pareto_frontier(U, tol=0.01).tolist() == [3, 2]


@pytest.mark.parametrize("few", [0, 256])
def test_frontier_handles_long_chains_of_near_equal_values(few: int) -> None:
    """100 values 0.001 apart form one level when the tolerance step is 0.002: all are kept."""
    U = np.array([[k * 1e-3, 1.0] for k in range(100)] + [[1.0, 0.0]])
    with patch.object(solutions, "_FEW", few):
        assert set(pareto_frontier(U, tol=2e-3).tolist()) == set(range(101))
        assert set(pareto_frontier(U, tol=0).tolist()) == {99, 100}
        assert set(pareto_frontier(U, tol=2e-3).tolist()) == reference_frontier(U, 2e-3)


def test_levels_span_whole_chains_in_both_directions() -> None:
    """A level runs from the first to the last value of its chain, whichever value is asked."""
    values = np.concatenate((np.arange(100) * 1e-3, [1.0]))
    levels = solutions._Levels.of(values, 2e-3)
    for value in (0.0, 0.05, 0.099):
        assert levels.bounds(value) == (0.0, 0.099)
    assert levels.bounds(1.0) == (1.0, 1.0)
    ranks = levels.ranks(values)
    assert len(set(ranks[:100].tolist())) == 1
    assert ranks[100] > ranks[0]


def test_frontier_never_contains_unacceptable_outcomes() -> None:
    U = np.array([[9.0, -np.inf], [1.0, 1.0], [-np.inf, -np.inf]])
    assert pareto_frontier(U).tolist() == [1]
    assert pareto_frontier(U[[0, 2]]).tolist() == []


def test_large_two_party_frontier_matches_sort_reference() -> None:
    """Exact 2-party reference: best in its group of equal first utility, above all better groups."""
    rng = np.random.default_rng(7)
    U = rng.normal(size=(200_000, 2)).round(3)
    order = np.lexsort((-U[:, 1], -U[:, 0]))
    first, second = U[order, 0], U[order, 1]
    starts = np.flatnonzero(np.concatenate(([True], first[1:] != first[:-1])))
    group_start = starts[np.searchsorted(starts, np.arange(len(order)), side="right") - 1]
    best_earlier = np.concatenate(([-np.inf], np.maximum.accumulate(second)))[group_start]
    survives = (second == second[group_start]) & (second > best_earlier)
    assert set(pareto_frontier(U, tol=0).tolist()) == set(order[survives].tolist())


def test_many_party_frontier_matches_broadcast_reference() -> None:
    """Anticorrelated utilities: most outcomes survive the pivots, so recursion does the work."""
    rng = np.random.default_rng(3)
    for n_parties in (3, 4):
        points = np.abs(rng.normal(size=(1500, n_parties)))
        radius = rng.random((1500, 1))
        U = (points / np.linalg.norm(points, axis=1, keepdims=True) * radius).round(2)
        covered = (U[None, :, :] >= U[:, None, :]).all(axis=2) & (
            U[None, :, :] > U[:, None, :]
        ).any(axis=2)
        expected = np.flatnonzero(~covered.any(axis=1))
        assert set(pareto_frontier(U, tol=0).tolist()) == set(expected.tolist())


# ----------------------------------------------------------------------------- solutions


def product_of_gains(U: np.ndarray, d: np.ndarray, row: int) -> float:
    return float(np.prod(U[row] - d))


@given(bargaining_problems())
@settings(max_examples=50)
def test_nash_maximises_the_product_of_gains_among_rational_outcomes(problem: tuple) -> None:
    U, d = problem
    rows = rational_rows(U, d)
    found = nash(U, d)
    if len(rows) == 0:
        assert isinstance(found, NoSolution)
        return
    assert isinstance(found, Solution)
    assert found.index in rows
    best = max(product_of_gains(U, d, r) for r in rows)
    assert product_of_gains(U, d, found.index) == pytest.approx(best)
    assert found.value == pytest.approx(best)


@given(bargaining_problems(elements=REAL_UTILITY.map(lambda x: round(x, 3))))
@settings(max_examples=50)
def test_nash_ties_are_exactly_the_pareto_optimal_maximisers(problem: tuple) -> None:
    U, d = problem
    rows = rational_rows(U, d)
    found = nash(U, d)
    if isinstance(found, NoSolution):
        assert len(rows) == 0
        return
    gains = U[rows] - d
    active = gains.max(axis=0) > 0
    scores = np.prod(gains[:, active], axis=1)
    front = set(pareto_frontier(U, rational_mask(U, d)).tolist())
    best = {int(r) for r, s in zip(rows, scores, strict=True) if s >= scores.max() * (1 - 1e-9)}
    assert set(found.indices) == best & front


@pytest.mark.parametrize("rule", [nash, kalai_smorodinsky])
@given(
    problem=bargaining_problems(),
    party=st.integers(0, 3),
    scale=st.sampled_from([0.25, 0.5, 2.0, 3.0, 10.0]),
    shift=st.integers(-20, 20),
)
@settings(max_examples=50)
def test_nash_and_kalai_smorodinsky_are_invariant_under_positive_affine_rescaling(
    rule: object, problem: tuple, party: int, scale: float, shift: int
) -> None:
    U, d = problem
    party %= U.shape[1]
    V, e = U.copy(), d.copy()
    V[:, party] = V[:, party] * scale + shift
    e[party] = e[party] * scale + shift
    assert callable(rule)
    before, after = rule(U, d), rule(V, e)
    if isinstance(before, NoSolution):
        assert isinstance(after, NoSolution)
    else:
        assert isinstance(after, Solution)
        assert set(after.indices) == set(before.indices)


@given(bargaining_problems())
@settings(max_examples=50)
def test_kalai_smorodinsky_maximises_the_smallest_normalised_gain_then_leximin(
    problem: tuple,
) -> None:
    U, d = problem
    rows = rational_rows(U, d)
    found = kalai_smorodinsky(U, d)
    if len(rows) == 0:
        assert isinstance(found, NoSolution)
        return
    assert isinstance(found, Solution)
    ideal = U[rows].max(axis=0) - d
    active = ideal > 0
    ratios = {int(r): (U[r] - d)[active] / ideal[active] for r in rows}
    best = max(leximin_key(v) for v in ratios.values())
    assert {r for r, v in ratios.items() if leximin_key(v) == best} >= set(found.indices)
    for index in found.indices:
        assert leximin_key(ratios[index]) == pytest.approx(best)


@given(bargaining_problems())
@settings(max_examples=50)
def test_egalitarian_is_leximin_optimal_among_rational_outcomes(problem: tuple) -> None:
    U, d = problem
    rows = rational_rows(U, d)
    found = egalitarian(U, d)
    if len(rows) == 0:
        assert isinstance(found, NoSolution)
        return
    assert isinstance(found, Solution)
    keys = {int(r): leximin_key(U[r] - d) for r in rows}
    best = max(keys.values())
    assert {r for r, k in keys.items() if k == best} == set(found.indices)
    assert found.value == min(best)


@given(bargaining_problems())
@settings(max_examples=50)
def test_utilitarian_reports_every_rational_maximiser_of_the_sum(problem: tuple) -> None:
    U, d = problem
    rows = rational_rows(U, d)
    found = utilitarian(U, d)
    if len(rows) == 0:
        assert isinstance(found, NoSolution)
        return
    assert isinstance(found, Solution)
    totals = {int(r): float(U[r].sum()) for r in rows}
    best = max(totals.values())
    assert {r for r, t in totals.items() if t == best} == set(found.indices)
    assert found.value == best
    assert found.utilities == tuple(U[found.index].tolist())


@given(bargaining_problems())
@settings(max_examples=50)
def test_solve_all_agrees_with_each_rule_and_never_picks_unacceptable_outcomes(
    problem: tuple,
) -> None:
    U, d = problem
    found = solve_all(U, d)
    rules = {
        "nash": nash,
        "kalai_smorodinsky": kalai_smorodinsky,
        "egalitarian": egalitarian,
        "utilitarian": utilitarian,
    }
    assert list(found) == list(rules)
    for name, rule in rules.items():
        assert found[name] == rule(U, d)
        result = found[name]
        if isinstance(result, Solution):
            assert result.name == name
            assert np.isfinite(U[list(result.indices)]).all()
            assert result.index == result.indices[0]


def test_no_rational_outcome_is_a_result_with_a_reason() -> None:
    U = np.array([[1.0, -np.inf], [5.0, 0.0]])
    for name, result in solve_all(U, [2.0, 1.0]).items():
        assert isinstance(result, NoSolution)
        assert result.name == name
        assert "no outcome is individually rational" in result.reason
    assert all(isinstance(r, NoSolution) for r in convex_solutions(U, [2.0, 1.0]).values())
    assert isinstance(nash(np.empty((0, 3)), [0.0, 0.0, 0.0]), NoSolution)


def test_ties_are_reported_not_picked_silently() -> None:
    U = np.array([[1.0, 2.0], [2.0, 1.0], [0.0, 0.0], [2.0, 1.0 + 1e-14]])
    found = solve_all(U, [0.0, 0.0])
    for name in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        result = found[name]
        assert isinstance(result, Solution)
        assert set(result.indices) == {0, 1, 3}, name
        assert result.ties == 3
        assert result.index == 3  # frontier order: first party's utility descending


def test_a_party_with_nothing_to_gain_is_left_out_of_the_nash_product() -> None:
    U = np.array([[1.0, 3.0], [1.0, 5.0], [1.0, 4.0]])
    result = nash(U, [1.0, 0.0])
    assert isinstance(result, Solution)
    assert result.indices == (1,)
    assert result.value == 0.0


@pytest.mark.parametrize(
    ("U", "d", "message"),
    [
        (np.zeros(3), [0.0], "2-D array"),
        (np.zeros((3, 1)), [0.0], "at least 2 parties"),
        (np.array([[1.0, np.nan]]), [0.0, 0.0], "NaN"),
        (np.array([[1.0, np.inf]]), [0.0, 0.0], r"\+inf"),
        (np.zeros((3, 2)), [0.0, 0.0, 0.0], "one reservation value per party"),
        (np.zeros((3, 2)), [0.0, np.nan], "finite"),
    ],
)
def test_bad_input_raises_value_error_naming_the_problem(
    U: np.ndarray, d: list[float], message: str
) -> None:
    for rule in (nash, kalai_smorodinsky, egalitarian, utilitarian, solve_all):
        with pytest.raises(ValueError, match=message):
            rule(U, d)


def test_bad_mask_and_tolerance_raise_value_error() -> None:
    with pytest.raises(ValueError, match="boolean array of length 2"):
        pareto_frontier(np.zeros((2, 2)), np.array([1, 0]))
    with pytest.raises(ValueError, match="tol"):
        pareto_frontier(np.zeros((2, 2)), tol=-1.0)
    with pytest.raises(ValueError, match="2 parties"):
        convex_solutions(np.zeros((2, 3)), [0.0, 0.0, 0.0])


# ----------------------------------------------------------------------------- lotteries


@given(bargaining_problems(parties=st.just(2)))
@settings(max_examples=50)
def test_lotteries_mix_at_most_two_rational_outcomes_and_do_no_worse_than_pure_ones(
    problem: tuple,
) -> None:
    U, d = problem
    pure, mixed = solve_all(U, d), convex_solutions(U, d)
    for name in pure:
        if isinstance(pure[name], NoSolution):
            assert isinstance(mixed[name], NoSolution)
            continue
        lottery = mixed[name]
        assert isinstance(lottery, Lottery)
        assert sum(lottery.probabilities) == pytest.approx(1.0)
        expected = sum(
            p * U[o] for p, o in zip(lottery.probabilities, lottery.outcomes, strict=True)
        )
        assert lottery.utilities == pytest.approx(tuple(expected))
        assert all(rational_mask(U, d)[o] for o in lottery.outcomes)
        assert lottery.value >= pure[name].value - 1e-9


@given(bargaining_problems(parties=st.just(2)))
@settings(max_examples=50)
def test_lottery_nash_product_is_maximal_along_the_hull(problem: tuple) -> None:
    U, d = problem
    lottery = convex_solutions(U, d)["nash"]
    rows = rational_rows(U, d)
    if isinstance(lottery, NoSolution):
        assert len(rows) == 0
        return
    gains = U[rows] - d
    active = gains.max(axis=0) > 0
    s = np.linspace(0, 1, 101)[None, None, :, None]
    mixed = (1 - s) * gains[:, None, None, :] + s * gains[None, :, None, :]
    best = np.prod(mixed[..., active], axis=-1).max()
    assert np.prod((np.array(lottery.utilities) - d)[active]) >= best - 1e-9
