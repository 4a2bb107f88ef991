"""Robustness sweeps: draw the uncertain parameters, evaluate each draw, test the claims.

One row per draw: ``draw`` (its index), ``parameter.<name>`` (the drawn
values), ``result.<field>`` (the evaluation's result fields, flattened) and
``claim.<name>`` (whether each claim holds). The same seed gives the same
rows on every executor and for any chunking (see
:mod:`detente.experiments.draws`).
"""

from __future__ import annotations

import difflib
import fnmatch
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import ClassVar, Protocol

import pyarrow as pa

from detente.claims import Claim, Value
from detente.errors import DetenteError
from detente.experiments.chunks import Chunk
from detente.experiments.draws import Uncertain, draw_values
from detente.experiments.runner import RunOptions, normalized, run_experiment
from detente.experiments.store import Manifest
from detente.experiments.table import flatten, to_table
from detente.scenario import Scenario

Evaluation = Callable[[Scenario], Mapping[str, Value]]
"""A function of a scenario returning its result fields (JSON-like, possibly nested)."""


class ScenarioModel(Protocol):
    """A scenario that can be rebuilt with some parameters set; picklable."""

    def build(self, overrides: Mapping[str, float]) -> Scenario:
        """The scenario with the named parameters set to the given values."""
        ...

    def identity(self) -> Mapping[str, object]:
        """What identifies the model for resuming (e.g. the scenario file's content hash)."""
        ...

    def uncertain(self) -> tuple[Uncertain, ...]:
        """The parameters a sweep of the model draws."""
        ...


@dataclass(frozen=True, slots=True)
class Sweep:
    """A sweep: what to vary, what to compute and what to test, for ``draws`` draws."""

    model: ScenarioModel
    parameters: tuple[Uncertain, ...]
    evaluate: Evaluation
    draws: int
    claims: tuple[Claim, ...] = ()
    seed: int | None = None
    lhs: bool = False
    fields: tuple[str, ...] | None = None
    """Which result fields to store (:func:`keep_fields`); ``None`` stores every one."""

    def __post_init__(self) -> None:
        if self.draws < 1:
            raise DetenteError(f"--draws must be at least 1, got {self.draws}")
        if not self.parameters:
            raise DetenteError(
                "nothing to sweep: no parameter has a range (give one, e.g. "
                "parameters: {delta: {value: 0.9, range: [0.8, 0.99]}})"
            )

    def run_chunk(self, chunk: Chunk) -> pa.Table:
        """The rows of the draws in ``chunk``."""
        if self.seed is None:
            raise DetenteError("a sweep needs a seed to run")
        values = draw_values(self.parameters, self.seed, chunk, self.draws if self.lhs else None)
        rows = []
        for k, draw in enumerate(range(chunk.start, chunk.stop)):
            drawn = {name: float(column[k]) for name, column in values.items()}
            rows.append(self.row(draw, drawn))
        return to_table(rows)

    def row(self, draw: int, drawn: Mapping[str, float]) -> dict[str, Value]:
        """One draw's row: its index, parameter values, result fields and claims."""
        results = self.evaluate(self.model.build(drawn))
        claims = {f"claim.{c.name}": c.holds(results) for c in self.claims}
        stored = flatten(results, "result")
        if self.fields is not None:
            stored = {
                k: v
                for k, v in stored.items()
                if keep_field(k.removeprefix("result."), self.fields)
            }
        return {"draw": draw, **flatten(drawn, "parameter"), **stored, **claims}

    kind: ClassVar[str] = "sweep"
    unit: ClassVar[str] = "draw"

    @property
    def total(self) -> int:
        """How many draws the sweep makes."""
        return self.draws

    def with_seed(self, seed: int) -> Sweep:
        """The same sweep with ``seed``."""
        return replace(self, seed=seed)

    def pilot(self) -> float:
        """Seconds per draw (see :func:`pilot`)."""
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
            }
        )


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


def pilot(sweep: Sweep, budget: float = 0.2, most: int = 5) -> float:
    """Seconds one evaluation takes at the point estimate; checks every claim's fields first.

    Runs before anything is written, so a claim naming an unknown field fails
    fast. The first evaluation (imports, caches) is not timed: it would make
    every chunk too small.
    """
    results = sweep.evaluate(sweep.model.build({}))
    for claim in sweep.claims:
        claim.check(results)
    if sweep.fields:
        _check_fields(sweep.fields, results)
    started = time.perf_counter()
    runs = 0
    while runs < most and (runs == 0 or time.perf_counter() - started < budget):
        sweep.evaluate(sweep.model.build({}))
        runs += 1
    return (time.perf_counter() - started) / runs


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
