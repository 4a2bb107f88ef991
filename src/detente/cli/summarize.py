"""``detente summarize``: what a results directory shows, claim by claim or strategy by strategy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from detente.cli.common import JsonOpt, console, emit_json, say
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.experiments.by_choice import share_rows
from detente.experiments.discovery import BOXES, Box
from detente.experiments.summary import Questions
from detente.experiments.summary import summarize as summarize_results
from detente.labels import Labels
from detente.report.text import SOLUTION_LABELS

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
    labels = Labels.of(summary)
    for name, indices in summary["sensitivity"].items():
        if name not in summary["claims"]:
            continue
        columns = [
            Column("parameter"),
            Column("first order S1", "right"),
            Column("total order ST", "right"),
        ]
        rows = [
            [
                labels.parameter(parameter),
                f"{entry['S1']:.3f} ± {entry['S1_conf']:.3f}",
                f"{entry['ST']:.3f} ± {entry['ST_conf']:.3f}",
            ]
            for parameter, entry in list(indices.items())[:TOP_PARAMETERS]
        ]
        title = f"Sobol' indices of claim {labels.claim(name)} (95% intervals)"
        print_table(console, title, columns, rows)
    fields = [n for n in summary["sensitivity"] if n not in summary["claims"]]
    if fields:
        console.print(
            literal(f"(and {len(fields)} result fields: see summarize --json, key sensitivity)"),
            highlight=False,
        )


def _percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def render_sweep(summary: dict[str, Any]) -> None:
    """Print a sweep's summary: one row per claim, ids by their display names."""
    labels = Labels.of(summary)
    done = "" if summary["complete"] else f" of {summary['planned']:,} planned (incomplete)"
    console.print(f"sweep: {summary['draws']:,} draws{done}", highlight=False)
    columns = [
        Column("claim"),
        *(Column(c, "right") for c in ("share", "95% interval")),
        Column("most sensitive to"),
        *(Column(c, "right") for c in ("ρ", "by tercile")),
    ]
    rows = []
    for name, claim in summary["claims"].items():
        interval = f"{_percent(claim['low'])}–{_percent(claim['high'])}"
        empty: dict[str, Any] = {}
        driver, effect = next(iter(claim["sensitivity"].items()), ("", empty))
        rho = effect.get("spearman")
        terciles = " / ".join(
            "no draws" if s is None else _percent(s) for s in effect.get("terciles", [])
        )
        if "labels" in effect:  # a categorical parameter: the share per label
            terciles = " / ".join(f"{k} {_percent(v)}" for k, v in effect["labels"].items())
        rows.append(
            [
                labels.claim(name),
                _percent(claim["share"]),
                interval,
                labels.parameter(driver) if driver else "no parameter",
                "n/a" if rho is None else f"{rho:+.2f}",
                terciles,
            ]
        )
    print_table(console, "Claims: share of draws where each holds", columns, rows)
    render_contents(summary.get("contents"), labels)
    if "given" in summary:
        render_given(summary["given"], summary["claims"], labels)
    for name, found in (summary.get("discovery") or {}).items():
        render_discovery(name, found, labels)
    for name, choices in summary.get("by_choice", {}).items():
        render_choice(name, choices, labels)


def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def render_contents(contents: dict[str, Any] | None, labels: Labels) -> None:
    """What each named solution contains across the draws: its commonest package and item shares."""
    if contents is None:
        console.print(
            "solutions: the sweep stored no solution outcome (sweep with --fields "
            "solutions to see what they contain)",
            highlight=False,
        )
        return
    rows = []
    for name, entry in contents.items():
        packages = entry["packages"]
        first = packages[0] if packages else None
        package = (
            ", ".join(f"{labels.issue(k)} = {_value(v)}" for k, v in first["outcome"].items())
            if first
            else "none"
        )
        issues = "; ".join(
            f"{labels.issue(issue)} = {next(iter(values))} "
            f"({_percent(next(iter(values.values())))})"
            for issue, values in entry["issues"].items()
            if values
        )
        rows.append(
            [
                SOLUTION_LABELS.get(name, name),
                package,
                _percent(first["share"]) if first else "n/a",
                issues or "none",
            ]
        )
    columns = [
        Column("solution"),
        Column("commonest package"),
        Column("share", "right"),
        Column("each issue's commonest value"),
    ]
    print_table(console, "What each solution contains across the draws", columns, rows)


def render_given(given: dict[str, Any], unconditional: dict[str, Any], labels: Labels) -> None:
    """Each claim's share among the draws meeting the condition, beside its share overall."""
    columns = [
        Column("claim"),
        *(Column(c, "right") for c in ("share given", "95% interval", "share overall")),
    ]
    rows = [
        [
            labels.claim(name),
            _percent(entry["share"]),
            f"{_percent(entry['low'])}–{_percent(entry['high'])}",
            _percent(unconditional[name]["share"]),
        ]
        for name, entry in given["claims"].items()
    ]
    print_table(console, f"Given {given['expr']} ({given['draws']:,} draws)", columns, rows)


def render_discovery(name: str, found: dict[str, Any], labels: Labels) -> None:
    """Where one claim holds: its boxes in words, and the coverage/density trade-off."""
    claim = labels.claim(name)
    console.print(literal(f"{claim} (holds on {_percent(found['share'])} of draws):"))
    if not found["boxes"]:
        console.print(literal(f"  no box: {found['reason']}"))
        return
    for k, box in enumerate(found["boxes"], start=1):
        said = Box.of(box).statement(labels.parameter)
        console.print(literal(f"  box {k}: {said} (mass {_percent(box['mass'])})"))
    columns = [Column(c, "right") for c in ("step", "coverage", "density", "mass", "restricted")]
    rows = [
        [
            str(row["step"]),
            _percent(row["coverage"]),
            _percent(row["density"]),
            _percent(row["mass"]),
            str(row["restricted"]),
            "chosen" if row["chosen"] else "",
        ]
        for row in found["tradeoff"]
    ]
    title = f"{claim}: coverage against density while peeling (box 1)"
    print_table(console, title, [*columns, Column("", "right")], rows)


def render_choice(name: str, choices: dict[str, Any], labels: Labels) -> None:
    """Print one categorical parameter's table: each claim's share given each of its labels."""
    parameter = labels.parameter(name)
    columns = [
        Column("claim"),
        *(
            Column(f"{label} ({entry['draws']:,} draws)", "right")
            for label, entry in choices.items()
        ),
    ]
    rows = [[labels.claim(claim), *cells] for claim, cells in share_rows(choices, _percent)]
    title = f"Claims given each choice of {parameter} (share, 95% interval)"
    print_table(console, title, columns, rows)


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
    columns = [
        Column("rank", "right"),
        Column("strategy"),
        *(
            Column(c, "right")
            for c in ("seats", "mean utility", "agreement %", "advantage", "Nash distance")
        ),
    ]
    rows = []
    for entry in summary["ranking"]:
        rate = entry["agreement_rate"]
        rows.append(
            [
                str(entry["rank"]),
                entry["strategy"],
                f"{entry['seats']:,}",
                _mean(entry["mean_utility"]),
                f"{_percent(rate['share'])} ({_percent(rate['low'])}–{_percent(rate['high'])})",
                _mean(entry["advantage"]),
                _mean(entry["nash_distance"]),
            ]
        )
    print_table(console, "Strategies by mean utility (95% intervals)", columns, rows)


RENDERERS = {"sweep": render_sweep, "tournament": render_tournament}
"""How to print each kind of summary."""
