"""The HiGHS calls behind the schedule designer."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import detente.phasing.designer as designer_module
from detente.errors import DetenteError
from detente.phasing.deal import Deal, Stake
from detente.phasing.designer import Designer, design
from detente.phasing.highs import Program, minimize
from detente.phasing.items import Item, party_values


def _program(
    cost: list[float],
    rows: list[list[float]],
    low: list[float],
    high: list[float],
    upper: list[float],
    integer: list[bool],
) -> Program:
    columns = (np.zeros(len(cost)), np.array(upper, dtype=float))
    return Program(np.array(cost, dtype=float), np.array(rows, dtype=float),
                   np.array(low, dtype=float), np.array(high, dtype=float), *columns,
                   np.array(integer))  # fmt: skip


def test_an_integer_program_is_solved_exactly() -> None:
    # max 5a + 4b + 3c, 2a + 3b + c <= 5, 4a + b + 2c <= 11, 3a + 4b + 2c <= 8, integers in [0, 3]
    rows = [[2, 3, 1], [4, 1, 2], [3, 4, 2]]
    found = minimize(
        _program([-5, -4, -3], rows, [-np.inf] * 3, [5, 11, 8], [3] * 3, [True] * 3), 10
    )
    assert found.status == "optimal"
    assert found.x is not None and found.x.tolist() == [2.0, 0.0, 1.0]
    assert found.gap == pytest.approx(0.0)


def test_a_linear_program_has_no_gap() -> None:
    found = minimize(_program([-1, -1], [[1, 2]], [-np.inf], [4], [3, 3], [False, False]), 10)
    assert found.status == "optimal" and found.gap is None
    assert found.x is not None and float(found.x.sum()) == pytest.approx(3.5)


def test_a_thread_that_has_solved_for_longer_than_a_time_limit_still_solves() -> None:
    """The solver object's run clock counts every run since it was made; a program's time
    limit counts from its own start (once it counted from the object's, so a long-lived
    worker that had solved for more than 60 s in all stopped every program at once)."""
    import detente.phasing.highs as highs_module

    limit = 0.05
    program = _program([-1, -1], [[1, 2]], [-np.inf], [4], [3, 3], [False, False])
    minimize(program, 10)
    while highs_module._local.highs.getRunTime() <= limit:  # this thread's solver, used enough
        minimize(program, 10)
    found = minimize(program, limit)
    assert found.status == "optimal" and found.x is not None


def test_infeasible_and_unbounded_are_told_apart() -> None:
    infeasible = minimize(_program([1], [[1]], [2], [3], [1], [False]), 10)
    assert infeasible.status == "infeasible" and infeasible.x is None
    unbounded = minimize(_program([-1], [[1]], [0], [np.inf], [np.inf], [True]), 10)
    assert unbounded.status == "unbounded"


def test_solving_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """HiGHS's banner would corrupt ``--json`` output on standard output.

    A new thread builds its own solver, so the construction is part of the test
    whatever ran before in this process.
    """
    program = _program([-1, -1], [[1, 2]], [-np.inf], [4], [3, 3], [True, False])
    worker = threading.Thread(target=minimize, args=(program, 10))
    worker.start()
    worker.join()
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_a_program_with_a_nan_is_a_clean_error() -> None:
    with pytest.raises(DetenteError, match="not a number"):
        minimize(_program([np.nan], [[1]], [0], [1], [1], [False]), 10)


def _deal(completion: float = 6.0) -> Deal:
    return Deal(
        (Stake("A", completion=completion), Stake("B", completion=2.0)),
        (
            Item("a", "A", cost=1.0, value=party_values({"B": 1.5}), binary=True),
            Item("b", "B", cost=1.0, value=party_values({"A": 0.8}), binary=True),
        ),
        (("A",), ("B",)),
    )


def test_a_determined_one_shot_package_is_checked_not_solved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every amount fixed in one stage: the answer is the check, feasible or not."""

    def no_solver(*args: object) -> None:
        raise AssertionError("a determined program went to the solver")

    monkeypatch.setattr(designer_module, "minimize", no_solver)
    both = Designer(_deal(), 10.0).package({"a": 1.0, "b": 1.0}).best(1, "total", None)
    assert both.feasible and both.total == 2.0 and both.gap == 0.0
    assert both.enforcement is not None and both.enforcement.self_enforcing
    # without completion value A's step (cost 1) is backed by nothing when B gives nothing
    alone = Designer(_deal(completion=0.0), 10.0).package({"a": 1.0, "b": 0.0})
    found = alone.best(1, "total", None)
    assert not found.feasible and found.status == "infeasible"
    assert "carries the whole package (a total of 1)" in found.reason


