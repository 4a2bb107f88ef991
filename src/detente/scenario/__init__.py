"""Scenarios: the validated description of a negotiation, and the files that hold them."""

from detente.scenario.core import Scenario

__all__ = ["Scenario"]
