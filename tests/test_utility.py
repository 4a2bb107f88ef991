"""Vectorised utilities and the utility matrix."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from detente.outcomes import Issue, OutcomeSpace
from detente.utility import (
    Constrained,
    LinearAdditive,
    Requirement,
    TableUtility,
    WeightedSum,
    utility_matrix,
)
from tests.strategies import outcome_spaces

finite = st.floats(-10, 10, allow_nan=False)


@given(outcome_spaces(), st.data())
def test_linear_additive_full_equals_pointwise_sum(
    space: OutcomeSpace, data: st.DataObject
) -> None:
    weights = tuple(data.draw(finite) for _ in space.issues)
    tables = tuple(tuple(data.draw(finite) for _ in issue.values) for issue in space.issues)
    u = LinearAdditive(weights, tables, offset=1.5)
    every = np.arange(space.size, dtype=np.int64)
    by_index = u.evaluate(space, every)
    for index in range(space.size):
        values = space.value_indices(np.array([index]))[0]
        expected = 1.5 + sum(w * t[v] for w, t, v in zip(weights, tables, values, strict=True))
        assert by_index[index] == np.float64(expected) or abs(by_index[index] - expected) < 1e-9
    assert np.allclose(u.full(space), by_index)


def test_table_utility_defaults_unlisted_outcomes() -> None:
    space = OutcomeSpace((Issue("deal", ("a", "b", "c")), Issue.item("x")))
    u = TableUtility.from_outcomes(space, {("c", 1): 4.0, ("a", 0): -1.0}, default=0.5)
    assert u.evaluate(space, np.arange(6)).tolist() == [-1.0, 0.5, 0.5, 0.5, 0.5, 4.0]


def test_violated_requirement_makes_an_outcome_unacceptable() -> None:
    space = OutcomeSpace((Issue.item("yongbyon"), Issue.item("relief")))
    base = LinearAdditive((1.0, 1.0), ((0.0, 1.0), (0.0, 2.0)))
    u = Constrained(base, (Requirement(0, frozenset({1})),))
    values = u.evaluate(space, np.arange(4))
    assert np.isneginf(values[:2]).all()
    assert values[2:].tolist() == [1.0, 3.0]


def test_weighted_sum_of_factions() -> None:
    space = OutcomeSpace((Issue.integer("r", 0, 2),))
    hawk = LinearAdditive((1.0,), ((2.0, 1.0, 0.0),))
    dove = LinearAdditive((1.0,), ((0.0, 1.0, 2.0),))
    u = WeightedSum((hawk, dove), (0.75, 0.25))
    assert u.evaluate(space, np.arange(3)).tolist() == [1.5, 1.0, 0.5]


def test_utility_matrix_has_one_column_per_party() -> None:
    space = OutcomeSpace((Issue.integer("x", 0, 3),))
    up = LinearAdditive((1.0,), ((0.0, 1.0, 2.0, 3.0),))
    down = LinearAdditive((-1.0,), ((0.0, 1.0, 2.0, 3.0),))
    matrix = utility_matrix(space, [up, down])
    assert matrix.shape == (4, 2)
    assert matrix[:, 0].tolist() == [0, 1, 2, 3] and matrix[:, 1].tolist() == [0, -1, -2, -3]
    assert utility_matrix(space, [up, down], indices=np.array([2])).tolist() == [[2.0, -2.0]]
