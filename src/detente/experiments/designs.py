"""Designs: which points of the unit cube a sweep's draws take.

Every design gives one point ``u`` of ``[0, 1)^d`` per draw (one coordinate
per uncertain parameter); each parameter maps its coordinate to a value with
its own ``values(u)`` (see :mod:`detente.experiments.draws`), so a design
needs nothing else from a parameter. A chunk's points are a pure function of
the run's seed, the design and the chunk's draws: every executor and every
chunking gives the same rows.

- ``random`` (default): draw ``i`` takes ``u`` from its own generator, seeded
  by :func:`~detente.experiments.chunks.unit_seed`; extendable (draw ``i``
  never depends on the number of draws).
- ``lhs``: one Latin hypercube of all ``N`` draws [McKay1979]
  (``scipy.stats.qmc.LatinHypercube``); the design depends on ``N``, so a run
  cannot be extended.
- ``sobol``: randomized quasi-Monte Carlo [Owen1997]: ``R`` independently
  scrambled Sobol' sequences (``scipy.stats.qmc.Sobol``, each seeded from the
  run's seed and its replicate); draw ``i`` belongs to replicate ``i mod R``
  and is point ``i // R`` of that replicate's sequence, whatever ``N``, so a
  run can be extended. Each replicate's mean is an unbiased estimate of a
  claim's share, independent of the other replicates', so the Student-t
  interval over the ``R`` replicate means is honest (the binomial interval
  assumes independent draws, which quasi-random points are not: it would be
  needlessly wide). Scrambled Sobol' points are balanced when each replicate
  holds a power of two of them.
- ``saltelli``: Saltelli's design for Sobol' indices [Saltelli2002]
  (``SALib.sample.sobol.sample`` without second-order indices) on the unit
  cube: ``N`` base samples of ``D + 2`` rows each (``A``, then ``A`` with
  column ``k`` taken from ``B`` for each ``k``, then ``B``), ``N·(D + 2)``
  rows in all; ``N`` must be a power of two; the design depends on ``N``.
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.experiments.chunks import Chunk, unit_seed

DesignKind = Literal["random", "lhs", "sobol", "saltelli"]
DESIGNS: tuple[DesignKind, ...] = get_args(DesignKind)
FloatArray = NDArray[np.float64]

SOBOL_REPLICATES = 16
"""Independent scramblings of a ``sobol`` design (the ``R`` of its Student-t interval).

