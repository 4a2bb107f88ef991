"""``detente analyze``: deals both sides prefer to no deal, and where the solutions put them."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from detente.analysis import SOLUTION_NAMES
from detente.analysis import analyze as run_analysis
from detente.cli.common import (
    DEFAULT_MAX_OUTCOMES,
    JsonOpt,
    MaxOutcomesOpt,
    ScenarioArg,
    SetOpt,
    console,
    emit_json,
    load,
)


def analyze(
    scenario: ScenarioArg,
    set_: SetOpt = None,
    json_: JsonOpt = False,
    max_outcomes: MaxOutcomesOpt = DEFAULT_MAX_OUTCOMES,
) -> None:
    """Analyse a scenario: rational outcomes, the Pareto frontier and the bargaining solutions."""
    document = run_analysis(load(scenario, set_), limit=max_outcomes)
    if json_:
        emit_json(document)
    else:
        render(document)


def _number(x: float) -> str:
    return f"{x:.4g}"


def render(document: dict[str, Any]) -> None:
    """Print the readable summary of an analysis document."""
    parties = document["parties"]
    console.print(f"[bold]{document['scenario']}[/bold]")
    console.print(
        f"{len(parties)} parties ({', '.join(parties)}), {document['n_outcomes']:,} outcomes, "
        f"{document['n_rational']:,} individually rational, "
        f"Pareto frontier of {len(document['pareto'])}",
        highlight=False,
    )
    console.print(
        "no deal is worth: "
        + ", ".join(
            f"{p} {_number(r)}"
            for p, r in zip(parties, document["reservation_values"], strict=True)
        ),
        highlight=False,
    )
    table = Table(title="Bargaining solutions (over the individually rational outcomes)")
    table.add_column("solution")
    table.add_column("outcome")
    for party in parties:
        table.add_column(party, justify="right")
    table.add_column("ties", justify="right")
    reasons = document.get("solution_reasons", {})
    for name in SOLUTION_NAMES:
        result = document["solutions"][name]
        if result is None:
            table.add_row(name, f"none: {reasons.get(name, '')}", *[""] * len(parties), "")
            continue
        outcome = ", ".join(f"{k}={v}" for k, v in result["outcome"].items())
        table.add_row(name, outcome, *map(_number, result["utilities"]), str(result["ties"]))
    console.print(table)
