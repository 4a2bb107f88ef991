"""Negotiating actors."""

from __future__ import annotations

from dataclasses import dataclass

from detente.factions import Domestic
from detente.utility import Utility


@dataclass(frozen=True, slots=True)
class Party:
    """A party: its utility over outcomes, the value of no deal and its patience.

    ``discount`` is the factor applied per round (negotiation) or per stage
    (implementation); ``signatory=False`` marks a stakeholder who is affected
    by a deal but never asked to accept it. ``domestic`` holds the party's
    factions and ratification rule (:mod:`detente.factions`), if it has any;
    ``utility`` is then its negotiating utility.
    """

    id: str
    utility: Utility
    name: str = ""
    reservation: float = 0.0
    discount: float = 1.0
    signatory: bool = True
    domestic: Domestic | None = None

    @property
    def label(self) -> str:
        """The display name, falling back to the id."""
        return self.name or self.id
