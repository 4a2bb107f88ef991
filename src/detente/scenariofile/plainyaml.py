"""YAML as plain data: the scenario file's parser, bounded, keeping line and column numbers.

A scenario file is data, so the parser accepts only what plain data needs and
refuses the rest where it stands, before anything is built from it:

- tags other than the plain ones (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!seq``, ``!!map``): ``!!binary``, ``!!set``, ``!!python/…``;
- anchors and aliases (``&a``, ``*a``), so an alias bomb ("billion laughs")
  is refused at its first anchor instead of expanding;
- mappings or lists as mapping keys;
- mappings and lists nested deeper than :data:`~detente.formats.reading.MAX_DEPTH`;
- number literals longer than :data:`~detente.formats.reading.MAX_NUMBER_CHARS`
  characters, and numbers that are not finite (``.inf``, ``.nan``, ``1e999``);
- a value explicitly tagged ``!!int``, ``!!float`` or ``!!bool`` that is not one
  (``!!int abc``);
- a date or time that is not one (``2019-02-30``).

A plain scalar the YAML library's integer pattern matches but that holds no digit
(``-_``, ``0x_``) is read as the text it is, as YAML 1.2 reads it.

Each refusal is a :class:`PlainYamlError` with the position it was found at.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import StreamMark
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, NodeEvent
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.util import create_timestamp

from detente.formats.reading import MAX_DEPTH, MAX_NUMBER_CHARS, number_problem
from detente.scenariofile.locations import dotted

PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null", "seq", "map")
)
_SHOWN_KEYS = 8
"""Keys of a field's path named in an error (a deeply nested one is cut short)."""
_INT_TAG, _FLOAT_TAG, _BOOL_TAG, _STR_TAG, _TIMESTAMP_TAG = (
    f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "bool", "str", "timestamp")
)
_NUMBER_TAGS = (_INT_TAG, _FLOAT_TAG)
_DIGITLESS = re.compile(r"[-+]?(?:0[box])?_*")
"""An "integer" with no digit after its sign and base (``-_``, ``0x_``): not a number at all."""


class PlainYamlError(ValueError):
    """YAML that is not plain data, found at ``mark`` (0-based line and column) and ``field``."""

    def __init__(self, message: str, mark: StreamMark | None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = None if mark is None else mark.line
        self.column = None if mark is None else mark.column
        self.field = field


class _PlainComposer(Composer):
    """ruamel's composer, refusing what plain data does not need before composing it."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.path: list[str | int] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        key = _key(parent, index)
        if key is not None:
            self.path.append(key)
        try:
            return self._compose_plain(parent, index)
        finally:
            if key is not None:
                self.path.pop()

    def _error(self, message: str, mark: StreamMark) -> PlainYamlError:
        shown = dotted(self.path[:_SHOWN_KEYS]) + ("…" if len(self.path) > _SHOWN_KEYS else "")
        return PlainYamlError(message, mark, shown or None)

    def _compose_plain(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        problem = self._refusal(event, parent, index)
        if problem is not None:
            raise self._error(problem, event.start_mark)
        return super().compose_node(parent, index)

    def _refusal(self, event: Any, parent: Any, index: Any) -> str | None:
        """Why the node ``event`` starts is not plain data, or ``None``."""
        if isinstance(event, AliasEvent) or (
            isinstance(event, NodeEvent) and event.anchor is not None
        ):
            return (
                "YAML anchors and aliases (&name, *name) are not allowed in scenario files: "
                "write each value out"
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in PLAIN_TAGS:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            return f"YAML tag {shown!r} is not allowed: scenario files are plain data"
        if not isinstance(event, CollectionStartEvent):
            return None
        if isinstance(parent, MappingNode) and index is None:  # a key is being composed
            return "a mapping key must be a name or a number, not a mapping or list"
        if self.depth >= MAX_DEPTH:
            return f"mappings and lists nested more than {MAX_DEPTH} deep; scenario files need far fewer"
        return None

    def compose_scalar_node(self, anchor: Any) -> Any:
        tag = self.parser.peek_event().ctag
        explicit = tag is not None and str(tag) != "!"
        node: ScalarNode = super().compose_scalar_node(anchor)
        if not explicit and node.tag == _INT_TAG and _DIGITLESS.fullmatch(node.value):
            node.tag = _STR_TAG  # "-_": ruamel's pattern allows it, YAML 1.2's holds no such int
        problem = self._tag_problem(node) if explicit else None
        if problem is None and node.tag in _NUMBER_TAGS:
            problem = _number_problem(node.value, node.tag == _FLOAT_TAG)
        if problem is None and node.tag == _TIMESTAMP_TAG:
            problem = _date_problem(node.value)
        if problem is not None:
            raise self._error(problem, node.start_mark)
        return node

    def _tag_problem(self, node: ScalarNode) -> str | None:
        """Why an explicitly tagged scalar is not of its tag (``!!int abc``), or ``None``."""
        tag = str(node.tag)
        if tag == _BOOL_TAG:
            fits = node.value.lower() in SafeConstructor.bool_values
        elif tag in _NUMBER_TAGS:
            untagged = str(self.resolver.resolve(ScalarNode, node.value, (True, False)))
            readable = (_INT_TAG,) if tag == _INT_TAG else _NUMBER_TAGS
            fits = untagged in readable and not _DIGITLESS.fullmatch(node.value)
        else:
            return None
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        return None if fits else f"{node.value!r} is not a valid {shown} value"


def _key(parent: Any, index: Any) -> str | int | None:
    """The path key of the node composed under ``parent`` at ``index`` (none for a mapping's key)."""
    if isinstance(parent, SequenceNode) and isinstance(index, int):
        return index
    if isinstance(parent, MappingNode) and isinstance(index, ScalarNode):
        return str(index.value)
    return None


def _number_problem(text: str, is_float: bool) -> str | None:
    if not text.lstrip("+-").replace("_", ""):  # YAML 1.1 reads "-_" as an integer without digits
        return f"{text!r} is not a number: quote it to make it text"
    if len(text) > MAX_NUMBER_CHARS or not is_float:
        return number_problem(text, 0.0)
    literal = text.replace("_", "")
    try:
        value = math.nan if literal.lower().lstrip("+-") in (".nan", ".inf") else float(literal)
    except ValueError:
        return None  # a YAML 1.1 float form (e.g. 1:30); the constructor reads it
    return number_problem(text, value)


def _date_problem(text: str) -> str | None:
    """Why a scalar that looks like a date is not one (``2019-02-30``), or ``None``."""
    match = SafeConstructor.timestamp_regexp.match(text)
    if match is None:
        return None  # the constructor says why
    try:
        create_timestamp(**match.groupdict())
    except (ValueError, OverflowError) as error:
        return f"{text!r} is not a date ({error}): write a real date as YYYY-MM-DD"
    return None


def load(text: str) -> Any:
    """The round-trip document of ``text`` (``CommentedMap`` etc., with positions).

    >>> load("a: [1, 2]")["a"]
    [1, 2]
    >>> load("a: &x 1")
    Traceback (most recent call last):
    ...
    detente.scenariofile.plainyaml.PlainYamlError: YAML anchors and aliases (&name, *name) are not allowed in scenario files: write each value out
    """
    yaml = YAML(typ="rt")
    yaml.Composer = _PlainComposer
    return yaml.load(text)
