"""``detente summarize``: what a results directory shows, claim by claim or strategy by strategy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from detente.cli.common import JsonOpt, console, emit_json
from detente.cli.text import literal
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
        driver, effect = next(iter(claim["sensitivity"].items()), ("no parameter", empty))
        rho = effect.get("spearman")
        terciles = " / ".join(
            "no draws" if s is None else _percent(s) for s in effect.get("terciles", [])
        )
        if "labels" in effect:  # a categorical parameter: the share per label
            terciles = " / ".join(f"{k} {_percent(v)}" for k, v in effect["labels"].items())
        table.add_row(
            literal(name),
            _percent(claim["share"]),
            interval,
            literal(driver),
            "n/a" if rho is None else f"{rho:+.2f}",
            terciles,
        )
    console.print(table)
    for name, labels in summary.get("by_choice", {}).items():
        render_choice(name, labels)


def render_choice(name: str, labels: dict[str, Any]) -> None:
    """Print one categorical parameter's table: each claim's share given each label."""
    table = Table(title=f"Claims given each choice of {name} (share, 95% interval)")
    table.add_column("claim", justify="left")
    for label, entry in labels.items():
        table.add_column(f"{name} = {label} ({entry['draws']:,} draws)", justify="right")
    claims = next(iter(labels.values()))["claims"] if labels else {}
    for claim in claims:
        cells = []
        for entry in labels.values():
            share = entry["claims"][claim]
            cells.append(
                "no draws"
                if share["share"] is None
                else f"{_percent(share['share'])} ({_percent(share['low'])}–"
                f"{_percent(share['high'])})"
            )
        table.add_row(literal(claim), *cells)
    console.print(table)


def _mean(entry: dict[str, Any]) -> str:
    if entry["mean"] is None:
        return "no data"
    half = "" if entry["low"] is None else f" ± {(entry['high'] - entry['low']) / 2:.2g}"
    return f"{entry['mean']:.3g}{half}"


def render_tournament(summary: dict[str, Any]) -> None:
    """Print a tournament's ranking: one row per strategy, best mean utility first."""
    done = "" if summary["complete"] else f" of {summary['planned']:,} planned (incomplete)"
    scenarios = ", ".join(summary["scenarios"])
    console.print(literal(f"tournament: {summary['sessions']:,} sessions{done} on {scenarios}"))
    table = Table(title="Strategies by mean utility (95% intervals)")
    for column in (
        "rank",
        "strategy",
        "seats",
        "mean utility",
        "agreement %",
        "advantage",
        "Nash distance",
    ):
        table.add_column(column, justify="left" if column == "strategy" else "right")
    for entry in summary["ranking"]:
        rate = entry["agreement_rate"]
        table.add_row(
            str(entry["rank"]),
            literal(entry["strategy"]),
            f"{entry['seats']:,}",
            _mean(entry["mean_utility"]),
            f"{_percent(rate['share'])} ({_percent(rate['low'])}–{_percent(rate['high'])})",
            _mean(entry["advantage"]),
            _mean(entry["nash_distance"]),
        )
    console.print(table)


RENDERERS = {"sweep": render_sweep, "tournament": render_tournament}
"""How to print each kind of summary."""
