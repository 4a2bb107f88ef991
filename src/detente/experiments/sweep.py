"""Robustness sweeps: draw the uncertain parameters, evaluate each draw, test the claims.

One row per draw: ``draw`` (its index), ``invalid`` (why the drawn values
make no valid scenario, else null), ``parameter.<name>`` (the drawn values; a categorical
parameter's label is a string, whatever the chunk),
``result.<field>`` (the evaluation's result fields, flattened), ``claim.<name>``
(whether each claim holds; null for an invalid draw) and ``extra`` (result
values the run's columns have no place for, as JSON). The columns are fixed
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
from detente.experiments.draws import Choice, Drawn, draw_values
from detente.experiments.runner import RunOptions, normalized, run_experiment
from detente.experiments.store import Manifest
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
    """A sweep: what to vary, what to compute and what to test, for ``draws`` draws."""

    model: ScenarioModel
    parameters: tuple[Drawn, ...]
    evaluate: Evaluation
    draws: int
    claims: tuple[Claim, ...] = ()
    seed: int | None = None
    lhs: bool = False
    fields: tuple[str, ...] | None = None
    """Which result fields to store (:func:`keep_fields`); ``None`` stores every one."""
    schema: pa.Schema | None = None
    """The rows' columns, fixed by :meth:`pilot` before the first draw."""
    limits: tuple[tuple[str, int], ...] = ()
    """Size limits raised for this run (:mod:`detente.sizes`), applied to every draw's scenario."""

    def __post_init__(self) -> None:
        if self.draws < 1:
            raise DetenteError(f"--draws must be at least 1, got {self.draws}")
        sizes.require("draws", self.draws, f"--draws {self.draws:,}", "each draw is one analysis")
        if not self.parameters:
            raise DetenteError(
                "nothing to sweep: no parameter has a range (give one, e.g. "
                "parameters: {delta: {value: 0.9, range: [0.8, 0.99]}})"
            )
        if self.lhs:
            nbytes = 8 * 3 * self.draws * len(self.parameters)
            sizes.require(
                "memory",
                nbytes,
                f"--lhs with {self.draws:,} draws of {len(self.parameters)} parameters",
                f"the Latin hypercube design is held in memory, about {sizes.size_text(nbytes)}",
            )

    def run_chunk(self, chunk: Chunk) -> pa.Table:
        """The rows of the draws in ``chunk``."""
        if self.seed is None:
            raise DetenteError("a sweep needs a seed to run")
        schema = self.schema
        if schema is None:  # not piloted (library use): fix the columns from the point estimate
            schema = self.columns(self.evaluate(self.model.build({})))
        values = draw_values(self.parameters, self.seed, chunk, self.draws if self.lhs else None)
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
        columns, extra = place(results, "result", schema)
        if self.fields is not None:
            extra = {
                k: v for k, v in extra.items() if keep_field(k.removeprefix("result."), self.fields)
            }
        return {**row, **columns, **claims, EXTRA: extra or None}

    def columns(self, example: Mapping[str, Value]) -> pa.Schema:
        """The rows' schema, from the results of the point estimate (``example``)."""
        results = [
            f
            for f in result_fields(example, "result")
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
        """How many draws the sweep makes."""
        return self.draws

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
                "lhs": self.lhs,
                "evaluate": f"{evaluate.__module__}.{getattr(evaluate, '__qualname__', evaluate)}",
                "parameters": [asdict(p) for p in self.parameters],
                "claims": {c.name: c.text for c in self.claims},
                **({} if self.fields is None else {"fields": list(self.fields)}),
                **({"limits": dict(self.limits)} if self.limits else {}),
            }
        )


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
    lhs: bool = False,
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
    return Sweep(scenario, parameters, analysis_results, draws, claims, seed, lhs, fields)


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
    names = [name.removeprefix("result.") for name in flatten(results, "result")]
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
    """Run (or resume) ``sweep`` into ``options.out``; returns the final manifest."""
    return run_experiment(sweep, options)
