"""The one code path every experiment runs through: missing chunks → executor → store."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Protocol, TypeVar

import numpy as np
import pyarrow as pa

from detente.errors import DetenteError
from detente.experiments.chunks import Chunk, automatic_chunk_size
from detente.experiments.executors import Executor, open_executor
from detente.experiments.progress import progress_bar
from detente.experiments.store import Manifest, ResultStore


class Work(Protocol):
    """What an experiment computes, chunk by chunk; picklable, so it can travel to workers."""

    def run_chunk(self, chunk: Chunk) -> pa.Table:
        """The rows of ``chunk``: a pure function of the work and the chunk."""
        ...


class Experiment(Work, Protocol):
    """A sweep or a tournament: units (draws, sessions) to run under one seed."""

    kind: ClassVar[str]
    unit: ClassVar[str]

    @property
    def seed(self) -> int | None:
        """The run's seed, once chosen."""
        ...

    @property
    def total(self) -> int:
        """How many units the experiment runs."""
        ...

    def with_seed(self: E, seed: int) -> E:
        """The same experiment with ``seed``."""
        ...

    def pilot(self) -> float:
        """Check the experiment can run, before anything is written; seconds per unit."""
        ...

    def identity(self) -> dict[str, object]:
        """Everything that decides the rows (compared on resume)."""
        ...


E = TypeVar("E", bound="Experiment")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Where results go and where the work runs (see ``detente sweep --help``)."""

    out: str | os.PathLike[str]
    workers: int | None = None
    scheduler: str | None = None
    resume: bool = False
    force: bool = False
    chunk_size: int | None = None
    progress: bool = True


def normalized(arguments: Mapping[str, object]) -> dict[str, object]:
    """``arguments`` as they read back from the manifest (JSON types), so they compare equal.

    >>> normalized({"a": (1, 2)})
    {'a': [1, 2]}
    """
    result: dict[str, object] = json.loads(json.dumps(arguments, sort_keys=True))
    return result


def run_chunk(work: Work, chunk: Chunk) -> tuple[int, pa.Table]:
    """One task: a chunk's index and rows."""
    return chunk.index, work.run_chunk(chunk)


def execute(work: Work, manifest: Manifest, options: RunOptions, executor: Executor) -> Manifest:
    """Run the chunks of ``manifest`` not yet done, saving each as it completes.

    Returns the final manifest. Interrupting (or killing) the process loses at
    most the chunks in flight; ``resume`` finishes the run.
    """
    store = ResultStore(options.out)
    with store.writing(resume=options.resume, force=options.force):
        manifest = store.open(manifest, resume=options.resume, force=options.force)
        missing = store.missing(manifest)
        done = manifest.total - sum(c.size for c in missing)
        sizes = {c.index: c.size for c in missing}
        unit = f"{manifest.unit}s"
        with progress_bar(manifest.kind, manifest.total, done, unit, options.progress) as step:
            for index, table in executor.map_unordered(run_chunk, work, missing):
                manifest = store.save_chunk(manifest, index, table)
                step(sizes[index])
    return manifest


def run_experiment(experiment: Experiment, options: RunOptions) -> Manifest:
    """Run (or resume) ``experiment`` into ``options.out``; returns the final manifest.

    Without a seed, a resumed run keeps its recorded seed and a new run draws
    one from the operating system (recorded in the manifest).
    """
    existing = ResultStore(options.out).existing() if options.resume else None
    experiment = experiment.with_seed(_seed(experiment.seed, existing))
    seconds = experiment.pilot()
    with open_executor(options.workers, options.scheduler) as executor:
        size = _chunk_size(options, existing, experiment.total, seconds, executor)
        kind, unit = experiment.kind, experiment.unit
        manifest = Manifest(kind, unit, experiment.total, size, experiment.identity())
        return execute(experiment, manifest, options, executor)


def _seed(seed: int | None, existing: Manifest | None) -> int:
    if seed is not None:
        return seed
    stored = existing.arguments.get("seed") if existing is not None else None
    if isinstance(stored, int):
        return stored
    entropy = np.random.SeedSequence().entropy
    assert isinstance(entropy, int)
    return entropy


def _chunk_size(
    options: RunOptions, existing: Manifest | None, total: int, seconds: float, executor: Executor
) -> int:
    if options.chunk_size is not None:
        if options.chunk_size < 1:
            raise DetenteError(f"--chunk-size must be at least 1, got {options.chunk_size}")
        return options.chunk_size
    if existing is not None:
        return existing.chunk_size
    return automatic_chunk_size(total, seconds, executor.workers)
