"""NegoLog JSON profiles: ``{"reservationValue", "issueWeights", "issues": {issue: {value: u}}}``.

NegoLog has no separate domain file: the issues and their values are those of
the first profile (in file-name order), and every other profile must list the
same. The utility is ``Σ weight · value utility`` as written and the
reservation value is ``reservationValue``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from detente.errors import Location, ScenarioError
from detente.formats.geniusweb import weights_of
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.utility import LinearAdditive


def is_profile(document: object) -> bool:
    """Whether a JSON document is a NegoLog profile."""
    return isinstance(document, dict) and "issueWeights" in document and "issues" in document


def read_space(path: Path, document: Mapping[str, Any]) -> OutcomeSpace:
    """The outcome space a NegoLog profile spans, issues and values in file order."""
    issues = _mapping(path, document["issues"], "issues")
    if not issues:
        raise _error(path, "the profile lists no issues")
    return OutcomeSpace(tuple(_issue(path, str(name), raw) for name, raw in issues.items()))


def _issue(path: Path, name: str, raw: object) -> Issue:
    values = _mapping(path, raw, f"issues.{name}")
    if not values:
        raise _error(path, f"issues.{name}: the issue lists no values; give it at least one")
    return Issue(name, tuple(values))


def read_party(path: Path, document: Mapping[str, Any], space: OutcomeSpace) -> Party:
    """The party a NegoLog profile describes; its id is the file's stem."""
    issues = _mapping(path, document["issues"], "issues")
    weights = _mapping(path, document["issueWeights"], "issueWeights")
    if list(issues) != list(space.names) or set(weights) - set(space.names):
        raise _error(
            path, f"the profile's issues differ from the first profile's ({', '.join(space.names)})"
        )
    tables = []
    for issue in space.issues:
        values = _mapping(path, issues[issue.name], f"issues.{issue.name}")
        if set(values) != {str(v) for v in issue.values}:
            raise _error(path, f"issues.{issue.name}: values differ from the first profile's")
        tables.append(
            tuple(_number(values[str(v)], path, f"issues.{issue.name}.{v}") for v in issue.values)
        )
    utility = LinearAdditive(weights_of(path, weights, space.names), tuple(tables))
    reservation = _number(document.get("reservationValue", 0.0), path, "reservationValue")
    return Party(path.stem, utility, reservation=reservation)


def _mapping(path: Path, raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise _error(path, f"{where} must be a JSON object")
    return raw


def _number(raw: object, path: Path, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _error(path, f"{where}: {raw!r} is not a number")
    return float(raw)


def _error(path: Path, message: str) -> ScenarioError:
    return ScenarioError(message, Location(str(path)))
