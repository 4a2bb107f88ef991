"""Robust schedules: the big-M relaxation, the scenario program against the exact check."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.phasing import Deal, Item, Schedule, Stake, design, party_values
from detente.phasing.highs import Program, minimize
from detente.phasing.robust import Box, Requirements, judge, relax, robust_design
from detente.trust import Hazard, TrustTable


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 3))
def test_box_least_is_the_minimum_over_the_box(seed: int, items: int, stages: int) -> None:
    """The least value of a row over the box (per-amount bounds and item totals) is the
    linear program's minimum, so the big-M values are the smallest valid ones."""
    rng = np.random.default_rng(seed)
    n = items * stages
    row = rng.normal(size=n)
    upper = rng.uniform(0.0, 2.0, size=n)
    totals = np.where(rng.random(items) < 0.3, np.inf, rng.uniform(0.0, 3.0, size=items))
    box = Box(upper, totals, stages)
    whole = np.kron(np.eye(items), np.ones(stages))
    program = Program(
        row, whole, np.full(items, -np.inf), totals, np.zeros(n), upper, np.zeros(n, np.bool_)
    )
    found = minimize(program, 10.0)
    assert found.x is not None
    assert abs(box.least(row[None])[0] - row @ found.x) < 1e-9 * (1 + abs(row @ found.x))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_relaxed_rows_bind_at_one_and_hold_everywhere_at_zero(seed: int) -> None:
    """At z = 1 a relaxed row is the row; at z = 0 every point of the box meets it."""
    rng = np.random.default_rng(seed)
    n, m = 4, 3
    matrix = rng.normal(size=(m, n))
    lower = np.where(rng.random(m) < 0.5, -np.inf, rng.normal(size=m))
    upper = np.where(np.isfinite(lower) & (rng.random(m) < 0.5), np.inf, rng.normal(size=m) + 2)
    box = Box(rng.uniform(0.1, 2.0, size=n), np.full(n, np.inf), 1)
    rows, low, high, z = relax(matrix, lower, upper, box)
    for x in rng.uniform(0.0, 1.0, size=(200, n)) * box.upper:
        free = rows @ x  # z = 0
        assert np.all(free >= low - 1e-9) and np.all(free <= high + 1e-9)
        bound = free + z  # z = 1
        at_one = bool(np.all(bound >= low - 1e-9) and np.all(bound <= high + 1e-9))
        activity = matrix @ x
        met = bool(np.all(activity >= lower) and np.all(activity <= upper))
        near = np.any(np.abs(activity - lower) < 1e-6) or np.any(np.abs(activity - upper) < 1e-6)
        assert at_one == met or near


def giving(costs: tuple[float, ...], completion: float, binary: tuple[bool, ...]) -> Deal:
    """A one-mover deal: A gives B every item (B values each at 1.5), A's completion value pays."""
    items = tuple(
        Item(f"x{i}", "A", cost=c, value=party_values({"B": 1.5}), total=(0.0, 2.0), binary=b)
        for i, (c, b) in enumerate(zip(costs, binary, strict=True))
    )
    trust = TrustTable({("B", "A"): Hazard(0.05)})
    return Deal(
        (Stake("A", 0.9, completion=completion), Stake("B", 0.9)), items, (("A",),), trust=trust
    )


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_robust_design_works_in_at_least_as_many_training_draws_as_the_point_design(
    seed: int,
) -> None:
    """On random one-mover deals whose costs vary by draw, the robust schedule works (checked
    exactly) in at least as many training draws as the point-estimate design, and every draw
    the program counts passes the exact check."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 4))
    binary = tuple(bool(b) for b in rng.random(size) < 0.5)
    costs = tuple(float(c) for c in rng.uniform(0.5, 1.5, size=size))
    point = giving(costs, 2.0, binary)
    best = design(point, 1, "surplus")
    assert best.schedule is not None and best.total is not None
    deals = [
        giving(
            tuple(c * f for c, f in zip(costs, rng.uniform(0.5, 1.6, size), strict=True)),
            2.0,
            binary,
        )
        for _ in range(int(rng.integers(2, 9)))
    ]
    found = robust_design(point, deals, 1, Requirements(floor=best.total), 10.0)
    assert found.schedule is not None
    point_count = sum(judge(d, best.schedule).works for d in deals)
    assert len(found.satisfied) >= point_count
    assert set(found.counted) <= set(found.satisfied) and not found.rejected
    assert found.satisfied == tuple(
        d for d, deal in enumerate(deals) if judge(deal, found.schedule).works
    )
    total = sum(found.schedule.totals().values())
    assert total >= best.total - 1e-6 * (1 + best.total)


def test_judge_names_the_condition_that_fails() -> None:
    """Bounds first, then participation, then the path (then covert cheating)."""
    deal = giving((1.0,), 1.2, (False,))
    bounded = replace(deal, items=(replace(deal.items[0], total=(0.0, 0.5)),))
    schedule = Schedule.from_stages(("x0",), [{"x0": 1.0}])
    assert judge(deal, schedule).works
    assert judge(bounded, schedule).failure == "outside the bounds"
    costly = Schedule.from_stages(("x0",), [{"x0": 2.0}])  # A's cost 2 > its completion value 1.2
    verdict = judge(deal, costly)
    assert verdict.failure == "not individually rational" and not verdict.completes
    assert verdict.path.breaks is not None and verdict.path.breaks.party == "A"
