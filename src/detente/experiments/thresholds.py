"""What would it take: where a claim (or a result field) changes as parameters move over their ranges.

Three questions, each answered by analysing the scenario file at chosen
parameter values (:class:`Evaluations`: the file is parsed once, every point
is analysed once and shared by every claim and field asked about):

- *threshold* (:func:`threshold`): the values in one parameter's declared
  range where a claim flips. The range is cut into a grid of ``grid`` points
  (endpoints included); every pair of neighbours on which the claim differs
  is bisected until the bracket is at most ``tolerance`` wide, and the
  crossing is the bracket's midpoint, with the claim's truth just below and
  just above it. Two crossings closer together than the grid spacing (a
  claim true only on a sliver) can be missed: a finer ``grid`` finds them.
  An integer parameter is bisected down to consecutive whole numbers, and the
  crossing is the first whole number on the far side. A claim's ``null``
  counts as not holding, as in sweeps.
- *two-way map* (:func:`two_way`): the claim's truth (or a field's value) on a
  grid over two parameters.
- *tornado* (:func:`tornado`): each parameter a sweep draws at the low and the
  high end of its range (a categorical one at each of its labels), the others at
  the point estimate.

A result field (:class:`FieldTarget`, any dotted ``analyze --json`` path) is
bisected like a claim where its values are whole numbers, booleans, text or
null (a crossing is where the value changes, with the values on each side); a
real-valued field is reported as its profile on the grid, and bisected only
for where it crosses a ``level``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from detente import sizes
from detente.claims import (
    Claim,
    FieldPath,
    Value,
    check_fields,
    format_path,
    kind_of,
    lookup,
    parse,
)
from detente.errors import DetenteError, UnknownNameError
from detente.experiments.scenario_text import ScenarioText
from detente.scenario import ParameterRecord

Results = Mapping[str, Value]
"""An ``analyze --json`` document (with its ``claims``)."""
Setting = float | str
"""A parameter's value: a number, or a categorical parameter's label."""

DEFAULT_GRID = 17
"""Grid points of a one-way threshold search (endpoints included)."""
DEFAULT_MAP_GRID = 9
"""Grid points per parameter of a two-way map."""
RELATIVE_TOLERANCE = 1e-3
"""Default bisection tolerance, as a share of the range's width."""


# --------------------------------------------------------------------------- evaluations


def analysed(
    text: ScenarioText, values: Mapping[str, Setting], limits: tuple[tuple[str, int], ...] = ()
) -> Results | None:
    """The ``analyze`` document of ``text`` at ``values``; ``None`` if they make no valid scenario.

    ``limits`` are the size limits raised for the run (:mod:`detente.sizes`): they travel
    with each point to the worker that analyses it.
    """
    from detente.analysis import analyze

    with sizes.using(dict(limits)):
        try:
            scenario = text.build(values)
            sizes.require_scenario(scenario)
            return analyze(scenario)
        except DetenteError:
            return None


