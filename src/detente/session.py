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

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.outcomes import ENUMERATION_LIMIT, Value
from detente.protocols import (
    MEDIATOR,
    AlternatingOffers,
    MediatorAgent,
    NegotiationProtocol,
    Phase,
    StackedAlternatingOffers,
    State,
    load_protocol,
    ratify,
)
from detente.registry import parse_spec, split_specs
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

    def _agents(
        self, seed: np.random.SeedSequence
    ) -> tuple[dict[int, Strategy], MediatorAgent | None]:
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
            if state.actor == MEDIATOR and mediator is not None:
                action = mediator.propose(state)
            elif state.phase is Phase.PROPOSE:
                action = agents[state.actor].propose(state)
            else:
                action = agents[state.actor].respond(state, state.offer)
            state = step(state, action)
        return ratify(self.table, state)

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


@dataclass(frozen=True, slots=True)
class Summary:
    """What many sessions add up to.

    ``mean_utilities`` averages every party's payoff over all sessions
    (disagreements pay reservation values); ``agreements`` counts each agreed
    outcome, most frequent first (ties by first appearance).
    """

    parties: tuple[str, ...]
    sessions: int
    agreement_rate: float
    mean_rounds: float
    mean_utilities: tuple[float, ...]
    results: tuple[tuple[str, int], ...]
    agreements: tuple[tuple[tuple[Value, ...], int], ...]

    def to_json(self, issues: Sequence[str]) -> dict[str, object]:
        """The ``simulate --json`` document (outcomes as ``issue=value, …`` strings)."""

        def label(outcome: tuple[Value, ...]) -> str:
            return ", ".join(f"{n}={v}" for n, v in zip(issues, outcome, strict=True))

        return {
            "sessions": self.sessions,
            "agreement_rate": self.agreement_rate,
            "mean_rounds": self.mean_rounds,
            "mean_utilities": dict(zip(self.parties, self.mean_utilities, strict=True)),
            "results": dict(self.results),
            "agreements": {label(outcome): count for outcome, count in self.agreements},
        }


def summarize(traces: Iterable[Trace]) -> Summary:
    """Summarise traces of sessions among the same parties.

    >>> from detente.trace import Trace
    >>> from detente.protocols import Result
    >>> t = Trace("s", "p", 3, ("a", "b"), ("x", "y"), 0, (), (), Result("agreement", 1, 0),
    ...           (1.0, 2.0), ("deal",))
    >>> summarize([t, t]).mean_utilities
    (1.0, 2.0)
    """
    parties: tuple[str, ...] = ()
    n, agreed, rounds = 0, 0, 0
    totals: list[float] = []
    results: Counter[str] = Counter()
    agreements: Counter[tuple[Value, ...]] = Counter()
    for trace in traces:
        if n == 0:
            parties, totals = trace.parties, [0.0] * len(trace.parties)
        n += 1
        rounds += trace.rounds
        results[trace.result.kind] += 1
        totals = [t + u for t, u in zip(totals, trace.utilities, strict=True)]
        if trace.agreement is not None:
            agreed += 1
            agreements[trace.agreement] += 1
    if n == 0:
        raise ValueError("no sessions to summarise")
    return Summary(
        parties=parties,
        sessions=n,
        agreement_rate=agreed / n,
        mean_rounds=rounds / n,
        mean_utilities=tuple(t / n for t in totals),
        results=tuple(sorted(results.items())),
        agreements=tuple(agreements.most_common()),
    )


def protocol_for(
    scenario: Scenario, deadline: int | None = None, spec: str | None = None
) -> NegotiationProtocol:
    """The protocol to run ``scenario`` with: ``spec`` if given, else the scenario's
    ``protocol:`` section, else alternating offers (two signatories) or stacked
    alternating offers (more); ``deadline`` overrides the number of rounds.

    >>> from detente.outcomes import Issue, OutcomeSpace
    >>> from detente.parties import Party
    >>> from detente.utility import LinearAdditive
    >>> u = LinearAdditive((1.0,), ((0.0, 1.0),))
    >>> pair = Scenario("s", OutcomeSpace((Issue.item("x"),)), (Party("a", u), Party("b", u)))
    >>> protocol_for(pair, deadline=7).name, protocol_for(pair, deadline=7).deadline
    ('alternating-offers', 7)
    """
    if spec is not None:
        protocol = load_protocol(spec)
    elif scenario.negotiation is not None:
        protocol = load_protocol(scenario.negotiation.protocol)
    elif sum(p.signatory for p in scenario.parties) > 2:
        protocol = StackedAlternatingOffers()
    else:
        protocol = AlternatingOffers()
    return protocol if deadline is None else protocol.with_deadline(deadline)


def strategies_for(scenario: Scenario, specs: str | None) -> list[str]:
    """Strategy specs per signatory: from a comma-separated list, else from the scenario."""
    if specs is not None:
        return split_specs(specs)
    signatories = [p.id for p in scenario.parties if p.signatory]
    defaults = dict(scenario.negotiation.strategies) if scenario.negotiation else {}
    missing = [p for p in signatories if p not in defaults]
    if missing:
        raise DetenteError(
            f"no strategy for {', '.join(missing)}: give --strategies SPEC,SPEC,… (one per "
            f"signatory: {', '.join(signatories)}) or protocol.strategies in the scenario"
        )
    return [defaults[p] for p in signatories]
