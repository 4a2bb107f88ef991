"""Tournaments: every assignment of strategies to parties, on every scenario, repeated.

For each scenario with ``n`` signatories and ``K`` strategies, every one of the
``K**n`` ordered assignments of strategies to signatories (self-play included)
is a *match*, played ``repetitions`` times. Sessions are numbered scenario by
scenario, match by match, repetition by repetition; session ``k`` is seeded
``SeedSequence(seed, spawn_key=(k,))``, so results are identical for any
chunking and on any executor. A match whose protocol and strategies are
vectorisable runs on the batch engine (:mod:`detente.batch`), which plays the
same sessions as the reference engine seed for seed; ``engine="reference"``
forces the reference engine.

One row per session: ``session``, ``scenario``, ``match``, ``repetition``,
``parties`` and ``strategies`` (per signatory, in party order), ``utilities``
and ``reservations`` (per signatory), ``agreement``, ``result`` (how it ended),
``rounds``, ``outcome`` (the agreed outcome as ``issue=value, …``) and
``nash_distance``: the Euclidean distance, in the signatories' utility space,
from what the session paid to the Nash bargaining solution [Nash1950].
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import ClassVar

import numpy as np
import pyarrow as pa

from detente import sizes
from detente.batch import BatchSession, choose_engine
from detente.claims import Value
from detente.errors import DetenteError
from detente.experiments.chunks import Chunk, unit_seed
from detente.experiments.runner import RunOptions, normalized, run_experiment
from detente.experiments.store import Manifest
from detente.experiments.table import table_of
from detente.protocols import Result
from detente.scenario import Scenario
from detente.session import Session, protocol_for
from detente.solutions import NoSolution, nash

_PREPARED: dict[tuple[str, int, tuple[str, ...]], Session] = {}
"""Sessions prepared in this process, by tournament, scenario and assignment (bounded)."""


@dataclass(frozen=True, slots=True)
class Entrant:
    """A scenario in a tournament: its name, the built scenario and a digest of its source."""

    name: str
    scenario: Scenario
    digest: str

    @property
    def signatories(self) -> tuple[int, ...]:
        """Positions of the parties whose signature a deal needs."""
        return tuple(i for i, p in enumerate(self.scenario.parties) if p.signatory)


@dataclass(frozen=True)
class Tournament:
    """Strategies against each other on scenarios; picklable, so it travels to workers."""

    entrants: tuple[Entrant, ...]
    strategies: tuple[str, ...]
    repetitions: int = 1
    seed: int | None = None
    protocol: str | None = None
    rounds: int | None = None
    engine: str = "auto"

    def __post_init__(self) -> None:
        if not self.entrants or not self.strategies:
            raise DetenteError("a tournament needs at least one scenario and one strategy")
        if self.repetitions < 1:
            raise DetenteError(f"--repetitions must be at least 1, got {self.repetitions}")
        assignments = sum(len(self.strategies) ** len(e.signatories) for e in self.entrants)
        sizes.require(
            "sessions",
            assignments * self.repetitions,
            f"{assignments:,} assignments × {self.repetitions:,} repetitions "
            f"= {assignments * self.repetitions:,} sessions",
            "every strategy in every seat of every scenario",
        )
        if self.rounds is not None:
            sizes.require("rounds", self.rounds, f"--rounds {self.rounds:,}")

    kind: ClassVar[str] = "tournament"
    unit: ClassVar[str] = "session"

    @property
    def total(self) -> int:
        """How many sessions the tournament plays."""
        return len(self.matches) * self.repetitions

    def with_seed(self, seed: int) -> Tournament:
        """The same tournament with ``seed``."""
        return replace(self, seed=seed)

    @property
    def schema(self) -> pa.Schema:
        """The columns of every chunk (see the module docstring)."""
        return SCHEMA

    @property
    def details(self) -> Mapping[str, object]:
        """Nothing for readers beyond the rows."""
        return {}

    def pilot(self) -> tuple[Tournament, float]:
        """Prepare every strategy on every scenario (so a bad combination fails before
        anything is written) and time one session."""
        for i, entrant in enumerate(self.entrants):
            for strategy in self.strategies:
                session = self.session(i, (strategy,) * len(entrant.signatories))
                deadline = session.protocol.deadline
                sizes.require(
                    "rounds", deadline, f"{entrant.name}: a deadline of {deadline:,} rounds"
                )
        started = time.perf_counter()
        self.with_seed(self.seed or 0).play(0, 0, min(self.repetitions, 50))
        return self, (time.perf_counter() - started) / min(self.repetitions, 50)

    @cached_property
    def matches(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """Every (scenario index, strategy per signatory), in session order."""
        return tuple(
            (i, assignment)
            for i, entrant in enumerate(self.entrants)
            for assignment in itertools.product(self.strategies, repeat=len(entrant.signatories))
        )

    @cached_property
    def key(self) -> str:
        """A short identity of this tournament, for the per-process session cache."""
        return str(hash(repr(sorted(self.identity().items()))))

    def identity(self) -> dict[str, object]:
        """Everything that decides the rows: resuming requires it unchanged."""
        return normalized(
            {
                "scenarios": [{"name": e.name, "digest": e.digest} for e in self.entrants],
                "strategies": list(self.strategies),
                "repetitions": self.repetitions,
                "seed": self.seed,
                "protocol": self.protocol,
                "rounds": self.rounds,
            }
        )

    def session(self, scenario: int, assignment: tuple[str, ...]) -> Session:
        """The prepared session of a match (prepared once per process)."""
        key = (self.key, scenario, assignment)
        if key not in _PREPARED:
            if len(_PREPARED) > 256:
                _PREPARED.clear()
            entrant = self.entrants[scenario].scenario
            protocol = protocol_for(entrant, self.rounds, self.protocol)
            _PREPARED[key] = Session.prepare(entrant, protocol, list(assignment))
        return _PREPARED[key]

    def engine_for(self, session: Session) -> BatchSession | None:
        """The batch engine for ``session`` when :attr:`engine` allows it and it can run there."""
        if choose_engine(session, self.engine) == "reference":
            return None
        return BatchSession.of(session)

    def run_chunk(self, chunk: Chunk) -> pa.Table:
        """The rows of the sessions in ``chunk``, match by match."""
        if self.seed is None:
            raise DetenteError("a tournament needs a seed to run")
        rows: list[dict[str, Value]] = []
        number = chunk.start
        while number < chunk.stop:
            match = number // self.repetitions
            count = min(chunk.stop, (match + 1) * self.repetitions) - number
            rows.extend(self.play(match, number, count))
            number += count
        return table_of(rows, SCHEMA)

    def play(self, match: int, first: int, count: int) -> list[dict[str, Value]]:
        """Sessions ``first .. first + count - 1`` (all of match ``match``), described.

        On the batch engine when the match can run there: it plays the same
        sessions as the reference engine, seed for seed.
        """
        scenario, assignment = self.matches[match]
        session = self.session(scenario, assignment)
        batch = self.engine_for(session)
        seed = self.seed or 0
        if batch is not None:
            results = batch.play(np.random.SeedSequence(seed), first, count)
            played = [(results.result(k), results.payoffs(k)) for k in range(count)]
        else:
            traces = [session.run(unit_seed(seed, first + k)) for k in range(count)]
            played = [(trace.result, trace.utilities) for trace in traces]
        entrant = self.entrants[scenario]
        return [
            {
                "session": first + k,
                "scenario": entrant.name,
                "match": match,
                "repetition": first + k - match * self.repetitions,
                **describe(result, payoffs, entrant),
                "strategies": list(assignment),
            }
            for k, (result, payoffs) in enumerate(played)
        ]


SCHEMA = pa.schema(
    [
        pa.field("session", pa.int64()),
        pa.field("scenario", pa.string()),
        pa.field("match", pa.int64()),
        pa.field("repetition", pa.int64()),
        pa.field("parties", pa.list_(pa.string())),
        pa.field("utilities", pa.list_(pa.float64())),
        pa.field("reservations", pa.list_(pa.float64())),
        pa.field("agreement", pa.bool_()),
        pa.field("result", pa.string()),
        pa.field("rounds", pa.int64()),
        pa.field("outcome", pa.string()),
        pa.field("nash_distance", pa.float64()),
        pa.field("strategies", pa.list_(pa.string())),
    ]
)
"""A tournament's columns: the same in every chunk, whatever its sessions."""


