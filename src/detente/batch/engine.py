"""The batch engine: many sessions of one scenario, one round per numpy step.

A :class:`BatchSession` wraps a reference :class:`~detente.session.Session`
(which checks the combination and prepares each strategy once per scenario)
and replaces the per-session loop with a per-round loop over arrays of
sessions. It reproduces the reference engine session by session: session
``k`` of ``run(n, seed)`` is the reference's ``Session.run(session_seeds(seed,
n)[k])`` — same result kind, round, agreement, walker and utilities.

Protocols: bilateral alternating offers and multilateral stacked alternating
offers (each round the proposer offers, the other signatories respond in turn
order, the first rejection ends the round and the rejecter proposes next). The
mediated single-text protocol runs on the reference engine only.

Memory is bounded by the outcome space (the shared
:class:`~detente.table.Table`) plus the sessions in flight: :meth:`stream`
yields results chunk by chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.batch.forms import BatchAcceptance, BatchOffering, batch_form
from detente.batch.lockstep import (
    AGREEMENT,
    ALL,
    BREAKDOWN,
    RUNNING,
    TIMEOUT,
    Lockstep,
    Rows,
    ratify,
    subset,
)
from detente.batch.results import BatchResults
from detente.batch.streams import Streams
from detente.errors import DetenteError
from detente.protocols import AlternatingOffers, StackedAlternatingOffers
from detente.registry import parse_spec
from detente.session import SeedLike, Session, seed_sequence
from detente.strategies import STRATEGIES, Negotiator
from detente.table import IntArray, PartyView

CHUNK = 1 << 16
"""Default number of sessions in flight."""

_ACCEPT, _REJECT, _WALK = 1, 2, 3


@dataclass(frozen=True, slots=True)
class BatchNegotiator:
    """The batch form of a :class:`~detente.strategies.Negotiator` (same guarantees)."""

    view: PartyView
    offering: BatchOffering
    acceptance: BatchAcceptance

    @property
    def draws(self) -> int:
        """Random doubles one action may consume per session."""
        return max(self.offering.draws, self.acceptance.draws)

    def respond(self, step: Lockstep, rows: Rows, offers: IntArray) -> NDArray[np.int8]:
        """Each session's move on the offer before it: accept, reject or walk."""
        if not self.view.rational:
            return np.full(offers.size, _WALK, dtype=np.int8)
        utility = self.view.utilities[offers]
        allowed = utility > -np.inf
        if not self.acceptance.below_reservation:
            allowed &= utility >= self.view.reservation
        if allowed.all():
            said = self.acceptance.accepts(step, rows, utility, self.offering)
            return np.where(said, np.int8(_ACCEPT), np.int8(_REJECT))
        ask = np.flatnonzero(allowed)
        moves = np.full(offers.size, _REJECT, dtype=np.int8)
        said = self.acceptance.accepts(step, subset(rows, ask), utility[ask], self.offering)
        moves[ask[said]] = _ACCEPT
        return moves


def _batch_negotiator(strategy: object) -> BatchNegotiator | str:
    if not isinstance(strategy, Negotiator):
        return f"{type(strategy).__name__} is not a composed negotiator"
    offering = batch_form(strategy.offering, strategy.view)
    acceptance = batch_form(strategy.acceptance, strategy.view)
    if offering is None or acceptance is None:
        missing = strategy.offering if offering is None else strategy.acceptance
        return f"policy {type(missing).__name__} has no batch form"
    return BatchNegotiator(strategy.view, offering, acceptance)  # type: ignore[arg-type]


def unsupported(session: Session) -> str | None:
    """Why ``session`` cannot run on the batch engine, or None when it can.

    A session is vectorisable when its protocol is (stacked) alternating offers
    and every signatory's strategy is registered as vectorisable and has batch
    forms for its policies.
    """
    if not isinstance(session.protocol, AlternatingOffers | StackedAlternatingOffers):
        return f"protocol {session.protocol.name!r} runs on the reference engine only"
    for party in session.table.signatories:
        name = parse_spec(session.specs[party]).name
        if name not in STRATEGIES or not STRATEGIES.entry(name).vectorisable:
            return f"strategy {name!r} is not vectorisable"
        built = _batch_negotiator(session.strategies[party])
        if isinstance(built, str):
            return f"strategy {name!r}: {built}"
    return None


