"""detente: negotiations in which what is agreed and the order it is carried out decide success."""

from detente.analysis import analyze
from detente.equilibrium import subgame_perfect
from detente.errors import DetenteError, ScenarioError, TooLargeError, UnknownNameError
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.protocols import AlternatingOffers, SingleText, StackedAlternatingOffers, load_protocol
from detente.scenario import Scenario
from detente.scenario.loader import load_scenario
from detente.session import Session
from detente.strategies import load_strategy
from detente.trace import Trace, read_traces, write_traces
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
    "Constrained",
    "DetenteError",
    "Issue",
    "LinearAdditive",
    "OutcomeSpace",
    "Party",
    "Requirement",
    "Scenario",
    "ScenarioError",
    "Session",
    "SingleText",
    "StackedAlternatingOffers",
    "TableUtility",
    "TooLargeError",
    "Trace",
    "UnknownNameError",
    "WeightedSum",
    "analyze",
    "load_protocol",
    "load_scenario",
    "load_strategy",
    "read_traces",
    "subgame_perfect",
    "utility_matrix",
    "write_traces",
]
