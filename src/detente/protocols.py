"""Negotiation protocols: immutable rules, and the state transition ``step(state, action)``.

A protocol is an immutable spec (deadline in rounds, who opens, whether
agreements are discounted). :meth:`start` gives the initial :class:`State` for a
:class:`~detente.table.Table`; :func:`step` maps a state and the acting party's
action to the next state. States are immutable and carry the whole record of
the session (``events``), so a runner only asks the party named by
``state.actor`` for an action and steps until ``state.result`` is set.

Semantics (shared by every engine; see also ``detente.session``):

* Rounds are numbered from 0; the deadline ``T`` is the number of rounds.
  Round ``t``'s time is ``t / (T - 1)`` (``1`` when ``T == 1``).
* **Alternating offers** [Rubinstein1982] (exactly two signatories) and
  **stacked alternating offers** [Aydogan2017] (three or more): in each round
  one signatory proposes (an :class:`Offer`) and the others respond in turn
  order (party order, cyclic, starting after the proposer). An offer is agreed
  when every other signatory accepts it; the first rejection ends the round and
  the rejecter proposes in the next round. With two parties this is Rubinstein's
  alternation. Non-signatories never act.
* **Single text** [Raiffa1982] [Klein2003]: in each round the mediator proposes a
  text and every signatory votes; unanimous acceptance is agreement. Otherwise
  the text becomes the mediator's working text if it gathered at least as many
  acceptances as the working text did, and the mediator proposes a variation
  of the working text in the next round (the mediator improves the text).
* Any party may walk away (:data:`Move.WALK`) when it acts: breakdown.
  After a rejection in round ``T - 1``: timeout.
* Payoffs: an agreement ``x`` in round ``t`` gives party ``i``
  ``δ_i^t · u_i(x)`` (``u_i(x)`` if ``discounting`` is off); breakdown and
  timeout give each party its reservation value. Stakeholders (non-signatories)
  are paid the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Literal, Protocol

import numpy as np

from detente.errors import DetenteError
from detente.registry import Registry

if TYPE_CHECKING:
    from detente.table import Table

MEDIATOR = -1
"""The actor index of a protocol's mediator."""


class Phase(Enum):
    """What the actor of a state is asked to do."""

    PROPOSE = "propose"
    RESPOND = "respond"
    DONE = "done"


class Move(Enum):
    """A response, or walking away (legal in any phase)."""

    ACCEPT = "accept"
    REJECT = "reject"
    WALK = "walk"


@dataclass(frozen=True, slots=True)
class Offer:
    """A proposal of the outcome with index ``outcome``."""

    outcome: int


Action = Offer | Move
"""What an actor does: an offer when proposing, a move when responding (or to walk)."""

EventKind = Literal["offer", "accept", "reject", "walk", "unratified"]
ResultKind = Literal["agreement", "breakdown", "timeout", "unratified"]


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded action: in ``round``, ``actor`` (``MEDIATOR`` = -1) did ``kind``."""

    round: int
    actor: int
    kind: EventKind
    outcome: int | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """How a session ended: ``outcome`` agreed in ``round``, or who walked away."""

    kind: ResultKind
    round: int
    outcome: int | None = None
    by: int | None = None


class IllegalActionError(DetenteError):
    """A strategy returned an action the protocol does not allow in that state."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a protocol fixes for a session at start: who acts, in which order."""

    protocol: NegotiationProtocol
    deadline: int
    size: int
    n_parties: int
    signatories: tuple[int, ...]
    successor: tuple[int, ...]

    @classmethod
    def of(cls, protocol: NegotiationProtocol, table: Table) -> Context:
        """Seat the signatories of ``table`` in party order."""
        sig = table.signatories
        successor = [-1] * len(table.views)
        for k, party in enumerate(sig):
            successor[party] = sig[(k + 1) % len(sig)]
        return cls(protocol, protocol.deadline, table.size, len(table.views), sig, tuple(successor))


