"""Ratification rules: which outcomes a party's factions let it sign [Putnam1988].

A party's factions each *accept* or reject every outcome (see
:func:`faction_acceptance`); a ratification rule turns that acceptance matrix
``A[outcome, faction]`` and the factions' weight shares into one verdict per
outcome. Rules are small immutable values behind one protocol,
:class:`RatificationRule`:

- :class:`Majority` — the accepting factions hold at least ``threshold`` of the
  total weight;
- :class:`Veto` — every named veto player accepts (whatever its weight);
- :class:`Unanimity` — every faction with positive weight accepts;
- :class:`NoRatification` — every outcome is ratified.

Everything here is a pure function of arrays; nothing mutates its input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError, UnknownNameError
from detente.utility import FloatArray

BoolArray = NDArray[np.bool_]

SHARE_TOLERANCE = 1e-9
"""Slack when comparing a weight share with a threshold (shares are sums of floats)."""


def faction_acceptance(F: FloatArray, reservations: FloatArray) -> BoolArray:
    """Which faction accepts which outcome: ``A[o, f] = F[o, f] >= reservations[f]``.

    A faction accepts an outcome iff its utility there is at least its own
    value of no deal; an :data:`~detente.utility.UNACCEPTABLE` (``-inf``)
    outcome is never accepted.

    >>> F = np.array([[1.0, -1.0], [0.0, 2.0]])
    >>> faction_acceptance(F, np.array([0.0, 0.0])).tolist()
    [[True, False], [True, True]]
    """
    return np.greater_equal(F, np.asarray(reservations)[None, :])


@runtime_checkable
class RatificationRule(Protocol):
    """Decides, for every outcome, whether a party's factions ratify it."""

    def check(self, faction_ids: tuple[str, ...]) -> None:
        """Raise :class:`~detente.errors.DetenteError` if the rule names an unknown faction."""
        ...

    def ratifies(
        self, accepts: BoolArray, shares: FloatArray, faction_ids: tuple[str, ...]
    ) -> BoolArray:
        """Verdict per outcome from ``accepts[outcome, faction]`` and weight ``shares``."""
        ...


@dataclass(frozen=True, slots=True)
class Majority:
    """Ratified iff the accepting factions hold at least ``threshold`` of the weight.

    ``threshold`` is a share in (0, 1]: 0.5 is a simple majority with ties
    ratified, 2/3 a supermajority, 1.0 requires every faction with positive
    weight.

    >>> A = np.array([[True, False, False], [True, True, False]])
    >>> Majority(0.5).ratifies(A, np.array([0.4, 0.3, 0.3]), ("a", "b", "c")).tolist()
    [False, True]
    """

    threshold: float = 0.5

    def __post_init__(self) -> None:
        if not (math.isfinite(self.threshold) and 0.0 < self.threshold <= 1.0):
            raise DetenteError(
                f"majority threshold must be a share in (0, 1], got {self.threshold!r}"
            )

    def check(self, faction_ids: tuple[str, ...]) -> None:
        return None

    def ratifies(
        self, accepts: BoolArray, shares: FloatArray, faction_ids: tuple[str, ...]
    ) -> BoolArray:
        support = accepts.astype(np.float64) @ np.asarray(shares, dtype=np.float64)
        return np.asarray(support >= self.threshold - SHARE_TOLERANCE, dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class Veto:
    """Ratified iff every named veto player accepts; the other factions have no say.

    A veto is a power, not a weight: a veto player blocks even with weight 0.

    >>> A = np.array([[True, False], [False, True]])
    >>> Veto(("senate",)).ratifies(A, np.array([0.5, 0.5]), ("president", "senate")).tolist()
    [False, True]
    """

    players: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.players:
            raise DetenteError("a veto rule needs at least one veto player")
        if len(set(self.players)) != len(self.players):
            raise DetenteError(f"veto players are listed twice: {list(self.players)}")

    def check(self, faction_ids: tuple[str, ...]) -> None:
        for player in self.players:
            if player not in faction_ids:
                raise UnknownNameError(
                    f"veto player {player!r} is not a faction; factions are: "
                    f"{', '.join(faction_ids)}"
                )

    def ratifies(
        self, accepts: BoolArray, shares: FloatArray, faction_ids: tuple[str, ...]
    ) -> BoolArray:
        self.check(faction_ids)
        columns = [faction_ids.index(player) for player in self.players]
        return np.asarray(accepts[:, columns].all(axis=1), dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class Unanimity:
    """Ratified iff every faction with positive weight accepts.

    >>> A = np.array([[True, False], [True, True]])
    >>> Unanimity().ratifies(A, np.array([1.0, 0.0]), ("a", "b")).tolist()
    [True, True]
    """

    def check(self, faction_ids: tuple[str, ...]) -> None:
        return None

    def ratifies(
        self, accepts: BoolArray, shares: FloatArray, faction_ids: tuple[str, ...]
    ) -> BoolArray:
        voting = np.asarray(shares) > 0.0
        return np.asarray(accepts[:, voting].all(axis=1), dtype=np.bool_)


@dataclass(frozen=True, slots=True)
class NoRatification:
    """Every outcome is ratified: the negotiator signs alone.

    >>> NoRatification().ratifies(np.zeros((2, 1), dtype=bool), np.ones(1), ("a",)).tolist()
    [True, True]
    """

    def check(self, faction_ids: tuple[str, ...]) -> None:
        return None

    def ratifies(
        self, accepts: BoolArray, shares: FloatArray, faction_ids: tuple[str, ...]
    ) -> BoolArray:
        return np.ones(accepts.shape[0], dtype=np.bool_)
