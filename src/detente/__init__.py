"""detente: negotiations in which what is agreed and the order it is carried out decide success.

The names below are loaded on first use, so that ``import detente`` (and the
command line, which imports only what a command needs) stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.analysis import analyze
    from detente.batch import BatchSession
    from detente.claims import Claim
    from detente.equilibrium import subgame_perfect
    from detente.errors import DetenteError, ScenarioError, TooLargeError, UnknownNameError
    from detente.experiments import run_sweep, summarize
    from detente.factions import Faction
    from detente.formats import export_domain, load_domain
    from detente.outcomes import Issue, OutcomeSpace
    from detente.parties import Party
    from detente.phasing import Deal, Item, Schedule, check, design, implement, min_stages
    from detente.protocols import (
        AlternatingOffers,
        SingleText,
        StackedAlternatingOffers,
        load_protocol,
    )
    from detente.ratification import Majority, NoRatification, Unanimity, Veto
    from detente.scenario import Scenario
    from detente.scenariofile.loader import load_scenario
    from detente.session import Session
    from detente.solutions import NoSolution, Solution, pareto_frontier, solve_all
    from detente.strategies import load_strategy
    from detente.trace import Trace, read_traces, write_traces
    from detente.trust import BetaReputation, Hazard, TwoTypes
    from detente.twolevel import win_sets
    from detente.utility import (
        Constrained,
        LinearAdditive,
        Requirement,
        TableUtility,
        WeightedSum,
        utility_matrix,
    )

_HOMES = {
    "AlternatingOffers": "detente.protocols",
    "BatchSession": "detente.batch",
    "BetaReputation": "detente.trust",
    "Claim": "detente.claims",
    "Constrained": "detente.utility",
    "Deal": "detente.phasing",
    "DetenteError": "detente.errors",
    "Faction": "detente.factions",
    "Hazard": "detente.trust",
    "Issue": "detente.outcomes",
    "Item": "detente.phasing",
    "LinearAdditive": "detente.utility",
    "Majority": "detente.ratification",
    "NoRatification": "detente.ratification",
    "NoSolution": "detente.solutions",
    "OutcomeSpace": "detente.outcomes",
    "Party": "detente.parties",
    "Requirement": "detente.utility",
    "Scenario": "detente.scenario",
    "ScenarioError": "detente.errors",
    "Schedule": "detente.phasing",
    "Session": "detente.session",
    "SingleText": "detente.protocols",
    "Solution": "detente.solutions",
    "StackedAlternatingOffers": "detente.protocols",
    "TableUtility": "detente.utility",
    "TooLargeError": "detente.errors",
    "Trace": "detente.trace",
    "TwoTypes": "detente.trust",
    "Unanimity": "detente.ratification",
    "UnknownNameError": "detente.errors",
    "Veto": "detente.ratification",
    "WeightedSum": "detente.utility",
    "analyze": "detente.analysis",
    "check": "detente.phasing",
    "design": "detente.phasing",
    "export_domain": "detente.formats",
    "implement": "detente.phasing",
    "load_domain": "detente.formats",
    "load_protocol": "detente.protocols",
    "load_scenario": "detente.scenariofile.loader",
    "load_strategy": "detente.strategies",
    "min_stages": "detente.phasing",
    "pareto_frontier": "detente.solutions",
    "read_traces": "detente.trace",
    "run_sweep": "detente.experiments",
    "solve_all": "detente.solutions",
    "subgame_perfect": "detente.equilibrium",
    "summarize": "detente.experiments",
    "utility_matrix": "detente.utility",
    "win_sets": "detente.twolevel",
    "write_traces": "detente.trace",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'detente' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AlternatingOffers",
    "BatchSession",
    "BetaReputation",
    "Claim",
    "Constrained",
    "Deal",
    "DetenteError",
    "Faction",
    "Hazard",
    "Issue",
    "Item",
    "LinearAdditive",
    "Majority",
    "NoRatification",
    "NoSolution",
    "OutcomeSpace",
    "Party",
    "Requirement",
    "Scenario",
    "ScenarioError",
    "Schedule",
    "Session",
    "SingleText",
    "Solution",
    "StackedAlternatingOffers",
    "TableUtility",
    "TooLargeError",
    "Trace",
    "TwoTypes",
    "Unanimity",
    "UnknownNameError",
    "Veto",
    "WeightedSum",
    "analyze",
    "check",
    "design",
    "export_domain",
    "implement",
    "load_domain",
    "load_protocol",
    "load_scenario",
    "load_strategy",
    "min_stages",
    "pareto_frontier",
    "read_traces",
    "run_sweep",
    "solve_all",
    "subgame_perfect",
    "summarize",
    "utility_matrix",
    "win_sets",
    "write_traces",
]
