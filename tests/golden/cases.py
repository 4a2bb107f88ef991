"""The canonical sessions whose traces are stored in this folder (see ``regenerate.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from detente.protocols import (
    AlternatingOffers,
    NegotiationProtocol,
    SingleText,
    StackedAlternatingOffers,
)
from detente.scenario import Scenario
from detente.session import Session
from tests.strategies import pie_scenario, stakeholder_scenario, trade_scenario


@dataclass(frozen=True)
class Case:
    """One canonical session: scenario, protocol, strategies, seed."""

    name: str
    scenario: Callable[[], Scenario]
    protocol: NegotiationProtocol
    strategies: tuple[str, ...]
    seed: int

    def session(self) -> Session:
        return Session.prepare(self.scenario(), self.protocol, list(self.strategies))


CASES = (
    Case(
        "boulware-vs-conceder",
        trade_scenario,
        AlternatingOffers(deadline=20),
        ("boulware", "conceder"),
        1,
    ),
    Case(
        "hardline-vs-tit-for-tat",
        pie_scenario,
        AlternatingOffers(deadline=12, opener="b"),
        ("hardline", "tit-for-tat"),
        2,
    ),
    Case(
        "random-vs-linear",
        trade_scenario,
        AlternatingOffers(deadline=15),
        ("random", "linear(accept='threshold(level=0.5)|deadline')"),
        3,
    ),
    Case(
        "stacked-three-parties",
        stakeholder_scenario,
        StackedAlternatingOffers(deadline=20),
        ("boulware", "linear", "conceder"),
        4,
    ),
    Case(
        "single-text-three-parties",
        stakeholder_scenario,
        SingleText(deadline=30),
        ("linear", "nash", "conceder"),
        5,
    ),
)
