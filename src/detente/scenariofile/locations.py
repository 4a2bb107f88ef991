"""Where a field of a scenario file is: the one way a file position reaches an error.

A :class:`FileTree` is a parsed YAML file kept for its line and column numbers.
Builders raise located errors with :meth:`FileTree.error`, and wrap calls into
domain code (which raises :class:`~detente.errors.DetenteError` without a
position) with :meth:`FileTree.located`, which attaches the field's position.
Nothing else in the package knows a file position.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from detente.errors import DetenteError, FieldError, Location, ScenarioError
from detente.utility.kinds import kinds

T = TypeVar("T")
PathKey = tuple[str | int, ...]
"""A field path in a file: ``("parties", 0, "discount")``."""

_TYPE_TAGS = {"float", "int", "str", "bool", "list", "dict"}
"""Labels pydantic puts in an error's path for a member of a union (never a file's key)."""


@dataclass(frozen=True, slots=True)
class FileTree:
    """A parsed file, kept to turn a field path into a line and column.

    ``memo`` holds what is computed from the file alone, whatever the
    parameters (a sweep rebuilds one file many times).
    """

    file: str
    root: Any
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def at(self, path: Sequence[str | int]) -> Location:
        """Location of the deepest node of ``path`` present in the file (in the included file
        it comes from, when the file has ``include:``)."""
        node, line, column, found, file = self.root, None, None, [], self.file
        missing: list[str | int] = []
        for key in path:
            if isinstance(node, CommentedMap) and key in node:
                line, column = node.lc.key(key)
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
                line, column = node.lc.item(key)
            else:
                missing.append(key)  # a union member's label, or a field the file leaves out
                continue
            file = origin_of(node, key, file)
            found.append(key)
            node = node[key]
        rest = [
            k
            for k in missing
            if isinstance(k, str) and k[:1].islower() and k not in _TYPE_TAGS and k not in kinds()
        ][-1:]
        return Location(
            file,
            None if line is None else line + 1,
            None if column is None else column + 1,
            dotted([*found, *rest]) or None,
        )

    def origin(self, path: Sequence[str | int]) -> str:
        """The file the deepest node of ``path`` present comes from (``file``, or an included
        file)."""
        return self.at(path).file or self.file

    def error(
        self, path: Sequence[str | int], message: str, kind: type[DetenteError] = ScenarioError
    ) -> DetenteError:
        """A one-line error located at ``path``."""
        return kind(message, self.at(path))

    def located(
        self,
        path: Sequence[str | int],
        make: Callable[[], T],
        kind: type[DetenteError] | None = None,
    ) -> T:
        """``make()``, with any error it raises located at ``path`` (as ``kind``, or its own)."""
        try:
            return make()
        except FieldError as error:  # at a field below ``path``
            raise self.error((*path, *error.path), error.message, kind or error.kind) from None
        except DetenteError as error:
            raise self.error(path, error.message, kind or type(error)) from None


ORIGIN = "detente_origin"
"""The attribute of a merged mapping or list naming the file each of its keys came from
(set by :mod:`~detente.scenariofile.includes`; a node without it is from its parent's file)."""


def origin_of(node: Any, key: str | int, file: str) -> str:
    """The file ``node[key]`` comes from: recorded on a merged node, else ``file``."""
    origins: dict[str | int, str] = getattr(node, ORIGIN, None) or {}
    return origins.get(key, file)


def dotted(path: Sequence[str | int]) -> str:
    """``('parties', 0, 'discount')`` → ``'parties[0].discount'``; a key with a line break or
    another control character is quoted, so the path stays on one line.

    >>> dotted(("parties", 0, "discount")), dotted(("a", "b\\nc"))
    ('parties[0].discount', "a['b\\\\nc']")
    """
    text = ""
    for key in path:
        if isinstance(key, int):
            text += f"[{key}]"
        elif not str(key).isprintable():
            text += f"[{str(key)!r}]"
        else:
            text += f".{key}" if text else str(key)
    return text


def plain(node: Any) -> Any:
    """ruamel's round-trip types → plain dicts, lists, str, int, float, bool, None."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)
