"""The conclusions part of ``detente analyze``: positions, the best schedule, trust, claims.

Each function prints one section of the terminal summary from the ``analyze``
document, and prints nothing when the document has no such section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from detente.analysis.documents import ItemUnits
from detente.analysis.verification import verdict
from detente.claims import Claim
from detente.cli.text import literal


def _number(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def _yes(flag: bool | None) -> str:
    return "n/a" if flag is None else ("yes" if flag else "no")


def outcome_text(outcome: Mapping[str, Any], kinds: Mapping[str, str]) -> str:
    """An outcome in words: items by name when delivered (left out when not), others as k=v.

    ``kinds`` gives each issue's kind; only ``item`` issues are read as items.

    >>> outcome_text({"yongbyon": 1, "relief": 0.5, "transfer": 0, "deal": "Small"},
    ...              {"yongbyon": "item", "relief": "values", "transfer": "item", "deal": "values"})
    'yongbyon, relief=0.5, deal=Small'
    >>> outcome_text({"steps": 1}, {"steps": "integer"})
    'steps=1'
    """
    parts = []
    for name, value in outcome.items():
        if kinds.get(name) != "item":
            parts.append(f"{name}={value}")
        elif value:
            parts.append(name)
    return ", ".join(parts) or "nothing delivered"


def _package(amounts: dict[str, Any], units: ItemUnits) -> str:
    """``yongbyon, un_relief 0.5 share of UN relief``: binary items by name, others with units."""
    shown = [units.amount(name, _number(x)) for name, x in amounts.items() if x]
    return ", ".join(shown) or "nothing"


def _stages(position: dict[str, Any] | None) -> str:
    """One-shot or the fewest stages of a phased package, in words."""
    if position is None:
        return "no items to phase"
    if position["one_shot"]["feasible"]:
        return "one-shot"
    found = position["min_stages"]
    return f"{found} stages" if found is not None else f"no (> {position['max_stages']} stages)"


def render_positions(document: dict[str, Any], console: Console) -> None:
    """The named positions: who holds them, every party's utility, acceptance, self-enforcement."""
    positions = document.get("positions")
    if not positions:
        return
    parties = document["parties"]
    phased = (document.get("phasing") or {}).get("positions", {})
    table = Table(title="Named positions (utility; accepted = every signatory prefers it)")
    for column in ("position", "held by", *parties, "accepted", "ratifiable", "self-enforcing"):
        left = column in ("position", "held by")
        table.add_column(literal(column), justify="left" if left else "right")
    for name, entry in positions.items():
        table.add_row(
            literal(name),
            literal(entry["held_by"] or "not stated"),
            *map(_number, entry["utilities"]),
            _yes(entry["rational"]),
            _yes(entry.get("ratifiable")),
            _stages(phased.get(name)),
        )
    console.print(table)
    for name, entry in positions.items():
        refusers = [p for p, ok in entry.get("in_win_set", {}).items() if not ok]
        signers = set(document["signatories"])
        refusing = [p for p in refusers if p in signers]
        if refusing:
            console.print(literal(f"{name}: outside the win-set of {', '.join(refusing)}"))


def render_phasing(document: dict[str, Any], units: ItemUnits | None, console: Console) -> None:
    """The best self-enforcing schedule and whether the bargaining agreement needs phasing.

    ``units`` say how the deal's amounts read (``None`` without a phasing section).
    """
    phasing = document.get("phasing")
    if not phasing or units is None:
        return
    one = phasing["one_shot"] or {}
    carried = one.get("feasible") and (one.get("max_total") or 0) > 0
    said = (
        f" ({phasing['objective']}, {phasing['stages']} stage(s)): {phasing['status']}; completion "
        f"probability {_number(phasing['completion_probability'])}; "
        + (
            "a one-shot exchange can carry part of the deal"
            if carried
            else "no part of the deal is self-enforcing as a one-shot exchange"
        )
    )
    console.print(Text.assemble("\n", ("Best self-enforcing schedule", "bold"), literal(said)))
    schedule = phasing.get("schedule")
    if schedule:
        table = Table(title="Schedule: what is delivered in each stage")
        table.add_column("stage", justify="right")
        table.add_column("delivered")
        for k, stage in enumerate(schedule, start=1):
            table.add_row(str(k), literal(_package(stage, units)))
        console.print(table)
    agreement = phasing.get("agreement")
    if agreement is not None:
        console.print(
            literal(
                f"the ratifiable Nash agreement ({_package(agreement['package'], units)}): "
                f"{_stages(agreement)}"
                + (
                    f"; one-shot fails at {', '.join(agreement['one_shot']['violated'])}"
                    if agreement["one_shot"]["violated"]
                    else ""
                )
            ),
            soft_wrap=True,
        )
    render_verification(document, console)


def render_verification(document: dict[str, Any], console: Console) -> None:
    """Whether covert cheating pays on each cheating-prone item, one line each, under a heading
    naming the schedule judged."""
    entries = document.get("verification") or {}
    if not entries:
        return
    schedules = {entry["schedule"] for entry in entries.values()}
    judged = {"phasing.schedule": "the scenario's schedule", "designed": "the best schedule"}
    where = ", ".join(judged.get(s, "no schedule") for s in sorted(schedules, key=str))
    console.print(Text.assemble("\n", ("Verification", "bold"), literal(f" (on {where})")))
    for item, entry in entries.items():
        console.print(literal(verdict(item, entry, _number)))


def render_trust(document: dict[str, Any], console: Console) -> None:
    """Each declared belief: the probability that the trustee honours its next step."""
    models = document.get("trust_models") or {}
    pairs = [
        f"{truster}→{trustee} {_number(document['trust'][truster][trustee])}"
        for truster, row in models.items()
        for trustee in row
    ]
    if pairs:
        console.print(
            literal("trust (probability the other honours its next step): " + ", ".join(pairs))
        )


def render_claims(document: dict[str, Any], claims: Sequence[Claim], console: Console) -> None:
    """Each claim's truth on the point estimate, with its description when known."""
    results = document.get("claims")
    if not results:
        return
    said = {c.name: c.description or c.text for c in claims}
    table = Table(title="Claims (on the point estimate)")
    table.add_column("claim")
    table.add_column("holds")
    table.add_column("statement")
    for name, holds in results.items():
        table.add_row(literal(name), "true" if holds else "false", literal(said.get(name, "")))
    console.print(table)
