"""What a report shows: the result documents of every analysis that ran, and how they are gathered.

A report is assembled from JSON-like *documents*, the same ones the commands
print with ``--json``: ``analysis`` (``detente analyze``), ``phase``
(``detente phase``), ``implementation`` (``detente implement``), ``factions``
(win-sets across a faction-weight grid), ``sweep`` (``detente summarize``),
plus two the report computes for itself: ``setting`` (the parties and what is
traded) and ``space`` (the utility vectors of the outcomes, for the plot).
Any of them may be absent; a report section shows only when its data is there.

Each document comes from one *producer*, ``f(scenario, context) -> document |
None``, listed in :data:`REPORT_PRODUCERS` under the document's name: a new
analysis plugs into the report by adding one entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from detente.analysis import ANALYSIS_SECTIONS, AnalysisContext
from detente.errors import DetenteError
from detente.outcomes import ENUMERATION_LIMIT
from detente.report.text import outcome
from detente.scenario import Scenario
from detente.utility import Constrained, LinearAdditive, Utility

Document = Mapping[str, Any]

MAX_POINTS = 4000
"""Most distinct utility vectors the utility-space plot draws (a seeded sample beyond)."""
LABELLED = 16
"""Outcome spaces up to this size are plotted with every outcome named."""
DEDUPLICATED = 50_000
"""Larger spaces are sampled (uniformly over outcomes, seeded) before removing repeats."""


@dataclass(frozen=True, slots=True)
class ReportData:
    """The documents one report is built from; ``None`` where an analysis did not run.

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
    sweep: Document | None = None

    @classmethod
    def from_documents(
        cls, title: str, documents: Mapping[str, Document | None], description: str = ""
    ) -> ReportData:
        """Gather named documents; an unknown name is an error naming the valid ones."""
        valid = document_names()
        unknown = sorted(set(documents) - set(valid))
        if unknown:
            raise DetenteError(
                f"report: unknown document {unknown[0]!r}; valid: {', '.join(valid)}"
            )
        return cls(title, description, **dict(documents))

    def present(self) -> tuple[str, ...]:
        """Names of the documents this report has."""
        return tuple(name for name in document_names() if getattr(self, name) is not None)


def document_names() -> tuple[str, ...]:
    """The documents a report can hold, in report order."""
    return tuple(f.name for f in fields(ReportData) if f.name not in ("title", "description"))


@dataclass
class GatherContext:
    """What the producers of one report share: the analysis context (utility matrix once)."""

    analysis: AnalysisContext
    extras: dict[str, Any] = field(default_factory=dict)


Producer = Callable[[Scenario, GatherContext], Document | None]


def analysis_document(scenario: Scenario, context: GatherContext) -> Document:
    """The ``analyze --json`` document, from every registered analysis section."""
    document: dict[str, Any] = {}
    for section in ANALYSIS_SECTIONS:
        document.update(section(scenario, context.analysis))
    return document


def setting_document(scenario: Scenario, context: GatherContext) -> Document:
    """The parties, the issues with their options, and who gives each item."""
    parties = [
        {
            "id": p.id,
            "name": p.label,
            "signatory": p.signatory,
            "reservation": float(p.reservation),
            "discount": float(p.discount),
        }
        for p in scenario.parties
    ]
    issues = [
        {"name": i.name, "kind": i.kind, "values": [_plain(v) for v in i.values]}
        for i in scenario.space.issues
    ]
    worth = item_worth(scenario)
    signs = {p.id for p in scenario.parties if p.signatory}
    givers = {
        item: [p for p, v in values.items() if v < 0 and p in signs]
        for item, values in worth.items()
    }
    return {
        "parties": parties,
        "issues": issues,
        "worth": worth,
        "givers": givers,
        "parameters": {k: float(v) for k, v in scenario.parameters.items()},
    }


def item_worth(scenario: Scenario) -> dict[str, dict[str, float]]:
    """What delivering each binary item is worth to each party, where utilities are additive.

    Read from linear-additive utilities (hard constraints aside): the change in
    a party's utility when the item goes from 0 to 1. A signatory to whom it
    costs something is its giver. Items whose worth is not additive are left out.
    """
    space = scenario.space
    worth: dict[str, dict[str, float]] = {}
    for position, issue in enumerate(space.issues):
        if issue.kind != "item":
            continue
        values = {p.id: _item_delta(p.utility, position) for p in scenario.parties}
        if all(v is not None for v in values.values()):
            worth[issue.name] = {k: float(v) for k, v in values.items() if v is not None}
    return worth