Enough for a t interval whose 97.5 % quantile (2.13 with 15 degrees of
freedom) is within 9 % of the normal's, and whose width is itself estimated
with about 18 % relative error; few enough that each replicate still holds a
long, well-balanced stretch of its sequence (``benchmarks/sweeps.py``).
"""

LHS_SPAWN_KEY = 2**32 - 1
"""Spawn key of the Latin hypercube design's generator: never a draw's index (draws are < 2³²)."""
SOBOL_SPAWN_KEY = 2**32 - 2
"""First spawn key of the Sobol' replicates' scramblings (then the replicate's index)."""
SALTELLI_SPAWN_KEY = 2**32 - 3
"""Spawn key of the Saltelli design's scrambling."""


@dataclass(frozen=True, slots=True)
class Design:
    """A design of ``rows`` draws (see the module docstring); ``base`` is Saltelli's ``N``.

    >>> Design.of("saltelli", 8, parameters=3).rows
    40
    >>> Design.of("sobol", 100, parameters=3).extendable
    True
    """

    kind: DesignKind
    rows: int
    base: int | None = None
    replicates: int = SOBOL_REPLICATES

    @classmethod
    def of(cls, kind: str, draws: int, parameters: int, replicates: int | None = None) -> Design:
        """The design ``kind`` for ``--draws draws`` of ``parameters`` parameters."""
        if kind not in DESIGNS:
            raise DetenteError(
                f"--design {kind}: unknown design; choose one of {', '.join(DESIGNS)}"
            )
        if kind == "saltelli":
            if draws & (draws - 1):
                lower = 1 << (draws.bit_length() - 1)
                raise DetenteError(
                    f"--design saltelli --draws {draws}: the number of base samples must be a "
                    f"power of two (the Sobol' sequence's balance); use --draws {lower} or "
                    f"--draws {2 * lower}"
                )
            return cls(kind, draws * (parameters + 2), base=draws)
        replicates = SOBOL_REPLICATES if replicates is None else replicates
        if replicates < 2:
            raise DetenteError(f"a sobol design needs at least 2 replicates, got {replicates}")
        return cls(kind, draws, replicates=replicates)

    @property
    def extendable(self) -> bool:
        """Whether draw ``i`` is the same whatever the number of draws (a run can grow)."""
        return self.kind in ("random", "sobol")

    def identity(self) -> dict[str, object]:
        """What the manifest records of the design.

        ``random`` and ``lhs`` runs record only ``lhs``, as runs made before there were
        designs did, so that those resume unchanged; ``sobol`` and ``saltelli`` add
        ``design`` and their replicates or base samples.
        """
        identity: dict[str, object] = {"lhs": self.kind == "lhs"}
        if self.kind == "sobol":
            identity.update(design="sobol", replicates=self.replicates)
        elif self.kind == "saltelli":
            identity.update(design="saltelli", base_samples=self.base)
        return identity

    def points(self, count: int, seed: int, chunk: Chunk) -> FloatArray:
        """Points of ``[0, 1)^count`` for the draws of ``chunk``, one row per draw.

        >>> design = Design.of("sobol", 64, parameters=2)
        >>> whole = design.points(2, 5, Chunk(0, 0, 64))
        >>> bool(np.array_equal(whole[10:20], design.points(2, 5, Chunk(1, 10, 20))))
        True
        >>> bool(np.array_equal(Design.of("sobol", 32, 2).points(2, 5, Chunk(0, 0, 32)), whole[:32]))
        True
        """
        if self.kind == "lhs":
            return _latin_hypercube(count, seed, self.rows)[chunk.start : chunk.stop]
        if self.kind == "saltelli":
            assert self.base is not None
            return _saltelli(count, seed, self.base)[chunk.start : chunk.stop]
        if self.kind == "sobol":
            return sobol_points(count, seed, chunk, self.replicates)
        rows = [
            np.random.default_rng(unit_seed(seed, draw)).random(count)
            for draw in range(chunk.start, chunk.stop)
        ]
        return np.array(rows, dtype=np.float64).reshape(chunk.size, count)

    def balance_note(self) -> str | None:
        """Why the number of draws weakens the design's balance, in one line (``None``: it does not)."""
        if self.kind != "sobol":
            return None
        per, extra = divmod(self.rows, self.replicates)
        if not extra and not per & (per - 1):
            return None
        good = self.replicates * next_power_of_two(math.ceil(self.rows / self.replicates))
        return (
            f"--design sobol with {self.rows:,} draws: {self.replicates} replicates of "
            f"{self.rows / self.replicates:,.4g} points; Sobol' points are balanced with a "
            f"power of two per replicate (e.g. --draws {good:,})"
        )


def sobol_points(count: int, seed: int, chunk: Chunk, replicates: int) -> FloatArray:
    """Draw ``i``'s point: point ``i // R`` of replicate ``i mod R``'s scrambled Sobol' sequence.

    >>> points = sobol_points(1, 3, Chunk(0, 0, 8), replicates=2)
    >>> sorted(np.floor(points[0::2, 0] * 4).tolist())  # replicate 0: one point per quarter
    [0.0, 1.0, 2.0, 3.0]
    """
    points = np.empty((chunk.size, count))
    draws = np.arange(chunk.start, chunk.stop)
    for replicate in range(replicates):
        mine = draws % replicates == replicate
        if mine.any():
            index = draws[mine] // replicates  # consecutive points of the replicate's sequence
            points[mine] = _sobol_stretch(count, seed, replicate, int(index[0]), index.size)
    return points


def _sobol_stretch(count: int, seed: int, replicate: int, first: int, size: int) -> FloatArray:
    """Points ``first`` to ``first + size - 1`` of one replicate's scrambled sequence."""
    if count == 0:
        return np.zeros((size, 0))
    from scipy.stats import qmc

    rng = np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(SOBOL_SPAWN_KEY, replicate))
    )
    sequence = qmc.Sobol(d=count, scramble=True, rng=rng)
    if first:  # (scipy refuses to fast-forward by 0)
        sequence.fast_forward(first)
    with warnings.catch_warnings():  # balance is the run's concern (Design.balance_note)
        warnings.simplefilter("ignore", UserWarning)
        return np.asarray(sequence.random(size), dtype=np.float64)


@functools.lru_cache(maxsize=2)
def _latin_hypercube(count: int, seed: int, total: int) -> FloatArray:
    """The run's whole design, built once per process (it depends only on its arguments)."""
    if count == 0:
        return np.zeros((total, 0))
    from scipy.stats import qmc

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(LHS_SPAWN_KEY,)))
    design = np.asarray(qmc.LatinHypercube(d=count, rng=rng).random(total), dtype=np.float64)
    design.flags.writeable = False
    return design


@functools.lru_cache(maxsize=2)
def _saltelli(count: int, seed: int, base: int) -> FloatArray:
    """Saltelli's design of ``base`` samples on the unit cube, built once per process."""
    from SALib.sample import sobol

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SALTELLI_SPAWN_KEY,)))
    problem = unit_problem(count)
    with warnings.catch_warnings():  # N is checked to be a power of two (Design.of)
        warnings.simplefilter("ignore", UserWarning)
        design = sobol.sample(problem, base, calc_second_order=False, seed=rng)
    design = np.asarray(design, dtype=np.float64)
    design.flags.writeable = False
    return design


def unit_problem(count: int) -> dict[str, object]:
    """SALib's problem of ``count`` unit-interval inputs (names are their column indices)."""
    return {
        "num_vars": count,
        "names": [str(j) for j in range(count)],
        "bounds": [[0.0, 1.0]] * count,
    }


def memory_bytes(design: Design, count: int) -> int:
    """About how much memory a design held whole (``lhs``, ``saltelli``) takes in each process."""
    if design.kind == "lhs":
        return 8 * 3 * design.rows * count
    if design.kind == "saltelli":
        return 8 * 2 * design.rows * count
    return 0


def next_power_of_two(n: int) -> int:
    """The least power of two at least ``n`` (1 for ``n <= 1``).

    >>> next_power_of_two(1), next_power_of_two(5), next_power_of_two(8)
    (1, 8, 8)
    """
    return 1 << max(0, math.ceil(math.log2(max(n, 1))))
