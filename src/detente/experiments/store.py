"""The results directory: chunk files written atomically, and a manifest that makes runs resumable.

Layout of a results directory::

    _manifest.json          what was run (arguments), how it is chunked, which chunks are
                            done (each with its row count and SHA-256), the column schema
    chunk-000000.parquet    the rows of chunk 0, and so on
    .detente.lock           held while a run writes

Every chunk has the same columns and types (the run's schema), and the
metadata files start with ``_`` or ``.``, so the directory reads as one
dataset: ``pandas.read_parquet(DIR)``, ``pyarrow.dataset.dataset(DIR)``,
DuckDB's ``read_parquet('DIR')``.

A chunk's rows are written to a temporary file that is renamed into place,
and only then is the chunk recorded in the manifest (itself replaced
atomically), with its row count and checksum. A run killed at any moment
therefore leaves every recorded chunk complete; ``--resume`` checks each
recorded chunk against its checksum and computes again any that is missing,
truncated or corrupt, saying so. Since a chunk's contents depend only on the
run's arguments, the result is identical. Files that are not detente's are
never touched: ``--force`` removes only what an earlier run's manifest lists,
and a file named like a chunk that is not a detente chunk stops the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from detente.errors import DetenteError
from detente.experiments.chunks import Chunk, plan_chunks
from detente.experiments.table import concatenate
from detente.files import write_atomically

MANIFEST = "_manifest.json"
LEGACY_MANIFEST = "manifest.json"
"""Where runs written before version 2 of the format keep their manifest (still read)."""
LOCK = ".detente.lock"
"""The file a run holds locked while it writes (released by the system if the run dies)."""
FORMAT = "detente-results/2"
FORMATS = ("detente-results/1", FORMAT)
CHUNK_TAG = b"detente.chunk"
"""Parquet metadata key every chunk carries: how a chunk file is known to be detente's."""


class ResultsError(DetenteError):
    """A results directory cannot be used as asked (occupied, mismatched, damaged)."""


@dataclass(frozen=True, slots=True)
class ChunkRecord:
    """What the manifest knows of a written chunk: its rows, size and SHA-256."""

    rows: int
    size: int
    sha256: str

    @classmethod
    def of(cls, path: Path, rows: int) -> ChunkRecord:
        """The record of the chunk file at ``path`` holding ``rows`` rows."""
        return cls(rows, path.stat().st_size, file_digest(path))


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a run computes and how far it got.

    ``arguments`` decide the results (scenario content hash, seed, number of
    units, ...) and must match on resume; ``details`` are for people only;
    ``schema`` lists every chunk's columns as ``(name, Arrow type)``; ``done``
    records each completed chunk (``None`` for runs written before checksums).
    """

    kind: str
    unit: str
    total: int
    chunk_size: int
    arguments: Mapping[str, object]
    details: Mapping[str, object] = field(default_factory=dict)
    done: Mapping[int, ChunkRecord | None] = field(default_factory=dict)
    schema: tuple[tuple[str, str], ...] = ()

    @property
    def completed(self) -> frozenset[int]:
        """The indices of the chunks done."""
        return frozenset(self.done)

    @property
    def chunks(self) -> tuple[Chunk, ...]:
        """The run's chunks, in order."""
        return plan_chunks(self.total, self.chunk_size)

    @property
    def complete(self) -> bool:
        """Whether every chunk is done."""
        return len(self.done) == len(self.chunks)

    def identity(self) -> dict[str, object]:
        """Everything that must match for a run to be resumed."""
        return {"kind": self.kind, **self.arguments, self.unit + "s": self.total}

    def with_chunk(self, index: int, record: ChunkRecord | None) -> Manifest:
        """The manifest with chunk ``index`` recorded as done."""
        return replace(self, done={**self.done, index: record})

    def without(self, indices: set[int]) -> Manifest:
        """The manifest with the chunks ``indices`` no longer done."""
        return replace(self, done={i: r for i, r in self.done.items() if i not in indices})

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
            "completed": sorted(self.done),
            "chunks": {
                str(i): None if r is None else {"rows": r.rows, "size": r.size, "sha256": r.sha256}
                for i, r in sorted(self.done.items())
            },
            "schema": [list(column) for column in self.schema],
        }
        return json.dumps(document, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str) -> Manifest:
        """Read a manifest; anything unexpected is a one-line error naming ``where``."""
        try:
            document = json.loads(text)
            if document.get("format") not in FORMATS:
                raise ValueError(f"format is {document.get('format')!r}, expected {FORMAT!r}")
            records = document.get("chunks", {})
            return cls(
                kind=str(document["kind"]),
                unit=str(document["unit"]),
                total=int(document["total"]),
                chunk_size=int(document["chunk_size"]),
                arguments=dict(document["arguments"]),
                details=dict(document["details"]),
                done={int(i): _record(records.get(str(i))) for i in document["completed"]},
                schema=tuple((str(n), str(t)) for n, t in document.get("schema", [])),
            )
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
            raise ResultsError(f"{where}: not a detente results manifest ({error})") from None