def test_a_binary_item_fixed_in_part_is_left_to_the_solver() -> None:
    """Half of a binary item in one stage is infeasible: the solver says so, not the shortcut."""
    deal = Deal(
        (Stake("A", completion=5.0), Stake("B")),
        (Item("x", "A", cost=1.0, value=party_values({"B": 1.0}), binary=True, total=(0.5, 0.5)),),
        (("A",),),
    )
    found = design(deal, 1)
    assert found.status == "infeasible" and not found.feasible


def test_a_target_other_than_the_package_total_says_so() -> None:
    deal = Deal(
        (Stake("A", completion=10.0), Stake("B")),
        (Item("x", "A", cost=1.0, value=party_values({"B": 1.0}), total=(3.0, 3.0)),),
        (("A",),),
    )
    search = Designer(deal, 10.0).min_stages(2.0, 2)
    assert search.stages is None
    assert "has a total of exactly 2" in search.reason and "whole package" not in search.reason


def test_packages_share_the_compiled_constraints() -> None:
    base = Designer(_deal(), 10.0)
    package = base.package({"a": 1.0, "b": 1.0})
    assert package.program(2).compiled is base.program(2).compiled
    assert package.fixed_total == 2.0 and base.fixed_total is None


def test_a_fixed_total_picks_the_earliest_schedule() -> None:
    """With the total fixed, the designer front-loads: here all of it in the first stage, and
    the two empty stages after it are dropped ("3 stages" means at most 3)."""
    deal = Deal(
        (Stake("A", completion=10.0), Stake("B")),
        (Item("x", "A", cost=1.0, value=party_values({"B": 1.0})),),
        (("A",),),
    )
    found = design(deal, 3, "total", target=2.0)
    assert found.schedule is not None
    assert found.schedule.array()[0].tolist() == [2.0]
    assert found.stages == 1
    # what makes it so: with the total fixed, a unit costs more the later it comes
    program = Designer(deal, 10.0).program(3)
    assert program.objective("total", 2.0).tolist() == [0.0, 1.0, 2.0]
    assert program.objective("total", None).tolist() == [-1.0, -1.0, -1.0]


def test_a_package_no_number_of_stages_carries_says_so() -> None:
    from detente.phasing.package import phase_package

    result = phase_package(_deal(completion=0.0), {"a": 1.0, "b": 0.0}, max_stages=3)
    assert result.min_stages is None
    assert result.search.reason == (
        "infeasible: no self-enforcing schedule of up to 3 stages carries the whole package "
        "(a total of 1)"
    )


def test_an_unbounded_program_highs_calls_unknown_is_unbounded() -> None:
    """A degenerate unbounded LP (found by a property test) on which HiGHS answers "unknown"
    with and without presolve: x = 0 is feasible and (1, 1, 0.5) is an improving ray."""
    program = Program(
        cost=np.array([-0.375, -1.53125, -2.0]),
        matrix=np.array(
            [
                [-0.5, 0.875, 0.0],
                [0.5, -0.25, 0.0],
                [0.0, 1.0, -1.0],
                [-0.5, 0.875, 1.0],
                [0.875, -0.21875, 2.0],
                [0.0, 0.875, -1.0],
            ]
        ),
        row_lower=np.array([-0.875, -0.5, 0.0, -0.875, -0.875, 0.0]),
        row_upper=np.full(6, np.inf),
        col_lower=np.zeros(3),
        col_upper=np.full(3, np.inf),
        integer=np.zeros(3, dtype=bool),
    )
    assert minimize(program, 10.0).status == "unbounded"
