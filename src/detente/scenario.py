"""The validated, resolved scenario: everything a computation needs, as values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from detente.claims import Claim
from detente.errors import UnknownNameError
from detente.outcomes import ENUMERATION_LIMIT, OutcomeSpace
from detente.parties import Party
from detente.utility import FloatArray, utility_matrix

if TYPE_CHECKING:
    from detente.formats.origin import DomainOrigin
    from detente.phasing.plan import Phasing
    from detente.phasing.schedule import Schedule
    from detente.trust import TrustTable

Distribution = Literal["uniform", "triangular", "normal"]

ParameterValue = float | str
"""A parameter's value: a number, or the label chosen for a categorical parameter."""


@dataclass(frozen=True, slots=True)
class ParameterRecord:
    """A named number as the scenario used it, with what the file says about it.

    ``value`` is the value the scenario was built with (after ``--set``);
    ``range``, ``distribution``, ``mode``, ``sd`` and ``integer`` say how a
    sweep draws it (no range: it is fixed); ``source`` is where the number
    comes from (``assumption`` for modelling choices).

    A categorical parameter has ``choices``: its labels with their
    probabilities, in the file's order; its ``value`` is the chosen label.
    """

    name: str
    value: ParameterValue
    range: tuple[float, float] | None = None
    distribution: Distribution = "uniform"
    mode: float | None = None
    sd: float | None = None
    integer: bool = False
    source: str | None = None
    description: str | None = None
    choices: tuple[tuple[str, float], ...] | None = None


@dataclass(frozen=True, slots=True)
class Variant:
    """A named counterfactual a file declares: parameters set to other values (``--set``)."""

    name: str
    sets: tuple[tuple[str, ParameterValue], ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class NegotiationSpec:
    """How a scenario's negotiation is run, as specs: a protocol spec string (e.g.
    ``"alternating-offers(deadline=100)"``) and a default strategy spec per party id.
    """

    protocol: str
    strategies: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Position:
    """A named outcome, e.g. one side's offer: its index in the space and who holds it.

    ``schedule`` is the order in which the position would carry its items out,
    when the position (or the record) says so.
    """

    name: str
    index: int
    held_by: str | None = None
    description: str = ""
    schedule: Schedule | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """Parties with utilities over an outcome space, plus provenance.

    ``parameter_records`` describes every named parameter (its value after
    ``--set`` overrides, range, distribution and source); ``path`` is the file it came from, if any; ``origin``
    describes the GENIUS/GeniusWeb/NegoLog files it was imported from, if any.
    ``labels`` holds the display names the file declares (``label:``), by kind
    (``issues``, ``items``, ``parameters``, ``positions``, ``claims``) and id; a party's
    display name is its ``name``. :func:`detente.analysis.labels.labels_doc` completes them.
    """

    name: str
    space: OutcomeSpace
    parties: tuple[Party, ...]
    description: str = ""
    path: str | None = None
    parameter_records: Mapping[str, ParameterRecord] = field(default_factory=dict)
    positions: Mapping[str, Position] = field(default_factory=dict)
    origin: DomainOrigin | None = None
    negotiation: NegotiationSpec | None = None
    trust: TrustTable | None = None
    phasing: Phasing | None = None
    claims: tuple[Claim, ...] = ()
    variants: Mapping[str, Variant] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def parameters(self) -> dict[str, ParameterValue]:
        """The value of every named parameter, by name (after ``--set`` overrides)."""
        return {name: record.value for name, record in self.parameter_records.items()}

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
