"""Writing output files safely: never a half-written file, never a file detente does not own.

Every file detente writes — reports, traces, imported scenarios, exported
domains, sweep results — goes through :func:`write_atomically`, which looks at
what the path names first:

- nothing yet, or a regular file: the content is written to a temporary file
  beside it (``.NAME.XXXX.tmp``) and renamed into place once complete, so an
  interrupted or failed write leaves the target as it was;
- a symbolic link to a regular file: the same, for the file the link points
  to (the link stays a link);
- a terminal, ``/dev/null``, a pipe, a FIFO or ``/dev/stdout``: the content is
  written through it (nothing is renamed over a device); a FIFO nobody reads
  is refused rather than waited on;
- a folder, a block device, a socket or a link to nothing: refused in one line.

Missing folders are never created: a typo in a path is an error, not a new
directory tree. A folder of several files (:func:`write_folder`) is written
beside its target first and moved into place whole, and replaces only a
folder that holds nothing but files detente would write there.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from detente.errors import DetenteError


def require_folder(path: Path) -> Path:
    """``path`` if it names a file in an existing folder; a one-line error otherwise.

    Output files are never written into folders created on the fly: a typo in a
    path is an error, not a new directory tree.

    >>> require_folder(Path("/no/such/folder/out.json"))
    Traceback (most recent call last):
    detente.errors.DetenteError: /no/such/folder/out.json: cannot write there: the folder /no/such/folder does not exist; create it or choose another path
    """
    if path.is_dir():
        raise DetenteError(f"{path}: is a folder; give a file name inside it")
    if path.parent.exists() and not path.parent.is_dir():
        raise DetenteError(f"{path}: cannot write there: {path.parent} is not a folder")
    if not path.parent.is_dir():
        raise DetenteError(
            f"{path}: cannot write there: the folder {path.parent} does not exist; "
            "create it or choose another path"
        )
    return path


@dataclass(frozen=True, slots=True)
class Target:
    """Where a write to a path goes (see :func:`output_target`)."""

    path: Path
    how: Literal["replace", "through", "stream"]
    stream: int = -1
    """For ``stream``: this process's file descriptor the path names (``/dev/stdout`` → 1)."""


def output_target(path: Path) -> Target:
    """Where writing ``path`` goes, and how.

    ``replace``: ``path`` (or the regular file a link points to; the link stays)
    is replaced atomically. ``through``: ``path`` is a character device or a
    FIFO (or a link to one) and is written through. ``stream``: ``path`` names
    one of this process's open files (``/dev/stdout``, ``/dev/fd/3``), which is
    written to as it is, wherever the shell pointed it.

    >>> output_target(Path("/dev/null")).how, output_target(Path("/dev/stdout")).stream
    ('through', 1)
    >>> output_target(Path("/"))
    Traceback (most recent call last):
    detente.errors.DetenteError: /: is a folder; give a file name inside it
    """
    hops = [path, *_link_chain(path)]
    stream = next((n for n in map(_stream_number, hops) if n is not None), None)
    if stream is not None:
        return Target(path, "stream", stream)
    try:
        link = stat.S_ISLNK(os.lstat(path).st_mode)
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if path.is_symlink():
            raise DetenteError(
                f"{path}: a symbolic link to {hops[-1]}, which does not exist; "
                "create the file it points to, or write to another path"
            ) from None
        return Target(require_folder(path), "replace")
    except OSError as error:
        raise DetenteError(f"{path}: cannot write there ({error.strerror or error})") from None
    if stat.S_ISDIR(mode):
        raise DetenteError(f"{path}: is a folder; give a file name inside it")
    if stat.S_ISREG(mode):
        return Target(Path(os.path.realpath(path)) if link else path, "replace")
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return Target(path, "through")
    kind = "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else ""
    raise DetenteError(
        f"{path}: is {kind or 'a special file'}; write to a regular file, a pipe or a terminal"
    )


def _link_chain(path: Path) -> Iterator[Path]:
    """Each path a chain of symbolic links leads through (at most 40 hops, as the system allows)."""
    current = path
    for _ in range(40):
        if not current.is_symlink():
            return
        target = Path(os.readlink(current))
        current = target if target.is_absolute() else current.parent / target
        yield current


_STREAM = re.compile(r"^/(?:proc/(?:self|thread-self)/fd|dev/fd)/([0-9]+)$")
_NAMED_STREAMS = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def _stream_number(path: Path) -> int | None:
    """The file descriptor ``path`` names in this process, if it names one.

    >>> _stream_number(Path("/dev/stdout")), _stream_number(Path("/proc/self/fd/3"))
    (1, 3)
    """
    text = os.path.normpath(os.path.abspath(path))
    match = _STREAM.match(text)
    return int(match.group(1)) if match else _NAMED_STREAMS.get(text)


