"""Two-level games in ``analyze``: solutions restricted to the win-sets, the agreement, the sweep."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from detente.analysis import analyze, run
from detente.analysis.twolevel import faction_sweep, ratifiable_solutions
from detente.scenario import Scenario
from detente.scenariofile.loader import load_scenario
from detente.solutions import Solution
from detente.twolevel import FactionGrid, win_sets
from tests.conftest import SCENARIOS
from tests.strategies import two_level_scenarios

TWO_LEVEL = SCENARIOS / "theory" / "two-level.yaml"


@settings(max_examples=40, deadline=None)
@given(scenario=two_level_scenarios())
def test_restricted_nash_point_lies_in_every_signatorys_win_set(scenario: Scenario) -> None:
    U = scenario.utility_matrix()
    ws = win_sets(scenario, U)
    signers = np.array(ws.signatory)
    result = ratifiable_solutions(U, scenario.reservations, ws)["nash"]
    assert isinstance(result, Solution) == ws.ratifiable
    if isinstance(result, Solution):
        assert ws.masks[np.ix_(result.indices, signers)].all()  # every tie, every signatory


def test_with_factions_the_reported_solutions_are_the_ratifiable_ones() -> None:
    document = run(load_scenario(TWO_LEVEL, {"v_H": 0.4}))
    restricted = document.two_level.restricted
    assert restricted is not None and document.solutions is restricted
    assert document.two_level.scope == "ratifiable"
    nash = restricted.found["nash"]
    assert nash is not None and nash.outcome == {"relief": 0.4}
    printed = document.json()
    assert printed["solutions"]["nash"] == nash.json()
    assert printed["solutions_unrestricted"] == document.core.solutions.json()
    assert printed["agreement"] == {"outcome": {"relief": 0.4}, "utilities": list(nash.utilities)}


def test_disjoint_win_sets_give_no_agreement_and_say_why() -> None:
    printed = analyze(load_scenario(TWO_LEVEL, {"v_H": 0.4, "c_M": 0.45}))
    keys = list(printed)
    assert printed["agreement"] is None
    assert keys.index("agreement_reason") == keys.index("agreement") + 1
    assert printed["agreement_reason"] == (
        "no ratifiable agreement: the win-sets of us and nk do not meet"
    )
    assert set(printed["solution_reasons"]) == set(printed["solutions"])
    assert keys.index("solution_reasons") > keys.index("solutions_unrestricted")


def test_the_faction_sweep_lists_every_weight_and_where_agreement_is_impossible() -> None:
    scenario = load_scenario(TWO_LEVEL, {"v_H": 0.4})
    sweep = faction_sweep(scenario, FactionGrid.parse("nk.military.weight=0:1:3"))
    assert [p.weight for p in sweep.points] == [0.0, 0.5, 1.0]
    assert all(p.agreement is not None for p in sweep.points) and sweep.impossible == ()
    printed = sweep.json()
    assert list(printed) == ["party", "faction", "points", "impossible"]
    assert list(printed["points"][0]) == ["weight", "win_sets", "intersection_size", "agreement"]
