"""``detente compare``: the base case and each counterfactual variant side by side."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from detente import sizes
from detente.cli.common import (
    JsonOpt,
    ScenarioArg,
    SetOpt,
    console,
    emit_json,
    out_of_range,
    say,
    warn_out_of_range,
)
from detente.cli.text import literal
from detente.experiments.compare import compare as compare_cases
from detente.experiments.compare import comparison_rows, parse_variant, sets_text
from detente.experiments.scenario_text import ScenarioText
from detente.scenariofile.loader import parse_overrides

VariantOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--variant",
        help="A counterfactual: NAME=PARAMETER=VALUE[,PARAMETER=VALUE...] (repeatable); "
        "added to the variants the file declares.",
        show_default=False,
    ),
]


def compare(
    scenario: ScenarioArg,
    variant: VariantOpt = None,
    set_: SetOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Compare the base case with each variant: positions, agreement, schedule, path, claims,
    and what each party and stakeholder gets."""
    given = [parse_variant(text) for text in variant or []]
    sets = parse_overrides(set_ or [])
    text = ScenarioText.read(scenario, sets)  # the file read once, and checked
    loaded = text.build({})
    warn_out_of_range(loaded, sets)
    variants = [*loaded.variants.values(), *given]
    for case in variants:  # (values outside their range are allowed, as with --set, but said)
        for message in out_of_range(loaded, dict(case.sets), f"variant {case.name}: "):
            say(f"warning: {message}")
    sizes.require_scenario(loaded)
    document = compare_cases(text.build, sets, variants)
    if json_:
        emit_json(document)
    else:
        render(document)


def render(document: dict[str, Any]) -> None:
    """Print one table (a column per case) and each variant's changes."""
    cases = [("base", document["base"]), *((v["name"], v) for v in document["variants"])]
    table = Table(title=literal(f"{document['scenario']}: base case and variants"))
    table.add_column("", overflow="fold", ratio=1)
    for name, _ in cases:
        table.add_column(literal(name), overflow="fold", ratio=2)
    for label, cells in comparison_rows([case for _, case in cases]):
        table.add_row(literal(label), *(literal(cell) for cell in cells))
    console.print(table)
    for case in document["variants"]:
        console.print(literal(f"{case['name']}: {sets_text(case['sets'])}"), soft_wrap=True)
        for change in case["changes"] or ["no change from the base case"]:
            console.print(literal(f"  - {change}"), soft_wrap=True)
