"""The strategy registry: every strategy by name, with declared metadata and parameters.

``load_strategy("boulware(exponent=4)")`` builds a strategy spec in code, on the
command line and in scenario files alike. Each strategy registers itself beside
its definition (``STRATEGIES.declare(...)`` in :mod:`.concession`,
:mod:`.reciprocal`, :mod:`.hardline`, :mod:`.nash`, :mod:`.baseline`), its
parameters derived from its factory's signature. Third-party strategies register
through the entry-point group ``detente.strategies``: each entry point loads to
a :class:`detente.registry.Entry` (e.g. ``Entry.of(name, factory, summary)``)
whose factory returns a :class:`~detente.strategies.base.StrategySpec`.
"""

from __future__ import annotations

from detente.registry import Registry
from detente.strategies.base import StrategySpec

STRATEGIES: Registry[StrategySpec] = Registry("strategy", "detente.strategies")


def load_strategy(spec: str) -> StrategySpec:
    """The strategy a spec string describes; unknown names list the registered ones.

    >>> load_strategy("boulware(exponent=3)").spec
    "boulware(exponent=3.0, accept='next')"
    """
    return STRATEGIES.load(spec)
