"""The strategy seam: a :class:`Strategy` proposes and responds; a :class:`Negotiator`
composes one from an offering policy and an acceptance policy.

Lifecycle, shared by every engine:

1. A *spec* (what the registry builds from ``"boulware(exponent=4)"``) is
   immutable and picklable.
2. ``spec.prepare(table, party, deadline)`` does the per-scenario work once (e.g.
   the offer of every round of a time-based strategy, the demanded package, the
   Nash point) and returns a prepared strategy.
3. ``prepared.bind(rng)`` gives the strategy acting in one session with that
   session's generator for this party.

Guarantees enforced here, whatever the policies: a negotiator with no
individually rational outcome walks away; it never offers an outcome of
``-inf`` utility or below its reservation value (offering policies search only
positions ``view.start..``), and it rejects such offers without consulting its
acceptance policy — unless that policy sets ``below_reservation`` (outcomes of
``-inf`` utility are rejected in every case).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from detente.protocols import Action, Move, Offer, State
from detente.table import TOLERANCE, PartyView, Table


class Strategy(Protocol):
    """How a party acts in one session."""

    def propose(self, state: State) -> Action:
        """An :class:`Offer` (or :data:`Move.WALK`) when it is this party's turn to propose."""
        ...

    def respond(self, state: State, offer: int) -> Action:
        """Accept, reject or walk away from the outcome ``offer`` on the table."""
        ...


class PreparedStrategy(Protocol):
    """A strategy prepared for one party of one scenario, not yet bound to a session."""

    def bind(self, rng: np.random.Generator) -> Strategy:
        """The strategy acting in one session, drawing from ``rng``."""
        ...


class StrategySpec(Protocol):
    """What the registry builds: immutable, picklable, scenario-independent."""

    @property
    def spec(self) -> str:
        """The spec string that rebuilds this strategy."""
        ...

    def prepare(self, table: Table, party: int, deadline: int) -> PreparedStrategy:
        """Precomputation for ``party`` on ``table`` with ``deadline`` rounds (done once)."""
        ...


class OfferingPolicy(Protocol):
    """Chooses what to offer, by search in the party's sorted utilities."""

    def prepare(self, table: Table, party: int, deadline: int) -> OfferingPolicy:
        """Resolve per-scenario data (default: nothing to do)."""
        ...

    def propose(self, me: Negotiator, state: State) -> int:
        """The outcome index to offer now (rational for ``me``)."""
        ...

    def next_utility(self, me: Negotiator, state: State) -> float:
        """Own utility of the offer this policy would make in the next round."""
        ...


class AcceptancePolicy(Protocol):
    """Decides whether to accept an offer (only asked about finite-utility offers)."""

    @property
    def below_reservation(self) -> bool:
        """Whether the policy may accept offers below the reservation value."""
        ...

    def prepare(self, table: Table, party: int, deadline: int) -> AcceptancePolicy:
        """Resolve per-scenario data (default: nothing to do)."""
        ...

    def accepts(self, me: Negotiator, state: State, utility: float) -> bool:
        """Whether to accept an offer worth ``utility`` to ``me``."""
        ...


@dataclass(frozen=True, slots=True)
class Negotiator:
    """A strategy composed of an offering and an acceptance policy, for one party."""

    view: PartyView
    offering: OfferingPolicy
    acceptance: AcceptancePolicy
    rng: np.random.Generator | None = field(default=None, compare=False, repr=False)

    def bind(self, rng: np.random.Generator) -> Negotiator:
        """This negotiator drawing from ``rng``."""
        return replace(self, rng=rng)

    @property
    def generator(self) -> np.random.Generator:
        """The session's generator (a negotiator must be bound before it draws)."""
        if self.rng is None:
            raise RuntimeError("bind the negotiator to a session generator first")
        return self.rng

    def propose(self, state: State) -> Action:
        if not self.view.rational:
            return Move.WALK
        return Offer(self.offering.propose(self, state))

    def respond(self, state: State, offer: int) -> Action:
        if not self.view.rational:
            return Move.WALK
        utility = float(self.view.utilities[offer])
        allowed = self.view.acceptable(utility) or (
            utility > -np.inf and self.acceptance.below_reservation
        )
        if allowed and self.acceptance.accepts(self, state, utility):
            return Move.ACCEPT
        return Move.REJECT


@dataclass(frozen=True, slots=True)
class Composite:
    """A strategy spec made of policies; ``spec`` is the string that rebuilds it."""

    spec: str
    offering: OfferingPolicy
    acceptance: AcceptancePolicy

    def prepare(self, table: Table, party: int, deadline: int) -> Negotiator:
        return Negotiator(
            table.views[party],
            self.offering.prepare(table, party, deadline),
            self.acceptance.prepare(table, party, deadline),
        )


def spec_string(name: str, **shown: object) -> str:
    """The spec string of a strategy: its name and the arguments that rebuild it.

    >>> spec_string("nash", accept="next"), spec_string("random")
    ("nash(accept='next')", 'random')
    """
    arguments = ", ".join(f"{key}={value!r}" for key, value in shown.items())
    return f"{name}({arguments})" if arguments else name


def at_least(me: Negotiator, utility: float, target: float) -> bool:
    """``utility >= target`` up to the party's tolerance."""
    return utility >= target - TOLERANCE * me.view.scale