@dataclass
class Evaluations:
    """Analyses of one scenario file at parameter values, each point analysed once.

    ``workers`` > 1 analyses batches of points (grids, tornado ends) in that many
    local processes (:class:`~detente.experiments.executors.LocalWorkers`, the sweeps'
    loky pool); bisection steps run one after another.
    """

    text: ScenarioText
    workers: int = 1
    cache: dict[tuple[tuple[str, Setting], ...], Results | None] = field(default_factory=dict)
    seconds: float = 0.0
    progress: Callable[[int, int], None] = field(default=lambda done, planned: None)
    """Told ``(analyses done, analyses planned so far)`` as each analysis ends."""

    @property
    def point(self) -> dict[str, Setting]:
        """Every parameter's value at the point estimate (with the ``--set`` values)."""
        return self.text.build({}).parameters

    @property
    def records(self) -> Mapping[str, ParameterRecord]:
        """What the file says of each parameter (range, integer, source)."""
        return self.text.build({}).parameter_records

    @property
    def fixed(self) -> frozenset[str]:
        """The parameters ``--set`` fixes."""
        return frozenset(name for name, _ in self.text.sets)

    @property
    def count(self) -> int:
        """How many analyses ran."""
        return len(self.cache)

    @property
    def invalid(self) -> int:
        """How many of them had values that make no valid scenario (counted as not holding)."""
        return sum(1 for results in self.cache.values() if results is None)

    def key(self, values: Mapping[str, Setting]) -> tuple[tuple[str, Setting], ...]:
        """The cache key: the values that differ from the point estimate."""
        point = self.point
        return tuple(sorted((k, v) for k, v in values.items() if point.get(k) != v))

    def at(self, values: Mapping[str, Setting]) -> Results | None:
        """The analysis at ``values`` (the other parameters at the point estimate)."""
        self.prefetch([values])
        return self.cache[self.key(values)]

    def prefetch(self, points: Sequence[Mapping[str, Setting]]) -> None:
        """Analyse every point not analysed yet (in parallel with ``workers``)."""
        missing = list(dict.fromkeys(k for k in map(self.key, points) if k not in self.cache))
        if not missing:
            return
        started = time.perf_counter()
        planned = len(self.cache) + len(missing)
        if self.workers > 1 and len(missing) > 1:
            from detente.experiments.executors import LocalWorkers

            shared = (self.text, sizes.scenario_limits())
            pool = LocalWorkers(self.workers)
            for k, results in pool.map_unordered(_analysed_at, shared, missing):
                self.cache[k] = results
                self.progress(len(self.cache), planned)
        else:
            for k in missing:
                self.cache[k] = analysed(self.text, dict(k))
                self.progress(len(self.cache), planned)
        self.seconds += time.perf_counter() - started


def _analysed_at(
    shared: tuple[ScenarioText, tuple[tuple[str, int], ...]], key: tuple[tuple[str, Setting], ...]
) -> tuple[tuple[tuple[str, Setting], ...], Results | None]:
    """A worker's task: the analysis at the values ``key`` sets, with the key (results arrive
    in any order)."""
    text, limits = shared
    return key, analysed(text, dict(key), limits)


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True, slots=True)
class ClaimTarget:
    """A claim: its truth at a point (``null`` and an invalid scenario count as not holding)."""

    claim: Claim

    @property
    def name(self) -> str:
        """The claim's name."""
        return self.claim.name

    def of(self, results: Results | None) -> Value:
        """Whether the claim holds in ``results`` (``False`` where the analysis failed)."""
        return results is not None and self.claim.holds(results)


@dataclass(frozen=True, slots=True)
class FieldTarget:
    """A result field (a dotted ``analyze --json`` path): its value at a point."""

    name: str
    path: tuple[str | int, ...]

    def of(self, results: Results | None) -> Value:
        """The field's value in ``results`` (``None`` where the analysis failed)."""
        return None if results is None else lookup(results, self.path)


Target = ClaimTarget | FieldTarget


