"""``detente compare``: the base case and each counterfactual variant side by side."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from detente import sizes
from detente.analysis.labels import labels_of
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
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.experiments.compare import changes, comparison_rows, parse_variant, sets_text
from detente.experiments.compare import compare as compare_cases
from detente.experiments.scenario_text import ScenarioText
from detente.labels import Labels
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
        render(document, labels_of(loaded))


def render(document: dict[str, Any], labels: Labels) -> None:
    """Print one table (a column per case) and each variant's changes, ids by display name."""
    cases = [("base", document["base"]), *((v["name"], v) for v in document["variants"])]
    rows = [[label, *cells] for label, cells in comparison_rows([c for _, c in cases], labels)]
    columns = [Column(""), *(Column(name) for name, _ in cases)]
    print_table(console, f"{document['scenario']}: base case and variants", columns, rows)
    base = document["base"]
    for case in document["variants"]:
        console.print(literal(f"{case['name']}: {sets_text(case['sets'], labels)}"))
        for change in changes(base, case, labels) or ["no change from the base case"]:
            console.print(literal(f"  - {change}"))
