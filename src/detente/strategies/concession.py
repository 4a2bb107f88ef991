"""Time-based concession [Faratin1998]: aspiration falls from one's best to one's floor.

The aspiration at relative time ``t`` is ``floor + (best - floor) · (1 - t^e)``:
``e > 1`` concedes late (Boulware), ``e = 1`` linearly, ``e < 1`` early
(Conceder). The offer is the outcome of lowest own utility at or above the
aspiration (lowest outcome index among equal utilities), found by binary
search in the party's sorted utilities. Deterministic: consumes no randomness.

Registered as ``boulware`` (``e = 4``), ``linear`` (``e = 1``) and ``conceder``
(``e = 0.25``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Annotated

from detente.protocols import State
from detente.registry import POSITIVE, UNIT
from detente.strategies.acceptance import Accept, load_acceptance
from detente.strategies.base import Composite, Negotiator, StrategySpec, spec_string
from detente.strategies.models import MODELS, ModelName, NoModel, OpponentModel
from detente.strategies.registry import STRATEGIES
from detente.table import TOLERANCE, PartyView, Table

Exponent = Annotated[float, POSITIVE, "aspiration curve exponent (>1 Boulware, <1 Conceder)"]
Window = Annotated[float, UNIT, "with a model: width of the choice, share of own range"]


def aspiration(best: float, floor: float, time: float, exponent: float) -> float:
    """The aspiration level at relative time ``time``.

    >>> aspiration(1.0, 0.0, 0.5, 1.0), aspiration(1.0, 0.0, 0.5, 4.0)
    (0.5, 0.9375)
    """
    return float(floor + (best - floor) * (1.0 - time**exponent))


@dataclass(frozen=True, slots=True)
class Aspiration:
    """Offer at the aspiration level of the current round's time.

    Preparation computes the offer of every round (one binary search each; with
    an opponent model, a choice among the outcomes whose own utility lies within
    ``window`` of the party's range above the first one at or above the
    aspiration). ``next_utility`` in round ``t`` is the utility of the offer of
    round ``min(t + 1, deadline - 1)``.
    """

    exponent: float = 1.0
    model: OpponentModel = field(default_factory=NoModel)
    window: float = 0.0
    offers: tuple[int, ...] = ()
    worths: tuple[float, ...] = ()

    def prepare(self, table: Table, party: int, deadline: int) -> Aspiration:
        view = table.views[party]
        model = self.model.prepare(table, party)
        last = max(deadline - 1, 1)
        times = [min(t / last, 1.0) if deadline > 1 else 1.0 for t in range(deadline)]
        offers = tuple(
            self._offer(view, model, aspiration(view.best, view.floor, time, self.exponent))
            for time in times
        )
        worths = tuple(float(view.utilities[x]) for x in offers)
        return replace(self, model=model, offers=offers, worths=worths)

    def _offer(self, view: PartyView, model: OpponentModel, target: float) -> int:
        low = view.position_at_least(target)
        top = float(view.ascending[low]) + self.window * view.scale
        high = int(view.ascending.searchsorted(top + TOLERANCE * view.scale, side="right"))
        return model.choose(view, low, max(high, low + 1))

    def propose(self, me: Negotiator, state: State) -> int:
        return self.offers[state.round]

    def next_utility(self, me: Negotiator, state: State) -> float:
        return self.worths[min(state.round + 1, len(self.worths) - 1)]


def time_based(name: str, default_exponent: float) -> Callable[..., StrategySpec]:
    """The factory of the time-based strategy ``name`` (its exponent defaults to the given one)."""

    def build(
        exponent: Exponent = default_exponent,
        accept: Accept = "next",
        model: ModelName = "none",
        window: Window = 0.1,
    ) -> StrategySpec:
        if model == "none":
            spec = spec_string(name, exponent=exponent, accept=accept)
            offering = Aspiration(exponent)
        else:
            spec = spec_string(name, exponent=exponent, accept=accept, model=model, window=window)
            offering = Aspiration(exponent, MODELS.load(model), window)
        return Composite(spec, offering, load_acceptance(accept))

    return build


for _name, _exponent, _summary in (
    ("boulware", 4.0, "time-based concession, late (aspiration exponent 4) [Faratin1998]"),
    ("linear", 1.0, "time-based concession, linear in time [Faratin1998]"),
    ("conceder", 0.25, "time-based concession, early (aspiration exponent 0.25) [Faratin1998]"),
):
    STRATEGIES.declare(_name, time_based(_name, _exponent), _summary, vectorisable=True)
