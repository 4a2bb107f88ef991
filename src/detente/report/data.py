"""What a report shows: the result documents of every analysis that ran.

A report is assembled from JSON-like *documents*, the same ones the commands
print with ``--json``: ``analysis`` (``detente analyze``), ``phase``
(``detente phase``), ``implementation`` (``detente implement``), ``factions``
(win-sets across a faction-weight grid), ``domestic`` (each faction's acceptance of the
positions and the win-sets in the issues' units: :mod:`~detente.report.domestic`), ``robust`` (``detente phase --robust``),
``sweep`` (``detente summarize``),
``whatif`` (the tornado, thresholds and a two-way map: :mod:`~detente.report.whatif`),
``counterfactuals`` (``detente compare`` of the file's variants and choices:
:mod:`~detente.report.counterfactuals`),
plus two the report computes for itself: ``setting`` (the parties and what is
traded) and ``space`` (the utility vectors of the outcomes, for the plot).
Any of them may be absent; a report section shows only when its data is there.
Beside the documents, ``issues`` carries what the JSON does not: each issue's
kind and each item's giver, as the scenario declares them
(:class:`~detente.analysis.documents.IssueFacts`); without them no issue is
read as an item.

The documents are produced from a scenario by :mod:`detente.report.producers`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from detente.analysis.documents import IssueFacts
from detente.errors import DetenteError

Document = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ReportData:
    """The documents one report is built from; ``None`` where an analysis did not run.

    ``issues`` are the issues' kinds and the items' givers (``None`` when unknown).

    >>> data = ReportData.from_documents("Demo", {"sweep": {"draws": 10, "claims": {}}})
    >>> data.present()
    ('sweep',)
    """

    title: str
    description: str = ""
    setting: Document | None = None
    analysis: Document | None = None
    space: Document | None = None
    phase: Document | None = None
    implementation: Document | None = None
    factions: Document | None = None
    domestic: Document | None = None
    whatif: Document | None = None
    counterfactuals: Document | None = None
    robust: Document | None = None
    sweep: Document | None = None
    posterior: Document | None = None
    issues: tuple[IssueFacts, ...] | None = None

    @classmethod
    def from_documents(
        cls,
        title: str,
        documents: Mapping[str, Document | None],
        description: str = "",
        issues: tuple[IssueFacts, ...] | None = None,
    ) -> ReportData:
        """Gather named documents; an unknown name is an error naming the valid ones."""
        valid = document_names()
        unknown = sorted(set(documents) - set(valid))
        if unknown:
            raise DetenteError(
                f"report: unknown document {unknown[0]!r}; valid: {', '.join(valid)}"
            )
        return cls(title, description, **dict(documents), issues=issues)

    def present(self) -> tuple[str, ...]:
        """Names of the documents this report has."""
        return tuple(name for name in document_names() if getattr(self, name) is not None)


def document_names() -> tuple[str, ...]:
    """The documents a report can hold, in report order."""
    return tuple(
        f.name for f in fields(ReportData) if f.name not in ("title", "description", "issues")
    )


def summary_from_directory(
    directory: Path, notify: Callable[[str], None] | None = None
) -> Document:
    """The summary of a sweep's output directory, as ``detente summarize DIR --json --discover``
    prints it (where each claim holds is a section of the report).

    A Saltelli sweep's summary carries its Sobol' indices (``summarize --sensitivity``);
    ``notify`` is told what they leave out, as ``summarize`` says it (one line each).
    """
    from detente.experiments.store import ResultStore
    from detente.experiments.summary import Questions, summarize

    manifest = ResultStore(directory).existing()
    saltelli = manifest is not None and manifest.arguments.get("design") == "saltelli"
    return summarize(directory, Questions(discover=True, sensitivity=saltelli), notify=notify)


def read_sweep(path: Path, notify: Callable[[str], None] | None = None) -> Document:
    """A sweep summary: a ``summarize --json`` file, or a sweep's output directory (``notify``
    is told the notes of its summary: :func:`summary_from_directory`).

    Raises:
        DetenteError: the path is missing or holds no summary with ``draws`` and ``claims``.
    """
    path = Path(path)
    if not path.exists():
        raise DetenteError(f"--sweep {path}: no such file or directory")
    summary = summary_from_directory(path, notify) if path.is_dir() else _read_json(path)
    if not isinstance(summary.get("draws"), int) or not isinstance(summary.get("claims"), dict):
        raise DetenteError(
            f"--sweep {path}: not a sweep summary (expected the keys 'draws' and 'claims' "
            "of `detente summarize DIR --json`)"
        )
    return summary


def _read_json(path: Path) -> Document:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DetenteError(f"--sweep {path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DetenteError(f"--sweep {path}: not readable JSON ({error})") from None
    if not isinstance(document, dict):
        raise DetenteError(f"--sweep {path}: expected a JSON object")
    return document
