"""``detente import``: convert a GENIUS, GeniusWeb or NegoLog domain to a detente scenario file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli.common import (
    ScenarioArg,
    console,
    load,
)
from detente.cli.text import literal
from detente.files import write_atomically
from detente.scenariofile.writer import to_scenario_yaml

OutputOpt = Annotated[
    Path, typer.Option("--output", "-o", help="Scenario file (YAML) to write.", show_default=False)
]


def import_(domain: ScenarioArg, output: OutputOpt) -> None:
    """Convert a domain (folder or files) into a detente YAML scenario that analyses identically."""
    scenario = load(domain, None)
    text = to_scenario_yaml(scenario)

    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    write_atomically(output, write)
    console.print(
        literal(
            f"wrote {output}: {len(scenario.parties)} parties, "
            f"{len(scenario.space.issues)} issues, {scenario.space.size:,} outcomes"
        ),
        soft_wrap=True,
    )
