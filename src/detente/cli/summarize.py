"""``detente summarize``: what a results directory shows, claim by claim or strategy by strategy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from detente.cli.common import JsonOpt, console, emit_json
from detente.experiments.summary import summarize as summarize_results


def summarize(
    directory: Annotated[Path, typer.Argument(help="Results directory of a sweep or tournament.")],
    json_: JsonOpt = False,
) -> None:
    """Summarize a results directory: each claim's share with a 95% interval, and its drivers."""
    summary = summarize_results(directory)
    if json_:
        emit_json(summary)
    else:
        RENDERERS[str(summary["kind"])](summary)


def _percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def render_sweep(summary: dict[str, Any]) -> None:
    """Print a sweep's summary: one row per claim."""
    done = "" if summary["complete"] else f" of {summary['planned']:,} planned (incomplete)"
    console.print(f"sweep: {summary['draws']:,} draws{done}", highlight=False)
    table = Table(title="Claims: share of draws where each holds")
    for column in ("claim", "share", "95% interval", "most sensitive to", "ρ", "by tercile"):
        table.add_column(
            column, justify="left" if column in ("claim", "most sensitive to") else "right"
        )
    for name, claim in summary["claims"].items():
        interval = f"{_percent(claim['low'])}–{_percent(claim['high'])}"
        empty: dict[str, Any] = {}
        driver, effect = next(iter(claim["sensitivity"].items()), ("", empty))
        rho = effect.get("spearman")
        terciles = " / ".join("–" if s is None else _percent(s) for s in effect.get("terciles", []))
        table.add_row(
            name,
            _percent(claim["share"]),
            interval,
            driver,
            "–" if rho is None else f"{rho:+.2f}",
            terciles,
        )
    console.print(table)


RENDERERS = {"sweep": render_sweep}
"""How to print each kind of summary."""
