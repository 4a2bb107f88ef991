"""The factions section's sentences, table and figure, read from the ``domestic`` document
(:mod:`detente.report.domestic`) and the counterfactual comparison.

Every sentence is computed: who weighs each deal and who holds a veto; which position each
negotiator and faction accepts and which one a faction vetoes; the win-sets in the units of
each quantity issue with the rest of a position held ("the hard-liners accept at most 0.25");
and what the veto costs or gives each party, the stakeholders included, against the
declared variant without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from detente.report import figures
from detente.report.data import Document
from detente.report.figures import FigureSpec, RangeRow
from detente.report.names import Names
from detente.report.text import join, number, possessive, sentence


@dataclass(frozen=True, slots=True)
class FactionParts:
    """What the factions section shows."""

    sentences: tuple[str, ...]
    points: tuple[str, ...]
    tables: tuple[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], ...]
    figures: tuple[FigureSpec, ...]


def short(name: str) -> str:
    """A faction's name without its gloss, for prose.

    >>> short("Hard-liners (national security adviser, Senate Republicans)")
    'hard-liners'
    """
    head = name.split(" (")[0].strip()
    return head[:1].lower() + head[1:] if head[1:2].islower() else head


class _Home:
    """The domestic document with names: factions by party, veto players."""

    def __init__(self, home: Document, names: Names) -> None:
        self.home, self.names = home, names
        self.factions = {
            party: {f["id"]: f["name"] for f in entry["factions"]}
            for party, entry in home["parties"].items()
        }
        self.veto = {party: list(entry["veto"]) for party, entry in home["parties"].items()}

    def faction(self, party: str, faction: str, full: bool = False) -> str:
        name = self.factions.get(party, {}).get(faction, faction)
        said = name if full else short(name)
        return f"{possessive(self.names.name(party))} {said}"

    def package(self, name: str) -> str:
        return "the ratifiable agreement" if name == "agreement" else self.names.position(name)


def factions_parts(
    home: Document, counterfactuals: Document | None, names: Names, units: Mapping[str, Any]
) -> FactionParts:
    """The section's parts (see the module docstring)."""
    named = _Home(home, names)
    said = [_who_decides(named, party) for party in home["parties"]]
    cost = _veto_cost(named, counterfactuals)
    if cost:
        said.append(cost)
    points = []
    for name, by in home["positions"].items():
        ranges = [
            _range_sentence(named, issue, entry, units.get(issue))
            for issue, entry in (home["ranges"].get(name) or {}).items()
        ]
        points.append(
            _verdict(named, name, by).rstrip(".") + "".join(f"; {r}" for r in ranges) + "."
        )
    table = _acceptance_table(named)
    return FactionParts(tuple(said), tuple(points), (table,), _range_figures(named, units))


def _who_decides(named: _Home, party: str) -> str:
    factions = [short(f) for f in named.factions[party].values()]
    text = f"Inside {named.names.name(party)}, the {join(factions)} weigh each deal"
    veto = [short(named.factions[party].get(f, f)) for f in named.veto[party]]
    if veto:
        verb = "holds" if len(veto) == 1 and not veto[0].endswith("s") else "hold"
        text += f"; the {join(veto)} {verb} a veto: nothing they value below no deal is ratified"
    return sentence(text)