def _record(entry: Mapping[str, object] | None) -> ChunkRecord | None:
    if entry is None:
        return None
    return ChunkRecord(int(entry["rows"]), int(entry["size"]), str(entry["sha256"]))  # type: ignore[call-overload]


def chunk_name(index: int) -> str:
    """File name of chunk ``index``."""
    return f"chunk-{index:06d}.parquet"


def schema_of(table_schema: pa.Schema) -> tuple[tuple[str, str], ...]:
    """A table schema as the manifest records it: ``(name, type)`` per column."""
    return tuple((f.name, str(f.type)) for f in table_schema)


Notify = Callable[[str], None]
"""Where a run says what it noticed (the command line prints it on stderr)."""


def _say_nothing(message: str) -> None:
    """The default :data:`Notify` of library use."""


class ResultStore:
    """A results directory being written or read."""

    def __init__(self, directory: str | os.PathLike[str], notify: Notify | None = None) -> None:
        self.directory = Path(directory)
        self.manifest_path = self.directory / MANIFEST
        self.notify: Notify = notify or _say_nothing
        self.created = False

    def existing(self) -> Manifest | None:
        """The manifest already in the directory, if any (the current name, else the legacy one)."""
        for path in (self.manifest_path, self.directory / LEGACY_MANIFEST):
            if path.is_file() and not path.is_symlink():
                return Manifest.from_json(_read_text(path), str(path))
        return None

    @contextlib.contextmanager
    def writing(self, *, resume: bool, force: bool) -> Iterator[None]:
        """Hold the directory for one run: a second run into it is refused while this one lives.

        The directory is checked first (:meth:`open`'s rules), so nothing is
        created in a directory that is not the run's to write; its parent must
        exist. If the run ends before recording anything in a directory it
        created, the directory is removed again. On systems without ``fcntl``
        (Windows), or file systems without locks (some network mounts), runs
        are not locked.
        """
        if not force:
            self._occupant(resume)
        self._make_directory()
        lock = self.directory / LOCK
        new_lock = not lock.exists()
        try:
            with self._locked():
                yield
        finally:
            if self.existing() is None:  # nothing recorded: leave no trace of this run
                if new_lock:
                    lock.unlink(missing_ok=True)
                if self.created:
                    with contextlib.suppress(OSError):
                        self.directory.rmdir()

    def _make_directory(self) -> None:
        if self.directory.is_symlink() or (self.directory.exists() and not self.directory.is_dir()):
            raise ResultsError(
                f"{self.directory}: exists and is not a folder; choose another --out"
            )
        if not self.directory.parent.is_dir():
            raise ResultsError(
                f"{self.directory}: the folder {self.directory.parent} does not exist; "
                "create it or choose another --out"
            )
        try:
            self.directory.mkdir()
            self.created = True
        except FileExistsError:
            pass

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
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

    def open(
        self, manifest: Manifest, *, resume: bool, force: bool, extend: bool = False
    ) -> Manifest:
        """Prepare the directory for ``manifest``; return the manifest to continue from.

        A new run needs a missing or empty directory (or ``force``); ``resume``
        continues an earlier run with the same arguments, or starts if there is
        none, after checking every recorded chunk (see :meth:`verified`). With
        ``extend``, the earlier run may have fewer units: it grows to
        ``manifest.total`` (see :func:`extended`).
        """
        existing = self._occupant(resume) if not force else None
        if existing is not None and extend:
            existing = extended(existing, manifest)
        if existing is not None:
            _require_same(existing, manifest, self.directory)
            self._remove_temporaries()
            checked = self.verified(existing)
            self._require_own_chunk_files(checked, {chunk_name(i) for i in existing.done})
            if checked != existing:
                self._save(checked)
            return checked
        previous = self.existing() if force else None
        owned = set() if previous is None else {chunk_name(i) for i in previous.done}
        self._require_own_chunk_files(manifest, owned)
        if force:
            self._remove_own_files(previous)
        self._save(manifest)
        return manifest

    def verified(self, manifest: Manifest) -> Manifest:
        """``manifest`` without the recorded chunks whose file is missing, truncated or corrupt.

        Each one is reported through ``notify`` (it will be computed again).
        """
        bad = {}
        for index, record in sorted(manifest.done.items()):
            problem = self.chunk_problem(index, record, manifest)
            if problem is not None:
                bad[index] = problem
                self.notify(f"{chunk_name(index)} is {problem}: computing it again")
        return manifest.without(set(bad)) if bad else manifest

    def chunk_problem(
        self, index: int, record: ChunkRecord | None, manifest: Manifest
    ) -> str | None:
        """What is wrong with recorded chunk ``index`` on disk (``None``: nothing)."""
        path = self.directory / chunk_name(index)
        if path.is_symlink() or not path.is_file():
            return "missing"
        if record is None:  # a run from before checksums: check what can be checked
            return _unreadable(path, manifest.chunks[index].size)
        size = path.stat().st_size
        if size < record.size:
            return f"truncated ({size:,} of {record.size:,} bytes)"
        if size != record.size or file_digest(path) != record.sha256:
            return "corrupt (its checksum differs from the manifest's)"
        return None

    def _occupant(self, resume: bool) -> Manifest | None:
        existing = self.existing()
        if existing is not None and not resume:
            done = f"{len(existing.completed)} of {len(existing.chunks)} chunks done"
            raise ResultsError(
                f"{self.directory} already holds a {existing.kind} ({done}); "
                "pass --resume to continue it or --force to start over"
            )
        if existing is None and self.directory.is_dir() and self._foreign():
            raise ResultsError(
                f"{self.directory} is not empty and holds no detente results; "
                "choose another directory or pass --force to write into it"
            )
        return existing

    def _foreign(self) -> bool:
        """Whether the directory holds anything besides a lock left by an earlier run."""
        return any(path.name != LOCK for path in self.directory.iterdir())

    def _require_own_chunk_files(
        self, manifest: Manifest, owned: Collection[str] = frozenset()
    ) -> None:
        """Refuse to run if a chunk still to compute would replace a file that is not detente's.

        ``owned`` names files an earlier run's manifest lists (``--force`` removes them).
        """
        for chunk in self.missing(manifest):
            path = self.directory / chunk_name(chunk.index)
            if path.name in owned and path.is_file() and not path.is_symlink():
                continue
            if (path.exists() or path.is_symlink()) and not is_detente_chunk(path):
                raise ResultsError(
                    f"{path}: not a chunk detente wrote, and this run would replace it; "
                    "move it away (--force replaces only detente's own files)"
                )

    def missing(self, manifest: Manifest) -> list[Chunk]:
        """The chunks of ``manifest`` not yet recorded as done."""
        return [c for c in manifest.chunks if c.index not in manifest.done]

    def save_chunk(self, manifest: Manifest, index: int, table: pa.Table) -> Manifest:
        """Write chunk ``index`` atomically, then record it; return the updated manifest."""
        path = self.directory / chunk_name(index)
        tagged = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), CHUNK_TAG: str(index).encode()}
        )
        write_atomically(path, lambda p: pq.write_table(tagged, p), durable=True)
        updated = manifest.with_chunk(index, ChunkRecord.of(path, table.num_rows))
        self._save(updated)
        return updated

    def read(self) -> tuple[Manifest, pa.Table]:
        """The manifest and the rows of every completed chunk, in unit order.

        Raises:
            ResultsError: no manifest, no chunk done yet, or a recorded chunk is
                missing, truncated or corrupt (named, with how to repair it).
        """
        manifest = self.existing()
        if manifest is None:
            raise ResultsError(f"{self.directory} holds no detente results (no {MANIFEST})")
        if not manifest.done:
            raise ResultsError(f"{self.directory}: no chunk has completed yet")
        tables = []
        for index, record in sorted(manifest.done.items()):
            path = self.directory / chunk_name(index)
            problem = self.chunk_problem(index, record, manifest)
            table = _read_chunk(path) if problem is None else None
            if table is None:
                raise ResultsError(
                    f"{path}: this chunk is {problem or 'unreadable'}; rerun the same command "
                    "with --resume to compute it again"
                )
            tables.append(table)
        return manifest, concatenate(tables, [manifest.unit])

    def remove_if_unused(self, manifest: Manifest) -> None:
        """Remove the manifest of a new run that recorded no chunk (so nothing is left behind)."""
        if not manifest.done and self.existing() == manifest:
            self.manifest_path.unlink(missing_ok=True)

    def _save(self, manifest: Manifest) -> None:
        write_atomically(self.manifest_path, lambda p: p.write_text(manifest.to_json()))
        legacy = self.directory / LEGACY_MANIFEST
        if legacy.is_file() and not legacy.is_symlink():
            legacy.unlink()  # the run now lives in the manifest of the current format

    def _remove_temporaries(self) -> None:
        for path in self.directory.glob(".chunk-*.parquet.*.tmp"):
            path.unlink(missing_ok=True)
        for path in self.directory.glob(f".{MANIFEST}.*.tmp"):
            path.unlink(missing_ok=True)

    def _remove_own_files(self, existing: Manifest | None) -> None:
        """Remove what an earlier run's manifest lists (its chunks, the manifest), nothing else."""
        self._remove_temporaries()
        if existing is None:
            return
        for index in existing.done:
            path = self.directory / chunk_name(index)
            if path.is_file() and not path.is_symlink():
                path.unlink()
        for name in (MANIFEST, LEGACY_MANIFEST):
            (self.directory / name).unlink(missing_ok=True)


