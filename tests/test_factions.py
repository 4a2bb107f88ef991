"""Factions: negotiating utility from the internal contest, ratification, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from detente.errors import DetenteError, UnknownNameError
from detente.factions import Derived, Domestic, Faction, Given, Leading
from detente.outcomes import Issue, OutcomeSpace
from detente.ratification import Majority, Unanimity, Veto
from detente.utility import LinearAdditive

SPACE = OutcomeSpace((Issue.integer("relief", 0, 4),))
ALL = np.arange(SPACE.size)
DOVE = Faction("dove", LinearAdditive((1.0,), ((4.0, 3.0, 2.0, 1.0, 0.0),)), weight=3.0)
HAWK = Faction("hawk", LinearAdditive((1.0,), ((1.0, 0.0, -1.0, -2.0, -3.0),)), weight=1.0)


def test_shares_normalise_weights() -> None:
    assert Domestic((DOVE, HAWK)).shares.tolist() == [0.75, 0.25]


def test_derived_utility_is_the_share_weighted_sum_of_faction_utilities() -> None:
    u = Domestic((DOVE, HAWK), basis=Derived()).negotiating_utility()
    expected = 0.75 * np.array([4, 3, 2, 1, 0]) + 0.25 * np.array([1, 0, -1, -2, -3])
    np.testing.assert_allclose(u.evaluate(SPACE, ALL), expected)


def test_leading_faction_sets_the_negotiating_utility() -> None:
    u = Domestic((DOVE, HAWK), basis=Leading("hawk")).negotiating_utility()
    assert u.evaluate(SPACE, ALL).tolist() == [1.0, 0.0, -1.0, -2.0, -3.0]


def test_given_utility_passes_through_and_is_required() -> None:
    own = LinearAdditive((2.0,), ((0.0, 1.0, 2.0, 3.0, 4.0),))
    assert Domestic((DOVE, HAWK), basis=Given()).negotiating_utility(own) is own
    with pytest.raises(DetenteError, match="needs a utility"):
        Domestic((DOVE, HAWK)).negotiating_utility()


def test_faction_reservation_defaults_to_the_party_reservation() -> None:
    picky = Faction("picky", DOVE.utility, reservation=3.0)
    assert Domestic((picky, HAWK)).reservations(-1.0).tolist() == [3.0, -1.0]


def test_ratification_combines_acceptance_with_the_rule() -> None:
    F = Domestic((DOVE, HAWK)).utility_matrix(SPACE)
    # dove accepts relief 0..4 at reservation 0, hawk only 0..1
    assert Domestic((DOVE, HAWK), Veto(("hawk",))).ratified(F, 0.0).tolist() == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert Domestic((DOVE, HAWK), Majority(0.5)).ratified(F, 0.0).all()
    assert Domestic((DOVE, HAWK), Unanimity()).ratified(F, 0.0).sum() == 2


def test_reweighting_changes_only_the_named_faction() -> None:
    home = Domestic((DOVE, HAWK), Majority(0.5), Derived()).with_weight("hawk", 3.0)
    assert [f.weight for f in home.factions] == [3.0, 3.0]
    assert home.rule == Majority(0.5)


@pytest.mark.parametrize("weight", [-0.5, math.nan, math.inf])
def test_negative_or_non_finite_weight_is_refused(weight: float) -> None:
    with pytest.raises(DetenteError, match="faction 'x': weight must be a finite number >= 0"):
        Faction("x", DOVE.utility, weight=weight)


def test_all_zero_weights_are_refused() -> None:
    zero_dove = Faction("dove", DOVE.utility, weight=0.0)
    zero_hawk = Faction("hawk", HAWK.utility, weight=0.0)
    with pytest.raises(DetenteError, match="faction weights are all zero"):
        Domestic((zero_dove, zero_hawk))


def test_reweighting_to_all_zero_is_refused() -> None:
    lone = Domestic((DOVE,))
    with pytest.raises(DetenteError, match="all zero"):
        lone.with_weight("dove", 0.0)


def test_veto_player_must_be_a_faction() -> None:
    with pytest.raises(UnknownNameError, match="veto player 'army' is not a faction"):
        Domestic((DOVE, HAWK), Veto(("army",)))


def test_leading_faction_must_exist() -> None:
    with pytest.raises(UnknownNameError, match="no faction 'army'; factions are: dove, hawk"):
        Domestic((DOVE, HAWK), basis=Leading("army"))


def test_duplicate_and_missing_factions_are_refused() -> None:
    with pytest.raises(DetenteError, match="unique"):
        Domestic((DOVE, DOVE))
    with pytest.raises(DetenteError, match="at least one faction"):
        Domestic(())
