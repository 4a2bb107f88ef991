"""Batch forms of the strategy policies: one call decides for many sessions at once.

Each reference policy (:mod:`detente.strategies`) that is vectorisable has a
batch form here, built from the *prepared* policy so that both engines share
the per-scenario precomputation. A batch form answers for the sessions
``rows`` of a :class:`~detente.batch.lockstep.Lockstep` (all in the same round)
with numpy operations, and must reproduce the reference policy exactly: the
same floating-point operations in the same order (``py_max`` mirrors Python's
``max``), the same binary search in the party's sorted utilities, the same
random draws (one ``random()`` double per draw, taken from the session's
stream of that party, see :mod:`detente.batch.streams`).

Each form declares, right below its definition, the policy type it mirrors
(:func:`register_form`); third-party policies become vectorisable the same way.
Whether a *strategy* runs on the batch engine is declared once, where the
strategy registers (``vectorisable=True``); the tests check every such
strategy against the reference engine by iterating the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from detente.batch.lockstep import BoolArray, Lockstep, Rows
from detente.strategies.acceptance import (
    AcceptAbove,
    AcceptAtDeadline,
    AcceptNext,
    AcceptWithProbability,
    AnyOf,
)
from detente.strategies.baseline import Uniform
from detente.strategies.concession import Aspiration
from detente.strategies.hardline import Demand
from detente.strategies.nash import NashPoint
from detente.strategies.reciprocal import Reciprocal
from detente.table import TOLERANCE, IntArray, PartyView
from detente.utility import FloatArray


class BatchOffering(Protocol):
    """The batch form of an offering policy."""

    @property
    def draws(self) -> int:
        """Random doubles one call may consume per session (0: deterministic)."""
        ...

    @property
    def history(self) -> bool:
        """Whether the policy reads the parties' first and latest offers."""
        ...

    def propose(self, step: Lockstep, rows: Rows) -> IntArray:
        """The outcome each session in ``rows`` offers this round."""
        ...

    def next_utility(self, step: Lockstep, rows: Rows) -> FloatArray:
        """Own utility of the offer each session would make next round."""
        ...


class BatchAcceptance(Protocol):
    """The batch form of an acceptance policy."""

    @property
    def draws(self) -> int:
        """Random doubles one call may consume per session (0: deterministic)."""
        ...

    @property
    def below_reservation(self) -> bool:
        """Whether the policy may accept offers below the reservation value."""
        ...

    def accepts(
        self, step: Lockstep, rows: Rows, utility: FloatArray, offering: BatchOffering
    ) -> BoolArray:
        """Whether each session in ``rows`` accepts an offer worth ``utility``."""
        ...


Form = BatchOffering | BatchAcceptance
Builder = Callable[[Any, PartyView], Form | None]
"""Builds a policy's batch form from the prepared policy and the party's view (None: cannot)."""

_FORMS: dict[type[Any], Builder] = {}


def register_form(policy_type: type[Any], builder: Builder) -> None:
    """Declare the batch form of a (prepared) policy type (each form below declares its own).

    >>> sorted(t.__name__ for t in _FORMS)[:3]
    ['AcceptAbove', 'AcceptAtDeadline', 'AcceptNext']
    """
    _FORMS[policy_type] = builder


def batch_form(policy: object, view: PartyView) -> Form | None:
    """The batch form of a prepared policy, or None when it has none."""
    builder = _FORMS.get(type(policy))
    return None if builder is None else builder(policy, view)


def at_least(view: PartyView, targets: FloatArray) -> IntArray:
    """:meth:`PartyView.at_least` for many targets at once.

    >>> view = PartyView.of(0, "a", np.array([3.0, 1.0, 2.0]), reservation=0.0)
    >>> at_least(view, np.array([0.5, 2.0, 9.0])).tolist()
    [1, 2, 0]
    """
    position = np.searchsorted(view.ascending, targets - TOLERANCE * view.scale, "left")
    return view.order[np.clip(position, view.start, view.size - 1)]


def py_max(a: FloatArray, b: FloatArray | float) -> FloatArray:
    """Python's ``max(a, b)`` elementwise (``b`` if ``b > a`` else ``a``, NaN included).

    >>> py_max(np.array([np.nan, 1.0, -0.0]), 0.0).tolist()
    [nan, 1.0, -0.0]
    """
    return np.where(b > a, b, a)


def _full(step: Lockstep, rows: Rows, value: float | int, dtype: type[Any]) -> Any:
    """``value`` for every row, as a read-only broadcast (no per-session memory)."""
    return np.broadcast_to(np.asarray(value, dtype=dtype), (step.count(rows),))


@dataclass(frozen=True, slots=True)
class AspirationForm:
    """Time-based concession: the prepared offer of the round, shared by every session."""

    offers: tuple[int, ...]
    worths: tuple[float, ...]
    draws: int = 0
    history: bool = False

    def propose(self, step: Lockstep, rows: Rows) -> IntArray:
        offer: IntArray = _full(step, rows, self.offers[step.round], np.int64)
        return offer

    def next_utility(self, step: Lockstep, rows: Rows) -> FloatArray:
        worth = self.worths[min(step.round + 1, len(self.worths) - 1)]
        return _full(step, rows, worth, np.float64)  # type: ignore[no-any-return]


register_form(Aspiration, lambda p, v: AspirationForm(p.offers, p.worths))


