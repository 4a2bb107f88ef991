"""GeniusWeb JSON domains and linear additive profiles.

A domain is ``{"name", "issuesValues": {issue: {"values": [...]}}}``; a profile
is ``{"LinearAdditiveUtilitySpace": {"issueUtilities", "issueWeights",
"domain", "name", "reservationBid"}}``. Value utilities sit under either
``discreteutils`` (GeniusWeb's own files) or ``DiscreteValueSetUtilities``
(the ANL 2023 files). The utility is ``Σ weight · value utility`` as written
(a value a profile does not list is worth 0, as in GeniusWeb); the
reservation value is the utility of ``reservationBid`` (0 if absent).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from detente.errors import Location, ScenarioError
from detente.formats.reading import MAX_ISSUE_VALUES
from detente.outcomes import Issue, OutcomeSpace, Value
from detente.parties import Party
from detente.utility import LinearAdditive

PROFILE_KEY = "LinearAdditiveUtilitySpace"
VALUE_SET_KEYS = ("discreteutils", "DiscreteValueSetUtilities")
OTHER_PROFILE_KEYS = (
    "SumOfGroupsUtilitySpace",
    "DefaultPartialOrdering",
    "UncertainLinearAdditiveUtilitySpace",
    "LinearAdditiveUtilitySpaceWithConstraints",
)


def is_domain(document: object) -> bool:
    """Whether a JSON document is a GeniusWeb domain."""
    return isinstance(document, dict) and "issuesValues" in document


def is_profile(document: object) -> bool:
    """Whether a JSON document is a GeniusWeb profile (of any kind)."""
    return isinstance(document, dict) and any(
        key in document for key in (PROFILE_KEY, *OTHER_PROFILE_KEYS)
    )


def read_space(path: Path, document: Mapping[str, Any]) -> OutcomeSpace:
    """The outcome space of a GeniusWeb domain document, issues in file order."""
    issues = []
    for name, spec in _mapping(path, document.get("issuesValues"), "issuesValues").items():
        values = spec.get("values") if isinstance(spec, dict) else None
        if not isinstance(values, list) or not values:
            raise _error(path, f"issuesValues.{name}: not supported: only value lists ('values')")
        issues.append(Issue(str(name), _values(path, f"issuesValues.{name}", values)))
    if not issues:
        raise _error(path, "the domain defines no issues")
    return OutcomeSpace(tuple(issues))


def _values(path: Path, where: str, raw: list[object]) -> tuple[Value, ...]:
    """An issue's values: each listed once, no two equal (1 and 1.0) or spelled alike (1, "1")."""
    if len(raw) > MAX_ISSUE_VALUES:
        raise _error(
            path, f"{where}: {len(raw):,} values; an issue may have at most {MAX_ISSUE_VALUES:,}"
        )
    by_value: dict[Value, Value] = {}
    by_text: dict[str, Value] = {}
    for item in raw:
        value = _value(path, item)
        first = by_value.get(value, by_text.get(str(value)))
        if first is not None:
            raise _error(path, f"{where}: {_twice(first, value)}; list each value once")
        by_value[value] = by_text[str(value)] = value
    return tuple(by_value)


def _twice(first: Value, again: Value) -> str:
    if type(first) is type(again) and first == again:
        return f"{again!r} is listed twice"
    return f"{first!r} and {again!r} are the same value twice"


def weights_of(
    path: Path, raw: Mapping[str, Any], names: Sequence[str], where: str = "issueWeights"
) -> tuple[float, ...]:
    """The issue weights in ``names`` order (0 where absent): none negative, not all 0."""
    weights = tuple(_number(path, raw.get(name, 0.0), f"{where}.{name}") for name in names)
    for name, weight in zip(names, weights, strict=True):
        if weight < 0:
            raise _error(
                path, f"{where}.{name}: {weight:g} is negative; issue weights must be at least 0"
            )
    if not any(weights):
        raise _error(path, f"{where}: every issue weight is 0; at least one must be positive")
    return weights


def carries_domain(document: Mapping[str, Any]) -> bool:
    """Whether a profile document holds its domain (``LinearAdditiveUtilitySpace.domain``)."""
    body = document.get(PROFILE_KEY)
    return isinstance(body, dict) and isinstance(body.get("domain"), dict)


def embedded_space(path: Path, document: Mapping[str, Any]) -> OutcomeSpace:
    """The domain a profile carries inside it."""
    body = _body(path, document)
    return read_space(path, _mapping(path, body.get("domain"), f"{PROFILE_KEY}.domain"))


