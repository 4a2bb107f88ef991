"""Negotiating under ratification: win-sets respected, or involuntary defection recorded."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.batch import BatchSession
from detente.protocols import AlternatingOffers, StackedAlternatingOffers
from detente.scenario import Scenario
from detente.scenariofile.loader import load_scenario
from detente.session import Session, session_seeds
from detente.table import Table
from detente.trace import Trace
from detente.twolevel import win_sets
from tests.conftest import SCENARIOS
from tests.strategies import two_level_scenarios

TWO_LEVEL = SCENARIOS / "theory" / "two-level.yaml"
PAIRS = [["boulware", "conceder"], ["conceder", "boulware"], ["linear"], ["nash"], ["random"]]


def _theory(v_H: float, c_M: float, anticipated: bool = True, tmp: Path | None = None) -> Scenario:
    if anticipated:
        return load_scenario(TWO_LEVEL, {"v_H": v_H, "c_M": c_M})
    assert tmp is not None
    text = TWO_LEVEL.read_text().replace("players: [hawk]}", "players: [hawk], anticipated: false}")
    path = tmp / "uninformed.yaml"
    path.write_text(text)
    return load_scenario(path, {"v_H": v_H, "c_M": c_M})


@pytest.mark.parametrize("strategies", PAIRS)
def test_negotiators_who_anticipate_ratification_agree_only_inside_the_intersection(
    strategies: list[str],
) -> None:
    scenario = _theory(v_H=0.4, c_M=0.3)
    trace = Session.prepare(scenario, AlternatingOffers(deadline=30), strategies).run(seed=3)
    assert trace.result.kind == "agreement"
    assert trace.agreement is not None and 0.3 <= float(trace.agreement[0]) <= 0.4


def test_nash_seekers_reach_the_ratifiable_nash_point_of_theory_two_level() -> None:
    """THEORY.md §4 [Putnam1988], v_H = 0.4, c_M = 0.3: the negotiated R* is 0.4."""
    scenario = _theory(v_H=0.4, c_M=0.3)
    trace = Session.prepare(scenario, AlternatingOffers(deadline=10), ["nash"]).run(seed=0)
    assert trace.agreement == (0.4,)


def test_no_ratifiable_agreement_means_no_agreement() -> None:
    scenario = _theory(v_H=0.4, c_M=0.45)
    trace = Session.prepare(scenario, AlternatingOffers(deadline=20), ["conceder"]).run(seed=0)
    assert not trace.agreed
    assert trace.result.kind in ("breakdown", "timeout")


def test_uninformed_negotiator_may_agree_and_then_fail_ratification(tmp_path: Path) -> None:
    scenario = _theory(v_H=0.4, c_M=0.3, anticipated=False, tmp=tmp_path)
    trace = Session.prepare(scenario, AlternatingOffers(deadline=10), ["nash"]).run(seed=0)
    assert trace.result.kind == "unratified"
    assert trace.result.by == 0 and trace.agreement is None
    assert trace.utilities == (0.0, 0.0)
    last = trace.events[-1]
    assert (last.kind, last.actor) == ("unratified", 0)
    assert scenario.space.to_outcome(last.outcome) == (0.5,)  # the unrestricted Nash point
    assert Trace.from_json(json.loads(json.dumps(trace.to_json()))) == trace


def test_scenarios_without_factions_negotiate_on_their_plain_utilities() -> None:
    scenario = load_scenario(SCENARIOS / "theory" / "worked-example.yaml")
    table = Table.of(scenario)
    assert table.ratified is None
    np.testing.assert_array_equal(table.matrix, scenario.utility_matrix())


@settings(max_examples=40, deadline=None)
@given(
    scenario=two_level_scenarios(),
    seed=st.integers(0, 2**16),
    strategy=st.sampled_from(["boulware", "conceder", "linear", "nash", "random"]),
)
def test_every_agreement_lies_in_every_signatorys_win_set(
    scenario: Scenario, seed: int, strategy: str
) -> None:
    ws = win_sets(scenario)
    signers = np.array(ws.signatory)
    protocol = (
        AlternatingOffers(deadline=12)
        if signers.sum() == 2
        else StackedAlternatingOffers(deadline=12)
    )
    trace = Session.prepare(scenario, protocol, [strategy]).run(seed=seed)
    assert trace.result.kind != "unratified"
    if trace.agreed:
        assert trace.agreement is not None
        assert ws.masks[scenario.space.to_index(trace.agreement), signers].all()


def _batch_matches_reference(session: Session, n: int, seed: int) -> list[str]:
    results = BatchSession.of(session).run(n, seed=seed, chunk=7)
    kinds = []
    for k, child in enumerate(session_seeds(seed, n)):
        trace = session.run(child)
        assert results.result(k) == trace.result, (k, session.specs)
        assert results.payoffs(k) == trace.utilities, (k, session.specs)
        kinds.append(trace.result.kind)
    return kinds


def test_batch_engine_records_involuntary_defection_like_the_reference(tmp_path: Path) -> None:
    scenario = _theory(v_H=0.4, c_M=0.3, anticipated=False, tmp=tmp_path)
    session = Session.prepare(scenario, AlternatingOffers(deadline=12), ["random"])
    kinds = _batch_matches_reference(session, 30, seed=11)
    assert "unratified" in kinds and "agreement" in kinds


@settings(max_examples=30, deadline=None)
@given(
    scenario=two_level_scenarios(informed=False),
    seed=st.integers(0, 2**16),
    strategy=st.sampled_from(["boulware", "linear", "nash", "random", "random(p_accept=0.9)"]),
)
def test_batch_engine_ratifies_like_the_reference(
    scenario: Scenario, seed: int, strategy: str
) -> None:
    two = sum(p.signatory for p in scenario.parties) == 2
    protocol = AlternatingOffers(deadline=8) if two else StackedAlternatingOffers(deadline=8)
    _batch_matches_reference(Session.prepare(scenario, protocol, [strategy]), 6, seed)
