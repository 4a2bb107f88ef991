"""The strategy registry: every strategy by name, with declared metadata and parameters.

``load_strategy("boulware(exponent=4)")`` builds a strategy spec in code, on the
command line and in scenario files alike. Third-party strategies register
through the entry-point group ``detente.strategies``: each entry point loads to
a :class:`detente.registry.Entry` whose factory returns a
:class:`~detente.strategies.base.StrategySpec`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from detente.outcomes import Value
from detente.registry import Entry, Parameter, Registry
from detente.strategies.acceptance import AcceptWithProbability, load_acceptance
from detente.strategies.base import Composite, StrategySpec
from detente.strategies.baseline import Uniform
from detente.strategies.concession import Aspiration
from detente.strategies.hardline import Demand
from detente.strategies.models import MODELS
from detente.strategies.nash import NashPoint
from detente.strategies.reciprocal import Reciprocal

STRATEGIES: Registry[StrategySpec] = Registry("strategy", "detente.strategies")

_MODEL = Parameter("model", str, "none", "opponent model choosing among near-equal offers")
_WINDOW = Parameter("window", float, 0.1, "with a model: width of the choice, share of own range")
_ACCEPT = Parameter("accept", str, "next", "acceptance policies joined by | (next, threshold, …)")


def _spec(name: str, **params: Any) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return f"{name}({shown})" if shown else name


def _time_based(name: str, default: float) -> Callable[..., StrategySpec]:
    def build(
        exponent: float = default, accept: str = "next", model: str = "none", window: float = 0.1
    ) -> StrategySpec:
        if model == "none":
            spec = _spec(name, exponent=exponent, accept=accept)
            offering = Aspiration(exponent)
        else:
            spec = _spec(name, exponent=exponent, accept=accept, model=model, window=window)
            offering = Aspiration(exponent, MODELS.load(model), window)
        return Composite(spec, offering, load_acceptance(accept))

    return build


def tit_for_tat(reciprocity: float = 1.0, accept: str = "next") -> StrategySpec:
    """Reciprocal concession (see :mod:`detente.strategies.reciprocal`)."""
    spec = _spec("tit-for-tat", reciprocity=reciprocity, accept=accept)
    return Composite(spec, Reciprocal(reciprocity), load_acceptance(accept))


def hardline(package: dict[str, Value] | None = None, accept: str = "next") -> StrategySpec:
    """All-or-nothing (see :mod:`detente.strategies.hardline`)."""
    items = tuple(sorted((package or {}).items()))
    spec = (
        _spec("hardline", package=dict(items), accept=accept)
        if items
        else _spec("hardline", accept=accept)
    )
    return Composite(spec, Demand(items), load_acceptance(accept))


def nash(accept: str = "next") -> StrategySpec:
    """Nash-seeking (see :mod:`detente.strategies.nash`)."""
    return Composite(_spec("nash", accept=accept), NashPoint(), load_acceptance(accept))


def uniform(p_accept: float = 0.5) -> StrategySpec:
    """Random baseline (see :mod:`detente.strategies.baseline`)."""
    return Composite(_spec("random", p_accept=p_accept), Uniform(), AcceptWithProbability(p_accept))


def _exponent(default: float) -> Parameter:
    return Parameter(
        "exponent", float, default, "aspiration curve exponent (>1 Boulware, <1 Conceder)"
    )


for _name, _default, _summary in (
    ("boulware", 4.0, "time-based concession, late (aspiration exponent 4) [Faratin1998]"),
    ("linear", 1.0, "time-based concession, linear in time [Faratin1998]"),
    ("conceder", 0.25, "time-based concession, early (aspiration exponent 0.25) [Faratin1998]"),
):
    STRATEGIES.register(
        Entry(
            _name,
            _time_based(_name, _default),
            _summary,
            (_exponent(_default), _ACCEPT, _MODEL, _WINDOW),
            vectorisable=True,
        )
    )
STRATEGIES.register(
    Entry(
        "tit-for-tat",
        tit_for_tat,
        "reciprocal concession: concede as much as the opponent did [Faratin1998]",
        (
            Parameter("reciprocity", float, 1.0, "own concession per unit of the opponent's"),
            _ACCEPT,
        ),
        bilateral_only=True,
        vectorisable=True,
    )
)
STRATEGIES.register(
    Entry(
        "hardline",
        hardline,
        "demand a fixed package, accept only it or better (all-or-nothing)",
        (Parameter("package", dict, None, "{issue: value} demanded (default: own best)"), _ACCEPT),
        vectorisable=True,
    )
)
STRATEGIES.register(
    Entry(
        "nash",
        nash,
        "propose the Nash bargaining solution, accept it or better [Nash1950]",
        (_ACCEPT,),
        vectorisable=True,
    )
)
STRATEGIES.register(
    Entry(
        "random",
        uniform,
        "uniformly random rational offers, accept with probability p_accept",
        (Parameter("p_accept", float, 0.5, "probability of accepting a rational offer"),),
        stochastic=True,
        vectorisable=True,
    )
)


def load_strategy(spec: str) -> StrategySpec:
    """The strategy a spec string describes; unknown names list the registered ones.

    >>> load_strategy("boulware(exponent=3)").spec
    "boulware(exponent=3.0, accept='next')"
    """
    return STRATEGIES.load(spec)
