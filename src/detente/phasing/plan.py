"""A scenario's phasing plan: its deal, the designer's defaults and an optional fixed schedule."""

from __future__ import annotations

from dataclasses import dataclass

from detente.phasing.deal import Deal
from detente.phasing.designer import DEFAULT_TIME_LIMIT, Objective
from detente.phasing.schedule import Schedule


@dataclass(frozen=True, slots=True)
class Phasing:
    """A scenario's deal with the designer's defaults and an optional fixed schedule."""

    deal: Deal
    stages: int = 1
    max_stages: int = 50
    objective: Objective = "total"
    target: float | None = None
    schedule: Schedule | None = None
    time_limit: float = DEFAULT_TIME_LIMIT
