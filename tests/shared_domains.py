"""Where the shared real domains are (they are never copied into the repository).

``DETENTE_SHARED_DATA`` names the folder directly; otherwise the first
``shared/data/domains`` found beside the repository or one of its ancestors
(``/work/shared`` from ``/work/main`` or a worktree ``/work/wt/NAME``, and
``<clone>/../shared`` in CI). Tests that need them are skipped, with that
reason, when the folder is absent.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def locate() -> Path | None:
    """The shared domains folder, or ``None``."""
    named = os.environ.get("DETENTE_SHARED_DATA")
    if named:
        return Path(named) if Path(named).is_dir() else None
    for ancestor in REPO.parents:
        candidate = ancestor / "shared" / "data" / "domains"
        if candidate.is_dir():
            return candidate
    return None


SHARED = locate()
needs_shared = pytest.mark.skipif(
    SHARED is None,
    reason="shared real domains absent (../shared/data/domains beside the repository, "
    "or set DETENTE_SHARED_DATA)",
)


def index() -> list[dict[str, str]]:
    """Rows of ``INDEX.tsv``, one per domain folder (empty without the data)."""
    if SHARED is None:
        return []
    with (SHARED / "INDEX.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


ROWS = [row for row in index() if not row["folder"].startswith("_")]
MALFORMED = [row for row in index() if row["folder"].startswith("_")]
NOT_SUPPORTED = {"SecondHandCar_real": "evaluator type 'price'"}
"""Well-formed domains GENIUS 10.4 itself cannot evaluate, and why."""


def folder_ids(rows: list[dict[str, str]]) -> list[str]:
    """Test ids: the folder names."""
    return [row["folder"] for row in rows]
