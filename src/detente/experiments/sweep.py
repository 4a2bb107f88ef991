"""Robustness sweeps: draw the uncertain parameters, evaluate each draw, test the claims.

One row per draw: ``draw`` (its index), ``invalid`` (why the drawn values
make no valid scenario, else null), ``parameter.<name>`` (the drawn values; a categorical
parameter's label is a string, whatever the chunk),
``result.<field>`` (the evaluation's result fields, flattened), ``claim.<name>``
(whether each claim holds; null for an invalid draw) and ``extra`` (result
values the run's columns have no place for, as JSON). The results' own
``parameters`` section (which claims may read) is not stored a second time:
the ``parameter.*`` columns hold the drawn values. The columns are fixed
before the first draw, from the analysis at the point estimate (see
:mod:`detente.experiments.table`). The same seed gives the same rows on every
executor and for any chunking (see :mod:`detente.experiments.draws`).
"""

from __future__ import annotations

import difflib
import fnmatch
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import ClassVar, Protocol

import pyarrow as pa

from detente import sizes
from detente.claims import Claim, Value
from detente.errors import DetenteError
from detente.experiments.chunks import Chunk
from detente.experiments.designs import Design, DesignKind, memory_bytes
from detente.experiments.draws import Choice, Drawn, draw_values
from detente.experiments.runner import RunOptions, normalized, run_experiment
from detente.experiments.store import Manifest, ResultStore
from detente.experiments.table import (
    EXTRA,
    JSON_TEXT,
    flatten,
    place,
    result_fields,
    table_of,
)
from detente.scenario import ParameterValue, Scenario

Evaluation = Callable[[Scenario], Mapping[str, Value]]
"""A function of a scenario returning its result fields (JSON-like, possibly nested)."""


class ScenarioModel(Protocol):
    """A scenario that can be rebuilt with some parameters set; picklable."""

    def build(self, overrides: Mapping[str, ParameterValue]) -> Scenario:
        """The scenario with the named parameters set to the given values (a categorical
        parameter's: a label)."""
        ...

    def identity(self) -> Mapping[str, object]:
        """What identifies the model for resuming (e.g. the scenario file's content hash)."""
        ...

    def uncertain(self) -> tuple[Drawn, ...]:
        """The parameters a sweep of the model draws."""
        ...


