"""From a validated scenario file to the :class:`Scenario` value.

Cross-references (an issue named in a utility, a value named in a table) are
checked here, with the file position of the offending field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from detente.errors import UnknownNameError
from detente.outcomes import Issue, OutcomeSpace, Value
from detente.parties import Party
from detente.scenario.core import Scenario
from detente.scenario.loader import PathKey, Source
from detente.scenario.model import (
    IssueSpec,
    IssueValues,
    LinearTerm,
    LinearUtilitySpec,
    PartySpec,
    ScenarioFile,
    TableUtilitySpec,
)
from detente.utility import Constrained, LinearAdditive, Requirement, TableUtility, Utility


def build(model: ScenarioFile, source: Source, parameters: Mapping[str, float]) -> Scenario:
    """The scenario a validated file describes."""
    space = OutcomeSpace(tuple(build_issue(spec) for spec in model.issues))
    parties = tuple(
        build_party(spec, space, source, ("parties", i)) for i, spec in enumerate(model.parties)
    )
    return Scenario(
        name=model.name,
        space=space,
        parties=parties,
        description=model.description,
        path=source.file,
        parameters=dict(parameters),
    )


def build_issue(spec: IssueSpec) -> Issue:
    """The issue an issue entry declares."""
    if spec.kind == "item":
        return Issue.item(spec.name)
    if spec.kind == "integer":
        assert spec.range is not None
        return Issue.integer(spec.name, *spec.range)
    assert spec.values is not None
    return Issue(spec.name, tuple(spec.values))


def build_party(spec: PartySpec, space: OutcomeSpace, source: Source, path: PathKey) -> Party:
    """The party a party entry declares."""
    utility = build_utility(spec.utility, space, source, (*path, "utility"))
    requirements = tuple(
        _requirement(space, issue, allowed, source, (*path, "requires", issue))
        for issue, allowed in spec.requires.items()
    )
    if requirements:
        utility = Constrained(utility, requirements)
    return Party(
        id=spec.id,
        utility=utility,
        name=spec.name or "",
        reservation=spec.reservation,
        discount=spec.discount,
        signatory=spec.signatory,
    )


def build_utility(
    spec: LinearUtilitySpec | TableUtilitySpec, space: OutcomeSpace, source: Source, path: PathKey
) -> Utility:
    """The utility function a utility entry declares."""
    if isinstance(spec, TableUtilitySpec):
        return _table(spec, space, source, path)
    return _linear(spec, space, source, path)


def _issue(space: OutcomeSpace, name: str, source: Source, path: PathKey) -> Issue:
    try:
        return space.issue(name)
    except UnknownNameError as error:
        raise source.error(path, error.message, UnknownNameError) from None


def _value_position(issue: Issue, value: Value, source: Source, path: PathKey) -> int:
    for i, candidate in enumerate(issue.values):
        if candidate == value or str(candidate) == str(value):
            return i
    try:
        return issue.index_of(value)
    except UnknownNameError as error:
        raise source.error(path, error.message, UnknownNameError) from None


def _linear(
    spec: LinearUtilitySpec, space: OutcomeSpace, source: Source, path: PathKey
) -> LinearAdditive:
    for name in (*spec.weights, *spec.values):
        where = "weights" if name in spec.weights else "values"
        _issue(space, name, source, (*path, where, name))
    weights = tuple(
        spec.weights.get(issue.name, 1.0 if issue.name in spec.values else 0.0)
        for issue in space.issues
    )
    tables = tuple(
        _table_for(issue, spec.values.get(issue.name), source, (*path, "values", issue.name))
        for issue in space.issues
    )
    return LinearAdditive(weights, tables, spec.offset)


def _table_for(
    issue: Issue, values: IssueValues | None, source: Source, path: PathKey
) -> tuple[float, ...]:
    if values is None:
        return (0.0,) * len(issue)
    if isinstance(values, LinearTerm):
        if not all(isinstance(v, int | float) for v in issue.values):
            raise source.error(
                path, f"a linear term needs a numeric issue; {issue.name!r} has named values"
            )
        return tuple(values.intercept + values.slope * float(v) for v in issue.values)
    if isinstance(values, list):
        if len(values) != len(issue):
            raise source.error(
                path, f"lists {len(values)} values but issue {issue.name!r} has {len(issue)}"
            )
        return tuple(values)
    if isinstance(values, dict):
        table = [0.0] * len(issue)
        for key, number in values.items():
            table[_value_position(issue, key, source, (*path, key))] = number
        return tuple(table)
    if issue.kind != "item":
        raise source.error(
            path,
            f"a single number is allowed only for items; give {issue.name!r} a value per value",
        )
    return (0.0, float(values))


def _table(
    spec: TableUtilitySpec, space: OutcomeSpace, source: Source, path: PathKey
) -> TableUtility:
    table: dict[tuple[Value, ...], float] = {}
    for i, entry in enumerate(spec.outcomes):
        where = (*path, "outcomes", i, "outcome")
        missing = [name for name in space.names if name not in entry.outcome]
        if missing:
            raise source.error(
                where, f"outcome does not give a value for issue(s) {', '.join(missing)}"
            )
        for name in entry.outcome:
            _issue(space, name, source, (*where, name))
        outcome = tuple(
            space.issues[k].values[
                _value_position(space.issues[k], entry.outcome[n], source, (*where, n))
            ]
            for k, n in enumerate(space.names)
        )
        table[outcome] = entry.utility
    return TableUtility.from_outcomes(space, table, spec.default)


def _requirement(
    space: OutcomeSpace, name: str, allowed: Sequence[Value], source: Source, path: PathKey
) -> Requirement:
    issue = _issue(space, name, source, path)
    positions = frozenset(
        _value_position(issue, value, source, (*path, k)) for k, value in enumerate(allowed)
    )
    return Requirement(space.position(name), positions)
