"""Utility functions over an outcome space, vectorised.

A utility maps outcome indices to numbers in one NumPy call. ``-inf`` marks an
outcome the party cannot accept at all (a violated hard constraint): it is
never individually rational, whatever the reservation value.

:func:`utility_matrix` stacks the parties' utilities into ``U[outcome, party]``,
the one object the analysis core works on. Each kind of utility function
(:mod:`~detente.utility.linear`, :mod:`~detente.utility.table`,
:mod:`~detente.utility.rectangles`) is one module that registers itself
(:mod:`~detente.utility.kinds`).
"""

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
from detente.utility.linear import Capped, LinearAdditive
from detente.utility.rectangles import Box, HyperRectangles
from detente.utility.table import TableUtility

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
