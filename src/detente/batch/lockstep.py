"""The state of a chunk of sessions advancing in lockstep, one round per step.

A :class:`Lockstep` holds, for the sessions of a chunk still running, what the
reference :class:`~detente.protocols.State` holds for one: the round (shared:
every session of a chunk is in the same round), each session's proposer, each
party's first and latest own offer. Per-session arrays are *compact*: row
``r`` is the running session ``ids[r]``; when sessions end, their results go
to the chunk-wide outputs (``kind``, ``ended``, ``outcome``, ``by``) and
their rows are dropped, so later rounds cost only what is left. Policies
address rows with :data:`Rows`: an index array, or ``slice(None)`` for all.

Randomness: a stochastic party's draws in session ``k`` come from that
session's own stream for the party — the reference engine's
``default_rng(SeedSequence(entropy, spawn_key=(*key, k, party)))``, computed
for all sessions at once by :mod:`detente.batch.streams` — so the ``j``-th
draw of a party in a session is the same double in both engines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.batch.streams import Streams
from detente.table import IntArray
from detente.utility import FloatArray

BoolArray = NDArray[np.bool_]

Rows = IntArray | slice
"""Rows of a lockstep's per-session arrays: an index array, or ``slice(None)`` (all)."""

ALL: slice = slice(None)

RUNNING, AGREEMENT, BREAKDOWN, TIMEOUT, UNRATIFIED = -1, 0, 1, 2, 3
"""Codes of ``Lockstep.kind``: still running, or how the session ended."""

KINDS = ("agreement", "breakdown", "timeout", "unratified")
"""Result kinds by code, as in :class:`detente.protocols.Result`."""


@dataclass(slots=True)
class Lockstep:
    """The running sessions of a chunk, all in the same round; mutated round by round."""

    deadline: int
    proposer: IntArray
    first: IntArray
    last: IntArray
    streams: Streams
    round: int = 0
    ids: IntArray = field(init=False)
    kind: NDArray[np.int8] = field(init=False)
    ended: IntArray = field(init=False)
    outcome: IntArray = field(init=False)
    by: IntArray = field(init=False)
    _done: BoolArray = field(init=False)

    def __post_init__(self) -> None:
        n = self.proposer.size
        self.ids = np.arange(n, dtype=np.int64)
        self.kind = np.full(n, RUNNING, dtype=np.int8)
        self.ended = np.full(n, -1, dtype=np.int64)
        self.outcome = np.full(n, -1, dtype=np.int64)
        self.by = np.full(n, -1, dtype=np.int64)
        self._done = np.zeros(n, dtype=np.bool_)

    @classmethod
    def start(
        cls, n: int, n_parties: int, opener: int, deadline: int, streams: Streams | None = None
    ) -> Lockstep:
        """``n`` sessions in round 0 with ``opener`` to propose.

        >>> Lockstep.start(3, 2, 0, 10).count(ALL)
        3
        """
        none = np.full((n, n_parties), -1, dtype=np.int64)
        proposer = np.full(n, opener, dtype=np.int64)
        return cls(deadline, proposer, none, none.copy(), streams or Streams({}))

    @property
    def running(self) -> int:
        """Number of sessions still running."""
        return int(self.ids.size)

    def count(self, rows: Rows) -> int:
        """Number of rows in ``rows``."""
        return self.running if isinstance(rows, slice) else int(rows.size)

    def positions(self, rows: Rows) -> IntArray:
        """``rows`` as an index array."""
        return np.arange(self.running) if isinstance(rows, slice) else rows

    def time_at(self, round_: int) -> float:
        """Relative time of ``round_`` (as :meth:`detente.protocols.State.time_at`)."""
        last = self.deadline - 1
        return 1.0 if last <= 0 else min(max(round_ / last, 0.0), 1.0)

    def uniform(self, party: int, rows: Rows) -> FloatArray:
        """The next random double of ``party`` in each session of ``rows`` (consumes it)."""
        return self.streams.uniform(party, rows)

    def finish(
        self, rows: Rows, kind: int, outcome: IntArray | int = -1, by: IntArray | int = -1
    ) -> None:
        """End the sessions in ``rows`` in the current round."""
        if not self.count(rows):
            return
        ids = self.ids[rows]
        self.kind[ids] = kind
        self.ended[ids] = self.round
        self.outcome[ids] = outcome
        self.by[ids] = by
        self._done[rows] = True

    def record_offers(self, rows: Rows, proposers: IntArray | int, offers: IntArray) -> None:
        """Note each proposer's latest (and, if none yet, first) own offer."""
        rows = self.positions(rows)  # pairs rows with proposers (a slice would cross them)
        self.last[rows, proposers] = offers
        first = self.first[rows, proposers]
        np.copyto(first, offers, where=first < 0)
        self.first[rows, proposers] = first

    def advance(self) -> None:
        """Drop finished sessions and move to the next round."""
        if self._done.any():
            keep = ~self._done
            self.ids, self.proposer = self.ids[keep], self.proposer[keep]
            self.first, self.last = self.first[keep], self.last[keep]
            self.streams.keep(keep)
            self._done = self._done[keep]
        self.round += 1


def subset(rows: Rows, sel: Rows) -> Rows:
    """The rows ``sel`` of ``rows`` (``ALL`` of ``ALL`` stays ``ALL``).

    >>> subset(ALL, ALL), subset(np.array([4, 5, 6]), np.array([0, 2])).tolist()
    (slice(None, None, None), [4, 6])
    """
    if isinstance(sel, slice):
        return rows
    return sel if isinstance(rows, slice) else rows[sel]


def ratify(step: Lockstep, ratified: BoolArray | None, signatories: tuple[int, ...]) -> None:
    """As :func:`detente.protocols.ratify`, for every finished session of the chunk at once.

    An agreement some signatory's factions refuse becomes ``unratified``, with
    the first refusing signatory as ``by`` and no outcome.

    >>> step = Lockstep.start(2, 2, 0, 5)
    >>> step.finish(ALL, AGREEMENT, outcome=np.array([0, 1]))
    >>> ratify(step, np.array([[True, True], [True, False]]), (0, 1))
    >>> step.kind.tolist(), step.outcome.tolist(), step.by.tolist()
    ([0, 3], [0, -1], [-1, 1])
    """
    if ratified is None:
        return
    agreed = np.flatnonzero(step.kind == AGREEMENT)
    refuses = ~ratified[step.outcome[agreed]][:, list(signatories)]
    failed = refuses.any(axis=1)
    ids = agreed[failed]
    step.kind[ids] = UNRATIFIED
    step.by[ids] = np.asarray(signatories, dtype=np.int64)[refuses[failed].argmax(axis=1)]
    step.outcome[ids] = -1
