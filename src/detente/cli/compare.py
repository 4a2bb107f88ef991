"""``detente compare``: the base case and each counterfactual variant side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer
from rich.table import Table

from detente.cli.common import JsonOpt, ScenarioArg, SetOpt, console, emit_json, load
from detente.cli.text import literal
from detente.experiments.compare import compare as compare_cases
from detente.experiments.compare import parse_variant, path_text
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
    loaded = load(scenario, set_)  # checks the file and the --set values, with warnings
    sets = parse_overrides(set_ or [])
    text = ScenarioText.read(scenario, sets)
    document = compare_cases(text.build, sets, [*loaded.variants.values(), *given])
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
    for label, cells in rows([case for _, case in cases]):
        table.add_row(literal(label), *(literal(cell) for cell in cells))
    console.print(table)
    for case in document["variants"]:
        console.print(literal(f"{case['name']}: {_sets(case['sets'])}"), soft_wrap=True)
        for change in case["changes"] or ["no change from the base case"]:
            console.print(literal(f"  - {change}"), soft_wrap=True)


def rows(cases: Sequence[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """The table's rows: a label and one cell per case."""
    base = cases[0]
    found: list[tuple[str, list[str]]] = [("set", [_sets(c["sets"]) or "—" for c in cases])]
    for name in base["positions"]:
        found.append((f"position {name}", [position_text(c["positions"][name]) for c in cases]))
    found.append(("agreement", [package_text(c["agreement"]) for c in cases]))
    found.append(("schedule", [schedule_text(c["schedule"]) for c in cases]))
    found.append(("path", [path_text(c["path"]) for c in cases]))
    for claim in base["claims"]:
        found.append((f"claim {claim}", [_truth(c["claims"].get(claim)) for c in cases]))
    for party, entry in base["gains"].items():
        what = "gets" if entry["signatory"] else "gets (stakeholder)"
        found.append((f"{entry['name'] or party} {what}", [_gain(c["gains"][party]) for c in cases]))
    return found


def position_text(entry: dict[str, Any]) -> str:
    """``rational yes, ratifiable no, one-shot no, fewest stages 2``."""
    stages = entry["min_stages"]
    return (
        f"rational {_truth(entry['rational'])}, ratifiable {_truth(entry['ratifiable'])}, "
        f"one-shot {_truth(entry['one_shot'])}, fewest stages "
        f"{'—' if stages is None else stages}"
    )


def package_text(outcome: dict[str, Any] | None) -> str:
    """The agreement's issues that are not at zero, with their values (``none`` without one)."""
    if outcome is None:
        return "none"
    given = [f"{k} {_value(v)}" for k, v in outcome.items() if v not in (0, 0.0, "0")]
    return ", ".join(given) or "nothing delivered"


def schedule_text(stages: Sequence[dict[str, float]] | None) -> str:
    """``2 stages: 1) a, b 0.5 / 2) c``."""
    if not stages:
        return "none"
    parts = [
        f"{k}) " + ", ".join(n if v == 1 else f"{n} {v:.3g}" for n, v in stage.items() if v)
        for k, stage in enumerate(stages, start=1)
    ]
    return f"{len(stages)} stage{'s' if len(stages) != 1 else ''}: " + " / ".join(parts)


def _gain(entry: dict[str, Any]) -> str:
    change = entry["change"]
    shown = "" if change is None or abs(change) < 5e-4 else f" ({change:+.3g})"
    return f"{entry['utility']:.3g}{shown}"


def _sets(sets: dict[str, Any]) -> str:
    return ", ".join(f"{k}={_value(v)}" for k, v in sets.items())


def _truth(value: object) -> str:
    return "—" if value is None else "yes" if value else "no"


def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
