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
from detente.outcomes import OutcomeSpace
from detente.protocols import Result
from detente.session import Session, Summary
from detente.table import IntArray
from detente.utility import FloatArray


def payoff_factors(session: Session, rounds: IntArray) -> FloatArray:
    """``factors[k, i] = δ_i ** rounds[k]`` with Python's float power, as the reference engine.

    Computed once per distinct round, so long deadlines cost only the rounds that occur.
    """
    discounting = getattr(session.protocol, "discounting", True)
    distinct, where = np.unique(rounds, return_inverse=True)
    table = np.array(
        [[d ** int(t) if discounting else 1.0 for d in session.table.discounts] for t in distinct],
        dtype=np.float64,
    ).reshape(distinct.size, len(session.table.discounts))
    factors: FloatArray = table[where.reshape(-1)]
    return factors


def _utilities(session: Session, step: Lockstep) -> FloatArray:
    table = session.table
    reservations = np.array([v.reservation for v in table.views], dtype=np.float64)
    out = np.repeat(reservations[None, :], step.kind.size, axis=0)
    agreed = np.flatnonzero(step.kind == AGREEMENT)
    factors = payoff_factors(session, step.ended[agreed])
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


def sequential_sum(start: float, values: FloatArray) -> float:
    """``start + v0 + v1 + ...`` added left to right, as a Python loop adds floats.

    >>> sequential_sum(1e16, np.array([1.0, 1.0])) == (1e16 + 1.0) + 1.0
    True
    """
    return float(np.cumsum(np.concatenate(([start], values)))[-1])


@dataclass(slots=True)
class Tally:
    """A running summary of sessions, folded chunk by chunk in session order.

    It gives exactly what :func:`detente.session.summarize` gives for the
    same sessions' traces (utilities summed left to right, agreements ordered
    by count then first appearance); memory grows only with the number of
    distinct agreements.
    """

    parties: tuple[str, ...]
    sessions: int = 0
    rounds: int = 0
    totals: list[float] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    agreements: Counter[int] = field(default_factory=Counter)

    def add(self, results: BatchResults) -> None:
        """Fold the next chunk in."""
        if not self.totals:
            self.totals = [0.0] * len(self.parties)
        self.sessions += len(results)
        self.rounds += int((results.round + 1).sum())
        self.totals = [
            sequential_sum(t, results.utilities[:, i]) for i, t in enumerate(self.totals)
        ]
        codes, counts = np.unique(results.kind, return_counts=True)
        self.kinds.update({KINDS[c]: int(n) for c, n in zip(codes, counts, strict=True)})
        agreed = results.outcome[results.kind == AGREEMENT]
        outcomes, first, counts = np.unique(agreed, return_index=True, return_counts=True)
        order = np.argsort(first, kind="stable")
        self.agreements.update(
            dict(zip(outcomes[order].tolist(), counts[order].tolist(), strict=True))
        )

    @property
    def agreement_rate(self) -> float:
        """Share of sessions that ended in agreement."""
        return self.kinds["agreement"] / self.sessions if self.sessions else 0.0

    def summary(self, space: OutcomeSpace) -> Summary:
        """The reference engine's :class:`~detente.session.Summary` of these sessions."""
        if self.sessions == 0:
            raise ValueError("no sessions to summarise")
        n = self.sessions
        return Summary(
            parties=self.parties,
            sessions=n,
            agreement_rate=self.kinds["agreement"] / n,
            mean_rounds=self.rounds / n,
            mean_utilities=tuple(t / n for t in self.totals),
            results=tuple(sorted(self.kinds.items())),
            agreements=tuple((space.to_outcome(x), c) for x, c in self.agreements.most_common()),
        )