def describe(result: Result, payoffs: Sequence[float], entrant: Entrant) -> dict[str, Value]:
    """What a session's row records about how it ended (see the module docstring)."""
    seats = entrant.signatories
    scenario = entrant.scenario
    utilities = [float(payoffs[i]) for i in seats]
    outcome = None
    if result.outcome is not None:
        values = scenario.space.to_outcome(result.outcome)
        outcome = ", ".join(f"{n}={v}" for n, v in zip(scenario.space.names, values, strict=True))
    return {
        "parties": [scenario.parties[i].id for i in seats],
        "utilities": utilities,
        "reservations": [float(scenario.parties[i].reservation) for i in seats],
        "agreement": result.outcome is not None,
        "result": result.kind,
        "rounds": result.round + 1,
        "outcome": outcome,
        "nash_distance": nash_distance(entrant, utilities),
    }


_NASH: dict[tuple[str, str], tuple[float, ...] | None] = {}


def nash_point(entrant: Entrant) -> tuple[float, ...] | None:
    """The signatories' utilities at the Nash solution, or ``None`` if there is none (cached)."""
    key = (entrant.name, entrant.digest)
    if key not in _NASH:
        if len(_NASH) > 256:
            _NASH.clear()
        seats = list(entrant.signatories)
        utilities = entrant.scenario.utility_matrix()[:, seats]
        solution = nash(utilities, entrant.scenario.reservations[seats])
        _NASH[key] = None if isinstance(solution, NoSolution) else tuple(solution.utilities)
    return _NASH[key]


def nash_distance(entrant: Entrant, utilities: Sequence[float]) -> float | None:
    """Euclidean distance from ``utilities`` to the Nash point (``None`` without one)."""
    point = nash_point(entrant)
    if point is None or not all(math.isfinite(u) for u in utilities):
        return None
    return float(np.linalg.norm(np.asarray(utilities) - np.asarray(point)))


def run_tournament(tournament: Tournament, options: RunOptions) -> Manifest:
    """Run (or resume) ``tournament`` into ``options.out``; returns the final manifest."""
    return run_experiment(tournament, options)