def is_detente_chunk(path: Path) -> bool:
    """Whether ``path`` is a chunk file detente wrote (a Parquet file carrying its tag)."""
    if path.is_symlink() or not path.is_file():
        return False
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (pa.ArrowException, OSError):
        return False
    return CHUNK_TAG in metadata or _legacy_chunk(path)


def _legacy_chunk(path: Path) -> bool:
    """A chunk written before chunks were tagged: listed by a legacy manifest beside it."""
    legacy = path.parent / LEGACY_MANIFEST
    return legacy.is_file() and not (path.parent / MANIFEST).exists()


def _read_chunk(path: Path) -> pa.Table | None:
    try:
        return pq.read_table(path)
    except (pa.ArrowException, OSError):
        return None


def _unreadable(path: Path, rows: int) -> str | None:
    """For a chunk without a checksum: whether its Parquet footer reads and has ``rows`` rows."""
    try:
        found = pq.ParquetFile(path).metadata.num_rows
    except (pa.ArrowException, OSError):
        return "corrupt (not a readable Parquet file)"
    return None if found == rows else f"truncated ({found} of {rows} rows)"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ResultsError(f"{path}: cannot read the manifest ({error})") from None


def extended(existing: Manifest, wanted: Manifest) -> Manifest:
    """``existing`` grown to ``wanted.total`` units, when only the total differs and grows.

    Chunks keep their boundaries (the chunk size is the run's), so every full
    chunk done stays done; a last chunk cut short by the old total is computed
    again, whole. Anything else is left to :func:`_require_same` to refuse.

    >>> old = Manifest("sweep", "draw", 10, 4, {"seed": 1}, done={0: None, 1: None, 2: None})
    >>> grown = extended(old, Manifest("sweep", "draw", 20, 4, {"seed": 1}))
    >>> grown.total, sorted(grown.done)
    (20, [0, 1])
    """
    if (
        wanted.total <= existing.total
        or wanted.chunk_size != existing.chunk_size
        or dict(wanted.arguments) != dict(existing.arguments)
    ):
        return existing
    grown = replace(existing, total=wanted.total)
    if existing.total % existing.chunk_size:
        grown = grown.without({existing.total // existing.chunk_size})
    return grown


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
    if existing.schema and wanted.schema and existing.schema != wanted.schema:
        differ = [c for c in wanted.schema if c not in existing.schema] or list(existing.schema)
        raise ResultsError(
            f"cannot resume {directory}: its chunks have other columns than this run would "
            f"write (e.g. {differ[0][0]}: {differ[0][1]}), as from another version of detente; "
            "pass --force to start over"
        )
