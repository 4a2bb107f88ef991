"""The conclusions part of ``detente analyze``: positions, the best schedule, trust, claims.

Each function prints one section of the terminal summary from the ``analyze``
document, and prints nothing when the document has no such section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from detente.analysis.documents import ItemUnits
from detente.analysis.verification import verdict
from detente.claims import Claim
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.labels import Labels


def _number(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.4g}"


def _yes(flag: bool | None) -> str:
    return "n/a" if flag is None else ("yes" if flag else "no")


def outcome_text(
    outcome: Mapping[str, Any], kinds: Mapping[str, str], labels: Labels | None = None
) -> str:
    """An outcome in words: items by name when delivered (left out when not), others as k=v;
    each issue by its display name (``labels``; default: the id in words).

    ``kinds`` gives each issue's kind; only ``item`` issues are read as items.

    >>> outcome_text({"yongbyon": 1, "relief": 0.5, "transfer": 0, "deal": "Small"},
    ...              {"yongbyon": "item", "relief": "values", "transfer": "item", "deal": "values"})
    'yongbyon, relief = 0.5, deal = Small'
    >>> outcome_text({"steps": 1}, {"steps": "integer"}, Labels({"issues": {"steps": "Steps"}}))
    'Steps = 1'
    """
    names = labels or Labels()
    parts = []
    for name, value in outcome.items():
        if kinds.get(name) != "item":
            parts.append(f"{names.issue(name)} = {value}")
        elif value:
            parts.append(names.issue(name))
    return ", ".join(parts) or "nothing delivered"


def package_text(amounts: Mapping[str, Any], units: ItemUnits, labels: Labels) -> str:
    """``Yongbyon dismantled, UN sanctions relief 0.5 share of UN relief``: binary items by
    display name, others with their amount and unit.

    >>> units = ItemUnits({"yongbyon": None, "un_relief": "share"}, ("yongbyon",), ())
    >>> package_text({"yongbyon": 1, "un_relief": 0.5}, units,
    ...              Labels({"items": {"un_relief": "UN relief"}}))
    'yongbyon, UN relief 0.5 share'
    """
    shown = [
        units.amount(name, _number(x)).replace(name, labels.item(name), 1)
        for name, x in amounts.items()
        if x
    ]
    return ", ".join(shown) or "nothing"


def move_text(move: str, labels: Labels) -> str:
    """A move of a schedule (``stage 1: us``) with its mover by display name.

    >>> move_text("stage 1: us", Labels({"parties": {"us": "United States"}}))
    'stage 1: United States'
    """
    stage, colon, party = move.rpartition(": ")
    return f"{stage}{colon}{labels.party(party)}" if colon else labels.party(move)


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
    labels = Labels.of(document)
    parties = document["parties"]
    phased = (document.get("phasing") or {}).get("positions", {})
    columns = [
        Column("position"),
        Column("held by"),
        *(Column(labels.party(p), "right") for p in parties),
        *(Column(c, "right") for c in ("accepted", "ratifiable", "self-enforcing")),
    ]
    rows = [
        [
            labels.position(name),
            "not stated" if entry["held_by"] is None else labels.party(entry["held_by"]),
            *map(_number, entry["utilities"]),
            _yes(entry["rational"]),
            _yes(entry.get("ratifiable")),
            _stages(phased.get(name)),
        ]
        for name, entry in positions.items()
    ]
    print_table(
        console, "Named positions (utility; accepted = every signatory prefers it)", columns, rows
    )
    for name, entry in positions.items():
        refusers = [p for p, ok in entry.get("in_win_set", {}).items() if not ok]
        signers = set(document["signatories"])
        refusing = [labels.party(p) for p in refusers if p in signers]
        if refusing:
            console.print(
                literal(f"{labels.position(name)}: outside the win-set of {', '.join(refusing)}")
            )


def render_phasing(document: dict[str, Any], units: ItemUnits | None, console: Console) -> None:
    """The best self-enforcing schedule and whether the bargaining agreement needs phasing.

    ``units`` say how the deal's amounts read (``None`` without a phasing section).
    """
    phasing = document.get("phasing")
    if not phasing or units is None:
        return
    labels = Labels.of(document)
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
        rows = [[str(k), package_text(stage, units, labels)] for k, stage in enumerate(schedule, 1)]
        print_table(
            console,
            "Schedule: what is delivered in each stage",
            [Column("stage", "right"), Column("delivered")],
            rows,
        )
    agreement = phasing.get("agreement")
    if agreement is not None:
        violated = [move_text(m, labels) for m in agreement["one_shot"]["violated"]]
        console.print(
            literal(
                f"the ratifiable Nash agreement ({package_text(agreement['package'], units, labels)})"
                f": {_stages(agreement)}"
                + (f"; one-shot fails at {', '.join(violated)}" if violated else "")
            )
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
    labels = Labels.of(document)
    for item, entry in entries.items():
        console.print(literal(verdict(labels.item(item), named(entry, labels), _number)))


def named(entry: Mapping[str, Any], labels: Labels) -> dict[str, Any]:
    """A ``verification`` entry with its giver and verifying items by display name (what
    :func:`~detente.analysis.verification.verdict` says of them)."""
    stages = [
        {**stage, "verifiers": [labels.item(v) for v in stage.get("verifiers", ())]}
        for stage in entry.get("stages") or ()
    ]
    return {**entry, "giver": labels.party(entry["giver"]), "stages": stages}


def render_trust(document: dict[str, Any], console: Console) -> None:
    """Each declared belief: the probability that the trustee honours its next step."""
    models = document.get("trust_models") or {}
    labels = Labels.of(document)
    pairs = [
        f"{labels.party(truster)} → {labels.party(trustee)} "
        f"{_number(document['trust'][truster][trustee])}"
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
    labels = Labels.of(document)
    rows = [
        [labels.claim(name), "true" if holds else "false", said.get(name, "")]
        for name, holds in results.items()
    ]
    print_table(console, "Claims (on the point estimate)", ["claim", "holds", "statement"], rows)
