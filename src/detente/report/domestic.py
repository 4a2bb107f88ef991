"""The report's factions section: who inside each side accepts what, the veto, and its cost.

The producer (:func:`domestic_document`) reads, for every signatory with factions, each
faction's acceptance (its utility at least its value of no deal) and the party's
ratification of every named position and of the ratifiable agreement; and, for every issue
that is a quantity (not a whole-or-nothing item), which of its values each negotiator,
faction and ratifier accepts with the rest of each position held: the win-sets in the units
of the issue. It names the declared variant (or choice) under which a vetoing faction no
longer has a veto, whose comparison (``counterfactuals``) says what the veto costs or gives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from detente.analysis.solutions import Bargaining
from detente.ratification import Veto
from detente.report.counterfactuals import choice_variants
from detente.scenario import ParameterValue, Scenario

Rebuild = Callable[[Mapping[str, ParameterValue]], Scenario]


def _vetoes(scenario: Scenario) -> dict[str, list[str]]:
    """``{party: [veto factions]}`` of the parties that ratify by veto."""
    return {
        p.id: list(p.domestic.rule.players)
        for p in scenario.parties
        if p.domestic is not None and isinstance(p.domestic.rule, Veto)
    }


def _acceptance(scenario: Scenario, U: np.ndarray, indices: np.ndarray) -> dict[str, Any]:
    """For each signatory: whether its negotiator, each faction and its ratification accept
    each outcome of ``indices`` (lists of booleans)."""
    found: dict[str, Any] = {}
    for p, party in enumerate(scenario.parties):
        if not party.signatory:
            continue
        entry: dict[str, Any] = {"negotiator": (U[indices, p] >= party.reservation).tolist()}
        home = party.domestic
        if home is not None:
            F = home.utility_matrix(scenario.space, indices)
            own = home.reservations(party.reservation)
            entry["factions"] = {
                f.id: (F[:, k] >= own[k]).tolist() for k, f in enumerate(home.factions)
            }
            entry["ratifies"] = home.ratified(F, party.reservation).tolist()
        found[party.id] = entry
    return found


def _quantities(scenario: Scenario) -> list[int]:
    """Positions of the issues that are quantities: numbers, more than two values, not items."""
    return [
        k
        for k, issue in enumerate(scenario.space.issues)
        if issue.kind != "item"
        and len(issue.values) > 2
        and all(isinstance(v, int | float) for v in issue.values)
    ]


def domestic_document(
    scenario: Scenario,
    bargaining: Bargaining,
    agreement: Mapping[str, Any] | None,
    rebuild: Rebuild | None,
) -> dict[str, Any] | None:
    """The factions document (see the module docstring); ``None`` without factions."""
    if not any(p.domestic is not None for p in scenario.parties):
        return None
    space, U = scenario.space, bargaining.utilities
    packages = {name: p.index for name, p in scenario.positions.items()}
    if agreement is not None:
        packages["agreement"] = space.to_index([agreement["outcome"][i.name] for i in space.issues])
    indices = np.array(list(packages.values()), dtype=np.int64)
    accepted = _acceptance(scenario, U, indices)
    positions = {
        name: {party: _pick(entry, k) for party, entry in accepted.items()}
        for k, name in enumerate(packages)
    }
    ranges: dict[str, dict[str, Any]] = {}
    for name, index in packages.items():
        for k in _quantities(scenario):
            outcome = list(space.to_outcome(index))
            values = space.issues[k].values
            varied = [space.to_index([*outcome[:k], v, *outcome[k + 1 :]]) for v in values]
            ranges.setdefault(name, {})[space.issues[k].name] = {
                "values": [float(v) for v in values],
                "held": float(outcome[k]),
                "accepted": _acceptance(scenario, U, np.array(varied, dtype=np.int64)),
            }
    return {
        "parties": {
            p.id: {
                "factions": [{"id": f.id, "name": f.name or f.id} for f in p.domestic.factions],
                "veto": _vetoes(scenario).get(p.id, []),
            }
            for p in scenario.parties
            if p.domestic is not None
        },
        "positions": positions,
        "ranges": ranges,
        "without_veto": _without_veto(scenario, rebuild),
    }


def _pick(entry: Mapping[str, Any], k: int) -> dict[str, Any]:
    picked: dict[str, Any] = {"negotiator": entry["negotiator"][k]}
    if "factions" in entry:
        picked["factions"] = {f: flags[k] for f, flags in entry["factions"].items()}
        picked["ratifies"] = entry["ratifies"][k]
    return picked


def _without_veto(scenario: Scenario, rebuild: Rebuild | None) -> str | None:
    """The first declared variant (or choice) that takes every veto away, by name."""
    vetoes = _vetoes(scenario)
    if not vetoes or rebuild is None:
        return None
    for variant in choice_variants(scenario):
        other = rebuild(dict(variant.sets))
        if not any(_vetoes(other).get(p) for p in vetoes):
            return variant.name
    return None