@dataclass(frozen=True, slots=True)
class State:
    """An immutable session state: round, phase, who acts, the offer on the table.

    ``first_offers``/``last_offers`` give each party's first and latest own
    offer (-1 if none); ``accepted`` counts acceptances of the current offer;
    ``text``/``support`` are the mediator's working text and its acceptances
    (single-text protocol only, else -1).
    """

    context: Context
    round: int
    phase: Phase
    actor: int
    offer: int
    proposer: int
    accepted: int
    text: int
    support: int
    first_offers: tuple[int, ...]
    last_offers: tuple[int, ...]
    events: tuple[Event, ...]
    result: Result | None = None

    @property
    def deadline(self) -> int:
        """Number of rounds."""
        return self.context.deadline

    @property
    def time(self) -> float:
        """Relative time of the current round in [0, 1]."""
        return self.time_at(self.round)

    def time_at(self, round_: int) -> float:
        """Relative time of ``round_``: ``round / (deadline - 1)``, clipped to [0, 1]."""
        last = self.context.deadline - 1
        return 1.0 if last <= 0 else min(max(round_ / last, 0.0), 1.0)

    @property
    def done(self) -> bool:
        """Whether the session has ended."""
        return self.result is not None


class Mediator(Protocol):
    """A protocol's mediator, bound to a table and a generator for one session."""

    def bind(self, table: Table, rng: np.random.Generator) -> MediatorAgent:
        """The mediator acting in one session."""
        ...


class MediatorAgent(Protocol):
    """A bound mediator: proposes texts."""

    def propose(self, state: State) -> Action:
        """The next text to put to a vote."""
        ...


class NegotiationProtocol(Protocol):
    """The rules of a negotiation (immutable)."""

    @property
    def deadline(self) -> int:
        """Number of rounds."""
        ...

    @property
    def name(self) -> str:
        """Registered name."""
        ...

    @property
    def mediator(self) -> Mediator | None:
        """The mediator, for mediated protocols."""
        ...

    @property
    def multilateral(self) -> bool:
        """Whether more than two signatories take part."""
        ...

    def start(self, table: Table) -> State:
        """The initial state of a session on ``table``."""
        ...

    def step(self, state: State, action: Action) -> State:
        """The state after the actor of ``state`` takes ``action``."""
        ...

    def payoffs(self, table: Table, result: Result) -> tuple[float, ...]:
        """Every party's utility of ``result``."""
        ...

    def with_deadline(self, deadline: int) -> NegotiationProtocol:
        """The same protocol with another deadline."""
        ...


def step(state: State, action: Action) -> State:
    """The state after ``state.actor`` takes ``action``, under the state's protocol.

    >>> from detente.table import Table
    >>> from detente.scenario import Scenario
    >>> from detente.outcomes import Issue, OutcomeSpace
    >>> from detente.parties import Party
    >>> from detente.utility import LinearAdditive
    >>> space = OutcomeSpace((Issue.integer("x", 0, 2),))
    >>> u = LinearAdditive((1.0,), ((0, 1, 2),))
    >>> table = Table.of(Scenario("toy", space, (Party("a", u), Party("b", u))))
    >>> s = step(AlternatingOffers(deadline=3).start(table), Offer(2))
    >>> step(s, Move.ACCEPT).result
    Result(kind='agreement', round=0, outcome=2, by=None)
    """
    if state.result is not None:
        raise IllegalActionError("the session has ended; no further actions are allowed")
    return state.context.protocol.step(state, action)


def _check_deadline(deadline: int) -> None:
    if deadline < 1:
        raise DetenteError(f"protocol deadline must be at least 1 round, got {deadline}")


def _initial(context: Context, phase: Phase, actor: int) -> State:
    none = (-1,) * context.n_parties
    return State(context, 0, phase, actor, -1, -1, 0, -1, -1, none, none, ())


def _offered(state: State, action: Action) -> int:
    if not isinstance(action, Offer):
        raise IllegalActionError(f"party {state.actor} must propose (an Offer), got {action!r}")
    outcome = int(action.outcome)
    if not 0 <= outcome < state.context.size:
        raise IllegalActionError(
            f"party {state.actor} offered outcome {outcome}, outside 0..{state.context.size - 1}"
        )
    return outcome