def write_atomically(path: Path, write: Callable[[Path], object], durable: bool = False) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then rename it into place.

    Whatever fails, no half-written file is left at ``path``. A new file gets
    the usual permissions (``0o666`` less the umask), a replaced one keeps its
    own. ``durable`` also flushes the data to disk before the rename (results
    that should survive a power cut, not only a killed process). A device, pipe
    or FIFO is written through instead (see :func:`output_target`).

    Raises:
        DetenteError: ``path`` is a folder, its folder does not exist, it is a
            FIFO nobody reads, or it cannot be written.
    """
    target = output_target(Path(path))
    if target.how == "stream":
        _write_to_stream(target, write)
        return
    if target.how == "through":
        with _reader_present(target.path):
            write(target.path)
        return
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.path.name}.", suffix=".tmp", dir=target.path.parent
        )
    except OSError as error:
        raise DetenteError(f"{path}: cannot write there ({error.strerror or error})") from None
    os.close(fd)
    try:
        write(Path(name))
        if durable:
            with open(name, "rb+") as handle:
                os.fsync(handle.fileno())
        os.chmod(name, _mode_of(target.path))
        os.replace(name, target.path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _write_to_stream(target: Target, write: Callable[[Path], object]) -> None:
    """Let ``write`` fill a private temporary file, then copy it to the open file ``target``.

    Writing to the descriptor itself (not reopening its path) keeps what the
    shell set up: a pipe stays a pipe, ``>> log`` appends, ``> file`` is
    written from where the process is.
    """
    with tempfile.TemporaryDirectory(prefix="detente-") as folder:
        temporary = Path(folder) / "output"
        write(temporary)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.flush()
        with temporary.open("rb") as source:
            while block := source.read(1 << 20):
                view = memoryview(block)
                while view:
                    view = view[os.write(target.stream, view) :]


@contextlib.contextmanager
def _reader_present(path: Path) -> Iterator[None]:
    """For a FIFO: hold it open for writing while ``write`` runs, refusing one nobody reads.

    Opening a FIFO for writing waits for a reader; detente refuses instead of
    waiting for ever. Other devices need nothing.
    """
    if not stat.S_ISFIFO(os.stat(path).st_mode):
        yield
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as error:
        if error.errno != errno.ENXIO:
            raise
        raise DetenteError(
            f"{path}: a named pipe (FIFO) that nobody is reading; start its reader first"
        ) from None
    try:
        yield
    finally:
        os.close(fd)


def _mode_of(target: Path) -> int:
    """The permissions a written file gets: the replaced file's, else the umask's default."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through :func:`write_atomically`."""
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def write_folder(
    folder: Path, files: Mapping[str, bytes], replaceable: Collection[str] = ()
) -> None:
    """Write ``files`` (``{name: content}``) as the folder ``folder``, whole or not at all.

    The files are written into a temporary folder beside ``folder`` and moved
    into place only once all are complete, so a failure (a full disk, an
    interruption) leaves ``folder`` as it was. A new folder is renamed into
    place in one step. An existing folder is updated in place, and only when
    everything in it is a regular file named in ``files`` or ``replaceable``
    (files an earlier run wrote): the old files named in ``replaceable`` and not
    in ``files`` are removed, the new ones moved in. Anything else in it is
    someone else's, and the folder is refused.

    Raises:
        DetenteError: ``folder``'s parent does not exist, ``folder`` is not a
            folder or holds files detente did not write, or it cannot be written.
    """
    if not folder.parent.is_dir():
        raise DetenteError(
            f"{folder}: cannot write there: the folder {folder.parent} does not exist; "
            "create it or choose another path"
        )
    ours = set(files) | set(replaceable)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise DetenteError(f"{folder}: exists and is not a folder; choose another path")
    if folder.exists():
        require_own_folder(folder, ours)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        if not folder.exists():
            staging.chmod(0o777 & ~_umask())
            os.rename(staging, folder)
            return
        for name in set(replaceable) - set(files):
            (folder / name).unlink(missing_ok=True)
        for name in files:
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def require_own_folder(folder: Path, ours: Collection[str]) -> None:
    """Refuse ``folder`` if it holds anything but regular files named in ``ours``."""
    foreign = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.name not in ours or entry.is_symlink() or not entry.is_file()
    )
    if foreign:
        shown = ", ".join(foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        )
        raise DetenteError(
            f"{folder}: already holds files detente did not write ({shown}); "
            "move them away or choose another path"
        )


def _umask() -> int:
    """The process's umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
