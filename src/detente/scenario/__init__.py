"""Scenarios: the validated description of a negotiation, and the files that hold them."""

from detente.scenario.core import Position, Scenario

__all__ = ["Position", "Scenario"]
