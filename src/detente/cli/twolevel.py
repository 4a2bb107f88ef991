"""The two-level part of ``detente analyze``: the ``--vary-faction`` option and its tables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from detente import sizes
from detente.cli.conclusions import outcome_text
from detente.cli.text import literal


def grid_within_limits(text: str | None) -> str | None:
    """``--vary-faction``'s value, if its ``N`` is within the ``grid`` limit (checked before
    the grid is built: every weight recomputes the win-sets over the whole space).

    >>> grid_within_limits("us.hawks.weight=0:1:11")
    'us.hawks.weight=0:1:11'
    >>> grid_within_limits("us.hawks.weight=0:1:1000000000")
    Traceback (most recent call last):
    detente.errors.TooLargeError: --vary-faction us.hawks.weight=0:1:1000000000: more than the limit of 1,000 weights (each weight recomputes the win-sets over the whole outcome space); raise it with --limit grid=N
    """
    match = re.search(r":\s*([0-9]+)\s*$", text or "")
    if text is not None and match is not None:
        count = int(match.group(1)) if len(match.group(1)) < 20 else 10**20
        sizes.require(
            "grid",
            count,
            f"--vary-faction {text}",
            "each weight recomputes the win-sets over the whole outcome space",
        )
    return text


VaryFactionOpt = Annotated[
    str | None,
    typer.Option(
        "--vary-faction",
        help="Recompute win-sets and the ratifiable agreement over a grid of one faction's "
        "weight: PARTY.FACTION.weight=LOW:HIGH:N (N evenly spaced weights, ends included).",
        show_default=False,
        callback=grid_within_limits,
    ),
]


def _outcome(agreement: dict[str, Any] | None, kinds: Mapping[str, str] | None = None) -> str:
    if agreement is None:
        return "none"
    if kinds is not None:
        return outcome_text(agreement["outcome"], kinds)
    return ", ".join(f"{k}={v}" for k, v in agreement["outcome"].items())


def render_two_level(document: dict[str, Any], kinds: Mapping[str, str], console: Console) -> None:
    """Win-sets, the ratifiable agreement and the stakeholders, as a reader sees them.

    Shown when a party declares factions, a stakeholder is present or a faction
    weight is varied; otherwise the solutions table already says it all.
    ``kinds`` gives each issue's kind (items are named when delivered).
    """
    two_level = document["solution_scope"] == "ratifiable" or document["stakeholders"]
    if not (two_level or "faction_sweep" in document):
        return
    sizes = ", ".join(
        f"{p} {w['size']:,}{'' if w['signatory'] else ' (stakeholder)'}"
        for p, w in document["win_sets"].items()
    )
    console.print(
        literal(
            f"win-sets: {sizes}; intersection of the signatories' win-sets: "
            f"{document['intersection_size']:,} outcomes"
        )
    )
    agreement = document["agreement"]
    if agreement is None:
        console.print(literal(f"agreement: none: {document['agreement_reason']}"))
    else:
        console.print(
            literal(f"agreement (Nash, ratifiable): {_outcome(agreement, kinds)}"), soft_wrap=True
        )
    for stakeholder, effects in document["stakeholder_effects"].items():
        said = "; ".join(f"{s}'s best ratifiable deal {e['verdict']}" for s, e in effects.items())
        console.print(literal(f"stakeholder {stakeholder}: {said}"))
    if "faction_sweep" in document:
        render_sweep(document["faction_sweep"], console)


def render_sweep(sweep: dict[str, Any], console: Console) -> None:
    """The faction-weight grid: win-set sizes and the agreement at every weight."""
    title = f"Varying the weight of {sweep['party']}.{sweep['faction']}"
    table = Table(title=literal(title, style="table.title"))
    table.add_column("weight", justify="right")
    parties = list(sweep["points"][0]["win_sets"]) if sweep["points"] else []
    for party in parties:
        table.add_column(literal(f"win-set {party}"), justify="right")
    table.add_column("intersection", justify="right")
    table.add_column("agreement")
    for row in sweep["points"]:
        sizes = [f"{row['win_sets'][p]:,}" for p in parties]
        table.add_row(
            f"{row['weight']:.4g}",
            *sizes,
            f"{row['intersection_size']:,}",
            literal(_outcome(row["agreement"])),
        )
    console.print(table)
    ranges = [f"[{lo:.4g}, {hi:.4g}]" for lo, hi in sweep["impossible"]]
    console.print(
        "agreement impossible at weights " + ", ".join(ranges)
        if ranges
        else "an agreement is ratifiable at every weight on the grid",
        highlight=False,
    )
