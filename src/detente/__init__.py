"""detente: negotiations in which what is agreed and the order it is carried out decide success."""

from detente.errors import DetenteError, ScenarioError, TooLargeError, UnknownNameError
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
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
    "ScenarioError",
    "TableUtility",
    "TooLargeError",
    "UnknownNameError",
    "WeightedSum",
    "utility_matrix",
]