def read_party(path: Path, document: Mapping[str, Any], space: OutcomeSpace) -> Party:
    """The party a GeniusWeb profile describes; its id is the file's stem."""
    body = _body(path, document)
    weights = _mapping(path, body.get("issueWeights"), "issueWeights")
    utilities = _mapping(path, body.get("issueUtilities"), "issueUtilities")
    unknown = sorted((set(weights) | set(utilities)) - set(space.names))
    if unknown:
        raise _error(path, f"issues {unknown} are not in the domain ({', '.join(space.names)})")
    tables = tuple(_table(path, utilities.get(issue.name), issue) for issue in space.issues)
    utility = LinearAdditive(weights_of(path, weights, space.names), tables)
    reservation = _reservation(path, body.get("reservationBid"), space, utility)
    return Party(path.stem, utility, reservation=reservation)


def _body(path: Path, document: Mapping[str, Any]) -> Mapping[str, Any]:
    for key in OTHER_PROFILE_KEYS:
        if key in document:
            raise _error(path, f"not supported: GeniusWeb {key} profiles (only {PROFILE_KEY})")
    return _mapping(path, document.get(PROFILE_KEY), PROFILE_KEY)


def _table(path: Path, spec: object, issue: Issue) -> tuple[float, ...]:
    if spec is None:
        return tuple(0.0 for _ in issue.values)
    where = f"issueUtilities.{issue.name}"
    holder = _mapping(path, spec, where)
    key = next((k for k in VALUE_SET_KEYS if k in holder), None)
    if key is None:
        raise _error(
            path, f"{where}: not supported: {sorted(holder)} (expected one of {VALUE_SET_KEYS})"
        )
    values = _mapping(path, _mapping(path, holder[key], where).get("valueUtilities"), where)
    return tuple(_number(path, values.get(str(v), 0.0), f"{where}.{v}") for v in issue.values)


def _reservation(path: Path, bid: object, space: OutcomeSpace, utility: LinearAdditive) -> float:
    if bid is None:
        return 0.0
    chosen = _mapping(
        path, _mapping(path, bid, "reservationBid").get("issuevalues"), "reservationBid"
    )
    total = utility.offset
    for position, issue in enumerate(space.issues):
        if issue.name in chosen:
            value = _value(path, chosen[issue.name])
            index = {str(v): i for i, v in enumerate(issue.values)}.get(str(value))
            if index is None:
                raise _error(path, f"reservationBid: {value!r} is not a value of {issue.name!r}")
            total += utility.weights[position] * utility.tables[position][index]
    return float(total)


def _value(path: Path, raw: object) -> Value:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise _error(path, f"issue value {raw!r} is not a string or number")
    return raw


def _mapping(path: Path, raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise _error(path, f"{where} must be a JSON object")
    return raw


def _number(path: Path, raw: object, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise _error(path, f"{where}: {raw!r} is not a number")
    return float(raw)


def _error(path: Path, message: str) -> ScenarioError:
    return ScenarioError(message, Location(str(path)))


def profile_document(
    party: Party,
    space: OutcomeSpace,
    domain_name: str,
    weights: Sequence[float],
    tables: Sequence[Sequence[float]],
    reservation_bid: Mapping[str, Value] | None,
) -> dict[str, Any]:
    """A GeniusWeb linear additive profile document (for export)."""
    body: dict[str, Any] = {
        "issueUtilities": {
            issue.name: {
                "discreteutils": {
                    "valueUtilities": {
                        str(v): float(t) for v, t in zip(issue.values, table, strict=True)
                    }
                }
            }
            for issue, table in zip(space.issues, tables, strict=True)
        },
        "issueWeights": {
            issue.name: float(w) for issue, w in zip(space.issues, weights, strict=True)
        },
        "domain": domain_document(space, domain_name),
        "name": party.id,
    }
    if reservation_bid is not None:
        body["reservationBid"] = {"issuevalues": dict(reservation_bid)}
    return {PROFILE_KEY: body}


def domain_document(space: OutcomeSpace, name: str) -> dict[str, Any]:
    """A GeniusWeb domain document (for export)."""
    return {
        "name": name,
        "issuesValues": {
            issue.name: {"values": [_json_value(v) for v in issue.values]} for issue in space.issues
        },
    }


def _json_value(value: Value) -> Value:
    return value if isinstance(value, str) else str(value)


def dumps(document: Mapping[str, Any]) -> str:
    """JSON text as written to files."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
