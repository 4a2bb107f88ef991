"""Citations: every ``[@KEY]`` in a ``source:`` field must name an entry of ``sources:``.

A scenario grounds its numbers in references listed once under ``sources:``
and cited by key, e.g. ``source: "[@usun-2371] over $1bn a year"``. A cited
key the file does not define is a source that is not there: an error located
at the citing field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from detente.errors import UnknownNameError
from detente.scenariofile.locations import FileTree, PathKey

CITATION = re.compile(r"\[@([^\]\s]+)\]")


def cited(text: str) -> tuple[str, ...]:
    """The keys ``text`` cites, in order.

    >>> cited("[@un-2371] and [@hani-2019] say so")
    ('un-2371', 'hani-2019')
    """
    return tuple(CITATION.findall(text))


def source_fields(node: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Every ``source:`` text in a plain data tree, with its path.

    >>> list(source_fields({"parameters": {"x": {"value": 1, "source": "s"}}}))
    [(('parameters', 'x', 'source'), 's')]
    """
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "source" and isinstance(value, str):
                yield (*path, key), value
            else:
                yield from source_fields(value, (*path, key))
    elif isinstance(node, Sequence) and not isinstance(node, str):
        for i, value in enumerate(node):
            yield from source_fields(value, (*path, i))


def check_citations(data: Mapping[str, Any], keys: Sequence[str], tree: FileTree) -> None:
    """Refuse a ``source:`` field citing a key that ``sources:`` does not define."""
    known = set(keys)
    for path, text in source_fields(data):
        for key in cited(text):
            if key not in known:
                listed = ", ".join(sorted(known)) or "none: add a sources: section"
                raise tree.error(
                    path,
                    f"cites [@{key}], which sources: does not define; defined keys: {listed}",
                    UnknownNameError,
                )
