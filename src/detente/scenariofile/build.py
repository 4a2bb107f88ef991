"""From a validated scenario file to the :class:`Scenario` value.

Cross-references (an issue named in a utility, a value named in a table) are
checked here, with the file position of the offending field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from detente.errors import UnknownNameError
from detente.outcomes import Issue, OutcomeSpace, Value
from detente.parties import Party
from detente.phasing.plan import Phasing
from detente.phasing.schedule import Schedule
from detente.scenario import ParameterRecord, ParameterValue, Position, Scenario, Variant
from detente.scenariofile.choices import label_number, match_label
from detente.scenariofile.citations import check_citations
from detente.scenariofile.claims import build_claims
from detente.scenariofile.factions import build_domestic
from detente.scenariofile.locations import FileTree, PathKey, plain
from detente.scenariofile.model import (
    ChoiceSpec,
    IssueSpec,
    PartySpec,
    PositionSpec,
    ScenarioFile,
    VariantSpec,
)
from detente.scenariofile.negotiation import build_negotiation
from detente.scenariofile.phasing import build_phasing, build_schedule, build_trust
from detente.utility import Constrained, Requirement, Utility
from detente.utility.kinds import KindSpec, issue_at, kinds, value_at


def build(
    model: ScenarioFile, tree: FileTree, parameters: Mapping[str, ParameterValue]
) -> Scenario:
    """The scenario a validated file describes."""
    if tree.memo.get("citations") != list(model.sources):  # the file's, not the parameters'
        check_citations(plain(tree.root), list(model.sources), tree)
        tree.memo["citations"] = list(model.sources)
    space = OutcomeSpace(tuple(build_issue(spec) for spec in model.issues))
    parties = tuple(
        build_party(spec, space, tree, ("parties", i)) for i, spec in enumerate(model.parties)
    )
    trust = build_trust(model.trust, [p.id for p in parties], tree)
    phasing = build_phasing(model.items, model.phasing, parties, trust, tree)
    positions = {
        name: build_position(name, spec, space, parties, tree, ("positions", name))
        for name, spec in model.positions.items()
    }
    for name, spec in model.positions.items():
        if spec.schedule is not None:
            schedule = position_schedule(spec, space, phasing, tree, ("positions", name))
            positions[name] = replace(positions[name], schedule=schedule)
    records = parameter_records(model, parameters)
    return Scenario(
        name=model.name,
        space=space,
        parties=parties,
        description=model.description,
        path=tree.file,
        parameter_records=records,
        positions=positions,
        negotiation=None
        if model.protocol is None
        else build_negotiation(model.protocol, tuple(p.id for p in parties), tree),
        trust=trust,
        phasing=phasing,
        claims=build_claims(model.claims, tree),
        variants={
            name: build_variant(name, spec, records, tree, ("variants", name))
            for name, spec in model.variants.items()
        },
        labels=declared_labels(model),
    )


def declared_labels(model: ScenarioFile) -> dict[str, dict[str, str]]:
    """The ``label:`` of every issue, item, parameter, position and claim that has one, by kind."""
    claims = {n: c for n, c in model.claims.items() if not isinstance(c, str)}
    found = {
        "issues": {spec.name: spec.label for spec in model.issues},
        "items": {spec.name: spec.label for spec in model.items or ()},
        "parameters": {name: spec.label for name, spec in model.parameters.items()},
        "positions": {name: spec.label for name, spec in model.positions.items()},
        "claims": {name: spec.label for name, spec in claims.items()},
    }
    return {
        kind: {name: label for name, label in table.items() if label is not None}
        for kind, table in found.items()
    }


def parameter_records(
    model: ScenarioFile, values: Mapping[str, ParameterValue]
) -> dict[str, ParameterRecord]:
    """Every parameter's record: the value used (``values``) and what the file says of it."""
    return {
        name: ParameterRecord(
            name,
            values[name],
            source=spec.source,
            description=spec.description,
            choices=tuple(spec.choices.items()),
        )
        if isinstance(spec, ChoiceSpec)
        else ParameterRecord(
            name,
            values[name],
            spec.range,
            spec.distribution,
            spec.mode,
            spec.sd,
            spec.integer,
            spec.source,
            spec.description,
        )
        for name, spec in model.parameters.items()
    }


def build_variant(
    name: str,
    spec: VariantSpec,
    records: Mapping[str, ParameterRecord],
    tree: FileTree,
    path: PathKey,
) -> Variant:
    """A declared counterfactual, each value checked against its parameter (a known name; a
    label of a categorical parameter; a number for a numeric one)."""
    sets: list[tuple[str, ParameterValue]] = []
    for parameter, value in spec.set.items():
        where = (*path, "set", parameter)
        record = records.get(parameter)
        if record is None:
            known = ", ".join(records) or "none declared"
            raise tree.error(
                where, f"no parameter {parameter!r}; parameters: {known}", UnknownNameError
            )
        sets.append((parameter, _variant_value(record, value, tree, where)))
    return Variant(name, tuple(sets), spec.description)


