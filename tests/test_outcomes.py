"""Outcome spaces: index ↔ tuple conversion, chunks, sampling, the enumeration limit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import TooLargeError, UnknownNameError
from detente.outcomes import Issue, OutcomeSpace
from tests.strategies import outcome_spaces


@given(outcome_spaces(), st.data())
def test_index_and_tuple_round_trip(space: OutcomeSpace, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, space.size - 1))
    outcome = space.to_outcome(index)
    assert space.to_index(outcome) == index


@given(outcome_spaces())
def test_value_indices_agree_with_to_outcome(space: OutcomeSpace) -> None:
    indices = np.arange(space.size, dtype=np.int64)
    positions = space.value_indices(indices)
    for index in range(space.size):
        expected = [
            issue.index_of(v)
            for issue, v in zip(space.issues, space.to_outcome(index), strict=True)
        ]
        assert positions[index].tolist() == expected


@given(outcome_spaces(), st.integers(1, 7))
def test_chunks_cover_every_index_once(space: OutcomeSpace, chunk: int) -> None:
    joined = np.concatenate(list(space.chunks(chunk)))
    assert joined.tolist() == list(range(space.size))


def test_huge_space_is_described_sampled_and_refused() -> None:
    space = OutcomeSpace(tuple(Issue.integer(f"i{k}", 0, 9) for k in range(10)))
    assert space.size == 10**10
    last = space.to_outcome(10**10 - 1)
    assert last == (9,) * 10
    sample = space.sample(np.random.default_rng(1), 1000)
    assert sample.min() >= 0 and sample.max() < 10**10
    assert len(np.unique(sample)) > 990
    with pytest.raises(TooLargeError, match="--max-outcomes"):
        space.require_enumerable("analysis")


def test_sampling_is_reproducible_under_a_seed() -> None:
    space = OutcomeSpace((Issue.integer("x", 0, 999),))
    a = space.sample(np.random.default_rng(7), 50)
    b = space.sample(np.random.default_rng(7), 50)
    assert a.tolist() == b.tolist()


def test_unknown_value_names_the_valid_ones() -> None:
    issue = Issue("deal", ("small", "big"))
    with pytest.raises(UnknownNameError, match="valid values: small, big"):
        issue.index_of("medium")


def test_duplicate_values_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        Issue("x", ("a", "a"))


def test_index_outside_space_is_refused() -> None:
    space = OutcomeSpace((Issue.item("a"),))
    with pytest.raises(IndexError):
        space.to_outcome(2)


def test_the_utility_matrix_limit_allows_fewer_outcomes_for_more_parties() -> None:
    space = OutcomeSpace((Issue.integer("x", 1, 1000),))
    space.require_enumerable("building the utility matrix", 1000, parties=4)
    with pytest.raises(
        TooLargeError, match=r"1,000 outcomes × 5 parties = 5,000 utilities"
    ) as caught:
        space.require_enumerable("building the utility matrix", 1000, parties=5)
    assert "raise it with --max-outcomes N" in str(caught.value)
    space.require_enumerable("building the utility matrix", 1250, parties=5)
