"""Utility functions over an outcome space, vectorised.

A utility maps outcome indices to numbers in one NumPy call. ``-inf`` marks an
outcome the party cannot accept at all (a violated hard constraint): it is
never individually rational, whatever the reservation value.

:func:`utility_matrix` stacks the parties' utilities into ``U[outcome, party]``,
the one object the analysis core works on. Each kind of utility function
(:mod:`~detente.utility.linear`, :mod:`~detente.utility.table`,
:mod:`~detente.utility.rectangles`) is one module that registers itself
(:mod:`~detente.utility.kinds`). The kinds declare their file entries with
pydantic, so their classes are imported on first use: the methods that need
only the protocol and the matrix never load the file schema.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from detente.utility.base import (
    UNACCEPTABLE,
    Constrained,
    FloatArray,
    Requirement,
    Utility,
    WeightedSum,
    WholeSpace,
    evaluate_all,
    utility_matrix,
)

if TYPE_CHECKING:
    from detente.utility.linear import Capped, LinearAdditive
    from detente.utility.rectangles import Box, HyperRectangles
    from detente.utility.table import TableUtility

_KINDS = {
    "Capped": "linear",
    "LinearAdditive": "linear",
    "Box": "rectangles",
    "HyperRectangles": "rectangles",
    "TableUtility": "table",
}
"""The utility classes of the kind modules, by the module that defines them."""


def __getattr__(name: str) -> Any:
    if name in _KINDS:
        return getattr(import_module(f"{__name__}.{_KINDS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "UNACCEPTABLE",
    "Box",
    "Capped",
    "Constrained",
    "FloatArray",
    "HyperRectangles",
    "LinearAdditive",
    "Requirement",
    "TableUtility",
    "Utility",
    "WeightedSum",
    "WholeSpace",
    "evaluate_all",
    "utility_matrix",
]