def claim_target(claims: Sequence[Claim], name: str, file: str) -> ClaimTarget:
    """The claim named ``name``, or a one-line error naming the file's claims."""
    for claim in claims:
        if claim.name == name:
            return ClaimTarget(claim)
    import difflib

    names = [c.name for c in claims]
    close = difflib.get_close_matches(name, names, n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    declared = ", ".join(names) if names else "none (declare some under claims:)"
    raise UnknownNameError(f"{file}: --claim {name}: no such claim; {hint}claims are: {declared}")


def field_target(name: str, example: Results) -> FieldTarget:
    """The result field ``name`` (checked against the point estimate's ``example``)."""
    try:
        node = parse(name)
    except DetenteError as error:
        raise DetenteError(f"--field {name}: not a field path ({error.message})") from None
    if not isinstance(node, FieldPath):
        raise DetenteError(
            f"--field {name}: give one field path, e.g. phasing.agreement.min_stages"
        )
    try:
        check_fields(node, example)
    except DetenteError as error:
        raise type(error)(f"--field {name}: {error.message}") from None
    value = lookup(example, node.path)
    if kind_of(value) in ("object", "list"):
        raise DetenteError(
            f"--field {name}: is a {kind_of(value)}, not one value; name one of its fields "
            "(e.g. agreement.utilities[0])"
        )
    return FieldTarget(name, node.path)


def ranged(records: Mapping[str, ParameterRecord], name: str, file: str) -> ParameterRecord:
    """The record of parameter ``name``, which must have a range (one-line errors otherwise)."""
    with_range = [n for n, r in records.items() if _span(r) is not None or choice_labels(r)]
    if name not in records:
        import difflib

        close = difflib.get_close_matches(name, list(records), n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise UnknownNameError(
            f"{file}: --vary {name}: no such parameter; {hint}"
            f"parameters with a range: {', '.join(with_range) or 'none'}"
        )
    record = records[name]
    if _span(record) is None and not choice_labels(record):
        raise DetenteError(
            f"{file}: --vary {name}: parameter {name} has no range to vary over (give it one, "
            f"e.g. range: [low, high]); parameters with a range: {', '.join(with_range) or 'none'}"
        )
    return record


def _span(record: ParameterRecord) -> tuple[float, float] | None:
    if record.range is None or not record.range[0] < record.range[1]:
        return None
    return record.range


def choice_labels(record: ParameterRecord) -> tuple[str, ...]:
    """A categorical parameter's labels, in declared order (none for a numeric one).

    Every caller evaluates a categorical parameter at each label instead of bisecting it.
    """
    return tuple(label for label, _ in record.choices or ())


# --------------------------------------------------------------------------- one way


@dataclass(frozen=True, slots=True)
class Crossing:
    """Where a target changes: ``value``, with the target's value just below and just above."""

    value: float
    below: Any
    above: Any
    """(A target's value; a bisection over several claims at once holds a tuple of truths.)"""

    def json(self) -> dict[str, Any]:
        """``{value, below, above}``: where the state changes, and the state on each side."""
        return {"value": self.value, "below": self.below, "above": self.above}


def grid_values(low: float, high: float, count: int, integer: bool) -> tuple[float, ...]:
    """``count`` evenly spaced values over ``[low, high]``; whole numbers for an integer parameter.

    >>> grid_values(0.0, 1.0, 5, False)
    (0.0, 0.25, 0.5, 0.75, 1.0)
    >>> grid_values(1, 4, 9, True)
    (1.0, 2.0, 3.0, 4.0)
    """
    if count < 2:
        raise DetenteError(f"--grid must be at least 2 (the range's two ends), got {count}")
    values = np.linspace(low, high, count)
    if integer:
        first, last = math.ceil(low), math.floor(high)
        values = np.unique(np.clip(np.round(values), first, last))
    return tuple(float(v) for v in values)


def crossings(
    state: Callable[[float], Hashable],
    grid: Sequence[float],
    tolerance: float,
    integer: bool,
    batch: Callable[[Sequence[float]], None] = lambda xs: None,
) -> list[Crossing]:
    """Every change of ``state`` found between neighbours of ``grid``, bisected to ``tolerance``.

    >>> [c.json() for c in crossings(lambda x: x >= 0.3, (0.0, 0.5, 1.0), 0.01, False)]
    [{'value': 0.30078125, 'below': False, 'above': True}]
    >>> [c.json() for c in crossings(lambda x: x >= 3, (0, 5), 1, True)]
    [{'value': 3, 'below': False, 'above': True}]
    """
    search = Search(state, tuple(grid), tolerance, integer)
    return bisect_all([search], lambda points: batch([x for _, x in points]))[0]


@dataclass(frozen=True, slots=True)
class Search:
    """One bisection problem: a target's ``state`` along one parameter, from a ``grid``."""

    state: Callable[[float], Hashable]
    grid: tuple[float, ...]
    tolerance: float
    integer: bool
    key: str = ""
    """What the batch is told with each point (e.g. the parameter's name)."""

    def done(self, a: float, b: float) -> bool:
        """Whether ``[a, b]`` is narrow enough to stop (one step for an integer parameter)."""
        return b - a <= 1 if self.integer else b - a <= self.tolerance

    def middle(self, a: float, b: float) -> float:
        """The point that halves ``[a, b]`` (rounded down for an integer parameter)."""
        return float(math.floor((a + b) / 2)) if self.integer else (a + b) / 2

    def crossing(self, a: float, b: float, sa: Hashable, sb: Hashable) -> Crossing:
        """The crossing found in ``[a, b]``, between state ``sa`` and state ``sb``."""
        value = int(b) if self.integer else (a + b) / 2
        return Crossing(value, sa, sb)


def bisect_all(
    searches: Sequence[Search],
    batch: Callable[[Sequence[tuple[str, float]]], None] = lambda points: None,
) -> list[list[Crossing]]:
    """Each search's crossings, all bisected in step (one batch of midpoints per round).

    Every pair of grid neighbours whose states differ is a bracket; a round
    evaluates every open bracket's midpoint at once (``batch`` may analyse them
    in parallel) and keeps each half whose ends still differ (both halves, when
    a many-valued field changes twice). A bracket narrower than the tolerance
    (or of two consecutive whole numbers) is a crossing.
    """
    batch([(s.key, x) for s in searches for x in s.grid])
    found: list[list[tuple[float, Crossing]]] = [[] for _ in searches]
    open_: list[tuple[int, float, float, Hashable, Hashable]] = []
    for i, s in enumerate(searches):
        states = [s.state(x) for x in s.grid]
        for a, b, sa, sb in zip(s.grid, s.grid[1:], states, states[1:], strict=False):
            if sa != sb:
                open_.append((i, a, b, sa, sb))
    while open_:
        ready = [o for o in open_ if searches[o[0]].done(o[1], o[2])]
        for i, a, b, sa, sb in ready:
            found[i].append((a, searches[i].crossing(a, b, sa, sb)))
        open_ = [o for o in open_ if not searches[o[0]].done(o[1], o[2])]
        middles = [searches[i].middle(a, b) for i, a, b, _, _ in open_]
        batch([(searches[o[0]].key, m) for o, m in zip(open_, middles, strict=True)])
        split: list[tuple[int, float, float, Hashable, Hashable]] = []
        for (i, a, b, sa, sb), m in zip(open_, middles, strict=True):
            sm = searches[i].state(m)
            split += [h for h in ((i, a, m, sa, sm), (i, m, b, sm, sb)) if h[3] != h[4]]
        open_ = split
    return [[c for _, c in sorted(f, key=lambda fc: fc[0])] for f in found]


def real_valued(values: Sequence[Value]) -> bool:
    """Whether a field's values are real numbers (profiled, not bisected).

    The analysis writes counts (stages, sizes) as integers and quantities as
    floats, so a float is real-valued even where it happens to be whole.

    >>> real_valued([1, 2, None]), real_valued([0.5, 1]), real_valued([6.0]), real_valued([True])
    (False, True, True, False)
    """
    return any(isinstance(v, float) for v in values)


@dataclass(frozen=True, slots=True)
class OneWay:
    """How to search one parameter: its grid and tolerance."""

    name: str
    low: float
    high: float
    grid: int
    tolerance: float
    integer: bool

    @classmethod
    def of(cls, record: ParameterRecord, grid: int, tolerance: float | None) -> OneWay:
        """The grid and tolerance of one parameter's search over its declared range."""
        low, high = cast(tuple[float, float], _span(record))
        if tolerance is not None and not tolerance > 0:
            raise DetenteError(f"--tolerance must be positive, got {tolerance}")
        if record.integer:
            return cls(record.name, low, high, grid, 1.0, True)
        chosen = tolerance if tolerance is not None else RELATIVE_TOLERANCE * (high - low)
        return cls(record.name, low, high, grid, chosen, False)

    @property
    def values(self) -> tuple[float, ...]:
        """The grid of values the search evaluates first, ends included."""
        return grid_values(self.low, self.high, self.grid, self.integer)

    def json(self) -> dict[str, Any]:
        """``{parameter, range, grid, ...}``: the search as ``threshold --json`` reports it."""
        return {
            "parameter": self.name,
            "range": [self.low, self.high],
            "grid": len(self.values),
            "tolerance": self.tolerance,
            "integer": self.integer,
        }


def threshold(
    evaluations: Evaluations,
    target: Target,
    search: OneWay,
    level: float | None = None,
) -> dict[str, Any]:
    """Where ``target`` changes as ``search``'s parameter moves over its range (see the module).

    Returns ``{"claim" or "field", "parameter", "range", "grid", "tolerance",
    "integer", "point", "crossings": [{"value", "below", "above"}], ...}``; a
    real-valued field adds ``"profile": [[x, value], ...]`` and, with
    ``level``, bisects where it crosses that level.
    """
    name = search.name

    def value(x: float) -> Value:
        return target.of(evaluations.at({name: x}))

    def batch(xs: Sequence[float]) -> None:
        evaluations.prefetch([{name: x} for x in xs])

    grid = search.values
    batch(grid)
    document: dict[str, Any] = {
        ("claim" if isinstance(target, ClaimTarget) else "field"): target.name,
        **search.json(),
        "point": target.of(evaluations.at({})),
        "at": evaluations.point[name],
    }
    profile = [value(x) for x in grid]
    if isinstance(target, FieldTarget) and real_valued(profile):
        document["profile"] = [[x, v] for x, v in zip(grid, profile, strict=True)]
        if level is None:
            return document
        document["level"] = level

        def state(x: float) -> Hashable:
            v = value(x)
            return kind_of(v) == "number" and cast(float, v) >= level

        found = crossings(state, grid, search.tolerance, search.integer, batch)
        document["crossings"] = [_with_values(c, value, search).json() for c in found]
        return document
    found = crossings(lambda x: _hashable(value(x)), grid, search.tolerance, search.integer, batch)
    document["crossings"] = [c.json() for c in found]
    return document


def _hashable(value: Value) -> Hashable:
    return value if kind_of(value) not in ("object", "list") else repr(value)


def _with_values(crossing: Crossing, value: Callable[[float], Value], search: OneWay) -> Crossing:
    """A level crossing with the field's own values on each side of its final bracket."""
    if search.integer:
        below, above = crossing.value - 1, crossing.value
    else:
        half = search.tolerance / 2
        below, above = crossing.value - half, crossing.value + half
    return Crossing(crossing.value, value(max(below, search.low)), value(min(above, search.high)))


def categorical(
    evaluations: Evaluations, target: Target, record: ParameterRecord
) -> dict[str, Any]:
    """A categorical parameter: the target at each label (labels are not ordered: no bisection)."""
    labels = choice_labels(record)
    evaluations.prefetch([{record.name: label} for label in labels])
    return {
        ("claim" if isinstance(target, ClaimTarget) else "field"): target.name,
        "parameter": record.name,
        "labels": list(labels),
        "values": {label: target.of(evaluations.at({record.name: label})) for label in labels},
        "point": target.of(evaluations.at({})),
        "crossings": [],
    }


# --------------------------------------------------------------------------- two way


def two_way(
    evaluations: Evaluations, target: Target, first: OneWay, second: OneWay
) -> dict[str, Any]:
    """The target on a grid over two parameters: rows follow ``second``, columns ``first``.

    Returns ``{"claim" or "field", "parameters": [P1, P2], "grid": {P1: [...],
    P2: [...]}, "holds" (a claim) or "values" (a field): [[...]], "point"}``,
    where ``holds[j][i]`` is the target at ``P1 = grid[P1][i]`` and ``P2 = grid[P2][j]``.
    """
    if first.name == second.name:
        raise DetenteError(f"--vary {first.name} is given twice; vary two different parameters")
    xs, ys = first.values, second.values
    cells = [[{first.name: x, second.name: y} for x in xs] for y in ys]
    evaluations.prefetch([c for row in cells for c in row])
    table = [[target.of(evaluations.at(c)) for c in row] for row in cells]
    is_claim = isinstance(target, ClaimTarget)
    return {
        ("claim" if is_claim else "field"): target.name,
        "parameters": [first.name, second.name],
        "grid": {first.name: list(xs), second.name: list(ys)},
        ("holds" if is_claim else "values"): table,
        "point": target.of(evaluations.at({})),
        "at": {
            first.name: evaluations.point[first.name],
            second.name: evaluations.point[second.name],
        },
        "rows": second.name,
        "columns": first.name,
    }


# --------------------------------------------------------------------------- tornado


def default_fields(example: Results) -> list[str]:
    """The tornado's default fields: each position's and the agreement's fewest stages, and each
    party's utility of the agreement (those the analysis has).

    >>> default_fields({"parties": ["a", "b"], "agreement": {"utilities": [1, 2]},
    ...                 "phasing": {"positions": {"p": {"min_stages": 2}}, "agreement": None}})
    ['phasing.positions.p.min_stages', 'agreement.utilities[0]', 'agreement.utilities[1]']
    >>> default_fields({"phasing": {"positions": {"nk-offer": {"min_stages": 2}}}})
    ["phasing.positions['nk-offer'].min_stages"]
    """
    fields: list[str] = []
    phasing = example.get("phasing")
    if isinstance(phasing, Mapping):
        positions = phasing.get("positions")
        for name, position in (positions if isinstance(positions, Mapping) else {}).items():
            if isinstance(position, Mapping) and "min_stages" in position:
                fields.append(format_path(("phasing", "positions", str(name), "min_stages")))
        agreement = phasing.get("agreement")
        if isinstance(agreement, Mapping) and "min_stages" in agreement:
            fields.append("phasing.agreement.min_stages")
    agreement = example.get("agreement")
    if isinstance(agreement, Mapping) and isinstance(agreement.get("utilities"), list):
        parties = cast(list[str], example.get("parties") or [])
        fields.extend(f"agreement.utilities[{i}]" for i in range(len(parties)))
    return fields


def swing(values: Sequence[Value]) -> float | None:
    """The spread of a field's numeric values (``None`` without two numbers).

    >>> swing([2, 3, 5]), swing([None, 4]), swing([1, None, 4])
    (3.0, None, 3.0)
    """
    numbers = [float(cast(float, v)) for v in values if kind_of(v) == "number"]
    return max(numbers) - min(numbers) if len(numbers) >= 2 else None


def swung_parameters(text: ScenarioText) -> list[ParameterRecord]:
    """The parameters a tornado swings: those a sweep draws (:meth:`ScenarioText.uncertain`:
    every one with a range or choices, in file order, except those ``--set`` fixes)."""
    records = text.build({}).parameter_records
    return [records[drawn.name] for drawn in text.uncertain()]


def tornado(
    evaluations: Evaluations, claims: Sequence[ClaimTarget], fields: Sequence[FieldTarget]
) -> dict[str, Any]:
    """Each drawn parameter swung, the others at the point estimate: a numeric one to the ends
    of its range, a categorical one to each of its labels.

    Returns ``{"parameters": [ROW...], "claims": [C...], "fields": [F...]}``. A numeric
    parameter's row is ``{"name", "low", "high", "point", "claims": {C: {"low", "point",
    "high"}}, "fields": {F: {"low", "point", "high", "swing"}}, "flips": [C...]}``; a
    categorical one's has ``"labels": {LABEL: {"claims": {C: value}, "fields": {F: value}}}``
    (every label, in declared order) instead of ``low``/``high``, its ``point`` is the point
    estimate's label, ``claims[C]`` and ``fields[F]`` hold only ``point`` (and ``swing``, the
    spread over the point and every label). ``flips`` are the claims that differ from the
    point estimate at some end or label. Rows are ranked together: the parameters that flip
    the most claims first, then by the first field's swing.
    """
    swung = swung_parameters(evaluations.text)
    ends = [{r.name: end} for r in swung for end in _swung_to(r)]
    evaluations.prefetch([{}, *ends])
    point = evaluations.at({})
    rows = [_tornado_row(evaluations, record, point, claims, fields) for record in swung]
    first = fields[0].name if fields else None
    rows.sort(key=lambda row: (-len(row["flips"]), -_swing_of(row, first)))
    return {
        "parameters": rows,
        "claims": [c.name for c in claims],
        "fields": [f.name for f in fields],
    }


def _swung_to(record: ParameterRecord) -> tuple[Setting, ...]:
    """Where a tornado puts a parameter: each label of a categorical one, else its range's ends."""
    return choice_labels(record) or cast(tuple[float, float], record.range)


def _swing_of(row: Mapping[str, Any], name: str | None) -> float:
    value = None if name is None else row["fields"][name]["swing"]
    return -1.0 if value is None else float(value)


def _tornado_row(
    evaluations: Evaluations,
    record: ParameterRecord,
    point: Results | None,
    claims: Sequence[ClaimTarget],
    fields: Sequence[FieldTarget],
) -> dict[str, Any]:
    labels = choice_labels(record)
    if labels:
        return _categorical_row(evaluations, record.name, labels, point, claims, fields)
    low, high = cast(tuple[float, float], record.range)
    ends = {"low": evaluations.at({record.name: low}), "high": evaluations.at({record.name: high})}
    at = {"low": ends["low"], "point": point, "high": ends["high"]}
    claim_values = {c.name: {k: c.of(r) for k, r in at.items()} for c in claims}
    field_values: dict[str, dict[str, Any]] = {}
    for f in fields:
        values = {k: f.of(r) for k, r in at.items()}
        field_values[f.name] = {**values, "swing": swing(list(values.values()))}
    flips = [
        n for n, v in claim_values.items() if v["low"] != v["point"] or v["high"] != v["point"]
    ]
    return {
        "name": record.name,
        "low": low,
        "high": high,
        "point": evaluations.point[record.name],
        "claims": claim_values,
        "fields": field_values,
        "flips": flips,
    }


def _categorical_row(
    evaluations: Evaluations,
    name: str,
    labels: Sequence[str],
    point: Results | None,
    claims: Sequence[ClaimTarget],
    fields: Sequence[FieldTarget],
) -> dict[str, Any]:
    """A categorical parameter's tornado row: the targets at each label (see :func:`tornado`)."""
    at = {label: evaluations.at({name: label}) for label in labels}
    by_label = {
        label: {
            "claims": {c.name: c.of(results) for c in claims},
            "fields": {f.name: f.of(results) for f in fields},
        }
        for label, results in at.items()
    }
    claim_values = {c.name: {"point": c.of(point)} for c in claims}
    field_values: dict[str, dict[str, Any]] = {}
    for f in fields:
        value = f.of(point)
        spread = [value, *(row["fields"][f.name] for row in by_label.values())]
        field_values[f.name] = {"point": value, "swing": swing(spread)}
    flips = [
        c.name
        for c in claims
        if any(row["claims"][c.name] != claim_values[c.name]["point"] for row in by_label.values())
    ]
    return {
        "name": name,
        "point": evaluations.point[name],
        "labels": by_label,
        "claims": claim_values,
        "fields": field_values,
        "flips": flips,
    }