ENGINES = ("auto", "batch", "reference")
"""Engine choices: ``auto`` runs the batch engine when the session is vectorisable."""


def choose_engine(session: Session, engine: str = "auto", traces: bool = False) -> str:
    """The engine (``batch`` or ``reference``) to run ``session`` with.

    ``auto`` picks the batch engine when :func:`unsupported` finds no obstacle
    and no traces are wanted (the batch engine records results, not events);
    asking for ``batch`` when it cannot run is an error naming the obstacle.
    """
    if engine not in ENGINES:
        raise DetenteError(f"engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    reason = unsupported(session)
    if reason is None and traces:
        reason = "it records results, not traces (events)"
    if engine == "batch" and reason is not None:
        raise DetenteError(f"batch engine: {reason}; use --engine reference or auto")
    return "reference" if engine == "reference" or reason is not None else "batch"


@dataclass(frozen=True, slots=True)
class BatchSession:
    """A reference session's scenario, protocol and strategies, run many sessions at a time."""

    session: Session
    agents: tuple[BatchNegotiator | None, ...]

    @classmethod
    def of(cls, session: Session) -> BatchSession:
        """The batch form of ``session``; raises when it is not vectorisable.

        >>> from detente.protocols import AlternatingOffers
        >>> from detente.outcomes import Issue, OutcomeSpace
        >>> from detente.parties import Party
        >>> from detente.scenario import Scenario
        >>> from detente.utility import LinearAdditive
        >>> space = OutcomeSpace((Issue.integer("x", 0, 10),))
        >>> a = Party("a", LinearAdditive((1.0,), (tuple(range(11)),)))
        >>> b = Party("b", LinearAdditive((1.0,), (tuple(range(10, -1, -1)),)))
        >>> pie = Session.prepare(Scenario("pie", space, (a, b)),
        ...                       AlternatingOffers(deadline=10), ["boulware", "conceder"])
        >>> results = BatchSession.of(pie).run(1000, seed=1)
        >>> results.result(999) == pie.run(results.seed(999)).result
        True
        """
        reason = unsupported(session)
        if reason is not None:
            raise DetenteError(f"batch engine: {reason}; use the reference engine")
        agents = tuple(None if s is None else _batch_negotiator(s) for s in session.strategies)
        return cls(session, agents)  # type: ignore[arg-type]

    @property
    def stochastic(self) -> tuple[int, ...]:
        """The parties whose policies draw random numbers."""
        return tuple(i for i, a in enumerate(self.agents) if a is not None and a.draws)

    def run(self, n: int, seed: SeedLike = None, chunk: int | None = None) -> BatchResults:
        """Run ``n`` sessions (seeds as :meth:`Session.run_many`) and gather all results."""
        sequence = seed_sequence(seed)
        parts = list(self.stream(n, sequence, chunk))
        return BatchResults.concatenate(parts, sequence, self.session.table.scenario.party_ids)

    def stream(
        self, n: int, seed: SeedLike = None, chunk: int | None = None
    ) -> Iterator[BatchResults]:
        """The results of ``n`` sessions, one chunk of at most ``chunk`` sessions at a time."""
        if n < 0:
            raise DetenteError(f"number of sessions must be at least 0, got {n}")
        sequence = seed_sequence(seed)
        size = chunk or CHUNK
        for first in range(0, n, size):
            yield self.play(sequence, first, min(size, n - first))

    def play(self, seed: np.random.SeedSequence, first: int, n: int) -> BatchResults:
        """Sessions ``first..first+n-1`` of ``seed`` played to the end."""
        protocol = self.session.protocol
        if seed.entropy is None:  # a SeedSequence always draws entropy when given none
            raise DetenteError("batch engine: the seed sequence has no entropy")
        streams = Streams.of(seed.entropy, tuple(seed.spawn_key), first, n, self.stochastic)
        step = Lockstep.start(
            n, len(self.agents), self.session.initial.actor, protocol.deadline, streams
        )
        history = any(a is not None and a.offering.history for a in self.agents)
        while step.running:
            self._round(step, history)
            step.advance()
        table = self.session.table
        ratify(step, table.ratified, table.signatories)
        return BatchResults.of(self.session, step, seed, first)

    def _groups(self, who: IntArray) -> list[tuple[BatchNegotiator, Rows]]:
        """Each signatory's agent with the rows where it is ``who`` (ALL when it is everywhere)."""
        if who.size and who[0] == who[-1] and (who == who[0]).all():
            agent = self.agents[int(who[0])]
            return [] if agent is None else [(agent, ALL)]
        groups: list[tuple[BatchNegotiator, Rows]] = []
        for party in self.session.table.signatories:
            agent, rows = self.agents[party], np.flatnonzero(who == party)
            if agent is not None and rows.size:
                groups.append((agent, rows))
        return groups

    def _round(self, step: Lockstep, history: bool) -> None:
        proposers = step.proposer
        groups = self._groups(proposers)
        if len(groups) == 1 and groups[0][0].view.rational:
            offers = groups[0][0].offering.propose(step, ALL)
            self._responses(step, ALL, offers, proposers, history)
            return
        offers = np.empty(step.running, dtype=np.int64)
        walked = np.zeros(step.running, dtype=np.bool_)
        for agent, rows in groups:
            if agent.view.rational:
                offers[rows] = agent.offering.propose(step, rows)
            else:
                step.finish(rows, BREAKDOWN, by=agent.view.index)
                walked[rows] = True
        pending: Rows = np.flatnonzero(~walked) if walked.any() else ALL
        self._responses(step, pending, offers[pending], proposers[pending], history)

    def _responses(
        self,
        step: Lockstep,
        pending: Rows,
        offers: IntArray,
        proposers: IntArray,
        history: bool,
    ) -> None:
        if history:
            step.record_offers(pending, proposers, offers)
        successor = np.array(self.session.initial.context.successor, dtype=np.int64)
        responders = successor[proposers]
        for _ in range(len(self.session.table.signatories) - 1):
            moves = self._moves(step, pending, offers, responders)
            accept = moves == _ACCEPT
            if not accept.all():
                self._refusals(step, pending, moves, responders)
                kept = np.flatnonzero(accept)
                pending, offers, responders = subset(pending, kept), offers[kept], responders[kept]
            responders = successor[responders]
        step.finish(pending, AGREEMENT, outcome=offers)

    def _moves(
        self, step: Lockstep, pending: Rows, offers: IntArray, responders: IntArray
    ) -> NDArray[np.int8]:
        groups = self._groups(responders)
        if len(groups) == 1 and isinstance(groups[0][1], slice):
            return groups[0][0].respond(step, pending, offers)
        moves = np.empty(offers.size, dtype=np.int8)
        for agent, rows in groups:
            moves[rows] = agent.respond(step, subset(pending, rows), offers[rows])
        return moves

    def _refusals(
        self, step: Lockstep, pending: Rows, moves: NDArray[np.int8], responders: IntArray
    ) -> None:
        reject = moves == _REJECT
        if reject.all():
            if step.round + 1 >= step.deadline:
                step.finish(pending, TIMEOUT)
            else:
                step.proposer[pending] = responders
            return
        walk = moves == _WALK
        step.finish(subset(pending, np.flatnonzero(walk)), BREAKDOWN, by=responders[walk])
        rejecters = subset(pending, np.flatnonzero(reject))
        if step.round + 1 >= step.deadline:
            step.finish(rejecters, TIMEOUT)
        else:
            step.proposer[rejecters] = responders[reject]


__all__ = ["ENGINES", "RUNNING", "BatchNegotiator", "BatchSession", "choose_engine", "unsupported"]
