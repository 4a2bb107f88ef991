"""Display names for the report's prose: parties, items, issues, parameters, positions, claims.

Every section reads names through :class:`Names` (the scenario's labels, :mod:`detente.labels`),
never the raw ids.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from detente.analysis.documents import kinds
from detente.labels import Labels
from detente.report.data import ReportData
from detente.report.text import outcome, worth


def document_labels(data: ReportData) -> Labels:
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
        self.labels = document_labels(data)
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


_FIELD = re.compile(r"^(phasing\.)?(agreement|positions\.(\w+))\.(utilities\[(\d+)\]|min_stages)$")


def field_name(field: str, names: Names) -> str:
    """A result field of the analysis in words.

    >>> names = Names(ReportData("t", setting={"parties": [
    ...     {"id": "us", "name": "United States", "signatory": True, "reservation": 0}]}))
    >>> field_name("agreement.utilities[0]", names), field_name("phasing.agreement.min_stages", names)
    ("the agreement's value to United States", "the agreement's fewest stages")
    >>> field_name("phasing.positions.big_deal.min_stages", names), field_name("n_rational", names)
    ('the fewest stages of “big deal”', 'n_rational')
    """
    found = _FIELD.match(field)
    if found is None:
        return field
    _, _, position, _, party = found.groups()
    package = "the agreement" if position is None else names.position(position)
    if party is not None:
        if int(party) >= len(names.ids):
            return field
        to = names.name(names.ids[int(party)])
        return (
            f"{package}'s value to {to}" if position is None else f"the value of {package} to {to}"
        )
    return f"{package}'s fewest stages" if position is None else f"the fewest stages of {package}"


def named_whatif(document: Mapping[str, Any], names: Names) -> dict[str, Any]:
    """The what-if document with display names for its parameters, claims and fields."""
    parameter, claim = names.parameter, names.claim

    def results(r: Mapping[str, Any]) -> dict[str, Any]:
        return {
            **r,
            "claims": {claim(k): v for k, v in (r.get("claims") or {}).items()},
            "fields": {field_name(k, names): v for k, v in (r.get("fields") or {}).items()},
        }

    def row(r: Mapping[str, Any]) -> dict[str, Any]:
        named = {
            **results(r),
            "name": parameter(r["name"]),
            "flips": [claim(c) for c in r.get("flips") or []],
        }
        if "labels" in r:
            named["labels"] = {k: results(v) for k, v in r["labels"].items()}
        return named

    def pair(t: Mapping[str, Any]) -> dict[str, Any]:
        return {**t, "claim": claim(t["claim"]), "parameter": parameter(t["parameter"])}

    tornado = document["tornado"]
    named: dict[str, Any] = {
        **document,
        "tornado": {
            **tornado,
            "parameters": [row(r) for r in tornado["parameters"]],
            "claims": [claim(c) for c in tornado.get("claims") or []],
            "fields": [field_name(f, names) for f in tornado.get("fields") or []],
        },
        "thresholds": [pair(t) for t in document.get("thresholds") or []],
        "choices": [pair(c) for c in document.get("choices") or []],
    }
    grid = document.get("map")
    if grid:
        named["map"] = {
            **grid,
            "claim": claim(grid["claim"]),
            "parameters": [parameter(p) for p in grid["parameters"]],
            "grid": {parameter(k): v for k, v in grid["grid"].items()},
            "at": {parameter(k): v for k, v in grid["at"].items()},
        }
    return named