@dataclass(frozen=True, slots=True)
class Sweep:
    """A sweep: what to vary, what to compute and what to test, for ``draws`` draws.

    ``design`` chooses the draws' points (:mod:`detente.experiments.designs`);
    for ``saltelli``, ``draws`` is the number of base samples ``N`` and the
    sweep makes ``N·(D + 2)`` rows. ``precision`` is the target of a
    ``--precision`` run (recorded, so that resuming continues toward it).
    """

    model: ScenarioModel
    parameters: tuple[Drawn, ...]
    evaluate: Evaluation
    draws: int
    claims: tuple[Claim, ...] = ()
    seed: int | None = None
    design: DesignKind = "random"
    fields: tuple[str, ...] | None = None
    """Which result fields to store (:func:`keep_fields`); ``None`` stores every one."""
    schema: pa.Schema | None = None
    """The rows' columns, fixed by :meth:`pilot` before the first draw."""
    limits: tuple[tuple[str, int], ...] = ()
    """Size limits raised for this run (:mod:`detente.sizes`), applied to every draw's scenario."""
    precision: float | None = None

    def __post_init__(self) -> None:
        if self.draws < 1:
            raise DetenteError(f"--draws must be at least 1, got {self.draws}")
        if not self.parameters:
            raise DetenteError(
                "nothing to sweep: no parameter has a range (give one, e.g. "
                "parameters: {delta: {value: 0.9, range: [0.8, 0.99]}})"
            )
        plan = self.plan
        rows = "" if plan.rows == self.draws else f" ({plan.rows:,} rows)"
        sizes.require(
            "draws", plan.rows, f"--draws {self.draws:,}{rows}", "each draw is one analysis"
        )
        nbytes = memory_bytes(plan, len(self.parameters))
        if nbytes:
            option = "--lhs" if self.design == "lhs" else f"--design {self.design}"
            sizes.require(
                "memory",
                nbytes,
                f"{option} with {self.draws:,} draws of {len(self.parameters)} parameters",
                f"the {self.design} design is held in memory, about {sizes.size_text(nbytes)}",
            )

    @property
    def plan(self) -> Design:
        """The design of the sweep's draws."""
        return Design.of(self.design, self.draws, len(self.parameters))

    @property
    def extendable(self) -> bool:
        """Whether the run can grow to more draws, keeping those made (``random``, ``sobol``)."""
        return self.plan.extendable

    def run_chunk(self, chunk: Chunk) -> pa.Table:
        """The rows of the draws in ``chunk``."""
        if self.seed is None:
            raise DetenteError("a sweep needs a seed to run")
        schema = self.schema
        if schema is None:  # not piloted (library use): fix the columns from the point estimate
            schema = self.columns(self.evaluate(self.model.build({})))
        values = draw_values(self.parameters, self.seed, chunk, self.plan)
        rows = []
        with sizes.using(dict(self.limits)):
            for k, draw in enumerate(range(chunk.start, chunk.stop)):
                drawn = {name: _drawn(column[k]) for name, column in values.items()}
                rows.append(self.row(draw, drawn, schema))
        return table_of(rows, schema)

    def row(
        self, draw: int, drawn: Mapping[str, ParameterValue], schema: pa.Schema
    ) -> dict[str, Value]:
        """One draw's row in ``schema``: its index, parameter values, result fields and claims.

        A draw whose values make an invalid scenario (a discount above 1 from a
        formula, say) is kept as a row with ``invalid`` saying why.
        """
        row: dict[str, Value] = {"draw": draw, **flatten(drawn, "parameter")}
        try:
            scenario = self.model.build(drawn)
            sizes.require_scenario(scenario)
            results = self.evaluate(scenario)
        except DetenteError as error:
            return {**row, "invalid": str(error)}
        claims = {f"claim.{c.name}": c.holds(results) for c in self.claims}
        columns, extra = place(stored(results), "result", schema)
        if self.fields is not None:
            extra = {
                k: v for k, v in extra.items() if keep_field(k.removeprefix("result."), self.fields)
            }
        return {**row, **columns, **claims, EXTRA: extra or None}

    def columns(self, example: Mapping[str, Value]) -> pa.Schema:
        """The rows' schema, from the results of the point estimate (``example``)."""
        results = [
            f
            for f in result_fields(stored(example), "result")
            if self.fields is None or keep_field(f.name.removeprefix("result."), self.fields)
        ]
        return pa.schema(
            [
                pa.field("draw", pa.int64()),
                pa.field("invalid", pa.string()),
                *(parameter_field(p) for p in self.parameters),
                *results,
                *(pa.field(f"claim.{c.name}", pa.bool_()) for c in self.claims),
                pa.field(EXTRA, pa.string(), metadata=JSON_TEXT),
            ]
        )

    kind: ClassVar[str] = "sweep"
    unit: ClassVar[str] = "draw"

    @property
    def total(self) -> int:
        """How many draws (rows) the sweep makes."""
        return self.plan.rows

    def with_seed(self, seed: int) -> Sweep:
        """The same sweep with ``seed``."""
        return replace(self, seed=seed)

    def pilot(self) -> tuple[Sweep, float]:
        """The sweep with its schema fixed, and seconds per draw (see :func:`pilot`)."""
        return pilot(self)

    def identity(self) -> dict[str, object]:
        """Everything that decides the rows: resuming requires it unchanged."""
        evaluate = self.evaluate
        return normalized(
            {
                **self.model.identity(),
                "seed": self.seed,
                **self.plan.identity(),
                **({} if self.precision is None else {"precision": self.precision}),
                "evaluate": f"{evaluate.__module__}.{getattr(evaluate, '__qualname__', evaluate)}",
                "parameters": [asdict(p) for p in self.parameters],
                "claims": {c.name: c.text for c in self.claims},
                **({} if self.fields is None else {"fields": list(self.fields)}),
                **({"limits": dict(self.limits)} if self.limits else {}),
            }
        )


NOT_STORED = ("parameters", "labels")
"""Result sections a sweep does not store: the ``parameter.*`` columns already hold the
parameters, and the display names are the same in every draw."""


def stored(results: Mapping[str, Value]) -> Mapping[str, Value]:
    """The result fields a sweep stores: all but :data:`NOT_STORED`.

    >>> stored({"n_rational": 3, "parameters": {"x": 0.5}, "labels": {"parties": {"a": "A"}}})
    {'n_rational': 3}
    """
    return {key: value for key, value in results.items() if key not in NOT_STORED}


def parameter_field(parameter: Drawn) -> pa.Field:
    """The column of a drawn parameter: float64 for a number, string for a choice's label
    (whatever the draws of a chunk, so every chunk has one schema)."""
    kind = pa.string() if isinstance(parameter, Choice) else pa.float64()
    return pa.field(f"parameter.{parameter.name}", kind)


def _drawn(value: object) -> ParameterValue:
    """A drawn value as the scenario takes it: a label stays a string, a number is a float."""
    return value if isinstance(value, str) else float(value)  # type: ignore[arg-type]


def analysis_results(scenario: Scenario) -> dict[str, Value]:
    """The ``analyze --json`` document without its ``claims``: a sweep's default result fields.

    (The sweep evaluates the claims itself, into the ``claim.*`` columns.)
    """
    from detente.analysis import analyze

    document: dict[str, Value] = analyze(scenario)
    document.pop("claims", None)
    return document


