"""Acceptance policies: when to say yes [Baarslag2014].

Each composes with any offering policy through a strategy's ``accept``
parameter, written as specs joined by ``|`` (accept when any accepts), e.g.
``boulware(accept="threshold(level=0.9)|deadline")``. They are asked only
about offers of finite utility at or above the reservation value (unless they
declare ``below_reservation``). Each policy registers in :data:`ACCEPTANCE` right
below its definition; the parameters a spec may set are the fields annotated
with a description.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated

import numpy as np

from detente.protocols import State
from detente.registry import UNIT, Registry, split_specs
from detente.strategies.base import AcceptancePolicy, Negotiator, at_least
from detente.table import Table

ACCEPTANCE: Registry[AcceptancePolicy] = Registry("acceptance policy")

Accept = Annotated[str, "acceptance policies joined by | (next, threshold, …)"]
"""A strategy's ``accept`` parameter: acceptance specs joined by ``|`` (:func:`load_acceptance`)."""


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


ACCEPTANCE.declare(
    "next",
    AcceptNext,
    "accept if at least as good as one's own next offer (AC_next)",
    vectorisable=True,
)


@dataclass(frozen=True, slots=True)
class AcceptAbove:
    """AC_const: accept offers worth at least ``level`` of the way from the floor to the best.

    The floor is the reservation value (or, with ``below_reservation``, the
    lowest finite utility, so the policy may accept below the reservation).
    """

    level: Annotated[float, UNIT, "fraction of the way from floor to best"] = 0.8
    below_reservation: Annotated[bool, "measure from the lowest utility"] = False
    threshold: float = np.inf

    def prepare(self, table: Table, party: int, deadline: int) -> AcceptAbove:
        view = table.views[party]
        finite = view.ascending[np.isfinite(view.ascending)]
        low = float(finite[0]) if self.below_reservation and finite.size else view.floor
        return replace(self, threshold=low + self.level * (view.best - low))

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        return at_least(me, utility, self.threshold)


ACCEPTANCE.declare(
    "threshold",
    AcceptAbove,
    "accept offers above a fixed fraction of one's rational range (AC_const)",
    vectorisable=True,
)


@dataclass(frozen=True, slots=True)
class AcceptAtDeadline:
    """Accept any (individually rational) offer in the last round."""

    below_reservation: bool = False

    def prepare(self, table: Table, party: int, deadline: int) -> AcceptAtDeadline:
        return self

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        return state.round >= state.deadline - 1


ACCEPTANCE.declare(
    "deadline", AcceptAtDeadline, "accept any rational offer in the last round", vectorisable=True
)


@dataclass(frozen=True, slots=True)
class AcceptWithProbability:
    """Accept a rational offer with probability ``p``: consumes one ``random()`` per call."""

    p: Annotated[float, UNIT, "probability of accepting"] = 0.5
    below_reservation: bool = False

    def prepare(self, table: Table, party: int, deadline: int) -> AcceptWithProbability:
        return self

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        return bool(me.generator.random() < self.p)


ACCEPTANCE.declare(
    "probability",
    AcceptWithProbability,
    "accept a rational offer with a fixed probability",
    stochastic=True,
    vectorisable=True,
)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Accept when any of ``policies`` accepts (evaluated in order, stopping at the first yes)."""

    policies: tuple[AcceptancePolicy, ...]

    @property
    def below_reservation(self) -> bool:
        """Whether any of the policies accepts below the reservation value."""
        return any(p.below_reservation for p in self.policies)

    def prepare(self, table: Table, party: int, deadline: int) -> AnyOf:
        return AnyOf(tuple(p.prepare(table, party, deadline) for p in self.policies))

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        return any(p.accepts(me, state, utility) for p in self.policies)


def load_acceptance(spec: str) -> AcceptancePolicy:
    """An acceptance policy from specs joined by ``|``.

    >>> load_acceptance("threshold(level=0.9)|deadline").policies[0].level
    0.9
    """
    parts = [p for p in split_specs(spec.replace("|", ",")) if p]
    policies = tuple(ACCEPTANCE.load(p) for p in parts)
    return policies[0] if len(policies) == 1 else AnyOf(policies)
