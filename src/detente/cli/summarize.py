"""``detente summarize``: what a results directory shows, claim by claim or strategy by strategy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from detente.cli.common import JsonOpt, console, emit_json, say
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.experiments.by_choice import share_rows
from detente.experiments.discovery import BOXES
from detente.experiments.summary import Questions
from detente.experiments.summary import summarize as summarize_results

DiscoverOpt = Annotated[
    bool,
    typer.Option(
        "--discover",
        help="Describe where each claim holds: boxes of parameter values found by PRIM, with "
        "their coverage and density.",
    ),
]
ClaimOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--claim",
        help="Only this claim, for --discover, --given and --sensitivity (repeatable; "
        "--sensitivity then gives no result field's indices).",
        show_default=False,
    ),
]
BoxesOpt = Annotated[
    int | None,
    typer.Option(
        "--boxes",
        min=1,
        help=f"Most boxes --discover finds per claim (default {BOXES}).",
        show_default=False,
    ),
]
GivenOpt = Annotated[
    str | None,
    typer.Option(
        "--given",
        help="Every claim's share among the draws where this condition holds (the claims "
        'language: claim names, result fields, parameters.NAME), e.g. "parameters.delta > 0.9".',
        show_default=False,
    ),
]


def summarize(
    directory: Annotated[Path, typer.Argument(help="Results directory of a sweep or tournament.")],
    json_: JsonOpt = False,
    discover: DiscoverOpt = False,
    claim: ClaimOpt = None,
    boxes: BoxesOpt = None,
    given: GivenOpt = None,
    sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity",
            help="First- and total-order Sobol' indices of every claim and numeric result "
            "field, with 95% intervals (a sweep made with --design saltelli); with --claim, "
            "of those claims only (and no result field).",
        ),
    ] = False,
) -> None:
    """Summarize a results directory: each claim's share with a 95% interval, and its drivers."""
    if claim and not discover and given is None and not sensitivity:
        raise DetenteError(
            "--claim selects the claims of --discover, --given or --sensitivity; add one of them"
        )
    if boxes is not None and not discover:
        raise DetenteError(f"--boxes {boxes} sets how many boxes --discover finds; add --discover")
    chosen = tuple(claim) if claim else None
    questions = Questions(discover, chosen, BOXES if boxes is None else boxes, given, sensitivity)
    summary = summarize_results(directory, questions, notify=_note)
    if json_:
        emit_json(summary)
        return
    RENDERERS[str(summary["kind"])](summary)
    if "sensitivity" in summary:
        render_sensitivity(summary)


def _note(message: str) -> None:
    say(f"note: {message}")


TOP_PARAMETERS = 8
"""Parameters shown per claim in the text output (the JSON has every one)."""


def render_sensitivity(summary: dict[str, Any]) -> None:
    """Print each claim's Sobol' indices: its top parameters by total order, with intervals."""
    for name, indices in summary["sensitivity"].items():
        if name not in summary["claims"]:
            continue
        table = Table(title=f"Sobol' indices of claim {name} (95% intervals)")
        for column in ("parameter", "first order S1", "total order ST"):
            table.add_column(column, justify="left" if column == "parameter" else "right")
        for parameter, entry in list(indices.items())[:TOP_PARAMETERS]:
            table.add_row(
                literal(parameter),
                f"{entry['S1']:.3f} ± {entry['S1_conf']:.3f}",
                f"{entry['ST']:.3f} ± {entry['ST_conf']:.3f}",
            )
        console.print(table)
    fields = [n for n in summary["sensitivity"] if n not in summary["claims"]]
    if fields:
        console.print(
            literal(f"(and {len(fields)} result fields: see summarize --json, key sensitivity)"),
            highlight=False,
        )


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
    render_contents(summary.get("contents"))
    if "given" in summary:
        render_given(summary["given"], summary["claims"])
    for name, found in (summary.get("discovery") or {}).items():
        render_discovery(name, found)
    for name, labels in summary.get("by_choice", {}).items():
        render_choice(name, labels)


def render_contents(contents: dict[str, Any] | None) -> None:
    """What each named solution contains across the draws: its commonest package and item shares."""
    if contents is None:
        console.print(
            "solutions: the sweep stored no solution outcome (sweep with --fields "
            "solutions to see what they contain)",
            highlight=False,
        )
        return
    table = Table(title="What each solution contains across the draws")
    for column in ("solution", "commonest package", "share", "each issue's commonest value"):
        table.add_column(column, justify="right" if column == "share" else "left")
    for name, entry in contents.items():
        packages = entry["packages"]
        first = packages[0] if packages else None
        package = ", ".join(f"{k}={v}" for k, v in first["outcome"].items()) if first else "none"
        issues = "; ".join(
            f"{issue}={next(iter(values))} ({_percent(next(iter(values.values())))})"
            for issue, values in entry["issues"].items()
            if values
        )
        table.add_row(
            literal(name),
            literal(package),
            _percent(first["share"]) if first else "n/a",
            literal(issues or "none"),
        )
    console.print(table)


def render_given(given: dict[str, Any], unconditional: dict[str, Any]) -> None:
    """Each claim's share among the draws meeting the condition, beside its share overall."""
    table = Table(title=f"Given {given['expr']} ({given['draws']:,} draws)")
    for column in ("claim", "share given", "95% interval", "share overall"):
        table.add_column(column, justify="left" if column == "claim" else "right")
    for name, entry in given["claims"].items():
        table.add_row(
            literal(name),
            _percent(entry["share"]),
            f"{_percent(entry['low'])}–{_percent(entry['high'])}",
            _percent(unconditional[name]["share"]),
        )
    console.print(table)


def render_discovery(name: str, found: dict[str, Any]) -> None:
    """Where one claim holds: its boxes in words, and the coverage/density trade-off."""
    console.print(literal(f"{name} (holds on {_percent(found['share'])} of draws):"))
    if not found["boxes"]:
        console.print(literal(f"  no box: {found['reason']}"))
        return
    for k, box in enumerate(found["boxes"], start=1):
        console.print(literal(f"  box {k}: {box['statement']} (mass {_percent(box['mass'])})"))
    table = Table(title=f"{name}: coverage against density while peeling (box 1)")
    for column in ("step", "coverage", "density", "mass", "restricted", ""):
        table.add_column(column, justify="right")
    for row in found["tradeoff"]:
        table.add_row(
            str(row["step"]),
            _percent(row["coverage"]),
            _percent(row["density"]),
            _percent(row["mass"]),
            str(row["restricted"]),
            "chosen" if row["chosen"] else "",
        )
    console.print(table)


def render_choice(name: str, labels: dict[str, Any]) -> None:
    """Print one categorical parameter's table: each claim's share given each label."""
    table = Table(title=f"Claims given each choice of {name} (share, 95% interval)")
    table.add_column("claim", justify="left")
    for label, entry in labels.items():
        table.add_column(f"{name} = {label} ({entry['draws']:,} draws)", justify="right")
    for claim, cells in share_rows(labels, _percent):
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