def _item_delta(utility: Utility, position: int) -> float | None:
    base = utility.base if isinstance(utility, Constrained) else utility
    if not isinstance(base, LinearAdditive):
        return None
    table = base.tables[position]
    return float(base.weights[position] * (table[1] - table[0]))


def space_document(scenario: Scenario, context: GatherContext) -> Document | None:
    """The utility vectors of the first two signatories, for the plot.

    Small spaces (at most :data:`LABELLED` outcomes) keep every outcome with its
    name; larger ones keep the distinct vectors, from a seeded uniform sample of
    outcomes beyond :data:`DEDUPLICATED` and thinned to :data:`MAX_POINTS`.
    Unacceptable outcomes (a hard constraint fails) are counted, not drawn.
    """
    signatories = context.analysis.signatories
    if len(signatories) < 2:
        return None
    columns = list(signatories[:2])
    U = context.analysis.utilities[:, columns]
    finite = np.all(np.isfinite(U), axis=1)
    document: dict[str, Any] = {
        "parties": [scenario.parties[i].id for i in columns],
        "n_outcomes": len(U),
        "n_unacceptable": int((~finite).sum()),
        "sampled": False,
    }
    if len(U) <= LABELLED:
        kept = np.flatnonzero(finite)
        kinds = {i.name: i.kind for i in scenario.space.issues}
        document["labels"] = [outcome(context.analysis.outcome(int(i)), kinds) for i in kept]
        document["points"] = U[kept].tolist()
        return document
    rows = np.flatnonzero(finite)
    if len(rows) > DEDUPLICATED:
        rng = np.random.default_rng(np.random.SeedSequence(len(rows)))
        rows = np.sort(rng.choice(rows, DEDUPLICATED, replace=False))
        document["sampled"] = True
    points = np.unique(U[rows], axis=0)
    if len(points) > MAX_POINTS:
        rng = np.random.default_rng(np.random.SeedSequence(len(points)))
        points = points[np.sort(rng.choice(len(points), MAX_POINTS, replace=False))]
        document["sampled"] = True
    document["points"] = points.tolist()
    return document


REPORT_PRODUCERS: dict[str, Producer] = {
    "setting": setting_document,
    "analysis": analysis_document,
    "space": space_document,
}
"""Who produces each document of a report from a scenario. Plug in a new analysis here,
e.g. ``REPORT_PRODUCERS["phase"] = phase_document`` with ``phase_document(scenario,
context)`` returning the ``detente phase --json`` document (or ``None`` when the
scenario has nothing to phase)."""


def gather(
    scenario: Scenario, limit: int = ENUMERATION_LIMIT, sweep: Document | None = None
) -> ReportData:
    """Run every registered producer on ``scenario``; add a sweep summary if given (:func:`read_sweep`).

    >>> from detente.scenario.loader import load_scenario
    >>> s = load_scenario(Path(__file__).parents[3] / "scenarios/theory/worked-example.yaml")
    >>> gather(s).present()
    ('setting', 'analysis', 'space')
    """
    context = GatherContext(AnalysisContext(scenario, limit))
    documents = {name: produce(scenario, context) for name, produce in REPORT_PRODUCERS.items()}
    if sweep is not None:
        documents["sweep"] = sweep
    return ReportData.from_documents(scenario.name, documents, scenario.description)


def summary_from_directory(directory: Path) -> Document:
    """The sweep summary stored in a sweep's output directory (``summary.json``)."""
    return _read_json(directory / "summary.json")


SWEEP_SUMMARY: list[Callable[[Path], Document]] = [summary_from_directory]
"""How a sweep directory becomes its summary (``detente summarize DIR --json``'s document);
the experiments feature replaces the entry with its own summariser."""


def read_sweep(path: Path) -> Document:
    """A sweep summary: a ``summarize --json`` file, or a sweep's output directory.

    Raises:
        DetenteError: the path is missing or holds no summary with ``draws`` and ``claims``.
    """
    path = Path(path)
    if not path.exists():
        raise DetenteError(f"--sweep {path}: no such file or directory")
    summary = SWEEP_SUMMARY[0](path) if path.is_dir() else _read_json(path)
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


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value
