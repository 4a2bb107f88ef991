"""Chunks: how an experiment's units (draws or sessions) are split into tasks.

A chunk is the unit of scheduling and of storage: one task on a worker, one
Parquet file on disk, one entry in the manifest. Chunks only group units;
every unit's randomness derives from the run's seed and the unit's own index
(:func:`unit_seed`), so results never depend on how units are chunked or
which worker ran them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TARGET_TASK_SECONDS = 1.0
"""Work per task the automatic chunk size aims for.

Each chunk costs a distributed task's ~2 ms and, in the process that stores
results, a Parquet file written and flushed to disk plus a manifest update
(20–30 ms measured here): about 3 % of a second's work, and the progress bar
still moves every second.
"""

MAX_CHUNKS = 2_000
"""Most chunks (files) the automatic chunk size produces, however cheap a unit is."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Units ``start`` (inclusive) to ``stop`` (exclusive), numbered ``index``."""

    index: int
    start: int
    stop: int

    @property
    def size(self) -> int:
        """How many units the chunk holds."""
        return self.stop - self.start


def plan_chunks(total: int, size: int) -> tuple[Chunk, ...]:
    """Split ``total`` units into consecutive chunks of ``size`` (the last may be shorter).

    >>> [(c.start, c.stop) for c in plan_chunks(5, 2)]
    [(0, 2), (2, 4), (4, 5)]
    """
    return tuple(
        Chunk(index, start, min(start + size, total))
        for index, start in enumerate(range(0, total, size))
    )


def automatic_chunk_size(total: int, seconds_per_unit: float, workers: int) -> int:
    """A chunk size giving about :data:`TARGET_TASK_SECONDS` of work per task.

    Capped so every worker gets several chunks (load balance, progress, little
    lost on a crash) and floored so there are at most :data:`MAX_CHUNKS` files.

    >>> automatic_chunk_size(100_000, 0.004, 2)
    250
    >>> automatic_chunk_size(10, 0.004, 2)
    2
    """
    by_time = math.ceil(TARGET_TASK_SECONDS / max(seconds_per_unit, 1e-9))
    balanced = math.ceil(total / (4 * max(workers, 1)))
    return max(1, math.ceil(total / MAX_CHUNKS), min(by_time, balanced))


def unit_seed(seed: int, unit: int) -> np.random.SeedSequence:
    """The seed of unit ``unit`` of a run seeded with ``seed``.

    Equal to ``SeedSequence(seed).spawn(unit + 1)[unit]``, computed directly so
    any chunk can find its units' seeds without the others.

    >>> unit_seed(7, 3).generate_state(1) == np.random.SeedSequence(7).spawn(4)[3].generate_state(1)
    array([ True])
    """
    return np.random.SeedSequence(seed, spawn_key=(unit,))
