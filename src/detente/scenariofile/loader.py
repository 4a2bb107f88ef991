"""Reading scenario files: safe YAML, parameters and formulas, validation with locations.

Loading goes in four steps, each with its own errors:

1. read the file within its size limit and parse it as plain data
   (:mod:`~detente.scenariofile.plainyaml`: no tags, anchors or aliases,
   bounded nesting, finite numbers), keeping line and column numbers;
2. resolve the ``parameters:`` block in a topological order, apply ``--set``
   overrides, and replace every ``=formula`` elsewhere in the file by its
   number (:mod:`~detente.scenariofile.formulas`: always a finite real), every
   ``=NAME`` of a categorical parameter by its chosen label and every
   ``{select: NAME, cases: …}`` by the chosen case
   (:mod:`~detente.scenariofile.choices`);
3. validate against :class:`~detente.scenariofile.model.ScenarioFile`;
4. build the :class:`~detente.scenario.Scenario` value.

Every error names the file, the line and column, the field, and what would be
valid: one line, ready to print.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from detente.errors import DetenteError, Location, ScenarioError, UnknownNameError
from detente.formats.reading import MAX_SCENARIO_BYTES, read_bytes
from detente.scenario import ParameterValue, Scenario
from detente.scenariofile import choices, formulas, plainyaml
from detente.scenariofile.build import build
from detente.scenariofile.includes import load_tree
from detente.scenariofile.locations import FileTree, PathKey, plain
from detente.scenariofile.model import ScenarioFile

MAX_REFERENCE_DEPTH = 100
"""Longest chain of parameters defined by formulas over one another (``a: =b``, ``b: =c``, …)."""


def parse_overrides(pairs: Sequence[str]) -> dict[str, ParameterValue]:
    """``["delta=0.8"]`` → ``{"delta": 0.8}``, as given to ``--set``; a value that is not a
    number is a label of a categorical parameter (checked when the file is resolved).

    >>> parse_overrides(["delta_2=0.8", "rounds=7", "rule=veto"])
    {'delta_2': 0.8, 'rounds': 7.0, 'rule': 'veto'}
    """
    result: dict[str, ParameterValue] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip() or value.startswith("="):
            raise DetenteError(
                f"--set {pair!r}: expected NAME=NUMBER (a finite number) or NAME=LABEL (a label "
                "of a categorical parameter), e.g. --set delta=0.9"
            )
        try:
            number = float(value)
        except ValueError:
            result[name.strip()] = value.strip()
            continue
        if not math.isfinite(number):
            raise DetenteError(
                f"--set {pair!r}: expected NAME=NUMBER with a finite number, e.g. --set delta=0.9"
            )
        result[name.strip()] = number
    return result


def read_yaml(path: str | Path) -> FileTree:
    """Parse a YAML file safely, keeping positions, with its ``include:`` files merged in
    (:mod:`~detente.scenariofile.includes`)."""
    return load_tree(str(path), read_text(path), parse_yaml, read_included)


def sections(path: str | Path) -> frozenset[str]:
    """The top-level sections of a scenario file, its includes merged in (e.g. whether it has
    a ``record:``)."""
    return frozenset(str(key) for key in read_yaml(path).root)


def read_included(path: str) -> str | None:
    """The text of an included file (as :func:`read_text`), ``None`` if it does not exist."""
    return read_text(path) if os.path.lexists(path) else None


def read_text(path: str | Path) -> str:
    """A scenario file's text, or a one-line error saying why it cannot be read.

    The file must be a regular file within the size limit
    (:func:`detente.formats.reading.read_bytes`).
    """
    data = read_bytes(path, MAX_SCENARIO_BYTES, "scenario file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"not UTF-8 text (byte {error.start}): save the file as UTF-8", Location(str(path))
        ) from None


def parse_yaml(text: str, file: str) -> FileTree:
    """Parse a scenario file's text as plain data, keeping positions (``file`` names it in errors).

    Tags, anchors and aliases, deep nesting and overlong or non-finite numbers
    are refused (:mod:`~detente.scenariofile.plainyaml`).
    """
    try:
        root = plainyaml.load(text)
    except plainyaml.PlainYamlError as error:
        where = _position(file, error.line, error.column, error.field)
        raise ScenarioError(error.message, where) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _position(file, mark.line, mark.column) if mark else Location(file)
        raise ScenarioError(f"invalid YAML: {error.problem or error.context}", where) from None
    except YAMLError as error:
        raise ScenarioError(f"invalid YAML: {error}", Location(file)) from None
    except (RecursionError, MemoryError):
        raise ScenarioError(
            "too large or too deeply nested to read as a scenario file", Location(file)
        ) from None
    if not isinstance(root, CommentedMap):
        raise ScenarioError(
            "a scenario file must be a mapping (name:, issues:, parties:, …)", Location(file, 1, 1)
        )
    return FileTree(file, root)


def _position(
    file: str, line: int | None, column: int | None, field: str | None = None
) -> Location:
    """A location from a parser's 0-based line and column."""
    if line is None or column is None:
        return Location(file, field=field)
    return Location(file, line + 1, column + 1, field)


