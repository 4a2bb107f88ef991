"""What every command shares: options, loading, JSON output, atomic file writes."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

from detente import sizes
from detente.cli.text import literal
from detente.outcomes import ENUMERATION_LIMIT
from detente.scenario import ParameterValue, Scenario
from detente.scenariofile.loader import load_scenario, parse_overrides

console = Console(markup=False, emoji=False)
err_console = Console(stderr=True, markup=False, emoji=False)
"""What a command prints is never read as markup: renderers style with :func:`literal`'s Text."""

ScenarioArg = Annotated[
    Path,
    typer.Argument(
        help="Scenario file (YAML), or a GENIUS/GeniusWeb/NegoLog domain: its folder, or its "
        "files joined by commas (dom.xml,a.xml,b.xml).",
        show_default=False,
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a parameter: NAME=VALUE, or NAME=LABEL for a categorical one (repeatable).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON document to stdout.")]
MaxOutcomesOpt = Annotated[
    int,
    typer.Option("--max-outcomes", min=1, help="Largest outcome space an operation may enumerate."),
]
DEFAULT_MAX_OUTCOMES = ENUMERATION_LIMIT


@dataclass(frozen=True, slots=True)
class DomainReading:
    """How to read GENIUS/GeniusWeb/NegoLog domains: the global ``--real-steps`` and ``--lenient``."""

    real_steps: int | None = None
    lenient: bool = False


DOMAIN_READING: ContextVar[DomainReading | None] = ContextVar("domain_reading", default=None)
"""Set by the app's callback from the global options; read by :func:`load`."""


def load(path: Path, sets: list[str] | None) -> Scenario:
    """Load a scenario (or a domain folder/files) with ``--set`` overrides applied.

    Repairs made by ``--lenient`` are reported on stderr, one line each (files
    skipped in a domain folder are listed in ``analyze``'s ``domain.notes``),
    and so is every ``--set`` value outside its parameter's declared range. A
    scenario beyond the size limits (``detente.sizes``) is refused.
    """
    reading = DOMAIN_READING.get() or DomainReading()
    if reading.real_steps is not None:
        sizes.require(
            "real-steps",
            reading.real_steps,
            f"--real-steps {reading.real_steps:,}",
            "grid points per real-valued issue; the outcome space grows as their product",
        )
    overrides = parse_overrides(sets or [])
    scenario = load_scenario(
        path, overrides, real_steps=reading.real_steps, lenient=reading.lenient
    )
    if scenario.origin is not None:
        for repair in scenario.origin.repairs:
            err_console.print(literal(f"repaired: {repair}"), soft_wrap=True)
    warn_out_of_range(scenario, overrides)
    sizes.require_scenario(scenario)
    return scenario


def warn_out_of_range(scenario: Scenario, overrides: Mapping[str, ParameterValue]) -> None:
    """One line on stderr for each ``--set`` value outside its parameter's declared range.

    Such values are allowed (to explore beyond the plausible), but said.
    """
    for message in out_of_range(scenario, overrides):
        say(f"warning: {message}")


def out_of_range(
    scenario: Scenario, overrides: Mapping[str, ParameterValue], given: str = "--set "
) -> list[str]:
    """What :func:`warn_out_of_range` says, one sentence per value outside its range (``given``
    says where the value comes from: ``--set ``, or ``variant NAME: ``)."""
    found = []
    for name, value in overrides.items():
        record = scenario.parameter_records.get(name)
        if record is None or record.range is None or isinstance(value, str):
            continue
        low, high = record.range
        if not low <= value <= high:
            found.append(
                f"{given}{name}={value:g} is outside the declared range [{low:g}, {high:g}] "
                f"of parameter {name}; using it anyway"
            )
    return found


def say(message: str) -> None:
    """Print one line on stderr, as it is (no markup)."""
    err_console.print(message, highlight=False, soft_wrap=True, markup=False)


def to_jsonable(value: Any) -> Any:
    """Numpy scalars and arrays → Python; non-finite floats → None."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def emit_json(document: Any) -> None:
    """Print one JSON document to stdout."""
    sys.stdout.write(json.dumps(to_jsonable(document), indent=2, allow_nan=False) + "\n")