def _response(state: State, action: Action) -> Move:
    if not isinstance(action, Move):
        raise IllegalActionError(f"party {state.actor} must respond (a Move), got {action!r}")
    return action


def _end(state: State, kind: ResultKind, event: Event, outcome: int | None = None) -> State:
    by = state.actor if kind == "breakdown" else None
    return State(
        state.context,
        state.round,
        Phase.DONE,
        state.actor,
        state.offer,
        state.proposer,
        state.accepted,
        state.text,
        state.support,
        state.first_offers,
        state.last_offers,
        (*state.events, event),
        Result(kind, state.round, outcome, by),
    )


def ratify(table: Table, state: State) -> State:
    """Send an agreement home: if a signatory's factions refuse it, the deal fails.

    Putnam's *involuntary defection* [Putnam1988]: a negotiator who does not
    anticipate ratification (``Domestic.anticipated`` false) may agree to an
    outcome outside its win-set; the session then ends ``unratified`` (no deal,
    reservation payoffs), with one ``unratified`` event per refusing signatory
    recording the outcome agreed. Other states pass through unchanged.
    """
    result = state.result
    if table.ratified is None or result is None or result.outcome is None:
        return state
    refusing = [p for p in table.signatories if not table.ratified[result.outcome, p]]
    if result.kind != "agreement" or not refusing:
        return state
    events = tuple(Event(result.round, p, "unratified", result.outcome) for p in refusing)
    return replace(
        state,
        events=(*state.events, *events),
        result=Result("unratified", result.round, None, refusing[0]),
    )


def _walk(state: State) -> State:
    return _end(state, "breakdown", Event(state.round, state.actor, "walk"))


def _propose(state: State, action: Action, responder: int) -> State:
    outcome = _offered(state, action)
    actor = state.actor
    first, last = state.first_offers, state.last_offers
    if actor >= 0:
        last = (*last[:actor], outcome, *last[actor + 1 :])
        if first[actor] < 0:
            first = (*first[:actor], outcome, *first[actor + 1 :])
    return State(
        state.context,
        state.round,
        Phase.RESPOND,
        responder,
        outcome,
        actor,
        0,
        state.text,
        state.support,
        first,
        last,
        (*state.events, Event(state.round, actor, "offer", outcome)),
    )


def _respond(state: State, kind: EventKind, actor: int, accepted: int) -> State:
    """The current offer is still on the table; ``actor`` responds next."""
    return State(
        state.context,
        state.round,
        Phase.RESPOND,
        actor,
        state.offer,
        state.proposer,
        accepted,
        state.text,
        state.support,
        state.first_offers,
        state.last_offers,
        (*state.events, Event(state.round, state.actor, kind)),
    )


def _next_round(state: State, kind: EventKind, proposer: int, text: int, support: int) -> State:
    event = Event(state.round, state.actor, kind)
    if state.round + 1 >= state.context.deadline:
        return _end(state, "timeout", event)
    return State(
        state.context,
        state.round + 1,
        Phase.PROPOSE,
        proposer,
        -1,
        -1,
        0,
        text,
        support,
        state.first_offers,
        state.last_offers,
        (*state.events, event),
    )


def _alternating_step(state: State, action: Action) -> State:
    if action is Move.WALK:
        return _walk(state)
    context = state.context
    if state.phase is Phase.PROPOSE:
        return _propose(state, action, context.successor[state.actor])
    move = _response(state, action)
    if move is Move.REJECT:
        return _next_round(state, "reject", state.actor, -1, -1)
    accepted = state.accepted + 1
    if accepted == len(context.signatories) - 1:
        event = Event(state.round, state.actor, "accept")
        return _end(state, "agreement", event, state.offer)
    return _respond(state, "accept", context.successor[state.actor], accepted)