@dataclass(frozen=True, slots=True)
class ReciprocalForm:
    """Tit for tat: each session's aspiration from its opponent's first and latest offer."""

    view: PartyView
    reciprocity: float
    opponent: int
    draws: int = 0
    history: bool = True

    def propose(self, step: Lockstep, rows: Rows) -> IntArray:
        view = self.view
        first, last = step.first[rows, self.opponent], step.last[rows, self.opponent]
        with np.errstate(invalid="ignore"):  # -inf - -inf is NaN here as in Python floats
            gained = view.utilities[last] - view.utilities[first]
            target = py_max(view.best - self.reciprocity * py_max(gained, 0.0), view.floor)
        return at_least(view, np.where(first < 0, view.best, target))

    def next_utility(self, step: Lockstep, rows: Rows) -> FloatArray:
        worth: FloatArray = self.view.utilities[self.propose(step, rows)]
        return worth


register_form(Reciprocal, lambda p, v: ReciprocalForm(v, p.reciprocity, p.opponent))


@dataclass(frozen=True, slots=True)
class FixedForm:
    """A fixed offer (hard-line demand, Nash point) and its fixed worth."""

    offer: int
    worth: float
    draws: int = 0
    history: bool = False

    def propose(self, step: Lockstep, rows: Rows) -> IntArray:
        offer: IntArray = _full(step, rows, self.offer, np.int64)
        return offer

    def next_utility(self, step: Lockstep, rows: Rows) -> FloatArray:
        worth: FloatArray = _full(step, rows, self.worth, np.float64)
        return worth


register_form(NashPoint, lambda p, v: FixedForm(p.point, float(v.utilities[p.point])))
register_form(
    Demand,
    lambda p, v: (
        FixedForm(p.demand, p.worth)
        if v.acceptable(p.worth)
        else FixedForm(v.at_least(v.best), p.worth)
    ),
)


@dataclass(frozen=True, slots=True)
class UniformForm:
    """Random baseline: one double of the session's stream picks a rational position."""

    view: PartyView
    party: int
    draws: int = 1
    history: bool = False

    def propose(self, step: Lockstep, rows: Rows) -> IntArray:
        view = self.view
        n = view.size - view.start
        u = step.uniform(self.party, rows)
        position = np.minimum((u * n).astype(np.int64), n - 1)
        offer: IntArray = view.order[view.start + position]
        return offer

    def next_utility(self, step: Lockstep, rows: Rows) -> FloatArray:
        floor: FloatArray = _full(step, rows, self.view.floor, np.float64)
        return floor


register_form(Uniform, lambda p, v: UniformForm(v, v.index))


@dataclass(frozen=True, slots=True)
class NextForm:
    """AC_next: at least as good as one's own next offer, up to the tolerance."""

    scale: float
    below_reservation: bool = False
    draws: int = 0

    def accepts(
        self, step: Lockstep, rows: Rows, utility: FloatArray, offering: BatchOffering
    ) -> BoolArray:
        target = offering.next_utility(step, rows)
        yes: BoolArray = utility >= target - TOLERANCE * self.scale
        return yes


register_form(AcceptNext, lambda p, v: NextForm(v.scale, p.below_reservation))


@dataclass(frozen=True, slots=True)
class ThresholdForm:
    """AC_const: at least a fixed utility, up to the tolerance."""

    threshold: float
    scale: float
    below_reservation: bool = False
    draws: int = 0

    def accepts(
        self, step: Lockstep, rows: Rows, utility: FloatArray, offering: BatchOffering
    ) -> BoolArray:
        yes: BoolArray = utility >= self.threshold - TOLERANCE * self.scale
        return yes


register_form(AcceptAbove, lambda p, v: ThresholdForm(p.threshold, v.scale, p.below_reservation))


@dataclass(frozen=True, slots=True)
class DeadlineForm:
    """Accept in the last round."""

    below_reservation: bool = False
    draws: int = 0

    def accepts(
        self, step: Lockstep, rows: Rows, utility: FloatArray, offering: BatchOffering
    ) -> BoolArray:
        yes: BoolArray = _full(step, rows, step.round >= step.deadline - 1, np.bool_)
        return yes


register_form(AcceptAtDeadline, lambda p, v: DeadlineForm(p.below_reservation))


@dataclass(frozen=True, slots=True)
class ProbabilityForm:
    """Accept with probability ``p``: one double of the stream of each session asked."""

    p: float
    party: int
    below_reservation: bool = False
    draws: int = 1

    def accepts(
        self, step: Lockstep, rows: Rows, utility: FloatArray, offering: BatchOffering
    ) -> BoolArray:
        yes: BoolArray = step.uniform(self.party, rows) < self.p
        return yes


register_form(
    AcceptWithProbability, lambda p, v: ProbabilityForm(p.p, v.index, p.below_reservation)
)


@dataclass(frozen=True, slots=True)
class AnyOfForm:
    """Accept when any policy accepts, asking each only the sessions still undecided."""

    policies: tuple[BatchAcceptance, ...]
    below_reservation: bool = False

    @property
    def draws(self) -> int:
        return sum(p.draws for p in self.policies)

    def accepts(
        self, step: Lockstep, rows: Rows, utility: FloatArray, offering: BatchOffering
    ) -> BoolArray:
        rows = step.positions(rows)
        yes = np.zeros(rows.size, dtype=np.bool_)
        open_ = np.arange(rows.size)
        for policy in self.policies:
            said = policy.accepts(step, rows[open_], utility[open_], offering)
            yes[open_[said]] = True
            open_ = open_[~said]
        return yes


def _any_of(policy: AnyOf, view: PartyView) -> Form | None:
    forms = [batch_form(p, view) for p in policy.policies]
    if any(f is None for f in forms):
        return None
    return AnyOfForm(tuple(forms), policy.below_reservation)  # type: ignore[arg-type]


register_form(AnyOf, _any_of)
