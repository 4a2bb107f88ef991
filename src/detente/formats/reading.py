"""Reading input files within limits: what kind of file, how large, how deep, which numbers.

Every input file, a scenario's YAML as much as a GENIUS, GeniusWeb or NegoLog
domain file, is read through :func:`read_bytes`: the file is opened without
blocking and checked before a byte is read, so a FIFO, a device (``/dev/zero``)
or a folder is refused in one line instead of hanging or filling memory, and a
file larger than its limit is refused before it is read. JSON goes through
:func:`read_json`, which also refuses ``NaN``, ``Infinity``, numbers that
overflow a float (``1e999``), number literals longer than
:data:`MAX_NUMBER_CHARS`, nesting deeper than :data:`MAX_DEPTH` and a key listed
twice in one object (which JSON readers resolve each their own way). The limits
are listed in ``docs/reference/limits.md``.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from detente.errors import DetenteError, Location, ScenarioError

MIB = 1024 * 1024
MAX_SCENARIO_BYTES = 1 * MIB
"""Largest scenario (YAML) file read; the YAML parser takes some seconds per megabyte."""
MAX_DOMAIN_BYTES = 16 * MIB
"""Largest GENIUS XML, GeniusWeb or NegoLog JSON file read."""
SIZE_SETTING = "DETENTE_MAX_INPUT_MB"
"""Environment variable that, when set, is the size limit in MB for every input file."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists (YAML, JSON) or elements (XML) in an input file."""
MAX_NUMBER_CHARS = 64
"""Longest number literal read; longer ones are refused (every number then fits a float)."""
MAX_ISSUE_VALUES = 20_000_000
"""Most values one issue may have (an integer range, a real issue's grid), checked before the
values are made: as many outcomes as the default ``--max-outcomes`` lets a command enumerate."""

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def size_limit(default: int) -> int:
    """The size limit in bytes: ``default``, or :data:`SIZE_SETTING` (in MB) when set.

    >>> size_limit(MAX_SCENARIO_BYTES) == MAX_SCENARIO_BYTES or SIZE_SETTING in os.environ
    True
    """
    setting = os.environ.get(SIZE_SETTING)
    if setting is None or not setting.strip():
        return default
    try:
        megabytes = float(setting)
        if not math.isfinite(megabytes) or megabytes <= 0:
            raise ValueError
    except ValueError:
        raise DetenteError(
            f"{SIZE_SETTING}={setting!r}: expected a positive number of megabytes, e.g. 64"
        ) from None
    return int(min(megabytes, 2.0**40) * MIB)


