"""detente: negotiations in which what is agreed and the order it is carried out decide success."""

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
from detente.protocols import AlternatingOffers, SingleText, StackedAlternatingOffers, load_protocol
from detente.ratification import Majority, NoRatification, Unanimity, Veto
from detente.scenario import Scenario
from detente.scenario.loader import load_scenario
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
