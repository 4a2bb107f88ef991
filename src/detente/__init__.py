"""detente: negotiations in which what is agreed and the order it is carried out decide success."""

from detente.analysis import analyze
from detente.errors import DetenteError, ScenarioError, TooLargeError, UnknownNameError
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.scenario import Scenario
from detente.scenario.loader import load_scenario
from detente.utility import (
    Constrained,
    LinearAdditive,
    Requirement,
    TableUtility,
    WeightedSum,
    utility_matrix,
)

__all__ = [
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
]