def resolve_parameters(
    tree: FileTree,
    raw: Mapping[str, Any],
    overrides: Mapping[str, ParameterValue],
    chosen: Mapping[str, str] | None = None,
) -> dict[str, float]:
    """Values of all numeric parameters: file values (formulas allowed) with overrides on top.

    Each parameter is evaluated once, after the parameters its formula uses
    (a topological order, computed once per file and set of overridden names).
    The categorical parameters' ``chosen`` labels that read as numbers are
    numbers here too (formulas may use them).
    """
    specs = _specs(tree, raw)
    _check_overrides(tree, specs, overrides)
    chosen = resolve_choices(tree, raw, overrides) if chosen is None else chosen
    labels = choice_labels(tree, raw)
    pending = {
        name: _selected(
            tree,
            ("parameters", name, "value"),
            spec.get("value") if isinstance(spec, dict) else spec,
            labels,
            chosen,
        )
        for name, spec in specs.items()
        if name not in overrides and name not in chosen
    }
    values: dict[str, float] = {
        name: float(value) for name, value in overrides.items() if name not in chosen
    }
    for name, label in chosen.items():
        number = choices.label_number(label)
        if number is not None:
            values[name] = number
    for name in _evaluation_order(tree, pending, chosen):
        value = pending[name]
        where = ("parameters", name, "value")
        if isinstance(value, bool) or not (
            isinstance(value, int | float) or formulas.is_formula(value)
        ):
            raise tree.error(where, f"parameter {name!r} needs a number or =formula value")
        values[name] = _number(tree, where, value, values)
    return values


def _specs(tree: FileTree, raw: Mapping[str, Any]) -> dict[str, Any]:
    specs = raw.get("parameters") or {}
    if not isinstance(specs, dict):
        raise tree.error(("parameters",), "`parameters` must be a mapping NAME: {value: …}")
    return specs


def _check_overrides(
    tree: FileTree, specs: Mapping[str, Any], overrides: Mapping[str, ParameterValue]
) -> None:
    """An unknown name, or a label given for a numeric parameter, is one line."""
    unknown = sorted(set(overrides) - set(specs))
    if unknown:
        known = ", ".join(sorted(specs)) or "none declared"
        raise UnknownNameError(
            f"--set {unknown[0]}: no such parameter in the scenario; parameters: {known}",
            Location(tree.file),
        )
    for name, value in overrides.items():
        if isinstance(value, str) and not choices.is_choice(specs[name]):
            raise DetenteError(
                f"--set {name}={value}: parameter {name} is a number, not a choice; expected "
                f"NAME=NUMBER with a finite number, e.g. --set {name}=0.9"
            )


def choice_tables(tree: FileTree, raw: Mapping[str, Any]) -> dict[str, choices.Table]:
    """Every categorical parameter's labels and probabilities, checked (once per file)."""
    if "choice tables" not in tree.memo:
        tree.memo["choice tables"] = {
            name: tree.located(("parameters", name), functools.partial(choices.choice_table, spec))
            for name, spec in _specs(tree, raw).items()
            if choices.is_choice(spec)
        }
    tables: dict[str, choices.Table] = tree.memo["choice tables"]
    return tables


