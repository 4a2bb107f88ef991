"""Writing a scenario as a detente YAML file (what ``detente import`` produces).

The file analyses to the same numbers as the scenario it came from: issues
keep their values (real issues become their grid of values), each party's
linear utility is written with its weights and value tables as read (named
values as ``{value: number}``, numeric issues as a list aligned with the
values), GENIUS's cap at 1 as ``ceiling: 1.0``, and hyper-rectangle profiles
as a ``type: rectangles`` utility — boxes with inclusive value bounds, a
``scale`` (GENIUS's ``maxutility``) and a ceiling — so that even a 10¹⁰-outcome
domain imports without enumeration. Party ids that are not valid detente ids
(file stems with dots, spaces or a leading digit) are rewritten and the
original kept as the party's ``name``. GENIUS discount factors are stated in
the description but not applied, as in the analysis of the original files.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML

from detente.errors import DetenteError
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.scenario import ParameterValue, Scenario
from detente.scenariofile.locations import dotted
from detente.utility import Utility
from detente.utility.kinds import to_data

_PARTY_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


def to_scenario_yaml(scenario: Scenario) -> str:
    """The detente YAML text of ``scenario``.

    >>> from detente.outcomes import Issue
    >>> from detente.utility import LinearAdditive
    >>> space = OutcomeSpace((Issue("deal", ("small", "big")),))
    >>> parties = tuple(Party(i, LinearAdditive((1.0,), (t,))) for i, t in
    ...                 (("a", (1.0, 0.5)), ("b", (0.2, 1.0))))
    >>> print(to_scenario_yaml(Scenario("demo", space, parties)).splitlines()[4])
      values: [small, big]
    """
    ids = _party_ids(scenario.parties)
    document: dict[str, Any] = {
        "name": scenario.name,
        "description": _description(scenario),
        "issues": [_issue(issue) for issue in scenario.space.issues],
        "parties": [
            _party(party, party_id, scenario.space)
            for party, party_id in zip(scenario.parties, ids, strict=True)
        ],
    }
    _refuse_non_finite(document, ())
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 1 << 20  # never wrap: ruamel breaks long flow keys incorrectly
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def _refuse_non_finite(node: Any, path: tuple[str | int, ...]) -> None:
    """A scenario file holds finite numbers only: NaN or infinity is never written."""
    if isinstance(node, dict):
        for key, value in node.items():
            _refuse_non_finite(value, (*path, key))
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            _refuse_non_finite(value, (*path, i))
    elif isinstance(node, float) and not math.isfinite(node):
        raise DetenteError(
            f"{dotted(path)}: {node} is not a finite number; a scenario file holds finite numbers only"
        )


def _party_ids(parties: tuple[Party, ...]) -> list[str]:
    ids: list[str] = []
    for party in parties:
        candidate = (
            party.id if _PARTY_ID.match(party.id) else re.sub(r"[^A-Za-z0-9_\-]", "_", party.id)
        )
        if not _PARTY_ID.match(candidate):
            candidate = "p_" + candidate
        while candidate in ids:
            candidate += "_"
        ids.append(candidate)
    return ids


def _description(scenario: Scenario) -> str:
    text = scenario.description
    origin = scenario.origin
    if origin is not None:
        factors = ", ".join(
            f"{p.id} {d:g}" for p, d in zip(scenario.parties, origin.discount_factors, strict=True)
        )
        text += f". Discount factors in the files (not applied): {factors}."
        if origin.real_steps is not None:
            text += f" Real issues discretised on {origin.real_steps} grid points."
    return text


def _issue(issue: Issue) -> dict[str, Any]:
    if issue.kind == "item":
        return {"name": issue.name, "type": "item"}
    if issue.kind == "integer":
        return {"name": issue.name, "range": [int(issue.values[0]), int(issue.values[-1])]}
    return {"name": issue.name, "values": list(issue.values)}


def _party(party: Party, party_id: str, space: OutcomeSpace) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": party_id}
    if party.name or party_id != party.id:
        entry["name"] = party.name or party.id
    entry["reservation"] = float(party.reservation)
    if party.discount != 1.0:
        entry["discount"] = float(party.discount)
    if not party.signatory:
        entry["signatory"] = False
    entry["utility"] = _utility(party, party.utility, space)
    return entry


def _utility(party: Party, utility: Utility, space: OutcomeSpace) -> dict[str, Any]:
    entry = to_data(utility, space)
    if entry is None:
        raise DetenteError(
            f"party {party.id!r}: cannot write a {type(utility).__name__} utility as detente YAML"
        )
    return entry


def variant_yaml(name: str, sets: Mapping[str, ParameterValue], description: str) -> str:
    """A ``variants:`` entry setting parameters (what ``detente compare`` reads; the explorer's
    YAML copy of a view).

    >>> print(variant_yaml("explored", {"kappa_h": 3.0, "rule": "none"}, "a what-if"), end="")
    variants:
      explored:
        set: {kappa_h: 3.0, rule: none}
        description: a what-if
    """
    document = {"variants": {name: {"set": dict(sets), "description": description}}}
    _refuse_non_finite(document, ())
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = None
    yaml.width = 1 << 20
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()
