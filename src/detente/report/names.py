"""Display names for the report's prose: parties, items, issues, parameters, positions, claims.

Every section reads names through :class:`Names` (the scenario's labels, :mod:`detente.labels`),
never the raw ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from detente.analysis.documents import kinds
from detente.labels import Labels
from detente.report.data import ReportData
from detente.report.text import outcome, worth


def labels_of(data: ReportData) -> Labels:
    """The scenario's display names: the analysis document's, else the setting's (the report
    computes them for itself when the analysis carries none)."""
    for document in (data.analysis, data.setting):
        if document is not None and document.get("labels"):
            return Labels.of(document)
    return Labels()


class Names:
    """Party ids → display names, signatories, and issue kinds, from whatever documents exist.

    Issue kinds are the scenario's (:func:`kinds_of`), never read off the values.
    """

    def __init__(self, data: ReportData) -> None:
        analysis = data.analysis or {}
        parties = (data.setting or {}).get("parties", [])
        self.labels = labels_of(data)
        self.names = {p["id"]: p["name"] for p in parties}
        self.ids: list[str] = list(analysis.get("parties", [p["id"] for p in parties]))
        self.signatories: list[str] = list(
            analysis.get("signatories", [p["id"] for p in parties if p["signatory"]] or self.ids)
        )
        self.kinds = kinds_of(data)
        reservations = analysis.get("reservation_values")
        self.reservation = (
            dict(zip(self.ids, reservations, strict=True))
            if reservations
            else {p["id"]: p["reservation"] for p in parties}
        )

    def name(self, party: str) -> str:
        return str(self.names.get(party) or self.labels.party(party))

    def item(self, item: str) -> str:
        return self.labels.item(item)

    def position(self, position: str) -> str:
        return f"“{self.labels.position(position)}”"

    def claim(self, claim: str) -> str:
        return self.labels.claim(claim)

    def parameter(self, parameter: str) -> str:
        return self.labels.parameter(parameter)

    def worth(self, utilities: Sequence[float], only: Sequence[str] | None = None) -> str:
        chosen = only if only is not None else self.ids
        values = [utilities[self.ids.index(p)] for p in chosen]
        return worth(values, [self.name(p) for p in chosen])

    def outcome(self, values: Mapping[str, Any]) -> str:
        return outcome(values, self.kinds, self.labels.issue)


def kinds_of(data: ReportData) -> dict[str, str]:
    """Each issue's kind, as the scenario declares it; without the scenario, none is known.

    No kind is guessed from the values an outcome shows (0/1 may well be an integer).
    """
    if data.issues is not None:
        return dict(kinds(data.issues))
    issues = (data.setting or {}).get("issues")
    return {} if issues is None else {i["name"]: i["kind"] for i in issues}