def keep_field(name: str, patterns: tuple[str, ...]) -> bool:
    """Whether the dotted result field ``name`` is one ``patterns`` ask to store.

    A pattern names a field or a whole group of fields (``phasing`` keeps
    ``phasing.one_shot.feasible``) and may use shell wildcards (``*``, ``?``);
    ``*`` matches across dots, as in a shell pattern over the whole name.

    >>> keep_field("phasing.one_shot.feasible", ("phasing",))
    True
    >>> keep_field("solutions.nash.utilities", ("solutions.*.outcome",))
    False
    >>> keep_field("solutions.nash.outcome.deal", ("solutions.*.outcome",))
    True
    """
    return any(
        name == p
        or name.startswith(f"{p}.")
        or fnmatch.fnmatchcase(name, p)
        or fnmatch.fnmatchcase(name, f"{p}.*")
        for p in patterns
    )


def parse_fields(text: str | None) -> tuple[str, ...] | None:
    """``--fields``: comma-separated patterns; ``none`` stores no result field, ``None`` all.

    >>> parse_fields("phasing, solutions.nash"), parse_fields("none"), parse_fields(None)
    (('phasing', 'solutions.nash'), (), None)
    """
    if text is None:
        return None
    patterns = tuple(p.strip() for p in text.split(",") if p.strip())
    if not patterns:
        raise DetenteError(
            "--fields: give field names or patterns, or none (e.g. --fields phasing)"
        )
    return () if patterns == ("none",) else patterns


def scenario_sweep(
    scenario: ScenarioModel,
    draws: int,
    seed: int | None = None,
    design: DesignKind = "random",
    fields: tuple[str, ...] | None = None,
) -> Sweep:
    """The sweep of a scenario file: its ranged parameters, its analysis and its claims.

    >>> from pathlib import Path
    >>> from detente.experiments.scenario_text import ScenarioText
    >>> text = ScenarioText.read(Path(__file__).parents[3] / "scenarios/theory/worked-example.yaml")
    >>> [p.name for p in scenario_sweep(text, draws=10).parameters]
    ['d_A', 'd_B']
    """
    parameters = scenario.uncertain()
    claims = scenario.build({}).claims
    return Sweep(scenario, parameters, analysis_results, draws, claims, seed, design, fields)


def pilot(sweep: Sweep, budget: float = 0.2, most: int = 5) -> tuple[Sweep, float]:
    """The sweep with its columns fixed, and the seconds one evaluation takes at the point estimate.

    Runs before anything is written, so a claim naming an unknown field (or
    a point estimate too large to analyse) fails fast. The first evaluation
    (imports, caches) is not timed: it would make every chunk too small.
    """
    point = sweep.model.build({})
    sizes.require_scenario(point)
    results = sweep.evaluate(point)
    for claim in sweep.claims:
        claim.check(results)
    if sweep.fields:
        _check_fields(sweep.fields, results)
    started = time.perf_counter()
    runs = 0
    while runs < most and (runs == 0 or time.perf_counter() - started < budget):
        sweep.evaluate(sweep.model.build({}))
        runs += 1
    ready = replace(sweep, schema=sweep.columns(results), limits=sizes.scenario_limits())
    return ready, (time.perf_counter() - started) / runs


def _check_fields(patterns: tuple[str, ...], results: Mapping[str, Value]) -> None:
    """Refuse a ``--fields`` pattern that matches no result field (a typo would store nothing)."""
    names = [name.removeprefix("result.") for name in flatten(stored(results), "result")]
    for pattern in patterns:
        if not any(keep_field(name, (pattern,)) for name in names):
            groups = sorted({name.split(".")[0] for name in names})
            close = difflib.get_close_matches(pattern, sorted({*groups, *names}), n=3)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise DetenteError(
                f"--fields {pattern}: no result field matches; {hint}"
                f"fields start with: {', '.join(groups)}"
            )


def run_sweep(sweep: Sweep, options: RunOptions) -> Manifest:
    """Run (or resume) ``sweep`` into ``options.out``; returns the final manifest.

    Resuming a ``random`` or ``sobol`` sweep with more draws extends it: the
    draws already made are kept (draw ``i`` never depends on their number).
    """
    if options.resume:
        _require_same_design_size(sweep, ResultStore(options.out).existing(), options.out)
    return run_experiment(sweep, replace(options, extend=options.resume and sweep.extendable))


def _require_same_design_size(sweep: Sweep, existing: Manifest | None, out: object) -> None:
    """Refuse to resume an ``lhs`` or ``saltelli`` run with another number of draws, saying why."""
    if existing is None or sweep.extendable or existing.total == sweep.total:
        return
    arguments = existing.arguments
    if arguments.get("design", "lhs" if arguments.get("lhs") else "random") != sweep.design:
        return  # another design: the usual mismatch message says so
    old = arguments.get("base_samples", existing.total)
    why = (
        "its N base samples fix every row"
        if sweep.design == "saltelli"
        else "the hypercube's strata depend on the number of draws"
    )
    raise DetenteError(
        f"cannot resume {out} with --draws {sweep.draws:,}: a {sweep.design} design cannot be "
        f"extended ({why}); rerun with --draws {old}, or pass --force to start over"
    )
