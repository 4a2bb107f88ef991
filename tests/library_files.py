"""Reading the case library's YAML as plain data, for the library tests' checks on the files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml


def raw(path: Path) -> dict[str, Any]:
    """A case or common file as plain data, before its includes are merged."""
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def strings(node: object) -> Iterator[str]:
    """Every string anywhere in plain YAML data (where citations can be)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