def read_bytes(path: str | Path, default_limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``size_limit(default_limit)`` bytes.

    ``what`` names the file's role in errors ("scenario file", "domain file").

    >>> read_bytes("/dev/zero", MAX_SCENARIO_BYTES, "scenario file")
    Traceback (most recent call last):
    ...
    detente.errors.ScenarioError: /dev/zero: is a character device, not a regular file: give a scenario file
    """
    where = Location(str(path))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ScenarioError("no such file", where) from None
    except OSError as error:
        raise ScenarioError(f"cannot be read: {error.strerror}", where) from None
    try:
        status = os.fstat(descriptor)
        _check_kind(status.st_mode, where, what)
        limit = size_limit(default_limit)
        if status.st_size > limit:
            raise _too_large(limit, where, what, status.st_size)
        data = _read_at_most(descriptor, limit + 1)
    except OSError as error:
        raise ScenarioError(f"cannot be read: {error.strerror}", where) from None
    finally:
        os.close(descriptor)
    if len(data) > limit:  # grew since it was measured, or a file that reports no size
        raise _too_large(limit, where, what)
    return data


def _read_at_most(descriptor: int, size: int) -> bytes:
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.read(descriptor, min(size, MIB))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _check_kind(mode: int, where: Location, what: str) -> None:
    if stat.S_ISDIR(mode):
        raise ScenarioError(f"is a folder, not a {what}", where)
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a file")
        raise ScenarioError(f"is {kind}, not a regular file: give a {what}", where)


def _too_large(limit: int, where: Location, what: str, size: int | None = None) -> ScenarioError:
    measured = "" if size is None else f" ({size:,} bytes)"
    return ScenarioError(
        f"is larger than the {_megabytes(limit)} MB limit for a {what}{measured}; "
        f"set {SIZE_SETTING}=N to raise the limit to N MB",
        where,
    )


def _megabytes(size: int) -> str:
    return f"{size / MIB:.3g}"


class _RefusedNumber(ValueError):
    def __init__(self, literal: str, reason: str) -> None:
        super().__init__(reason)
        self.literal = literal
        self.reason = reason


def number_problem(literal: str, value: float) -> str | None:
    """Why a number literal is refused (too long, not finite), or ``None``.

    >>> number_problem("1e999", float("1e999")), number_problem("0.5", 0.5)
    ('1e999 is not a finite number', None)
    """
    if len(literal) > MAX_NUMBER_CHARS:
        return (
            f"a number written with {len(literal):,} characters; numbers may have at most "
            f"{MAX_NUMBER_CHARS}"
        )
    if not math.isfinite(value):
        return f"{literal} is not a finite number"
    return None


def _json_float(literal: str) -> float:
    value = float(literal) if len(literal) <= MAX_NUMBER_CHARS else math.inf
    problem = number_problem(literal, value)
    if problem is not None:
        raise _RefusedNumber(literal, problem)
    return value


def _json_int(literal: str) -> int:
    problem = number_problem(literal, 0.0)
    if problem is not None:
        raise _RefusedNumber(literal, problem)
    return int(literal)


def _json_constant(literal: str) -> float:
    raise _RefusedNumber(literal, f"{literal} is not a finite number")


class _RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's members; a key listed twice (``{"a": 1, "a": 2}``) is refused, not dropped."""
    members = dict(pairs)
    if len(members) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return members


def read_json(path: Path) -> Any:
    """A JSON domain file's document: bounded in size and depth, every number finite.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.json"
    >>> _ = f.write_text('{"w": NaN}')
    >>> read_json(f)
    Traceback (most recent call last):
    ...
    detente.errors.ScenarioError: ...p.json:1:7: NaN is not a finite number
    """
    data = read_bytes(path, MAX_DOMAIN_BYTES, "domain file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError("not UTF-8 text", Location(str(path))) from None
    try:
        document = json.loads(
            text,
            parse_float=_json_float,
            parse_int=_json_int,
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        )
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"not valid JSON: {error.msg}", Location(str(path), error.lineno, error.colno)
        ) from None
    except _RefusedNumber as error:
        raise ScenarioError(error.reason, _literal_place(path, text, error.literal)) from None
    except _RepeatedKey as error:
        raise ScenarioError(
            f"the key {error.key!r} is listed twice in one object; list each key once",
            Location(str(path)),
        ) from None
    except RecursionError:
        raise _too_deep(path, text) from None
    if _depth_exceeds(document, MAX_DEPTH):
        raise _too_deep(path, text)
    return document


def _literal_place(path: Path, text: str, literal: str) -> Location:
    """Where a refused number literal first stands as a value."""
    found = re.search(rf"(?<=[:\[,\s]){re.escape(literal)}(?=[\s,\]}}]|$)", text)
    return _place(path, text, found.start()) if found else Location(str(path))


def _too_deep(path: Path, text: str) -> ScenarioError:
    offset = _deep_offset(text, MAX_DEPTH)
    where = Location(str(path)) if offset is None else _place(path, text, offset)
    return ScenarioError(
        f"objects and arrays nested more than {MAX_DEPTH} deep; domain files need far fewer", where
    )


def _deep_offset(text: str, limit: int) -> int | None:
    """Offset of the first bracket opening a level deeper than ``limit`` (strings skipped)."""
    depth = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > limit:
                return token.start()
        elif mark in "]}":
            depth -= 1
    return None


def _place(path: Path, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    return Location(str(path), line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _depth_exceeds(document: Any, limit: int) -> bool:
    """Whether nested dicts and lists go deeper than ``limit`` (iteratively, so any depth)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        children = _children(node)
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _children(node: Any) -> Iterator[Any] | None:
    if isinstance(node, dict):
        return iter(node.values())
    if isinstance(node, list):
        return iter(node)
    return None
