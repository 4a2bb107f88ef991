"""The two-level part of ``detente analyze``: the ``--vary-faction`` option and its tables."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich.console import Console

from detente import sizes
from detente.cli.conclusions import outcome_text
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.labels import Labels


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


def _outcome(
    agreement: dict[str, Any] | None, labels: Labels, kinds: Mapping[str, str] | None = None
) -> str:
    if agreement is None:
        return "none"
    if kinds is not None:
        return outcome_text(agreement["outcome"], kinds, labels)
    return ", ".join(f"{labels.issue(k)} = {v}" for k, v in agreement["outcome"].items())


def render_two_level(document: dict[str, Any], kinds: Mapping[str, str], console: Console) -> None:
    """Win-sets, the ratifiable agreement and the stakeholders, as a reader sees them.

    Shown when a party declares factions, a stakeholder is present or a faction
    weight is varied; otherwise the solutions table already says it all.
    ``kinds`` gives each issue's kind (items are named when delivered).
    """
    two_level = document["solution_scope"] == "ratifiable" or document["stakeholders"]
    if not (two_level or "faction_sweep" in document):
        return
    labels = Labels.of(document)
    sizes = ", ".join(
        f"{labels.party(p)} {w['size']:,}{'' if w['signatory'] else ' (stakeholder)'}"
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
            literal(f"agreement (Nash, ratifiable): {_outcome(agreement, labels, kinds)}")
        )
    for stakeholder, effects in document["stakeholder_effects"].items():
        said = "; ".join(
            f"{labels.party(s)}'s best ratifiable deal {e['verdict']}" for s, e in effects.items()
        )
        console.print(literal(f"stakeholder {labels.party(stakeholder)}: {said}"))
    if "faction_sweep" in document:
        render_sweep(document["faction_sweep"], labels, console, kinds)


def render_sweep(
    sweep: dict[str, Any],
    labels: Labels,
    console: Console,
    kinds: Mapping[str, str] | None = None,
) -> None:
    """The faction-weight grid: win-set sizes and the agreement at every weight."""
    title = f"Varying the weight of {labels.party(sweep['party'])}'s faction {sweep['faction']}"
    parties = list(sweep["points"][0]["win_sets"]) if sweep["points"] else []
    columns = [
        Column("weight", "right"),
        *(Column(f"win-set {labels.party(p)}", "right") for p in parties),
        Column("intersection", "right"),
        Column("agreement"),
    ]
    rows = [
        [
            f"{row['weight']:.4g}",
            *(f"{row['win_sets'][p]:,}" for p in parties),
            f"{row['intersection_size']:,}",
            _outcome(row["agreement"], labels, kinds),
        ]
        for row in sweep["points"]
    ]
    print_table(console, title, columns, rows)
    ranges = [f"[{lo:.4g}, {hi:.4g}]" for lo, hi in sweep["impossible"]]
    console.print(
        "agreement impossible at weights " + ", ".join(ranges)
        if ranges
        else "an agreement is ratifiable at every weight on the grid",
        highlight=False,
    )
