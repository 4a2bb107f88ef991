"""Acceptance policies: when to say yes [Baarslag2014].

Each composes with any offering policy through a strategy's ``accept``
parameter, written as specs joined by ``|`` (accept when any accepts), e.g.
``boulware(accept="threshold(level=0.9)|deadline")``. They are asked only
about offers of finite utility at or above the reservation value (unless they
declare ``below_reservation``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from detente.protocols import State
from detente.registry import Entry, Parameter, Registry, split_specs
from detente.strategies.base import AcceptancePolicy, Negotiator, at_least
from detente.table import Table


@dataclass(frozen=True, slots=True)
class AcceptNext:
    """AC_next: accept if the offer is at least as good as one's own next offer.

    The next offer is the one the offering policy would make in round
    ``min(round + 1, deadline - 1)``, so in the last round it is evaluated at
    the final time.
    """

    below_reservation: bool = False

    def prepare(self, table: Table, party: int, deadline: int) -> AcceptNext:
        return self

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        return at_least(me, utility, me.offering.next_utility(me, state))


@dataclass(frozen=True, slots=True)
class AcceptAbove:
    """AC_const: accept offers worth at least ``level`` of the way from the floor to the best.

    The floor is the reservation value (or, with ``below_reservation``, the
    lowest finite utility, so the policy may accept below the reservation).
    """

    level: float = 0.8
    below_reservation: bool = False
    threshold: float = np.inf

    def prepare(self, table: Table, party: int, deadline: int) -> AcceptAbove:
        view = table.views[party]
        finite = view.ascending[np.isfinite(view.ascending)]
        low = float(finite[0]) if self.below_reservation and finite.size else view.floor
        return replace(self, threshold=low + self.level * (view.best - low))

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        return at_least(me, utility, self.threshold)


@dataclass(frozen=True, slots=True)
class AcceptAtDeadline:
    """Accept any (individually rational) offer in the last round."""

    below_reservation: bool = False

    def prepare(self, table: Table, party: int, deadline: int) -> AcceptAtDeadline:
        return self

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        return state.round >= state.deadline - 1


@dataclass(frozen=True, slots=True)
class AcceptWithProbability:
    """Accept a rational offer with probability ``p``: consumes one ``random()`` per call."""

    p: float = 0.5
    below_reservation: bool = False

    def prepare(self, table: Table, party: int, deadline: int) -> AcceptWithProbability:
        return self

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        return bool(me.generator.random() < self.p)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Accept when any of ``policies`` accepts (evaluated in order, stopping at the first yes)."""

    policies: tuple[AcceptancePolicy, ...]

    @property
    def below_reservation(self) -> bool:
        return any(p.below_reservation for p in self.policies)

    def prepare(self, table: Table, party: int, deadline: int) -> AnyOf:
        return AnyOf(tuple(p.prepare(table, party, deadline) for p in self.policies))

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        return any(p.accepts(me, state, utility) for p in self.policies)


ACCEPTANCE: Registry[AcceptancePolicy] = Registry("acceptance policy")
ACCEPTANCE.register(
    Entry(
        "next",
        AcceptNext,
        "accept if at least as good as one's own next offer (AC_next)",
        kind="acceptance policy",
        vectorisable=True,
    )
)
ACCEPTANCE.register(
    Entry(
        "threshold",
        AcceptAbove,
        "accept offers above a fixed fraction of one's rational range (AC_const)",
        (
            Parameter("level", float, 0.8, "fraction of the way from floor to best"),
            Parameter("below_reservation", bool, False, "measure from the lowest utility"),
        ),
        kind="acceptance policy",
        vectorisable=True,
    )
)
ACCEPTANCE.register(
    Entry(
        "deadline",
        AcceptAtDeadline,
        "accept any rational offer in the last round",
        kind="acceptance policy",
        vectorisable=True,
    )
)
ACCEPTANCE.register(
    Entry(
        "probability",
        AcceptWithProbability,
        "accept a rational offer with a fixed probability",
        (Parameter("p", float, 0.5, "probability of accepting"),),
        kind="acceptance policy",
        stochastic=True,
        vectorisable=True,
    )
)


def load_acceptance(spec: str) -> AcceptancePolicy:
    """An acceptance policy from specs joined by ``|``.

    >>> load_acceptance("threshold(level=0.9)|deadline").policies[0].level
    0.9
    """
    parts = [p for p in split_specs(spec.replace("|", ",")) if p]
    policies = tuple(ACCEPTANCE.load(p) for p in parts)
    return policies[0] if len(policies) == 1 else AnyOf(policies)