def _refusals(named: _Home, by: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The negotiators who prefer no deal, and the veto players who refuse (by name)."""
    negotiators = [named.names.name(p) for p, e in by.items() if not e["negotiator"]]
    vetoes = [
        named.faction(p, f)
        for p, e in by.items()
        for f, accepts in (e.get("factions") or {}).items()
        if not accepts and f in named.veto.get(p, []) and not e.get("ratifies", True)
    ]
    return negotiators, vetoes


def _verdict(named: _Home, name: str, by: Mapping[str, Any]) -> str:
    negotiators, vetoes = _refusals(named, by)
    package = named.package(name)
    unratified = [named.names.name(p) for p, e in by.items() if not e.get("ratifies", True)]
    if negotiators:
        return sentence(
            f"{package}: {join(negotiators)} prefer{'s' * (len(negotiators) == 1)} no deal"
        )
    if vetoes:
        return sentence(
            f"{package}: every signatory's negotiator prefers it to no deal, but the "
            f"{join(vetoes)} veto{'es' * (len(vetoes) == 1 and not vetoes[0].endswith('s'))} it"
        )
    if unratified:
        return sentence(f"{package}: {join(unratified)} cannot ratify it")
    return sentence(f"{package}: every negotiator and every faction with a say accepts it")


def _amounts(values: Sequence[float], flags: Sequence[bool]) -> str:
    """The values accepted, in words.

    >>> v = [0, 0.25, 0.5, 0.75, 1]
    >>> _amounts(v, [1, 1, 0, 0, 0]), _amounts(v, [0, 0, 0, 1, 1]), _amounts(v, [0] * 5)
    ('at most 0.25', 'at least 0.75', 'none')
    >>> _amounts(v, [1] * 5), _amounts(v, [0, 1, 1, 0, 0]), _amounts(v, [1, 0, 1, 0, 1])
    ('any amount up to 1', 'from 0.25 to 0.5', '0, 0.5 or 1')
    """
    kept = [v for v, ok in zip(values, flags, strict=True) if ok]
    if not kept:
        return "none"
    if len(kept) == len(values):
        return f"any amount up to {number(values[-1])}"
    first, last = values.index(kept[0]), values.index(kept[-1])
    if last - first + 1 != len(kept):
        return join([number(v) for v in kept], "or")
    if first == 0:
        return f"at most {number(kept[-1])}"
    if last == len(values) - 1:
        return f"at least {number(kept[0])}"
    return f"from {number(kept[0])} to {number(kept[-1])}"


def range_rows(named: _Home, accepted: Mapping[str, Any]) -> list[RangeRow]:
    """One row per negotiator, faction and ratifier: who, and the values it accepts."""
    rows = []
    for party, entry in accepted.items():
        party_name = named.names.name(party)
        rows.append(RangeRow(f"{possessive(party_name)} negotiator", entry["negotiator"]))
        for faction, flags in (entry.get("factions") or {}).items():
            veto = " (veto)" if faction in named.veto.get(party, []) else ""
            rows.append(RangeRow(named.faction(party, faction) + veto, flags))
        if "ratifies" in entry:
            rows.append(RangeRow(f"{party_name} can ratify", entry["ratifies"], strong=True))
    return rows


def _range_sentence(named: _Home, issue: str, entry: Mapping[str, Any], unit: str | None) -> str:
    values, held = entry["values"], entry["held"]
    issue_name = named.names.labels.issue(issue)
    rows = range_rows(named, entry["accepted"])
    parts = [
        f"{row.label} {'is' if row.strong else 'accepts'} {_amounts(values, row.accepts)}".replace(
            "can ratify is", "can ratify"
        )
        for row in rows
        if not all(row.accepts)
    ]
    if len(parts) < len(rows):
        parts.append("the others accept any amount")
    both = [all(flags) for flags in zip(*_ratifiers(entry["accepted"]), strict=True)]
    shared = _amounts(values, both)
    in_unit = f" ({unit})" if unit else ""
    return (
        f"it gives {number(held)} of {issue_name}{in_unit}, and with the rest of it held "
        f"{join(parts)}: "
        + (
            "no amount of it is ratifiable by every signatory"
            if shared == "none"
            else f"every signatory can ratify {shared}"
        )
    )


def _ratifiers(accepted: Mapping[str, Any]) -> list[list[bool]]:
    """Each signatory's acceptance as it counts: its ratification, else its negotiator's."""
    return [list(e.get("ratifies", e["negotiator"])) for e in accepted.values()]


def _acceptance_table(named: _Home) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    positions = named.home["positions"]
    first: Mapping[str, Any] = next(iter(positions.values()), {})
    columns: list[tuple[str, str | None]] = []
    for party, entry in first.items():
        columns.append((party, None))
        columns += [(party, f) for f in entry.get("factions") or {}]
    headers = ["package"]
    for party, faction in columns:
        headers.append(
            f"{possessive(named.names.name(party))} negotiator"
            if faction is None
            else named.faction(party, faction)
        )

    def cell(entry: Mapping[str, Any], party: str, faction: str | None) -> str:
        if faction is None:
            return "accepts" if entry["negotiator"] else "prefers no deal"
        if entry["factions"][faction]:
            return "accepts"
        return "vetoes" if faction in named.veto.get(party, []) else "refuses"

    rows = tuple(
        (named.package(name), *(cell(by[p], p, f) for p, f in columns))
        for name, by in positions.items()
    )
    return tuple(headers), rows


def _veto_cost(named: _Home, counterfactuals: Document | None) -> str:
    """What the veto gives or costs each party: the base case against the variant without it."""
    variant_name = named.home.get("without_veto")
    if counterfactuals is None or variant_name is None:
        return ""
    variant = next((v for v in counterfactuals["variants"] if v["name"] == variant_name), None)
    if variant is None:
        return ""
    base = counterfactuals["base"]["gains"]
    parts = []
    for party, gain in variant["gains"].items():
        with_veto, without = base[party]["utility"], gain["utility"]
        if abs(with_veto - without) < 1e-9:
            parts.append(f"leaves {named.names.name(party)} unchanged at {number(with_veto)}")
            continue
        verb = "gives" if with_veto > without else "costs"
        parts.append(
            f"{verb} {named.names.name(party)} {number(abs(with_veto - without))} "
            f"({number(with_veto)} with it, {number(without)} without)"
        )
    described = (
        f"in which {variant['description']}"
        if variant.get("description")
        else f"without the veto (“{variant_name}”)"
    )
    return sentence(f"Against the counterfactual {described}, the veto {join(parts)}")


def _range_figures(named: _Home, units: Mapping[str, Any]) -> tuple[FigureSpec, ...]:
    panels = [
        (named.package(name), named.names.labels.issue(issue), units.get(issue), entry)
        for name, issues in named.home["ranges"].items()
        for issue, entry in issues.items()
    ]
    if not panels:
        return ()
    draw = partial(
        figures.win_set_ranges,
        panels=[
            figures.RangePanel(
                f"{package}, the rest held",
                label + (f" ({unit})" if unit else ""),
                entry["values"],
                entry["held"],
                range_rows(named, entry["accepted"]),
            )
            for package, label, unit, entry in panels
        ],
    )
    rows = len(range_rows(named, panels[0][3]["accepted"]))
    alt = (
        "Win-sets in the units of the issue: for each package on the table, the amounts each "
        "negotiator and faction accepts with the rest of the package held (filled), and the "
        "package's own amount (outlined)."
    )
    size = (7.2, 0.9 + len(panels) * (0.75 + 0.3 * rows))
    return (FigureSpec("win-set-ranges", alt, draw, size),)
