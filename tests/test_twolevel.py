"""Two-level games: win-sets, their intersection, restricted solutions, stakeholders."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings

from detente.errors import DetenteError
from detente.factions import Domestic, Faction, Leading
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.ratification import Majority, Veto
from detente.scenario import Scenario
from detente.solutions import Solution, nash
from detente.twolevel import (
    FactionGrid,
    effects,
    impossible_weights,
    negotiating_matrix,
    ratification_failures,
    ratified_matrix,
    restrict,
    reweight,
    vary_faction,
    win_sets,
)
from detente.utility import FloatArray, LinearAdditive, TableUtility
from tests.strategies import two_level_scenarios

RELIEF = tuple(round(0.01 * i, 2) for i in range(101))
SPACE = OutcomeSpace((Issue("relief", RELIEF, "real"),))


def _nash(U: FloatArray, d: FloatArray) -> int | None:
    """The reported Nash point of ``U`` (``None`` when no outcome is rational)."""
    result = nash(U, d)
    return result.index if isinstance(result, Solution) else None


def _linear(slope: float, offset: float) -> LinearAdditive:
    return LinearAdditive((1.0,), (tuple(offset + slope * r for r in RELIEF),))


def _theory_two_level(v_H: float, c_M: float, v_P: float = 0.8, c_K: float = 0.2) -> Scenario:
    """THEORY.md §4: US actors accept iff R <= v_i, North Korean actors iff R >= c_i."""
    president, hawk = Faction("president", _linear(-1, v_P)), Faction("hawk", _linear(-1, v_H))
    negotiator, hardliner = Faction("kim", _linear(1, -c_K)), Faction("military", _linear(1, -c_M))
    us = Domestic((president, hawk), Veto(("hawk",)), Leading("president"))
    nk = Domestic((negotiator, hardliner), Veto(("military",)), Leading("kim"))
    return Scenario(
        "Putnam two-level example",
        SPACE,
        (
            Party("us", us.negotiating_utility(), domestic=us),
            Party("nk", nk.negotiating_utility(), domestic=nk),
        ),
    )


def _agreement(scenario: Scenario) -> float | None:
    ws = win_sets(scenario)
    if not ws.ratifiable:
        return None
    index = _nash(restrict(scenario.utility_matrix(), ws.common), scenario.reservations)
    assert index is not None
    return float(SPACE.to_outcome(index)[0])


def _interval(scenario: Scenario) -> tuple[float, float] | None:
    common = np.flatnonzero(win_sets(scenario).common)
    return (RELIEF[common[0]], RELIEF[common[-1]]) if common.size else None


def test_theory_two_level_row1_loose_win_sets_give_the_unconstrained_nash_point() -> None:
    """THEORY.md §4 [Putnam1988], v_H = 1.0, c_M = 0: intersection [0.2, 0.8], R* = 0.5."""
    scenario = _theory_two_level(v_H=1.0, c_M=0.0)
    assert _interval(scenario) == (0.2, 0.8)
    assert _agreement(scenario) == pytest.approx(0.5)


def test_theory_two_level_row2_tight_win_set_is_a_bargaining_advantage() -> None:
    """THEORY.md §4 [Putnam1988], v_H = 0.4, c_M = 0: intersection [0.2, 0.4], R* = 0.4."""
    scenario = _theory_two_level(v_H=0.4, c_M=0.0)
    assert _interval(scenario) == (0.2, 0.4)
    assert _agreement(scenario) == pytest.approx(0.4)


def test_theory_two_level_row3_both_hard_liners_bind() -> None:
    """THEORY.md §4 [Putnam1988], v_H = 0.4, c_M = 0.3: intersection [0.3, 0.4], R* = 0.4."""
    scenario = _theory_two_level(v_H=0.4, c_M=0.3)
    assert _interval(scenario) == (0.3, 0.4)
    assert _agreement(scenario) == pytest.approx(0.4)


def test_theory_two_level_row4_disjoint_win_sets_mean_no_agreement() -> None:
    """THEORY.md §4 [Putnam1988], v_H = 0.4, c_M = 0.45: empty intersection, no agreement."""
    scenario = _theory_two_level(v_H=0.4, c_M=0.45)
    ws = win_sets(scenario)
    assert _agreement(scenario) is None
    assert ws.sizes == (41, 56)
    assert ws.disjoint == (("us", "nk"),)
    assert ws.reason() == "no ratifiable agreement: the win-sets of us and nk do not meet"


def test_win_set_counts_outcomes_ratified_and_above_reservation() -> None:
    ws = win_sets(_theory_two_level(v_H=0.4, c_M=0.3))
    assert ws.sizes == (41, 71)  # R <= 0.4 and R >= 0.3
    assert ws.intersection_size == 11


def test_three_win_sets_meeting_pairwise_but_not_together_name_every_signatory() -> None:
    space = OutcomeSpace((Issue.integer("x", 0, 2),))

    def likes(*good: int) -> Party:
        values = tuple(1.0 if i in good else -1.0 for i in range(3))
        return Party(f"likes{''.join(map(str, good))}", TableUtility((0, 1, 2), values))

    ws = win_sets(Scenario("cycle", space, (likes(0, 1), likes(1, 2), likes(0, 2))))
    assert not ws.ratifiable
    assert ws.disjoint == ()
    assert "likes01, likes12, likes02 meet pairwise but have no outcome in common" in ws.reason()


def _with_stakeholder() -> Scenario:
    """An ally whose projects need sanctions relief: it gains with R, loses with none."""
    base = _theory_two_level(v_H=1.0, c_M=0.0)
    ally = Party("ally", _linear(1.0, -0.1), signatory=False)
    return Scenario(base.name, base.space, (*base.parties, ally))


def test_stakeholder_never_changes_the_intersection() -> None:
    ws = win_sets(_with_stakeholder())
    assert ws.sizes == (81, 81, 91)
    assert ws.intersection_size == 61


def test_stakeholder_effects_compare_each_signatorys_best_deal_with_no_deal() -> None:
    scenario = _with_stakeholder()
    U = scenario.utility_matrix()
    ws = win_sets(scenario, U)
    found = effects(U, scenario.reservations, ws.common, ws.party_ids, np.array(ws.signatory))
    assert [(e.signatory, e.verdict) for e in found] == [("us", "helps"), ("nk", "helps")]
    assert found[0].low == pytest.approx(0.1)  # the US's best deal is R = 0.2
    assert found[1].low == pytest.approx(0.7)  # North Korea's is R = 0.8


def test_stakeholder_hurt_by_the_side_that_gives_little() -> None:
    base = _theory_two_level(v_H=1.0, c_M=0.0)
    ally = Party("ally", _linear(1.0, -0.5), signatory=False)
    scenario = Scenario(base.name, base.space, (*base.parties, ally))
    U = scenario.utility_matrix()
    ws = win_sets(scenario, U)
    found = effects(U, scenario.reservations, ws.common, ws.party_ids, np.array(ws.signatory))
    assert [(e.signatory, e.verdict) for e in found] == [("us", "hurts"), ("nk", "helps")]


def _majority_us(hawk_weight: float) -> Scenario:
    """The US ratifies by weighted majority: the hawk wins once it outweighs the president."""
    base = _theory_two_level(v_H=0.4, c_M=0.45)
    us = base.party("us")
    assert us.domestic is not None
    domestic = Domestic(us.domestic.factions, Majority(0.5), Leading("president"))
    changed = Party("us", us.utility, domestic=domestic)
    scenario = Scenario(base.name, base.space, (changed, base.parties[1]))
    return reweight(scenario, "us", "hawk", hawk_weight)


def test_reweighting_a_faction_moves_the_win_set() -> None:
    assert win_sets(_majority_us(0.5)).sizes[0] == 81
    assert win_sets(_majority_us(2.0)).sizes[0] == 41


def test_varying_a_faction_weight_reports_where_agreement_becomes_impossible() -> None:
    points = vary_faction(_majority_us(1.0), FactionGrid.parse("us.hawk.weight=0:2:5"))
    assert [p.weight for p in points] == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert [p.win_sets.intersection_size for p in points] == [36, 36, 36, 0, 0]
    assert impossible_weights(points) == (1.5, 2.0)


@pytest.mark.parametrize(
    "text", ["us.hawk=0:1:11", "us.hawk.weight=1:0:3", "us.hawk.weight=-1:1:3", "x.y.weight=a:1:2"]
)
def test_bad_faction_grid_is_refused(text: str) -> None:
    with pytest.raises(DetenteError, match="--vary-faction"):
        FactionGrid.parse(text)


def test_reweighting_a_party_without_factions_is_refused() -> None:
    scenario = Scenario("plain", SPACE, (Party("a", _linear(1.0, 0.0)),))
    with pytest.raises(DetenteError, match="party 'a' has no factions"):
        reweight(scenario, "a", "hawk", 1.0)


@settings(max_examples=40, deadline=None)
@given(scenario=two_level_scenarios())
def test_stakeholder_utilities_never_influence_acceptance(scenario: Scenario) -> None:
    n = scenario.space.size
    stranger = TableUtility(tuple(range(n)), tuple(float((7 * i) % 5 - 2) for i in range(n)))
    *signers, stake = scenario.parties
    swapped = Party(stake.id, stranger, reservation=stake.reservation + 1.0, signatory=False)
    before, after = win_sets(scenario), win_sets(Scenario("s", scenario.space, (*signers, swapped)))
    np.testing.assert_array_equal(before.common, after.common)
    np.testing.assert_array_equal(before.masks[:, :-1], after.masks[:, :-1])
    assert before.disjoint == after.disjoint


def _uninformed_us(v_H: float, c_M: float) -> Scenario:
    """THEORY.md §4 with a US negotiator who does not anticipate the hawk's veto."""
    base = _theory_two_level(v_H, c_M)
    us = base.party("us")
    assert us.domestic is not None
    domestic = Domestic(us.domestic.factions, us.domestic.rule, us.domestic.basis, False)
    return Scenario(base.name, base.space, (replace(us, domestic=domestic), base.parties[1]))


def test_negotiators_see_what_their_factions_refuse_as_unacceptable() -> None:
    scenario = _theory_two_level(v_H=0.4, c_M=0.3)
    U = scenario.utility_matrix()
    seen = negotiating_matrix(scenario, U)
    relief = np.array(RELIEF)
    assert np.isneginf(seen[relief > 0.4, 0]).all()
    assert np.isneginf(seen[relief < 0.3, 1]).all()
    inside = (relief >= 0.3) & (relief <= 0.4)
    np.testing.assert_array_equal(seen[inside], U[inside])
    assert np.isfinite(U).all()


def test_uninformed_negotiator_sees_its_plain_utility_and_may_defect() -> None:
    scenario = _uninformed_us(v_H=0.4, c_M=0.3)
    U = scenario.utility_matrix()
    seen = negotiating_matrix(scenario, U)
    np.testing.assert_array_equal(seen[:, 0], U[:, 0])
    ratified = ratified_matrix(scenario)
    assert ratification_failures(scenario, ratified, RELIEF.index(0.5)) == ("us",)
    assert ratification_failures(scenario, ratified, RELIEF.index(0.35)) == ()
    assert ratification_failures(scenario, ratified, RELIEF.index(0.1)) == ("nk",)
