"""Draws: values of a scenario's uncertain parameters for each unit of a sweep.

A parameter with a ``range`` (and optionally a ``distribution``) is uncertain.
Each draw maps a point ``u`` of the unit cube to parameter values through each
parameter's inverse distribution function, so every design (independent,
Latin hypercube, Sobol', Saltelli: :mod:`detente.experiments.designs`) shares
one transformation.

A categorical parameter (:class:`Choice`) is drawn from the same unit points:
the label whose cumulative probability first exceeds ``u``, so any design of
unit points draws it with its probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.experiments.chunks import Chunk
from detente.experiments.designs import Design

Distribution = Literal["uniform", "triangular", "normal"]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Uncertain:
    """A parameter drawn over ``[low, high]``.

    ``uniform`` is flat; ``triangular`` peaks at ``mode`` (default: ``value``,
    else the midpoint); ``normal`` has mean ``value`` (else the midpoint) and
    standard deviation ``sd`` (default: a quarter of the range) and is
    truncated to the range.

    >>> Uncertain("delta", 0.8, 1.0).values(np.array([0.0, 0.5])).tolist()
    [0.8, 0.9]
    """

    name: str
    low: float
    high: float
    distribution: Distribution = "uniform"
    value: float | None = None
    mode: float | None = None
    sd: float | None = None
    integer: bool = False

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise DetenteError(
                f"parameters.{self.name}.range: the range must be [low, high] with low < high, "
                f"got [{self.low}, {self.high}]"
            )
        if self.sd is not None and not self.sd > 0:
            raise DetenteError(f"parameters.{self.name}.sd: must be positive, got {self.sd}")
        centre = self.mode if self.distribution == "triangular" else self.value
        if centre is not None and not self.low <= centre <= self.high:
            raise DetenteError(
                f"parameters.{self.name}: the centre {centre} of the {self.distribution} "
                f"distribution must lie in its range [{self.low}, {self.high}]"
            )

    @property
    def centre(self) -> float:
        """Mode (triangular) or mean (normal) of the distribution."""
        preferred = self.mode if self.distribution == "triangular" else None
        for candidate in (preferred, self.value, self.mode):
            if candidate is not None:
                return candidate
        return (self.low + self.high) / 2

    def values(self, u: FloatArray) -> FloatArray:
        """The values at unit-interval points ``u``, rounded for an ``integer`` parameter.

        >>> Uncertain("rounds", 1, 10, integer=True).values(np.array([0.0, 0.5, 1.0])).tolist()
        [1.0, 6.0, 10.0]
        """
        drawn = self._continuous(u)
        return np.clip(np.round(drawn), self.low, self.high) if self.integer else drawn

    def _continuous(self, u: FloatArray) -> FloatArray:
        width = self.high - self.low
        if self.distribution == "uniform":
            return self.low + u * width
        from scipy import stats  # imported here: slow to import, needed only for these shapes

        if self.distribution == "triangular":
            c = (self.centre - self.low) / width
            return np.asarray(stats.triang.ppf(u, c, loc=self.low, scale=width), dtype=np.float64)
        sd = self.sd if self.sd is not None else width / 4
        a, b = (self.low - self.centre) / sd, (self.high - self.centre) / sd
        drawn = stats.truncnorm.ppf(u, a, b, loc=self.centre, scale=sd)
        return np.clip(np.asarray(drawn, dtype=np.float64), self.low, self.high)


@dataclass(frozen=True, slots=True)
class Choice:
    """A categorical parameter drawn among ``labels`` with ``probabilities``.

    ``value`` is the point estimate's label. Draws invert the cumulative
    probabilities: the label ``k`` with ``P[k-1] <= u < P[k]`` (a label of
    probability 0 is never drawn).

    >>> Choice("rule", ("veto", "none"), (0.75, 0.25), "veto").values(np.array([0.1, 0.8])).tolist()
    ['veto', 'none']
    """

    name: str
    labels: tuple[str, ...]
    probabilities: tuple[float, ...]
    value: str

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.probabilities) or len(self.labels) < 2:
            raise DetenteError(
                f"parameters.{self.name}.choices: needs at least two labels, each with a "
                "probability"
            )
        if self.value not in self.labels:
            raise DetenteError(
                f"parameters.{self.name}.value: {self.value!r} is not one of the labels "
                f"{', '.join(self.labels)}"
            )

    def values(self, u: FloatArray) -> NDArray[np.object_]:
        """The label at each unit-interval point ``u``."""
        cumulative = np.cumsum(np.asarray(self.probabilities, dtype=np.float64))
        cumulative /= cumulative[-1]  # the sum is 1 within 1e-9: make the last step exactly 1
        index = np.searchsorted(cumulative, np.asarray(u, dtype=np.float64), side="right")
        index = np.minimum(index, len(self.labels) - 1)
        return np.asarray(self.labels, dtype=object)[index]


Drawn = Uncertain | Choice
"""A parameter a sweep draws: a number over a range, or a label among choices."""


def draw_values(
    parameters: Sequence[Drawn], seed: int, chunk: Chunk, design: Design | None = None
) -> dict[str, FloatArray | NDArray[np.object_]]:
    """Each uncertain parameter's values for the draws of ``chunk`` (default: independent draws).

    >>> values = draw_values([Uncertain("x", 0.0, 1.0)], 1, Chunk(0, 0, 3))
    >>> values["x"].shape
    (3,)
    """
    design = design or Design("random", chunk.stop)
    points = design.points(len(parameters), seed, chunk)
    return {p.name: p.values(points[:, j]) for j, p in enumerate(parameters)}