def _single_text_step(state: State, action: Action) -> State:
    if action is Move.WALK and state.phase is Phase.RESPOND:
        return _walk(state)
    signatories = state.context.signatories
    if state.phase is Phase.PROPOSE:
        return _propose(state, action, signatories[0])
    move = _response(state, action)
    accepted = state.accepted + (move is Move.ACCEPT)
    kind: EventKind = "accept" if move is Move.ACCEPT else "reject"
    if state.actor != signatories[-1]:
        return _respond(state, kind, state.context.successor[state.actor], accepted)
    if accepted == len(signatories):
        return _end(state, "agreement", Event(state.round, state.actor, "accept"), state.offer)
    improves = accepted >= state.support
    text, support = (state.offer, accepted) if improves else (state.text, state.support)
    return _next_round(state, kind, MEDIATOR, text, support)


def discounted_payoffs(table: Table, result: Result, discounting: bool = True) -> tuple[float, ...]:
    """Each party's utility of ``result``: ``δ_i^t u_i(x)`` for an agreement, else reservation."""
    if result.outcome is None:
        return tuple(view.reservation for view in table.views)
    row = table.matrix[result.outcome]
    factors = [d**result.round if discounting else 1.0 for d in table.discounts]
    return tuple(float(f * u) for f, u in zip(factors, row, strict=True))


def _resolve_opener(opener: int | str | None, table: Table) -> int:
    ids = table.scenario.party_ids
    index = table.signatories[0] if opener is None else opener
    if isinstance(index, str):
        if index not in ids:
            raise DetenteError(f"protocol opener {index!r} is not a party; parties: {ids}")
        index = ids.index(index)
    if index not in table.signatories:
        raise DetenteError(
            f"protocol opener {index} must be a signatory; signatories: "
            f"{[ids[i] for i in table.signatories]}"
        )
    return index


def _require_signatories(name: str, table: Table, low: int, high: int | None) -> None:
    n = len(table.signatories)
    if n < low or (high is not None and n > high):
        wanted = f"exactly {low}" if high == low else f"at least {low}"
        hint = "; use stacked-alternating-offers" if high == 2 else ""
        raise DetenteError(f"{name} needs {wanted} signatories, the scenario has {n}{hint}")


@dataclass(frozen=True, slots=True)
class AlternatingOffers:
    """Bilateral alternating offers [Rubinstein1982] with a deadline of ``deadline`` rounds.

    ``opener`` is the party (index or id) proposing in round 0 (default: the first
    signatory).
    """

    deadline: int = 100
    opener: int | str | None = None
    discounting: bool = True
    name: str = field(default="alternating-offers", init=False)
    mediator: Mediator | None = field(default=None, init=False)
    multilateral: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        _check_deadline(self.deadline)

    def start(self, table: Table) -> State:
        _require_signatories(self.name, table, 2, 2)
        return _initial(Context.of(self, table), Phase.PROPOSE, _resolve_opener(self.opener, table))

    def step(self, state: State, action: Action) -> State:
        return _alternating_step(state, action)

    def payoffs(self, table: Table, result: Result) -> tuple[float, ...]:
        return discounted_payoffs(table, result, self.discounting)

    def with_deadline(self, deadline: int) -> NegotiationProtocol:
        return replace(self, deadline=deadline)


@dataclass(frozen=True, slots=True)
class StackedAlternatingOffers:
    """Multilateral stacked alternating offers [Aydogan2017] for three or more signatories."""

    deadline: int = 100
    opener: int | str | None = None
    discounting: bool = True
    name: str = field(default="stacked-alternating-offers", init=False)
    mediator: Mediator | None = field(default=None, init=False)
    multilateral: bool = field(default=True, init=False)

    def __post_init__(self) -> None:
        _check_deadline(self.deadline)

    def start(self, table: Table) -> State:
        _require_signatories(self.name, table, 3, None)
        return _initial(Context.of(self, table), Phase.PROPOSE, _resolve_opener(self.opener, table))

    def step(self, state: State, action: Action) -> State:
        return _alternating_step(state, action)

    def payoffs(self, table: Table, result: Result) -> tuple[float, ...]:
        return discounted_payoffs(table, result, self.discounting)

    def with_deadline(self, deadline: int) -> NegotiationProtocol:
        return replace(self, deadline=deadline)


