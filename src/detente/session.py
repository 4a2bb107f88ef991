"""Sessions: run a protocol with chosen strategies on a scenario, one session at a time.

This is the reference engine: it defines the semantics every other engine
reproduces session by session.

* **Precomputation** happens once per scenario and strategy set
  (:meth:`Session.prepare`): the :class:`~detente.table.Table` and each
  strategy's ``prepare``.
* **Seeds.** A session's seed is a :class:`numpy.random.SeedSequence` ``S``.
  It spawns ``n_parties + 1`` children: child ``i`` seeds party ``i``'s generator
  (``numpy.random.default_rng``; stakeholders' children go unused) and the last
  child seeds the mediator's. Each strategy draws only from its own generator,
  so the consumption order is per party and documented with each strategy.
  ``N`` sessions from one integer seed ``s`` use ``SeedSequence(s).spawn(N)``:
  session ``k`` is ``SeedSequence(s, spawn_key=(k,))``, recorded in its trace.
* **The loop** asks the party named by ``state.actor`` to propose (phase
  ``PROPOSE``) or to respond to ``state.offer`` (phase ``RESPOND``) and steps the
  protocol until the state has a result. The runner owns no protocol logic.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.outcomes import ENUMERATION_LIMIT
from detente.protocols import MEDIATOR, NegotiationProtocol, Phase, State
from detente.registry import parse_spec
from detente.scenario import Scenario
from detente.strategies import STRATEGIES, PreparedStrategy, Strategy, StrategySpec, load_strategy
from detente.table import Table
from detente.trace import Trace

SeedLike = int | np.random.SeedSequence | None


def seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """A fresh SeedSequence for ``seed`` (copies a given one, so reuse gives equal children)."""
    if isinstance(seed, np.random.SeedSequence):
        return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    return np.random.SeedSequence(seed)


def session_seeds(seed: SeedLike, n: int) -> list[np.random.SeedSequence]:
    """The seeds of ``n`` sessions derived from ``seed``.

    >>> [s.spawn_key for s in session_seeds(7, 2)]
    [(0,), (1,)]
    """
    return seed_sequence(seed).spawn(n)


def _as_spec(strategy: str | StrategySpec) -> StrategySpec:
    return load_strategy(strategy) if isinstance(strategy, str) else strategy


def _check_bilateral(spec: StrategySpec, signatories: int) -> None:
    name = parse_spec(spec.spec).name
    if signatories > 2 and name in STRATEGIES and STRATEGIES.entry(name).bilateral_only:
        raise DetenteError(
            f"strategy {name!r} is bilateral only, but the negotiation has {signatories} "
            "signatories"
        )


@dataclass(frozen=True, slots=True)
class Session:
    """A protocol and prepared strategies on a table: run it with any number of seeds."""

    table: Table
    protocol: NegotiationProtocol
    strategies: tuple[PreparedStrategy | None, ...]
    specs: tuple[str, ...]
    initial: State

    @classmethod
    def prepare(
        cls,
        scenario: Scenario | Table,
        protocol: NegotiationProtocol,
        strategies: Sequence[str | StrategySpec],
        limit: int = ENUMERATION_LIMIT,
    ) -> Session:
        """Check the combination and precompute; ``strategies`` has one entry per signatory
        (in party order) or a single entry used by all.

        >>> from detente.protocols import AlternatingOffers
        >>> from detente.outcomes import Issue, OutcomeSpace
        >>> from detente.parties import Party
        >>> from detente.utility import LinearAdditive
        >>> space = OutcomeSpace((Issue.integer("x", 0, 10),))
        >>> a = Party("a", LinearAdditive((1.0,), (tuple(range(11)),)))
        >>> b = Party("b", LinearAdditive((1.0,), (tuple(range(10, -1, -1)),)))
        >>> session = Session.prepare(Scenario("pie", space, (a, b)),
        ...                           AlternatingOffers(deadline=10), ["boulware", "conceder"])
        >>> trace = session.run(seed=1)
        >>> trace.result.kind, trace.agreement, trace.utilities
        ('agreement', (9,), (9.0, 1.0))
        """
        table = scenario if isinstance(scenario, Table) else Table.of(scenario, limit)
        initial = protocol.start(table)
        signatories = table.signatories
        specs = [_as_spec(s) for s in strategies]
        if len(specs) == 1:
            specs = specs * len(signatories)
        if len(specs) != len(signatories):
            raise DetenteError(
                f"{len(specs)} strategies given for {len(signatories)} signatories "
                f"({', '.join(table.views[i].id for i in signatories)}); give one per "
                "signatory in party order, or one for all"
            )
        for spec in specs:
            _check_bilateral(spec, len(signatories))
        by_party: list[PreparedStrategy | None] = [None] * len(table.views)
        names = [""] * len(table.views)
        for party, spec in zip(signatories, specs, strict=True):
            by_party[party] = spec.prepare(table, party, protocol.deadline)
            names[party] = spec.spec
        return cls(table, protocol, tuple(by_party), tuple(names), initial)

    def _agents(self, seed: np.random.SeedSequence) -> tuple[dict[int, Strategy], object]:
        children = seed.spawn(len(self.table.views) + 1)
        agents = {
            i: s.bind(np.random.default_rng(children[i]))
            for i, s in enumerate(self.strategies)
            if s is not None
        }
        mediator = self.protocol.mediator
        bound = (
            None
            if mediator is None
            else mediator.bind(self.table, np.random.default_rng(children[-1]))
        )
        return agents, bound

    def play(self, seed: SeedLike = None) -> State:
        """The final state of one session."""
        agents, mediator = self._agents(seed_sequence(seed))
        state, step = self.initial, self.protocol.step
        while state.result is None:
            if state.actor == MEDIATOR:
                action = mediator.propose(state)  # type: ignore[attr-defined]
            elif state.phase is Phase.PROPOSE:
                action = agents[state.actor].propose(state)
            else:
                action = agents[state.actor].respond(state, state.offer)
            state = step(state, action)
        return state

    def run(self, seed: SeedLike = None) -> Trace:
        """Run one session and return its trace."""
        sequence = seed_sequence(seed)
        state = self.play(sequence)
        return self.trace(state, sequence)

    def trace(self, state: State, seed: np.random.SeedSequence) -> Trace:
        """The trace of a finished session."""
        result = state.result
        if result is None:
            raise ValueError("the session has not ended")
        scenario = self.table.scenario
        agreement = None if result.outcome is None else scenario.space.to_outcome(result.outcome)
        return Trace(
            scenario=scenario.name,
            protocol=self.protocol.name,
            deadline=self.protocol.deadline,
            parties=scenario.party_ids,
            strategies=self.specs,
            entropy=int(seed.entropy),  # type: ignore[arg-type]
            spawn_key=tuple(seed.spawn_key),
            events=state.events,
            result=result,
            utilities=self.protocol.payoffs(self.table, result),
            agreement=agreement,
        )

    def run_many(self, n: int, seed: SeedLike = None) -> Iterator[Trace]:
        """``n`` sessions with seeds ``SeedSequence(seed).spawn(n)``."""
        for child in session_seeds(seed, n):
            yield self.run(child)