def choice_labels(tree: FileTree, raw: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Every categorical parameter's labels, in the file's order."""
    return {
        name: tuple(label for label, _ in table) for name, table in choice_tables(tree, raw).items()
    }


def resolve_choices(
    tree: FileTree, raw: Mapping[str, Any], overrides: Mapping[str, ParameterValue]
) -> dict[str, str]:
    """The chosen label of every categorical parameter: ``--set``'s, else the file's value."""
    specs = _specs(tree, raw)
    found = {}
    for name, table in choice_tables(tree, raw).items():
        labels = tuple(label for label, _ in table)
        if name in overrides:
            label = choices.match_label(labels, overrides[name])
            if label is None:
                given = overrides[name]
                shown = f"{given:g}" if isinstance(given, float) else given
                raise DetenteError(
                    f"--set {name}={shown}: not a label of the categorical parameter {name}; "
                    f"labels: {', '.join(labels)}"
                )
        else:
            label = tree.located(
                ("parameters", name), functools.partial(choices.chosen, table, specs[name])
            )
        found[name] = label
    return found


def _selected(
    tree: FileTree,
    path: PathKey,
    value: Any,
    labels: Mapping[str, tuple[str, ...]],
    chosen: Mapping[str, str],
) -> Any:
    """A parameter's value, or the chosen case when it is written ``{select: NAME, cases: …}``."""
    while isinstance(value, dict) and choices.SELECT in value:
        label, value = tree.located(
            path, functools.partial(choices.select_case, value, labels, chosen)
        )
        path = (*path, choices.CASES, label)
    return value


def _evaluation_order(
    tree: FileTree, pending: Mapping[str, Any], chosen: Mapping[str, str]
) -> list[str]:
    """The pending parameters, each after those its formula uses (memoised per file and
    choice of labels, which select the formulas)."""
    key = f"parameter order {sorted(pending)} {sorted(chosen.items())}"
    if key not in tree.memo:
        uses = {name: _uses(tree, name, value, pending) for name, value in pending.items()}
        tree.memo[key] = _topological(tree, uses)
    order: list[str] = tree.memo[key]
    return order


def _uses(tree: FileTree, name: str, value: Any, pending: Mapping[str, Any]) -> list[str]:
    """The pending parameters ``value`` refers to, sorted."""
    if not formulas.is_formula(value):
        return []
    try:
        used = formulas.names_in(value)
    except formulas.FormulaError as error:
        raise tree.error(("parameters", name, "value"), error.message) from None
    return sorted(other for other in used if other in pending)


def _topological(tree: FileTree, uses: Mapping[str, list[str]]) -> list[str]:
    """Names in file order, each moved after the names it uses (iterative depth-first search).

    A cycle, or a chain of more than :data:`MAX_REFERENCE_DEPTH` formulas, is an error.
    """
    order: list[str] = []
    depth: dict[str, int] = {}
    for root in uses:
        stack = [(root, iter(uses[root]))]
        on_path = {root}
        while stack:
            name, used = stack[-1]
            child = next((c for c in used if c not in depth), None)
            if child is None:
                stack.pop()
                on_path.discard(name)
                if name not in depth:
                    depth[name] = 1 + max((depth[c] for c in uses[name]), default=0)
                    _check_chain(tree, name, uses, depth)
                    order.append(name)
            elif child in on_path:
                path = [n for n, _ in stack]
                cycle = [*path[path.index(child) :], child]
                raise tree.error(
                    ("parameters", child),
                    f"parameters refer to each other in a cycle: {' → '.join(cycle)}",
                )
            else:
                on_path.add(child)
                stack.append((child, iter(uses[child])))
    return order


def _check_chain(
    tree: FileTree, name: str, uses: Mapping[str, list[str]], depth: Mapping[str, int]
) -> None:
    if depth[name] <= MAX_REFERENCE_DEPTH:
        return
    chain = [name]
    while uses[chain[-1]]:
        chain.append(max(uses[chain[-1]], key=depth.__getitem__))
    raise tree.error(
        ("parameters", name),
        f"parameter {name!r} is computed through a chain of {depth[name]} parameters "
        f"({chain[0]} → {chain[1]} → … → {chain[-1]}); a chain may be at most "
        f"{MAX_REFERENCE_DEPTH} long",
    )


def _number(
    tree: FileTree,
    path: PathKey,
    value: Any,
    parameters: Mapping[str, float],
    chosen: Mapping[str, str] | None = None,
) -> Any:
    if not formulas.is_formula(value):
        return value
    chosen = chosen or {}
    name = value[1:].strip()
    if name in chosen and name not in parameters:  # =NAME of a choice whose labels are names
        return chosen[name]
    try:
        return formulas.evaluate(value, parameters)
    except formulas.FormulaError as error:
        raise tree.error(path, _formula_message(error, value, parameters, chosen)) from None


def _formula_message(
    error: formulas.FormulaError,
    value: str,
    parameters: Mapping[str, float],
    chosen: Mapping[str, str],
) -> str:
    """The error's message, saying when a formula uses a choice whose label is not a number."""
    if not chosen:
        return str(error)
    try:
        used = formulas.names_in(value)
    except formulas.FormulaError:
        return str(error)
    for name in sorted(used - set(parameters)):
        if name in chosen:
            return (
                f"{name} is categorical and its label {chosen[name]!r} is not a number: write "
                f"={name} alone for the label, or {{select: {name}, cases: {{LABEL: VALUE}}}}"
            )
        known = ", ".join(sorted({*parameters, *chosen}))
        return f"unknown parameter {name!r}; parameters: {known}"
    return str(error)


def substitute(
    tree: FileTree,
    node: Any,
    path: PathKey,
    parameters: Mapping[str, float],
    chosen: Mapping[str, str] | None = None,
    labels: Mapping[str, tuple[str, ...]] | None = None,
) -> Any:
    """Replace every formula string in ``node`` by its value, every ``=NAME`` of a categorical
    parameter by its ``chosen`` label and every ``{select: NAME, cases: …}`` by its case
    (``labels``: each categorical parameter's labels)."""
    if isinstance(node, dict):
        if choices.SELECT in node:
            label, case = tree.located(
                path, functools.partial(choices.select_case, node, labels or {}, chosen or {})
            )
            return substitute(tree, case, (*path, choices.CASES, label), parameters, chosen, labels)
        return {
            k: substitute(tree, v, (*path, k), parameters, chosen, labels) for k, v in node.items()
        }
    if isinstance(node, list):
        return [
            substitute(tree, v, (*path, i), parameters, chosen, labels) for i, v in enumerate(node)
        ]
    return _number(tree, path, node, parameters, chosen)


def validate(tree: FileTree, data: Mapping[str, Any]) -> ScenarioFile:
    """Check the resolved data against the file format."""
    try:
        return ScenarioFile.model_validate(data)
    except ValidationError as error:
        problems = error.errors(include_url=False)
        # In a union every member reports; a type mismatch of one member says least.
        first = next((p for p in problems if not p["type"].endswith("_type")), problems[0])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] not in ("missing", "extra_forbidden") and "input" in first:
            shown = repr(first["input"])
            if len(shown) <= 60:
                message += f" (got {shown})"
        if first["type"] == "extra_forbidden":
            message = f"unknown field {first['loc'][-1]!r}"
        raise tree.error(first["loc"], message) from None


