"""Phased agreements: items, schedules, the self-enforcement check, the designer, simulation.

See DESIGN.md "The two layers of a deal" and ``docs/explanation/self-enforcement.md``.
"""

from detente.phasing.deal import Deal, Stake
from detente.phasing.designer import Design, OneShot, StageSearch, design, min_stages
from detente.phasing.enforcement import Enforcement, check
from detente.phasing.items import Item, Link, party_values
from detente.phasing.schedule import Schedule

__all__ = [
    "Deal",
    "Design",
    "Enforcement",
    "Item",
    "Link",
    "OneShot",
    "Schedule",
    "Stake",
    "StageSearch",
    "check",
    "design",
    "min_stages",
    "party_values",
]
