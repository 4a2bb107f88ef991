"""Phased agreements: items, schedules, the self-enforcement check, the designer, simulation.

See ``docs/explanation/self-enforcement.md``.
"""

from detente.phasing.deal import Deal, Stake
from detente.phasing.designer import Design, OneShot, StageSearch, design, min_stages
from detente.phasing.enforcement import Enforcement, check
from detente.phasing.items import Item, Link, party_values
from detente.phasing.responses import Response
from detente.phasing.schedule import Schedule
from detente.phasing.simulation import Implementation, implement

__all__ = [
    "Deal",
    "Design",
    "Enforcement",
    "Implementation",
    "Item",
    "Link",
    "OneShot",
    "Response",
    "Schedule",
    "StageSearch",
    "Stake",
    "check",
    "design",
    "implement",
    "min_stages",
    "party_values",
]
