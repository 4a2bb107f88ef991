"""Hard-line (all-or-nothing): demand a fixed package, accept only it or better.

The package is a mapping ``{issue: value}``; issues left out are free, and the
demand is the party's best outcome among those matching the package (lowest
outcome index among ties). Without a package the demand is the party's best
outcome. A package the party itself finds unacceptable (below its reservation
value) is not offered: the party offers its best outcome instead. Deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated

import numpy as np

from detente.errors import DetenteError
from detente.outcomes import Value
from detente.protocols import State
from detente.strategies.acceptance import Accept, load_acceptance
from detente.strategies.base import Composite, Negotiator, StrategySpec, spec_string
from detente.strategies.registry import STRATEGIES
from detente.table import Table


def package_mask(table: Table, package: Mapping[str, Value]) -> np.ndarray:
    """Which outcomes match every ``issue: value`` of ``package``."""
    space = table.scenario.space
    mask = np.ones(table.size, dtype=bool)
    for name, value in package.items():
        position = space.position(name)
        wanted = space.issues[position].index_of(value)
        stride = int(np.prod(space.shape[position + 1 :], dtype=np.int64))
        mask &= (np.arange(table.size) // stride) % space.shape[position] == wanted
    return mask


@dataclass(frozen=True, slots=True)
class Demand:
    """Always offer the demanded package."""

    package: tuple[tuple[str, Value], ...] = ()
    demand: int = -1
    worth: float = field(default=-np.inf)

    def prepare(self, table: Table, party: int, deadline: int) -> Demand:
        view = table.views[party]
        if not self.package:
            demand = view.at_least(view.best)
        else:
            candidates = np.flatnonzero(package_mask(table, dict(self.package)))
            if candidates.size == 0:
                raise DetenteError(f"hardline package {dict(self.package)} matches no outcome")
            demand = int(candidates[np.argmax(view.utilities[candidates])])
        return Demand(self.package, demand, float(view.utilities[demand]))

    def propose(self, me: Negotiator, state: State) -> int:
        if not me.view.acceptable(self.worth):
            return me.view.at_least(me.view.best)
        return self.demand

    def next_utility(self, me: Negotiator, state: State) -> float:
        return self.worth


Package = Annotated[dict[str, Value] | None, "{issue: value} demanded (default: own best)"]


def hardline(package: Package = None, accept: Accept = "next") -> StrategySpec:
    """Demand ``package`` (issues sorted in the spec), composed with ``accept``."""
    items = tuple(sorted((package or {}).items()))
    spec = (
        spec_string("hardline", package=dict(items), accept=accept)
        if items
        else spec_string("hardline", accept=accept)
    )
    return Composite(spec, Demand(items), load_acceptance(accept))


STRATEGIES.declare(
    "hardline",
    hardline,
    "demand a fixed package, accept only it or better (all-or-nothing)",
    vectorisable=True,
)