@dataclass(frozen=True, slots=True)
class Mutation:
    """A single-text mediator: a uniformly random first text, then one-issue variations.

    Randomness: the first text consumes one ``integers(0, size)``; every later
    text consumes ``integers(0, k)`` (which of the ``k`` issues with two or more
    values changes) then ``integers(1, m)`` (by how many positions, cyclically,
    its ``m`` values shift).
    """

    def bind(self, table: Table, rng: np.random.Generator) -> MediatorAgent:
        return _MutationAgent(table.scenario.space.shape, rng)


@dataclass(frozen=True, slots=True)
class _MutationAgent:
    shape: tuple[int, ...]
    rng: np.random.Generator = field(compare=False)

    def propose(self, state: State) -> Action:
        size = state.context.size
        if state.text < 0:
            return Offer(int(self.rng.integers(0, size)))
        mutable = [i for i, n in enumerate(self.shape) if n > 1]
        if not mutable:
            return Offer(state.text)
        issue = mutable[int(self.rng.integers(0, len(mutable)))]
        shift = int(self.rng.integers(1, self.shape[issue]))
        stride = int(np.prod(self.shape[issue + 1 :], dtype=np.int64))
        value = (state.text // stride) % self.shape[issue]
        return Offer(state.text + (((value + shift) % self.shape[issue]) - value) * stride)


@dataclass(frozen=True, slots=True)
class SingleText:
    """Mediated single-text negotiation [Raiffa1982] [Klein2003] with a deadline in rounds."""

    deadline: int = 100
    discounting: bool = True
    mediator: Mediator | None = field(default_factory=Mutation)
    name: str = field(default="single-text", init=False)
    multilateral: bool = field(default=True, init=False)

    def __post_init__(self) -> None:
        _check_deadline(self.deadline)

    def start(self, table: Table) -> State:
        _require_signatories(self.name, table, 2, None)
        return _initial(Context.of(self, table), Phase.PROPOSE, MEDIATOR)

    def step(self, state: State, action: Action) -> State:
        return _single_text_step(state, action)

    def payoffs(self, table: Table, result: Result) -> tuple[float, ...]:
        return discounted_payoffs(table, result, self.discounting)

    def with_deadline(self, deadline: int) -> NegotiationProtocol:
        return replace(self, deadline=deadline)


PROTOCOLS: Registry[NegotiationProtocol] = Registry("protocol", "detente.protocols")

# What the spec parameters mean (their names and defaults come from each class).
_DEADLINE = {"deadline": Annotated[int, "number of rounds"]}
_OPENER = {"opener": Annotated[str | None, "id of the party proposing first (default: first)"]}
_DISCOUNTING = {"discounting": Annotated[bool, "discount agreements by each party's discount"]}

PROTOCOLS.declare(
    "alternating-offers",
    AlternatingOffers,
    "bilateral alternating offers with a deadline [Rubinstein1982]",
    bilateral_only=True,
    annotations=_DEADLINE | _OPENER | _DISCOUNTING,
)
PROTOCOLS.declare(
    "stacked-alternating-offers",
    StackedAlternatingOffers,
    "multilateral stacked alternating offers; signatories respond in turn [Aydogan2017]",
    annotations=_DEADLINE | _OPENER | _DISCOUNTING,
)
PROTOCOLS.declare(
    "single-text",
    SingleText,
    "a mediator proposes texts, signatories vote, the mediator improves the text",
    stochastic=True,
    annotations=_DEADLINE | _DISCOUNTING,
)


def load_protocol(spec: str) -> NegotiationProtocol:
    """The protocol a spec string describes.

    >>> load_protocol("alternating-offers(deadline=10)").deadline
    10
    """
    return PROTOCOLS.load(spec)
