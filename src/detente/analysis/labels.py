"""``labels``: the display name of every id of a scenario, by kind.

A party's display name is its ``name``; an issue, item, parameter, position or claim has the
``label:`` its file declares; anything else is shown as :func:`detente.labels.plain` of its id.
An item without a label of its own takes the label of the issue of the same name (Hanoi's
``un_relief`` is both). Readers use :class:`detente.labels.Labels` on the document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from detente.labels import Labels, plain
from detente.scenario import Scenario

LabelsDoc = dict[str, dict[str, str]]
"""``{"parties": {id: name}, "issues": {…}, "items": {…}, "parameters": {…}, "positions": {…},
"claims": {…}}``: every id of each kind the scenario has."""


def labels_doc(scenario: Scenario) -> LabelsDoc:
    """Every id's display name, by kind.

    >>> from pathlib import Path
    >>> from detente.scenariofile.loader import load_scenario
    >>> s = load_scenario(Path(__file__).parents[3] / "scenarios/theory/worked-example.yaml")
    >>> labels_doc(s)["parties"], labels_doc(s)["issues"]
    ({'A': 'Side A', 'B': 'Side B'}, {'deal': 'deal'})
    """
    declared = scenario.labels
    issues = _named(declared.get("issues", {}), (i.name for i in scenario.space.issues))
    items = scenario.phasing.deal.item_names if scenario.phasing is not None else ()
    own = declared.get("items", {})
    return {
        "parties": {p.id: p.name or plain(p.id) for p in scenario.parties},
        "issues": issues,
        "items": {name: own.get(name) or issues.get(name) or plain(name) for name in items},
        "parameters": _named(declared.get("parameters", {}), scenario.parameter_records),
        "positions": _named(declared.get("positions", {}), scenario.positions),
        "claims": _named(declared.get("claims", {}), (c.name for c in scenario.claims)),
    }


def _named(declared: Mapping[str, str], ids: Iterable[str]) -> dict[str, str]:
    return {name: declared.get(name) or plain(name) for name in ids}


def labels_of(scenario: Scenario) -> Labels:
    """The reader of ``scenario``'s display names (for a command that has no document yet)."""
    return Labels(labels_doc(scenario))