def load_scenario(
    path: str | Path | Sequence[str | Path],
    overrides: Mapping[str, ParameterValue] | None = None,
    *,
    real_steps: int | None = None,
    lenient: bool = False,
) -> Scenario:
    """Load, resolve, validate and build a scenario file.

    ``path`` may also be a GENIUS, GeniusWeb or NegoLog domain: a folder, its
    files, or the files joined by commas (see :func:`detente.formats.load_domain`;
    ``real_steps`` and ``lenient`` apply to those).

    >>> from pathlib import Path
    >>> scenario = load_scenario(Path(__file__).parents[3] / "scenarios/theory/worked-example.yaml")
    >>> scenario.party_ids, scenario.space.size
    (('A', 'B'), 4)
    """
    from detente.formats import DEFAULT_REAL_STEPS, domain_source, load_domain

    domain = domain_source(path)
    if domain is not None:
        if overrides:
            raise DetenteError(
                f"--set {next(iter(overrides))}: domain files have no parameters; "
                "import the domain to YAML (detente import) to add some"
            )
        steps = DEFAULT_REAL_STEPS if real_steps is None else real_steps
        return load_domain(domain, real_steps=steps, lenient=lenient)
    if not isinstance(path, str | Path):
        raise DetenteError("give one scenario file, or the files of one domain")
    return build_scenario(read_yaml(path), overrides)


def build_scenario(
    tree: FileTree, overrides: Mapping[str, ParameterValue] | None = None, raw: Any = None
) -> Scenario:
    """Resolve, validate and build an already parsed file (steps 2 to 4).

    ``raw`` is ``plain(tree.root)`` when the caller has it already (sweeps rebuild
    one file many times).
    """
    model, parameters = resolve(tree, overrides or {}, raw)
    return build(model, tree, parameters)


def resolve(
    tree: FileTree, overrides: Mapping[str, ParameterValue], raw: Any = None
) -> tuple[ScenarioFile, dict[str, ParameterValue]]:
    """The validated file and every parameter's value (a categorical one's: its chosen label),
    with ``overrides`` applied."""
    raw = plain(tree.root) if raw is None else raw
    chosen = resolve_choices(tree, raw, overrides)
    parameters = resolve_parameters(tree, raw, overrides, chosen)
    labels = choice_labels(tree, raw)
    data = {k: v for k, v in raw.items() if k != "parameters"}
    data = substitute(tree, data, (), parameters, chosen, labels)
    data["parameters"] = _parameter_specs(_specs(tree, raw), parameters, overrides, chosen)
    values: dict[str, ParameterValue] = {**parameters, **chosen}
    return validate(tree, data), values


def _parameter_specs(
    specs: Mapping[str, Any],
    values: Mapping[str, float],
    overrides: Mapping[str, ParameterValue],
    chosen: Mapping[str, str],
) -> dict[str, Any]:
    """Specs with resolved values; an override may leave the range (the file's value is checked);
    a categorical parameter's value is its chosen label."""
    resolved = {}
    for name, spec in specs.items():
        entry = dict(spec) if isinstance(spec, dict) else {"value": spec}
        if name in chosen:
            entry["value"] = chosen[name]
        elif (
            name not in overrides
            or formulas.is_formula(entry.get("value"))
            or isinstance(entry.get("value"), dict)  # a selection
        ):
            entry["value"] = values[name]
        resolved[name] = entry
    return resolved
