"""Branches left unsolved by their relaxation: the designer's choice among branches is unchanged."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.phasing.designer import _best, solve_branches
from detente.phasing.highs import Program, ProgramResult, minimize


@st.composite
def branch_programs(draw: st.DrawFn) -> tuple[list[Program], np.ndarray]:
    """A small bounded mixed-integer program and branches of it, as the designer makes them:
    the same cost and rows, some amounts held at 0, some rows added."""
    n = draw(st.integers(2, 6))
    rows = draw(st.integers(1, 4))
    values = st.integers(-5, 5).map(float)
    cost = np.array(draw(st.lists(values, min_size=n, max_size=n)))
    matrix = np.array(
        draw(st.lists(st.lists(values, min_size=n, max_size=n), min_size=rows, max_size=rows))
    )
    lower = np.array(draw(st.lists(st.integers(-6, 2).map(float), min_size=rows, max_size=rows)))
    integer = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    base = Program(
        cost, matrix, lower, np.full(rows, np.inf), np.zeros(n), np.full(n, 2.0), integer
    )
    programs = []
    for _ in range(draw(st.integers(1, 4))):
        held = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        extra = np.array(draw(st.lists(values, min_size=n, max_size=n)))[None]
        low = float(draw(st.integers(-4, 3)))
        programs.append(
            replace(
                base,
                matrix=np.vstack([matrix, extra]),
                row_lower=np.append(lower, low),
                row_upper=np.append(base.row_upper, np.inf),
                col_upper=np.where(held, 0.0, base.col_upper),
            )
        )
    return programs, cost


def _same(
    a: tuple[str, np.ndarray | None, float | None], b: tuple[str, np.ndarray | None, float | None]
) -> bool:
    return (
        a[0] == b[0]
        and a[2] == b[2]
        and (
            (a[1] is None and b[1] is None)
            or (a[1] is not None and b[1] is not None and np.array_equal(a[1], b[1]))
        )
    )


@settings(max_examples=150, deadline=None)
@given(branch_programs())
def test_leaving_out_branches_that_cannot_win_changes_no_choice(
    case: tuple[list[Program], np.ndarray],
) -> None:
    programs, cost = case
    every = [minimize(program, 60.0) for program in programs]
    assert _same(_best(solve_branches(programs, cost, 60.0), cost), _best(every, cost))


def two_whole_amounts(cost: np.ndarray) -> Program:
    """Two whole amounts in [0, 2] whose sum is at most 2, minimising ``cost``."""
    return Program(
        cost,
        np.array([[1.0, 1.0]]),
        np.array([0.0]),
        np.array([2.0]),
        np.zeros(2),
        np.full(2, 2.0),
        np.array([True, True]),
    )


def test_a_branch_whose_relaxation_costs_more_is_not_solved() -> None:
    """Two branches: the first reaches cost -2; the second's relaxation cannot go below -1."""
    cost = np.array([-1.0, -1.0])
    first = two_whole_amounts(cost)
    second = replace(first, col_upper=np.array([1.0, 0.0]))
    found = solve_branches([first, second], cost, 60.0)
    assert found[1] == ProgramResult("infeasible")
    assert float(cost @ found[0].x) == -2.0


def test_an_earlier_branch_that_cannot_win_is_not_solved_either() -> None:
    """The better branch second: its cost -2 rules out the first, whose relaxation reaches -1."""
    cost = np.array([-1.0, -1.0])
    better = two_whole_amounts(cost)
    worse = replace(better, col_upper=np.array([1.0, 0.0]))
    found = solve_branches([worse, better], cost, 60.0)
    assert found[0] == ProgramResult("infeasible")
    assert _best(found, cost)[0] == "optimal" and float(cost @ found[1].x) == -2.0
