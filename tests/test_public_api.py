"""The public API is a deliberate, small list."""

from __future__ import annotations

import detente


def test_public_exports_are_exactly_these() -> None:
    assert sorted(detente.__all__) == sorted(
        [
            "Constrained",
            "DetenteError",
            "Issue",
            "LinearAdditive",
            "OutcomeSpace",
            "Party",
            "Requirement",
            "Scenario",
            "ScenarioError",
            "TableUtility",
            "TooLargeError",
            "UnknownNameError",
            "WeightedSum",
            "analyze",
            "load_scenario",
            "utility_matrix",
            "AlternatingOffers",
            "SingleText",
            "StackedAlternatingOffers",
            "Session",
            "Trace",
            "load_protocol",
            "load_strategy",
            "read_traces",
            "subgame_perfect",
            "write_traces",
            "BatchSession",
            "Claim",
            "run_sweep",
            "summarize",
            "Faction",
            "export_domain",
            "load_domain",
            "Deal",
            "Item",
            "Schedule",
            "check",
            "design",
            "implement",
            "min_stages",
            "Majority",
            "NoRatification",
            "Unanimity",
            "Veto",
            "NoSolution",
            "Solution",
            "pareto_frontier",
            "solve_all",
            "BetaReputation",
            "Hazard",
            "TwoTypes",
            "win_sets",
        ]
    )
    for name in detente.__all__:
        assert getattr(detente, name) is not None
