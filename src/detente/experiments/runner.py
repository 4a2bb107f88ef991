"""The one code path every experiment runs through: missing chunks → executor → store.

Everything that can be refused is refused before the results directory is
touched: the sizes the arguments imply (:mod:`detente.sizes`), the worker
count, the pilot run. An interrupted run (Ctrl-C, SIGTERM) keeps every chunk
already written, removes its temporary files and says what it kept.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Protocol, TypeVar

import numpy as np
import pyarrow as pa

from detente import sizes
from detente.errors import DetenteError
from detente.experiments.chunks import Chunk, automatic_chunk_size
from detente.experiments.executors import Executor, open_executor
from detente.experiments.progress import progress_bar
from detente.experiments.store import Manifest, Notify, ResultStore, schema_of


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

    @property
    def schema(self) -> pa.Schema | None:
        """The columns of every chunk (fixed by :meth:`pilot`)."""
        ...

    @property
    def details(self) -> Mapping[str, object]:
        """What the manifest records for its readers only (a sweep's display names)."""
        ...

    def pilot(self: E) -> tuple[E, float]:
        """Check the experiment can run, before anything is written.

        Returns the experiment ready to run (its columns fixed) and the seconds one unit takes.
        """
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
    notify: Notify | None = None
    """Where to say what a run noticed (a damaged chunk to compute again, a capped worker count)."""
    extend: bool = False
    """With ``resume``, let the run grow to more units, keeping those done.

    Only for work whose unit ``i`` never depends on the number of units (a
    sweep's ``random`` and ``sobol`` designs): the caller vouches for that.
    """


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

    Returns the final manifest. Interrupting the process (``KeyboardInterrupt``,
    which the command line raises for SIGINT and SIGTERM) loses at most the
    chunks in flight and re-raises with what was kept; ``resume`` finishes the run.
    """
    store = ResultStore(options.out, options.notify)
    with store.writing(resume=options.resume, force=options.force):
        manifest = store.open(
            manifest, resume=options.resume, force=options.force, extend=options.extend
        )
        missing = store.missing(manifest)
        done = manifest.total - sum(c.size for c in missing)
        sizes_ = {c.index: c.size for c in missing}
        unit = f"{manifest.unit}s"
        results = executor.map_unordered(run_chunk, work, missing)
        try:
            with (
                contextlib.closing(results),  # stopped early, the executor ends its tasks
                progress_bar(manifest.kind, manifest.total, done, unit, options.progress) as step,
            ):
                for index, table in results:
                    manifest = store.save_chunk(manifest, index, table)
                    step(sizes_[index])
        except KeyboardInterrupt:
            store.remove_if_unused(manifest)
            raise KeyboardInterrupt(kept(manifest, options.out)) from None
    return manifest


def kept(manifest: Manifest, out: str | os.PathLike[str]) -> str:
    """What an interrupted run leaves behind, in one sentence.

    >>> kept(Manifest("sweep", "draw", 40, 10, {}), "run")
    'no chunk was written; nothing was kept in run'
    """
    if not manifest.done:
        return f"no chunk was written; nothing was kept in {out}"
    return (
        f"{len(manifest.done)} of {len(manifest.chunks)} chunks written to {out}; "
        "rerun the same command with --resume to finish"
    )


def run_experiment(experiment: Experiment, options: RunOptions) -> Manifest:
    """Run (or resume) ``experiment`` into ``options.out``; returns the final manifest.

    Without a seed, a resumed run keeps its recorded seed and a new run draws
    one from the operating system (recorded in the manifest).
    """
    existing = ResultStore(options.out).existing() if options.resume else None
    experiment = experiment.with_seed(chosen_seed(experiment.seed, existing))
    experiment, seconds = experiment.pilot()
    workers = worker_count(options.workers, options.notify)
    with open_executor(workers, options.scheduler) as executor:
        size = _chunk_size(options, existing, experiment.total, seconds, executor)
        columns = () if experiment.schema is None else schema_of(experiment.schema)
        kind, unit = experiment.kind, experiment.unit
        manifest = Manifest(
            kind,
            unit,
            experiment.total,
            size,
            experiment.identity(),
            details=experiment.details,
            schema=columns,
        )
        return execute(experiment, manifest, options, executor)


FILES_PER_WORKER = 8
"""Open files the run holds per local worker process (pipes and process handles, measured: 5)."""


def worker_count(asked: int | None, notify: Notify | None = None) -> int | None:
    """``--workers``, capped at the ``workers`` limit (the cores) and refused past the open-file limit.

    >>> worker_count(None, print) is None
    True
    """
    if asked is None or asked <= 1:
        return asked
    cap = sizes.limit("workers")
    if asked > cap:
        if notify is not None:
            notify(
                f"--workers {asked}: this machine runs {cap} at once; starting {cap} "
                f"(to start {asked} anyway, add --limit workers={asked})"
            )
        asked = cap
    files = _open_file_limit()
    if files is not None and asked * FILES_PER_WORKER + 64 > files:
        most = max(1, (files - 64) // FILES_PER_WORKER)
        raise DetenteError(
            f"--workers {asked}: that many worker processes need about "
            f"{asked * FILES_PER_WORKER:,} open files and this process may open {files:,}; "
            f"use at most --workers {most}, or raise the limit (ulimit -n)"
        )
    return asked


def _open_file_limit() -> int | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else soft


def chosen_seed(seed: int | None, existing: Manifest | None) -> int:
    """``seed``, else the seed an earlier run recorded, else a fresh one from the system."""
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
        files = math.ceil(total / options.chunk_size)
        sizes.require(
            "chunks",
            files,
            f"--chunk-size {options.chunk_size:,} makes {files:,} chunk files",
            f"give --chunk-size {math.ceil(total / sizes.limit('chunks')):,} or more",
        )
        return options.chunk_size
    if existing is not None:
        return existing.chunk_size
    return automatic_chunk_size(total, seconds, executor.workers)
