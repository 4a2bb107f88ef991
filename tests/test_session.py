"""Sessions: preparation checks, seeds, and summaries."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.protocols import AlternatingOffers, SingleText, StackedAlternatingOffers
from detente.session import Session, protocol_for, session_seeds, strategies_for, summarize
from tests.strategies import pie_scenario, stakeholder_scenario


def test_session_k_of_a_run_is_reproducible_on_its_own() -> None:
    session = Session.prepare(pie_scenario(), AlternatingOffers(deadline=20), ["random", "random"])
    many = list(session.run_many(5, seed=42))
    assert many[3] == session.run(np.random.SeedSequence(42, spawn_key=(3,)))
    assert [t.spawn_key for t in many] == [(k,) for k in range(5)]
    assert all(t.entropy == 42 for t in many)


def test_a_seed_sequence_can_be_reused() -> None:
    session = Session.prepare(pie_scenario(), AlternatingOffers(deadline=20), ["random", "random"])
    seed = session_seeds(7, 1)[0]
    assert session.run(seed) == session.run(seed)


def test_one_strategy_spec_is_used_by_every_signatory() -> None:
    session = Session.prepare(
        stakeholder_scenario(), StackedAlternatingOffers(deadline=5), ["linear"]
    )
    assert session.specs[:3] == ("linear(exponent=1.0, accept='next')",) * 3
    assert session.specs[3] == "" and session.strategies[3] is None


def test_the_number_of_strategies_must_match_the_signatories() -> None:
    with pytest.raises(DetenteError, match="2 strategies given for 3 signatories"):
        Session.prepare(stakeholder_scenario(), StackedAlternatingOffers(), ["linear", "linear"])


def test_bilateral_only_strategies_are_refused_with_three_signatories() -> None:
    with pytest.raises(DetenteError, match="'tit-for-tat' is bilateral only"):
        Session.prepare(stakeholder_scenario(), SingleText(), ["tit-for-tat", "linear", "linear"])


def test_stakeholders_are_paid_in_the_trace() -> None:
    session = Session.prepare(
        stakeholder_scenario(), StackedAlternatingOffers(deadline=20), ["conceder"]
    )
    trace = session.run(0)
    assert trace.agreed and trace.result.outcome is not None
    u = session.table.matrix[trace.result.outcome]
    assert trace.utilities == tuple(float(x) for x in u)


def test_summary_counts_agreements_and_averages_payoffs() -> None:
    session = Session.prepare(pie_scenario(10), AlternatingOffers(deadline=6), ["random", "random"])
    traces = list(session.run_many(40, seed=1))
    summary = summarize(traces)
    assert summary.sessions == 40
    agreed = [t for t in traces if t.agreed]
    assert summary.agreement_rate == len(agreed) / 40
    assert sum(count for _, count in summary.agreements) == len(agreed)
    assert summary.mean_utilities == pytest.approx(np.mean([t.utilities for t in traces], axis=0))
    assert summary.mean_rounds == pytest.approx(np.mean([t.result.round + 1 for t in traces]))
    document = summary.to_json(["x"])
    assert set(document["mean_utilities"]) == {"a", "b"}  # type: ignore[arg-type]


def test_default_protocol_depends_on_the_number_of_signatories() -> None:
    assert protocol_for(pie_scenario()).name == "alternating-offers"
    assert protocol_for(stakeholder_scenario(), deadline=9) == StackedAlternatingOffers(deadline=9)
    assert protocol_for(pie_scenario(), spec="single-text(deadline=4)").deadline == 4


def test_strategies_come_from_the_option_or_the_scenario() -> None:
    assert strategies_for(pie_scenario(), "boulware(exponent=2),hardline") == [
        "boulware(exponent=2)",
        "hardline",
    ]
    with pytest.raises(DetenteError, match="no strategy for a, b"):
        strategies_for(pie_scenario(), None)
