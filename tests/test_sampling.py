"""Sampling-based statistics for spaces too large to enumerate."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from detente.analysis import analyze
from detente.formats import load_domain
from detente.sampling import sampled_statistics, too_large_document

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def test_sampled_statistics_approach_the_exact_mean() -> None:
    scenario = load_domain(FIXTURES / "genius_integer")
    stats = sampled_statistics(scenario, np.random.default_rng(3), 40_000)
    exact = scenario.utility_matrix().mean(axis=0)
    for k, party in enumerate(scenario.party_ids):
        assert abs(stats["parties"][party]["mean"] - exact[k]) < 0.01
    assert stats["n"] == 40_000


def test_sampled_statistics_are_reproducible_from_the_generator() -> None:
    scenario = load_domain(FIXTURES / "genius_rectangles")
    first = sampled_statistics(scenario, np.random.default_rng(7), 500)
    assert first == sampled_statistics(scenario, np.random.default_rng(7), 500)


def test_too_large_document_reports_structure_and_refuses_to_enumerate() -> None:
    scenario = load_domain(FIXTURES / "genius_real", real_steps=5)
    document = too_large_document(scenario, limit=10)
    assert document["enumerable"] is False
    assert document["n_outcomes"] == 25
    assert document["issues"] == {"quality": 5, "price": 5}
    assert "more than the limit of 10" in document["refused"]
    assert document["pareto"] is None and document["solutions"] is None


def test_analysis_reports_the_domain_provenance() -> None:
    document = analyze(load_domain(FIXTURES / "genius_real", real_steps=5))
    assert document["domain"]["real_steps"] == 5
    assert document["domain"]["discount_factors"] == {"a": 1.0, "b": 1.0}


def test_too_large_document_uses_the_given_seed() -> None:
    scenario = load_domain(FIXTURES / "negolog")
    assert too_large_document(scenario, 1, seed=5, n=100)["sampled"]["seed"] == 5
