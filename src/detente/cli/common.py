"""What every command shares: options, loading, JSON output, atomic file writes."""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

from detente.errors import DetenteError
from detente.outcomes import ENUMERATION_LIMIT
from detente.scenario import Scenario
from detente.scenario.loader import load_scenario, parse_overrides

console = Console()
err_console = Console(stderr=True)

ScenarioArg = Annotated[
    Path,
    typer.Argument(
        help="Scenario file (YAML), or a GENIUS/GeniusWeb/NegoLog domain: its folder, or its "
        "files joined by commas (dom.xml,a.xml,b.xml).",
        show_default=False,
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set", help="Override a parameter: NAME=VALUE (repeatable).", show_default=False
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document to stdout.")]
MaxOutcomesOpt = Annotated[
    int,
    typer.Option("--max-outcomes", min=1, help="Largest outcome space an operation may enumerate."),
]
DEFAULT_MAX_OUTCOMES = ENUMERATION_LIMIT


@dataclass(frozen=True, slots=True)
class DomainReading:
    """How to read GENIUS/GeniusWeb/NegoLog domains: the global ``--real-steps`` and ``--lenient``."""

    real_steps: int | None = None
    lenient: bool = False


DOMAIN_READING: ContextVar[DomainReading | None] = ContextVar("domain_reading", default=None)
"""Set by the app's callback from the global options; read by :func:`load`."""


def load(path: Path, sets: list[str] | None) -> Scenario:
    """Load a scenario (or a domain folder/files) with ``--set`` overrides applied.

    Repairs made by ``--lenient`` are reported on stderr, one line each (files
    skipped in a domain folder are listed in ``analyze``'s ``domain.notes``).
    """
    reading = DOMAIN_READING.get() or DomainReading()
    scenario = load_scenario(
        path, parse_overrides(sets or []), real_steps=reading.real_steps, lenient=reading.lenient
    )
    if scenario.origin is not None:
        for repair in scenario.origin.repairs:
            err_console.print(f"repaired: {repair}", highlight=False, soft_wrap=True)
    return scenario


def to_jsonable(value: Any) -> Any:
    """Numpy scalars and arrays → Python; non-finite floats → None."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def emit_json(document: Any) -> None:
    """Print one JSON document to stdout."""
    sys.stdout.write(json.dumps(to_jsonable(document), indent=2, allow_nan=False) + "\n")


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Let ``write`` fill a temporary file beside ``path``, then rename it into place.

    Whatever fails, no half-written file is left at ``path``. The file gets the
    usual permissions (``0o666`` less the umask), not the temporary file's private ones.

    Raises:
        DetenteError: ``path`` is a folder, its folder does not exist, or it cannot be written.
    """
    path = require_folder(Path(path))
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise DetenteError(f"{path}: cannot write there ({error.strerror or error})") from None
    os.close(fd)
    try:
        write(Path(name))
        os.chmod(name, 0o666 & ~_umask())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


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


def _umask() -> int:
    """The process's umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
