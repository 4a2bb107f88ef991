"""Negotiation strategies: composable policies behind one protocol, one registry.

Grouped by idea: time-based concession (:mod:`.concession`), reciprocal
(:mod:`.reciprocal`), hard-line (:mod:`.hardline`), Nash-seeking (:mod:`.nash`),
a random baseline (:mod:`.baseline`) and acceptance policies
(:mod:`.acceptance`). Each module registers its strategies beside their
definition; importing the package imports them all, so the registry is complete.
"""

from detente.strategies import baseline, concession, hardline, nash, reciprocal
from detente.strategies.acceptance import ACCEPTANCE, load_acceptance
from detente.strategies.base import (
    AcceptancePolicy,
    Composite,
    Negotiator,
    OfferingPolicy,
    PreparedStrategy,
    Strategy,
    StrategySpec,
)
from detente.strategies.registry import STRATEGIES, load_strategy

_REGISTERING = (baseline, concession, hardline, nash, reciprocal)
"""The modules whose import registers the built-in strategies."""

__all__ = [
    "ACCEPTANCE",
    "STRATEGIES",
    "AcceptancePolicy",
    "Composite",
    "Negotiator",
    "OfferingPolicy",
    "PreparedStrategy",
    "Strategy",
    "StrategySpec",
    "load_acceptance",
    "load_strategy",
]
