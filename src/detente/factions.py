"""Factions: the internal contest that sets a party's position and ratifies its deals.

A party's position is the outcome of a contest inside it [Putnam1988]. Its
:class:`Domestic` side lists its :class:`Faction` s, each with its own utility
(any :class:`~detente.utility.Utility`), a weight and a value of no deal, and
says two things:

- where the party's **negotiating utility** comes from (its ``basis``):
  :class:`Given` (the party's own utility, stated directly), :class:`Derived`
  (the weighted sum of its factions' utilities, weights normalised to shares)
  or :class:`Leading` (the utility of one named faction);
- which **ratification rule** (:mod:`detente.ratification`) turns the
  factions' acceptance into the party's verdict;
- whether its negotiator **anticipates** ratification: by default it never
  offers or accepts an outcome outside the party's win-set; with
  ``anticipated=False`` it negotiates on its negotiating utility alone and a
  deal outside the win-set fails at home ("involuntary defection").

A faction *accepts* an outcome iff its utility there is at least its own
reservation value; a faction without one uses its party's reservation value.
Only weight *shares* matter: weights ``(2, 2)`` and ``(1, 1)`` are the same
contest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from detente.errors import DetenteError, UnknownNameError
from detente.outcomes import ENUMERATION_LIMIT, IndexArray, OutcomeSpace
from detente.ratification import BoolArray, NoRatification, RatificationRule, faction_acceptance
from detente.utility import FloatArray, Utility, WeightedSum, utility_matrix


@dataclass(frozen=True, slots=True)
class Faction:
    """A constituency inside a party: its utility, its weight and its value of no deal.

    >>> from detente.utility import LinearAdditive
    >>> Faction("hawks", LinearAdditive((1.0,), ((0.0, 1.0),)), weight=2.0).weight
    2.0
    """

    id: str
    utility: Utility
    weight: float = 1.0
    reservation: float | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.weight) and self.weight >= 0.0):
            raise DetenteError(
                f"faction {self.id!r}: weight must be a finite number >= 0, got {self.weight!r}"
            )


@dataclass(frozen=True, slots=True)
class Given:
    """The party's negotiating utility is stated directly, not derived from its factions."""


@dataclass(frozen=True, slots=True)
class Derived:
    """The party negotiates with the weight-share-weighted sum of its factions' utilities."""


@dataclass(frozen=True, slots=True)
class Leading:
    """The party negotiates with the utility of one faction (the one that "won the debate")."""

    faction: str


NegotiatingBasis = Given | Derived | Leading
"""Where a party's negotiating utility comes from."""


@dataclass(frozen=True, slots=True)
class Domestic:
    """A party's factions, the basis of its negotiating utility and its ratification rule.

    >>> from detente.outcomes import Issue
    >>> from detente.ratification import Veto
    >>> from detente.utility import LinearAdditive
    >>> space = OutcomeSpace((Issue.integer("relief", 0, 4),))
    >>> dove = Faction("dove", LinearAdditive((1.0,), ((4, 3, 2, 1, 0),)))
    >>> hawk = Faction("hawk", LinearAdditive((1.0,), ((1, 0, -1, -2, -3),)))
    >>> home = Domestic((dove, hawk), Veto(("hawk",)), Leading("dove"))
    >>> home.ratified(home.utility_matrix(space), party_reservation=0.0).tolist()
    [True, True, False, False, False]
    """

    factions: tuple[Faction, ...]
    rule: RatificationRule = field(default_factory=NoRatification)
    basis: NegotiatingBasis = field(default_factory=Given)
    anticipated: bool = True

    def __post_init__(self) -> None:
        if not self.factions:
            raise DetenteError("a party with factions needs at least one faction")
        ids = self.ids
        if len(set(ids)) != len(ids):
            raise DetenteError(f"faction ids must be unique, got {list(ids)}")
        if sum(f.weight for f in self.factions) <= 0.0:
            raise DetenteError(
                f"faction weights are all zero ({', '.join(ids)}); at least one must be positive"
            )
        self.rule.check(ids)
        if isinstance(self.basis, Leading):
            self.faction(self.basis.faction)

    @property
    def ids(self) -> tuple[str, ...]:
        """Faction ids in order."""
        return tuple(f.id for f in self.factions)

    @property
    def shares(self) -> FloatArray:
        """Weights normalised to sum to 1, in faction order."""
        weights = np.array([f.weight for f in self.factions], dtype=np.float64)
        shares: FloatArray = weights / weights.sum()
        return shares

    def faction(self, faction_id: str) -> Faction:
        """The faction with id ``faction_id``."""
        for f in self.factions:
            if f.id == faction_id:
                return f
        raise UnknownNameError(f"no faction {faction_id!r}; factions are: {', '.join(self.ids)}")

    def reservations(self, party_reservation: float) -> FloatArray:
        """Each faction's value of no deal (its own, else the party's)."""
        return np.array(
            [party_reservation if f.reservation is None else f.reservation for f in self.factions],
            dtype=np.float64,
        )

    def utility_matrix(
        self,
        space: OutcomeSpace,
        indices: IndexArray | None = None,
        limit: int = ENUMERATION_LIMIT,
    ) -> FloatArray:
        """``F[outcome, faction]``: the factions' utilities (all outcomes unless ``indices``)."""
        return utility_matrix(space, [f.utility for f in self.factions], indices, limit)

    def ratified(self, F: FloatArray, party_reservation: float) -> BoolArray:
        """Which outcomes (rows of ``F``) the party's factions ratify under its rule."""
        accepts = faction_acceptance(F, self.reservations(party_reservation))
        return self.rule.ratifies(accepts, self.shares, self.ids)

    def negotiating_utility(self, given: Utility | None = None) -> Utility:
        """The party's negotiating utility under its basis (``given`` when stated directly)."""
        if isinstance(self.basis, Derived):
            return WeightedSum(tuple(f.utility for f in self.factions), tuple(self.shares.tolist()))
        if isinstance(self.basis, Leading):
            return self.faction(self.basis.faction).utility
        if given is None:
            raise DetenteError(
                "a party whose negotiating utility is not derived from its factions needs a utility"
            )
        return given

    def with_weight(self, faction_id: str, weight: float) -> Domestic:
        """The same factions with ``faction_id``'s weight set to ``weight``.

        >>> from detente.utility import LinearAdditive
        >>> u = LinearAdditive((1.0,), ((0.0, 1.0),))
        >>> Domestic((Faction("a", u), Faction("b", u))).with_weight("b", 3.0).shares.tolist()
        [0.25, 0.75]
        """
        self.faction(faction_id)
        factions = tuple(
            replace(f, weight=float(weight)) if f.id == faction_id else f for f in self.factions
        )
        return replace(self, factions=factions)