def _variant_value(
    record: ParameterRecord, value: ParameterValue, tree: FileTree, where: PathKey
) -> ParameterValue:
    if record.choices is not None:
        labels = tuple(label for label, _ in record.choices)
        label = match_label(labels, value)
        if label is None:
            raise tree.error(
                where,
                f"{value!r} is not a label of the categorical parameter {record.name}; "
                f"labels: {', '.join(labels)}",
            )
        return label
    number = value if isinstance(value, float) else label_number(value)
    if number is None:
        raise tree.error(where, f"parameter {record.name} is a number; got {value!r}")
    return number


def build_position(
    name: str,
    spec: PositionSpec,
    space: OutcomeSpace,
    parties: Sequence[Party],
    tree: FileTree,
    path: PathKey,
) -> Position:
    """The named outcome a position entry declares (items left out are not delivered)."""
    for issue_name in spec.outcome:
        _issue(space, issue_name, tree, (*path, "outcome", issue_name))
    missing = [i.name for i in space.issues if i.kind != "item" and i.name not in spec.outcome]
    if missing:
        raise tree.error(
            (*path, "outcome"), f"position does not give a value for {', '.join(missing)}"
        )
    values = tuple(
        issue.values[
            _value_position(
                issue, spec.outcome.get(issue.name, 0), tree, (*path, "outcome", issue.name)
            )
        ]
        for issue in space.issues
    )
    ids = [p.id for p in parties]
    if spec.held_by is not None and spec.held_by not in ids:
        raise tree.error(
            (*path, "held_by"),
            f"no party {spec.held_by!r}; parties are: {', '.join(ids)}",
            UnknownNameError,
        )
    return Position(name, space.to_index(values), spec.held_by, spec.description or "")


def position_schedule(
    spec: PositionSpec, space: OutcomeSpace, phasing: Phasing | None, tree: FileTree, path: PathKey
) -> Schedule | None:
    """A position's own schedule, checked against the items and the position's outcome."""
    where = (*path, "schedule")
    if phasing is None:
        raise tree.error(where, "a position's schedule needs an items: section")
    schedule = build_schedule(spec.schedule, phasing.deal.item_names, tree, where)
    assert schedule is not None
    totals = schedule.totals()
    for issue in space.issues:
        if issue.name not in totals:
            continue
        said = spec.outcome.get(issue.name, 0)
        if isinstance(said, int | float) and abs(totals[issue.name] - float(said)) > 1e-9:
            raise tree.error(
                where,
                f"the schedule delivers {totals[issue.name]:g} of {issue.name!r} in all, but the "
                f"position's outcome says {said:g}: make them agree",
            )
    return schedule


def build_issue(spec: IssueSpec) -> Issue:
    """The issue an issue entry declares."""
    if spec.kind == "item":
        return Issue.item(spec.name)
    if spec.kind == "integer":
        assert spec.range is not None
        return Issue.integer(spec.name, *spec.range)
    assert spec.values is not None
    return Issue(spec.name, tuple(spec.values))


def build_party(spec: PartySpec, space: OutcomeSpace, tree: FileTree, path: PathKey) -> Party:
    """The party a party entry declares."""
    given = (
        None
        if spec.utility is None
        else build_utility(spec.utility, space, tree, (*path, "utility"))
    )
    domestic = None
    if spec.factions is not None:
        parts = tuple(
            build_utility(f.utility, space, tree, (*path, "factions", k, "utility"))
            for k, f in enumerate(spec.factions)
        )
        domestic = build_domestic(spec, parts, tree, path)
    utility = given if domestic is None else domestic.negotiating_utility(given)
    assert utility is not None
    requirements = tuple(
        _requirement(space, issue, allowed, tree, (*path, "requires", issue))
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
        domestic=domestic,
    )


def build_utility(spec: KindSpec, space: OutcomeSpace, tree: FileTree, path: PathKey) -> Utility:
    """The utility function a utility entry declares (its kind builds it; errors located here)."""
    kind = kinds()[getattr(spec, "type", "linear")]
    return tree.located(path, lambda: kind.build(spec, space))


def _issue(space: OutcomeSpace, name: str, tree: FileTree, path: PathKey) -> Issue:
    return tree.located(path, lambda: issue_at(space, name, ()))


def _value_position(issue: Issue, value: Value, tree: FileTree, path: PathKey) -> int:
    return tree.located(path, lambda: value_at(issue, value, ()))


def _requirement(
    space: OutcomeSpace, name: str, allowed: Sequence[Value], tree: FileTree, path: PathKey
) -> Requirement:
    issue = _issue(space, name, tree, path)
    positions = frozenset(
        _value_position(issue, value, tree, (*path, k)) for k, value in enumerate(allowed)
    )
    return Requirement(space.position(name), positions)
