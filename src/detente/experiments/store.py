"""The results directory: chunk files written atomically, and a manifest that makes runs resumable.

Layout of a results directory::

    manifest.json           what was run (arguments), how it is chunked, which chunks are done
    chunk-000000.parquet    the rows of chunk 0, and so on

A chunk's rows are written to a temporary file that is renamed into place, and
only then is the chunk recorded in the manifest (itself replaced atomically).
A run killed at any moment therefore leaves every recorded chunk complete; a
chunk file without a manifest entry is simply computed again on resume, and
since a chunk's contents depend only on the run's arguments, the result is
identical. Files that are not a detente run are never touched without
``--force``, and even then only detente's own files are replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from detente.errors import DetenteError
from detente.experiments.chunks import Chunk, plan_chunks
from detente.experiments.table import concatenate
from detente.files import write_atomically

MANIFEST = "manifest.json"
LOCK = ".detente.lock"
"""The file a run holds locked while it writes (released by the system if the run dies)."""
FORMAT = "detente-results/1"


class ResultsError(DetenteError):
    """A results directory cannot be used as asked (occupied, mismatched, damaged)."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a run computes and how far it got.

    ``arguments`` decide the results (scenario content hash, seed, number of
    units, ...) and must match on resume; ``details`` are for people only.
    """

    kind: str
    unit: str
    total: int
    chunk_size: int
    arguments: Mapping[str, object]
    details: Mapping[str, object] = field(default_factory=dict)
    completed: frozenset[int] = frozenset()

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        """The run's chunks, in order."""
        return plan_chunks(self.total, self.chunk_size)

    @property
    def complete(self) -> bool:
        """Whether every chunk is done."""
        return len(self.completed) == len(self.chunks)

    def identity(self) -> dict[str, object]:
        """Everything that must match for a run to be resumed."""
        return {"kind": self.kind, **self.arguments, self.unit + "s": self.total}

    def to_json(self) -> str:
        """The manifest as JSON text."""
        document = {
            "format": FORMAT,
            "kind": self.kind,
            "unit": self.unit,
            "total": self.total,
            "chunk_size": self.chunk_size,
            "arguments": dict(self.arguments),
            "details": dict(self.details),
            "completed": sorted(self.completed),
        }
        return json.dumps(document, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        """Read a manifest; anything unexpected is a one-line error naming ``where``."""
        try:
            document = json.loads(text)
            if document.get("format") != FORMAT:
                raise ValueError(f"format is {document.get('format')!r}, expected {FORMAT!r}")
            return cls(
                kind=str(document["kind"]),
                unit=str(document["unit"]),
                total=int(document["total"]),
                chunk_size=int(document["chunk_size"]),
                arguments=dict(document["arguments"]),
                details=dict(document["details"]),
                completed=frozenset(int(i) for i in document["completed"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ResultsError(f"{where}: not a detente results manifest ({error})") from None


def chunk_name(index: int) -> str:
    """File name of chunk ``index``."""
    return f"chunk-{index:06d}.parquet"


class ResultStore:
    """A results directory being written or read."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.manifest_path = self.directory / MANIFEST

    def existing(self) -> Manifest | None:
        """The manifest already in the directory, if any."""
        if not self.manifest_path.is_file():
            return None
        return Manifest.from_json(self.manifest_path.read_text(), str(self.manifest_path))

    @contextlib.contextmanager
    def writing(self, *, resume: bool, force: bool) -> Iterator[None]:
        """Hold the directory for one run: a second run into it is refused while this one lives.

        The directory is checked first (:meth:`open`'s rules), so nothing is
        created in a directory that is not the run's to write. On systems
        without ``fcntl`` (Windows), or file systems without locks (some
        network mounts), runs are not locked.
        """
        if not force:
            self._occupant(resume)
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield
            return
        with open(self.directory / LOCK, "a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ResultsError(
                    f"{self.directory}: another detente run is writing there; "
                    "wait for it to finish or choose another --out"
                ) from None
            except OSError:  # a file system without locks (some network mounts): run unlocked
                yield
                return
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def open(self, manifest: Manifest, *, resume: bool, force: bool) -> Manifest:
        """Prepare the directory for ``manifest``; return the manifest to continue from.

        A new run needs a missing or empty directory (or ``force``); ``resume``
        continues an earlier run with the same arguments, or starts if there is none.
        """
        existing = None if force else self._occupant(resume)
        if existing is not None:
            _require_same(existing, manifest, self.directory)
            self._remove_temporaries()
            return existing
        self.directory.mkdir(parents=True, exist_ok=True)
        self._remove_own_files()
        self._save(manifest)
        return manifest

    def _occupant(self, resume: bool) -> Manifest | None:
        existing = self.existing()
        if existing is not None and not resume:
            done = f"{len(existing.completed)} of {len(existing.chunks)} chunks done"
            raise ResultsError(
                f"{self.directory} already holds a {existing.kind} ({done}); "
                "pass --resume to continue it or --force to start over"
            )
        if existing is None and self.directory.exists() and self._foreign():
            raise ResultsError(
                f"{self.directory} is not empty and holds no detente results; "
                "choose another directory or pass --force to write into it"
            )
        return existing

    def _foreign(self) -> bool:
        """Whether the directory holds anything besides a lock left by an earlier run."""
        return any(path.name != LOCK for path in self.directory.iterdir())

    def missing(self, manifest: Manifest) -> list[Chunk]:
        """The chunks of ``manifest`` not yet recorded as done."""
        return [c for c in manifest.chunks if c.index not in manifest.completed]

    def save_chunk(self, manifest: Manifest, index: int, table: pa.Table) -> Manifest:
        """Write chunk ``index`` atomically, then record it; return the updated manifest."""
        path = self.directory / chunk_name(index)
        write_atomically(path, lambda p: pq.write_table(table, p), durable=True)
        updated = replace(manifest, completed=manifest.completed | {index})
        self._save(updated)
        return updated

    def read(self) -> tuple[Manifest, pa.Table]:
        """The manifest and the rows of every completed chunk, in unit order."""
        manifest = self.existing()
        if manifest is None:
            raise ResultsError(f"{self.directory} holds no detente results (no {MANIFEST})")
        names = [self.directory / chunk_name(i) for i in sorted(manifest.completed)]
        if not names:
            raise ResultsError(f"{self.directory}: no chunk has completed yet")
        return manifest, concatenate((pq.read_table(n) for n in names), [manifest.unit])

    def _save(self, manifest: Manifest) -> None:
        write_atomically(self.manifest_path, lambda p: p.write_text(manifest.to_json()))

    def _remove_temporaries(self) -> None:
        for path in self.directory.glob(".*.tmp"):
            path.unlink(missing_ok=True)

    def _remove_own_files(self) -> None:
        self._remove_temporaries()
        for path in self.directory.glob("chunk-*.parquet"):
            path.unlink()
        self.manifest_path.unlink(missing_ok=True)


def _require_same(existing: Manifest, wanted: Manifest, directory: Path) -> None:
    old, new = existing.identity(), wanted.identity()
    keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
    if existing.chunk_size != wanted.chunk_size:
        keys.append("chunk_size")
        old["chunk_size"], new["chunk_size"] = existing.chunk_size, wanted.chunk_size
    if keys:
        was = ", ".join(f"{k}={old.get(k)}" for k in keys)
        now = ", ".join(f"{k}={new.get(k)}" for k in keys)
        raise ResultsError(
            f"cannot resume {directory}: it holds a run with {was} but this one has {now}; "
            "rerun with the same arguments, or pass --force to start over"
        )
