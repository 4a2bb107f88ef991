"""The validated, resolved scenario: everything a computation needs, as values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from detente.claims import Claim
from detente.errors import UnknownNameError
from detente.outcomes import ENUMERATION_LIMIT, OutcomeSpace
from detente.parties import Party
from detente.utility import FloatArray, utility_matrix

if TYPE_CHECKING:
    from detente.formats.origin import DomainOrigin
    from detente.phasing.plan import Phasing
    from detente.protocols import Negotiation
    from detente.trust import TrustTable


@dataclass(frozen=True, slots=True)
class Position:
    """A named outcome, e.g. one side's offer: its index in the space and who holds it."""

    name: str
    index: int
    held_by: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Scenario:
    """Parties with utilities over an outcome space, plus provenance.

    ``parameters`` holds the resolved value of every named parameter (after
    ``--set`` overrides); ``path`` is the file it came from, if any; ``origin``
    describes the GENIUS/GeniusWeb/NegoLog files it was imported from, if any.
    """

    name: str
    space: OutcomeSpace
    parties: tuple[Party, ...]
    description: str = ""
    path: str | None = None
    parameters: Mapping[str, float] = field(default_factory=dict)
    positions: Mapping[str, Position] = field(default_factory=dict)
    origin: DomainOrigin | None = None
    negotiation: Negotiation | None = None
    trust: TrustTable | None = None
    phasing: Phasing | None = None
    claims: tuple[Claim, ...] = ()

    @property
    def party_ids(self) -> tuple[str, ...]:
        """Party ids in order."""
        return tuple(p.id for p in self.parties)

    @property
    def reservations(self) -> FloatArray:
        """Reservation values in party order: the default disagreement point."""
        return np.array([p.reservation for p in self.parties], dtype=np.float64)

    def party(self, party_id: str) -> Party:
        """The party with id ``party_id``."""
        for p in self.parties:
            if p.id == party_id:
                return p
        raise UnknownNameError(f"no party {party_id!r}; parties are: {', '.join(self.party_ids)}")

    def party_index(self, party_id: str) -> int:
        """Position of the party with id ``party_id``."""
        return self.parties.index(self.party(party_id))

    def utility_matrix(self, limit: int = ENUMERATION_LIMIT) -> FloatArray:
        """``U[outcome, party]`` over the whole space (refused beyond ``limit``)."""
        return utility_matrix(self.space, [p.utility for p in self.parties], limit=limit)
