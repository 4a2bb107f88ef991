"""The ``trust`` and ``trust_models`` keys of ``analyze``: each belief and the model behind it."""

from __future__ import annotations

import pytest

from detente.analysis import analyze
from detente.analysis.trust import describe, honour_matrix
from detente.scenariofile.loader import load_scenario
from detente.trust import BetaReputation, Hazard, TrustTable
from tests.conftest import SCENARIOS


def test_reputation_scenario_shows_theory_numbers_under_trust() -> None:
    """THEORY §5 (Beta(5, 3.5), 0.588235) and §3.4 (posterior 0.810811) in analyze's trust keys."""
    document = analyze(load_scenario(SCENARIOS / "theory" / "reputation.yaml"))
    assert document["trust"]["A"]["B"] == pytest.approx(0.588235, abs=1e-6)
    models = document["trust_models"]
    assert (models["A"]["B"]["alpha"], models["A"]["B"]["beta"]) == (5.0, 3.5)
    assert models["B"]["A"]["opportunist"] == pytest.approx(0.810811, abs=1e-6)
    assert document["trust"]["B"]["A"] == pytest.approx(1 - (0.3 * 1 + 0.07 * 0.1) / 0.37)


def test_scenarios_without_trust_report_an_empty_trust_key() -> None:
    document = analyze(load_scenario(SCENARIOS / "theory" / "worked-example.yaml"))
    assert document["trust"] == {}


def test_each_kind_of_belief_is_described_by_its_parameters() -> None:
    assert describe(Hazard(0.25)) == {"model": "hazard", "hazard": 0.25}
    beta = describe(BetaReputation(2.0, 2.0))
    assert (beta["model"], beta["alpha"], beta["beta"]) == ("beta", 2.0, 2.0)


def test_pairs_the_trust_table_does_not_name_are_fully_trusted() -> None:
    table = TrustTable({("A", "B"): Hazard(0.25)})
    assert honour_matrix(table, ["A", "B"]) == {"A": {"B": 0.75}, "B": {"A": 1.0}}
    assert honour_matrix(None, ["A", "B"]) == {}
