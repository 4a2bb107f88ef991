"""The one code path every experiment runs through: missing chunks → executor → store."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import pyarrow as pa

from detente.experiments.chunks import Chunk
from detente.experiments.executors import Executor
from detente.experiments.progress import progress_bar
from detente.experiments.store import Manifest, ResultStore


class Work(Protocol):
    """What an experiment computes, chunk by chunk; picklable, so it can travel to workers."""

    def run_chunk(self, chunk: Chunk) -> pa.Table:
        """The rows of ``chunk``: a pure function of the work and the chunk."""
        ...


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
    manifest = store.open(manifest, resume=options.resume, force=options.force)
    missing = store.missing(manifest)
    done = manifest.total - sum(c.size for c in missing)
    sizes = {c.index: c.size for c in missing}
    bar = progress_bar(manifest.kind, manifest.total, done, manifest.unit, options.progress)
    with bar as step:
        for index, table in executor.map_unordered(run_chunk, work, missing):
            manifest = store.save_chunk(manifest, index, table)
            step(sizes[index])
    return manifest
