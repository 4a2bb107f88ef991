"""Traces: the immutable record of one session, stored as JSON Lines (one session per line).

A trace names the scenario, protocol, parties and strategies, the seed that
reproduces it, every event (offer, acceptance, rejection, walk-out) and the
result with every party's utility (stakeholders included). Non-finite
utilities are written as the strings ``"inf"``/``"-inf"`` so files stay
standard JSON; everything loads back equal.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.errors import DetenteError, Location
from detente.outcomes import Value
from detente.protocols import MEDIATOR, Event, Result

FORMAT = "detente.trace/1"


@dataclass(frozen=True, slots=True)
class Trace:
    """One session: who negotiated how, what happened, how it ended."""

    scenario: str
    protocol: str
    deadline: int
    parties: tuple[str, ...]
    strategies: tuple[str, ...]
    entropy: int
    spawn_key: tuple[int, ...]
    events: tuple[Event, ...]
    result: Result
    utilities: tuple[float, ...]
    agreement: tuple[Value, ...] | None = None

    @property
    def agreed(self) -> bool:
        """Whether the session ended in agreement."""
        return self.result.kind == "agreement"

    @property
    def rounds(self) -> int:
        """Number of rounds played (the round the session ended in, plus one)."""
        return self.result.round + 1

    def to_json(self) -> dict[str, Any]:
        """The JSON document of this trace."""
        actor = self._actor_name
        return {
            "format": FORMAT,
            "scenario": self.scenario,
            "protocol": self.protocol,
            "deadline": self.deadline,
            "parties": list(self.parties),
            "strategies": list(self.strategies),
            "seed": {"entropy": self.entropy, "spawn_key": list(self.spawn_key)},
            "events": [
                {"round": e.round, "actor": actor(e.actor), "kind": e.kind, "outcome": e.outcome}
                for e in self.events
            ],
            "result": {
                "kind": self.result.kind,
                "round": self.result.round,
                "outcome": self.result.outcome,
                "by": None if self.result.by is None else actor(self.result.by),
                "agreement": None if self.agreement is None else list(self.agreement),
                "utilities": {
                    p: _number(u) for p, u in zip(self.parties, self.utilities, strict=True)
                },
            },
        }

    def _actor_name(self, actor: int) -> str:
        return "mediator" if actor == MEDIATOR else self.parties[actor]

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Trace:
        """Rebuild a trace from :meth:`to_json` output."""
        parties = tuple(doc["parties"])
        index = {p: i for i, p in enumerate(parties)} | {"mediator": MEDIATOR}
        result = doc["result"]
        events = tuple(
            Event(e["round"], index[e["actor"]], e["kind"], e["outcome"]) for e in doc["events"]
        )
        by = None if result["by"] is None else index[result["by"]]
        agreement = None if result["agreement"] is None else tuple(result["agreement"])
        return cls(
            scenario=doc["scenario"],
            protocol=doc["protocol"],
            deadline=doc["deadline"],
            parties=parties,
            strategies=tuple(doc["strategies"]),
            entropy=doc["seed"]["entropy"],
            spawn_key=tuple(doc["seed"]["spawn_key"]),
            events=events,
            result=Result(result["kind"], result["round"], result["outcome"], by),
            utilities=tuple(_float(result["utilities"][p]) for p in parties),
            agreement=agreement,
        )


def _number(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)


def _float(value: float | str) -> float:
    return float(value)


def dumps(trace: Trace) -> str:
    """One JSON Lines record (no newline)."""
    return json.dumps(trace.to_json(), separators=(",", ":"), allow_nan=False)


def write_traces(path: str | Path, traces: Iterable[Trace]) -> int:
    """Write traces to ``path`` as JSON Lines; returns how many were written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for trace in traces:
            out.write(dumps(trace) + "\n")
            count += 1
    return count


def read_traces(path: str | Path) -> Iterator[Trace]:
    """The traces stored in a JSON Lines file, in order."""
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield Trace.from_json(json.loads(line))
            except (KeyError, TypeError, ValueError) as exc:
                raise DetenteError(
                    f"not a detente trace record ({exc.__class__.__name__}: {exc})",
                    Location(str(path), number),
                ) from None
