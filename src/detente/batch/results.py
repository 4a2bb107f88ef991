"""Results of batch sessions as columns, and a running summary that never grows with N.

:class:`BatchResults` holds one chunk's (or a whole run's) sessions as
arrays: how each ended, in which round, the agreed outcome, who walked away,
and every party's utility (computed exactly as the reference engine's
``discounted_payoffs``). :class:`Tally` accumulates the summary the
``simulate`` command reports, chunk by chunk, in memory bounded by the number
of distinct agreements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.batch.lockstep import AGREEMENT, KINDS, Lockstep
from detente.protocols import Result
from detente.session import Session
from detente.table import IntArray
from detente.utility import FloatArray


def payoff_factors(session: Session) -> FloatArray:
    """``factors[t, i] = δ_i ** t`` for every round (Python's float power, as the reference)."""
    discounting = getattr(session.protocol, "discounting", True)
    rounds = range(session.protocol.deadline)
    return np.array(
        [[d**t if discounting else 1.0 for d in session.table.discounts] for t in rounds],
        dtype=np.float64,
    ).reshape(len(rounds), len(session.table.discounts))


def _utilities(session: Session, step: Lockstep) -> FloatArray:
    table = session.table
    reservations = np.array([v.reservation for v in table.views], dtype=np.float64)
    out = np.repeat(reservations[None, :], step.kind.size, axis=0)
    agreed = np.flatnonzero(step.kind == AGREEMENT)
    factors = payoff_factors(session)[step.ended[agreed]]
    out[agreed] = factors * table.matrix[step.outcome[agreed]]
    return out


@dataclass(frozen=True, slots=True)
class BatchResults:
    """Sessions ``first..first+n-1`` of one seed: how each ended, when, with what utilities."""

    entropy: int
    spawn_key: tuple[int, ...]
    first: int
    parties: tuple[str, ...]
    kind: NDArray[np.int8] = field(compare=False, repr=False)
    round: IntArray = field(compare=False, repr=False)
    outcome: IntArray = field(compare=False, repr=False)
    by: IntArray = field(compare=False, repr=False)
    utilities: FloatArray = field(compare=False, repr=False)

    @classmethod
    def of(
        cls, session: Session, step: Lockstep, seed: np.random.SeedSequence, first: int
    ) -> BatchResults:
        """The results of a finished lockstep chunk."""
        return cls(
            int(seed.entropy),  # type: ignore[arg-type]
            tuple(seed.spawn_key),
            first,
            session.table.scenario.party_ids,
            step.kind,
            step.ended,
            step.outcome,
            step.by,
            _utilities(session, step),
        )

    @classmethod
    def concatenate(
        cls, parts: Sequence[BatchResults], seed: np.random.SeedSequence, parties: tuple[str, ...]
    ) -> BatchResults:
        """Consecutive chunks as one result."""
        n = len(parties)

        def join(name: str, dtype: type, shape: tuple[int, ...] = ()) -> NDArray[np.generic]:
            arrays = [getattr(p, name) for p in parts]
            return np.concatenate(arrays) if arrays else np.empty((0, *shape), dtype=dtype)

        return cls(
            int(seed.entropy),  # type: ignore[arg-type]
            tuple(seed.spawn_key),
            parts[0].first if parts else 0,
            parties,
            join("kind", np.int8),  # type: ignore[arg-type]
            join("round", np.int64),  # type: ignore[arg-type]
            join("outcome", np.int64),  # type: ignore[arg-type]
            join("by", np.int64),  # type: ignore[arg-type]
            join("utilities", np.float64, (n,)),  # type: ignore[arg-type]
        )

    def __len__(self) -> int:
        return int(self.kind.size)

    def seed(self, k: int) -> np.random.SeedSequence:
        """The seed of the ``k``-th session here (as the reference engine derives it)."""
        return np.random.SeedSequence(self.entropy, spawn_key=(*self.spawn_key, self.first + k))

    def result(self, k: int) -> Result:
        """The ``k``-th session's result as the reference engine's :class:`Result`."""
        outcome, by = int(self.outcome[k]), int(self.by[k])
        return Result(
            KINDS[int(self.kind[k])],  # type: ignore[arg-type]
            int(self.round[k]),
            None if outcome < 0 else outcome,
            None if by < 0 else by,
        )

    def payoffs(self, k: int) -> tuple[float, ...]:
        """The ``k``-th session's utility for every party."""
        return tuple(float(u) for u in self.utilities[k])


@dataclass(slots=True)
class Tally:
    """A running summary of sessions: counts, sums and agreements by outcome."""

    parties: tuple[str, ...]
    sessions: int = 0
    agreed: int = 0
    rounds: int = 0
    utility_sums: list[float] = field(default_factory=list)
    agreements: Counter[int] = field(default_factory=Counter)

    def add(self, results: BatchResults) -> None:
        """Fold one chunk in."""
        if not self.utility_sums:
            self.utility_sums = [0.0] * len(self.parties)
        self.sessions += len(results)
        agreed = results.kind == AGREEMENT
        self.agreed += int(agreed.sum())
        self.rounds += int((results.round + 1).sum())
        sums = results.utilities.sum(axis=0)
        self.utility_sums = [a + float(b) for a, b in zip(self.utility_sums, sums, strict=True)]
        outcomes, counts = np.unique(results.outcome[agreed], return_counts=True)
        self.agreements.update(dict(zip(outcomes.tolist(), counts.tolist(), strict=True)))

    @property
    def agreement_rate(self) -> float:
        """Share of sessions that ended in agreement."""
        return self.agreed / self.sessions if self.sessions else 0.0

    @property
    def mean_rounds(self) -> float:
        """Mean number of rounds played."""
        return self.rounds / self.sessions if self.sessions else 0.0

    @property
    def mean_utilities(self) -> dict[str, float]:
        """Each party's mean utility over all sessions."""
        n = max(self.sessions, 1)
        sums = self.utility_sums or [0.0] * len(self.parties)
        return {p: s / n for p, s in zip(self.parties, sums, strict=True)}
