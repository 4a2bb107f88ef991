"""Writing output files safely: never a half-written file, never a folder made by a typo.

Every file detente writes — reports, traces, imported scenarios, exported
domains, sweep results — goes through :func:`write_atomically`: the content is
written to a temporary file beside the target (``.NAME.XXXX.tmp``) and renamed
into place only once complete, so an interrupted or failed write leaves the
target as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

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


def write_atomically(path: Path, write: Callable[[Path], object], durable: bool = False) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then rename it into place.

    Whatever fails, no half-written file is left at ``path``. The file gets the
    usual permissions (``0o666`` less the umask), not the temporary file's
    private ones. ``durable`` also flushes the data to disk before the rename
    (results that should survive a power cut, not only a killed process).

    Raises:
        DetenteError: ``path`` is a folder, its folder does not exist, or it cannot be written.
    """
    path = require_folder(Path(path))
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise DetenteError(f"{path}: cannot write there ({error.strerror or error})") from None
    os.close(fd)
    try:
        write(Path(name))
        if durable:
            with open(name, "rb+") as handle:
                os.fsync(handle.fileno())
        os.chmod(name, 0o666 & ~_umask())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through :func:`write_atomically`."""
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def _umask() -> int:
    """The process's umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
