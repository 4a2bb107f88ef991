"""Ratification rules: verdicts, monotonicity and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError, UnknownNameError
from detente.ratification import (
    Majority,
    NoRatification,
    Unanimity,
    Veto,
    faction_acceptance,
)
from tests.strategies import Contest, faction_contests

IDS = ("president", "senate", "house")
# rows: outcomes; columns: president, senate, house
ACCEPTS = np.array(
    [
        [True, True, True],
        [True, False, True],
        [False, True, False],
        [False, False, False],
    ]
)
SHARES = np.array([0.2, 0.5, 0.3])


def test_faction_accepts_iff_utility_reaches_its_reservation() -> None:
    F = np.array([[0.5, -np.inf], [0.4999, 3.0]])
    assert faction_acceptance(F, np.array([0.5, 0.0])).tolist() == [[True, False], [False, True]]


def test_majority_counts_weight_shares_not_heads() -> None:
    assert Majority(0.5).ratifies(ACCEPTS, SHARES, IDS).tolist() == [True, True, True, False]
    assert Majority(0.6).ratifies(ACCEPTS, SHARES, IDS).tolist() == [True, False, False, False]


def test_majority_threshold_is_reached_with_equality() -> None:
    shares = np.array([0.1, 0.2, 0.7])
    accepts = np.array([[True, True, False]])
    assert Majority(0.3).ratifies(accepts, shares, IDS).tolist() == [True]


def test_veto_players_alone_decide() -> None:
    assert Veto(("senate",)).ratifies(ACCEPTS, SHARES, IDS).tolist() == [True, False, True, False]
    both = Veto(("senate", "president")).ratifies(ACCEPTS, SHARES, IDS)
    assert both.tolist() == [True, False, False, False]


def test_veto_player_with_zero_weight_still_blocks() -> None:
    shares = np.array([0.5, 0.0, 0.5])
    assert Veto(("senate",)).ratifies(ACCEPTS, shares, IDS).tolist() == [True, False, True, False]


def test_unanimity_ignores_factions_without_weight() -> None:
    assert Unanimity().ratifies(ACCEPTS, SHARES, IDS).tolist() == [True, False, False, False]
    no_senate = np.array([0.5, 0.0, 0.5])
    assert Unanimity().ratifies(ACCEPTS, no_senate, IDS).tolist() == [True, True, False, False]


def test_no_ratification_accepts_everything() -> None:
    assert NoRatification().ratifies(ACCEPTS, SHARES, IDS).all()


@pytest.mark.parametrize("threshold", [0.0, -0.1, 1.5, math.nan, math.inf])
def test_threshold_outside_unit_interval_is_refused(threshold: float) -> None:
    with pytest.raises(DetenteError, match=r"threshold must be a share in \(0, 1\]"):
        Majority(threshold)


def test_veto_player_that_is_not_a_faction_is_named() -> None:
    with pytest.raises(UnknownNameError, match="veto player 'army' is not a faction"):
        Veto(("army",)).check(IDS)


def test_veto_without_players_is_refused() -> None:
    with pytest.raises(DetenteError, match="at least one veto player"):
        Veto(())


@settings(max_examples=80, deadline=None)
@given(contest=faction_contests(), data=st.data())
def test_adding_a_veto_player_never_grows_the_win_set(
    contest: Contest, data: st.DataObject
) -> None:
    F, reservations, shares, ids = contest
    accepts = faction_acceptance(F, reservations)
    players = data.draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    extra = data.draw(st.sampled_from(ids))
    before = Veto(tuple(players)).ratifies(accepts, shares, ids)
    after = Veto(tuple(dict.fromkeys([*players, extra]))).ratifies(accepts, shares, ids)
    assert not (after & ~before).any()


@settings(max_examples=80, deadline=None)
@given(
    contest=faction_contests(),
    low=st.floats(0.01, 1.0),
    high=st.floats(0.01, 1.0),
)
def test_raising_the_threshold_never_grows_the_win_set(
    contest: Contest, low: float, high: float
) -> None:
    F, reservations, shares, ids = contest
    low, high = sorted((low, high))
    accepts = faction_acceptance(F, reservations)
    before = Majority(low).ratifies(accepts, shares, ids)
    after = Majority(high).ratifies(accepts, shares, ids)
    assert not (after & ~before).any()


@settings(max_examples=80, deadline=None)
@given(contest=faction_contests())
def test_unanimity_is_majority_at_threshold_one(contest: Contest) -> None:
    F, reservations, shares, ids = contest
    accepts = faction_acceptance(F, reservations)
    np.testing.assert_array_equal(
        Unanimity().ratifies(accepts, shares, ids), Majority(1.0).ratifies(accepts, shares, ids)
    )
