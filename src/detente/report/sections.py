"""The sections of a report: for each, a title, a caption computed from the results, tables
and figures to draw. A section appears only when its data is present.

Each builder is ``f(data) -> Section | None``; :data:`REPORT_SECTIONS` lists them
in reading order. Captions are sentences assembled from the documents' numbers,
never fixed text about a result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeGuard

from detente.analysis.documents import ItemUnits
from detente.analysis.verification import verdict
from detente.experiments.by_choice import share_rows
from detente.experiments.compare import comparison_rows, path_text, sets_text
from detente.report import figures
from detente.report.data import Document, ReportData
from detente.report.factions import factions_parts
from detente.report.figures import FigureSpec, Marker, SpaceView, Timeline
from detente.report.names import Names as _Names
from detente.report.names import named_whatif
from detente.report.record import record_section
from detente.report.synthesis import synthesis
from detente.report.text import (
    SOLUTION_LABELS,
    box_statement,
    join,
    number,
    plural,
    possessive,
    ranges,
    restrictions,
    sentence,
    share,
    span,
)
from detente.report.whatif import whatif_parts


@dataclass(frozen=True, slots=True)
class ReportTable:
    """A small table: header cells and rows of text cells."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the report; ``sentences`` form its caption, the first is its summary.

    ``in_brief`` says whether the summary is a finding for the report's opening list.
    """

    key: str
    title: str
    sentences: tuple[str, ...]
    tables: tuple[ReportTable, ...] = ()
    figures: tuple[FigureSpec, ...] = ()
    in_brief: bool = True
    points: tuple[str, ...] = ()
    """Findings listed after the caption (the synthesis's claims by theme)."""

    @property
    def caption(self) -> str:
        """The caption as one paragraph."""
        return " ".join(self.sentences)

    @property
    def summary(self) -> str:
        """The section's main finding, in one sentence."""
        return self.sentences[0]


def _has(document: Document | None, *keys: str) -> TypeGuard[Document]:
    return document is not None and all(k in document for k in keys)


def _cells(values: Sequence[float]) -> tuple[str, ...]:
    return tuple(number(v) for v in values)


# --------------------------------------------------------------------------- the setting


def setting_section(data: ReportData) -> Section | None:
    """The parties, the value of no deal to each, and what is traded."""
    if data.setting is None:
        return None
    names, setting = _Names(data), data.setting
    sentences = [_who_signs(names, setting["parties"]), _what_is_traded(data, names)]
    sentences.append(
        "No deal is worth "
        + join([f"{number(names.reservation[p])} to {names.name(p)}" for p in names.ids])
        + "."
    )
    tables = [_party_table(setting["parties"]), *_issue_tables(setting, names)]
    if setting.get("parameters"):
        tables.extend(_parameter_tables(setting["parameters"], names))
    return Section(
        "setting", "The parties and what is traded", tuple(sentences), tuple(tables), in_brief=False
    )


def _parameter_tables(parameters: Mapping[str, Any], names: _Names) -> list[ReportTable]:
    """The uncertain parameters (a range or choices) with their value used, range and source;
    then the fixed and derived ones with what they are (none of them is drawn by a sweep)."""
    uncertain, fixed = [], []
    for name, spec in parameters.items():
        spec = spec if isinstance(spec, Mapping) else {"value": spec}
        span, choices = spec.get("range"), spec.get("choices")
        source = spec.get("source") or spec.get("description") or "not given"
        if choices:
            shown = "choices: " + ", ".join(f"{k} ({share(p)})" for k, p in choices.items())
            uncertain.append((names.parameter(name), str(spec["value"]), shown, source))
        elif span:
            shown = f"{number(span[0])} to {number(span[1])}"
            uncertain.append((names.parameter(name), number(spec["value"]), shown, source))
        else:
            meaning = spec.get("description") or spec.get("source") or "not given"
            fixed.append((names.parameter(name), number(spec["value"]), meaning))
    tables = []
    if uncertain:
        heads = ("uncertain parameter", "value used", "plausible range", "source")
        tables.append(ReportTable(heads, tuple(uncertain)))
    if fixed:
        tables.append(
            ReportTable(("fixed or derived quantity", "value", "what it is"), tuple(fixed))
        )
    return tables


def _who_signs(names: _Names, parties: Sequence[Document]) -> str:
    signers = [names.name(p["id"]) for p in parties if p["signatory"]]
    others = [names.name(p["id"]) for p in parties if not p["signatory"]]
    text = f"{plural(len(parties), 'party', 'parties')}: {join(signers)} must sign"
    if others:
        verb = "is" if len(others) == 1 else "are"
        text += f"; {join(others)} {verb} affected by the deal but not asked to sign it"
    return text + "."


def _what_is_traded(data: ReportData, names: _Names) -> str:
    setting = data.setting or {}
    issues = setting["issues"]
    items = [i["name"] for i in issues if i["name"] in setting.get("givers", {})]
    text = f"They bargain over {plural(len(issues), 'issue')}"
    if items:
        text += f", {plural(len(items), 'concession')} that one side delivers"
    if data.analysis is not None:
        text += f"; {plural(int(data.analysis['n_outcomes']), 'possible outcome')} in all"
    givers: dict[str, list[str]] = {}
    for item, who in setting.get("givers", {}).items():
        for party in who:
            givers.setdefault(party, []).append(item)
    gives = [
        f"{names.name(p)} can give {join([names.item(i) for i in items])}"
        for p, items in givers.items()
    ]
    return text + (": " + "; ".join(gives) if gives else "") + "."


def _party_table(parties: Sequence[Document]) -> ReportTable:
    rows = tuple(
        (
            p["name"],
            "yes" if p["signatory"] else "no (stakeholder)",
            number(p["reservation"]),
            number(p["discount"]),
        )
        for p in parties
    )
    return ReportTable(("party", "signs", "value of no deal", "discount"), rows)


def _issue_tables(setting: Document, names: _Names) -> list[ReportTable]:
    """What each concession is worth to each party (a divisible one: all of it, in its unit),
    and the issues that are no one's concession with their options."""
    worth_of = setting.get("worth", {})
    givers = setting.get("givers", {})
    units = setting.get("units") or {}
    items = [i for i in setting["issues"] if i["name"] in worth_of]
    rest = [i for i in setting["issues"] if i["name"] not in worth_of]
    tables = []
    if items:
        rows = tuple(
            (
                names.item(i["name"]),
                _amounts(i, units.get(i["name"])),
                join([names.name(g) for g in givers.get(i["name"], [])]) or "not declared",
                *_cells([worth_of[i["name"]][p] for p in names.ids]),
            )
            for i in items
        )
        headers = (
            "concession",
            "amounts",
            "given by",
            *[f"worth to {names.name(p)}" for p in names.ids],
        )
        tables.append(ReportTable(headers, rows))
    if rest:
        rows = tuple(
            (names.labels.issue(i["name"]), _options(i["values"], units.get(i["name"])))
            for i in rest
        )
        tables.append(ReportTable(("issue", "options"), rows))
    return tables


def _amounts(issue: Document, unit: str | None) -> str:
    """How much of a concession can be given: whole or not (an item), else its options (the
    worth columns are then for all of it)."""
    if issue["kind"] == "item":
        return "whole or nothing"
    return _options(issue["values"], unit) + "; worth of all of it"


def _options(values: Sequence[object], unit: str | None = None, shown: int = 8) -> str:
    """An issue's values (the first and last of many), in its item's unit when it has one.

    >>> _options([0, 0.5, 1], "share of UN relief"), _options(list(range(10)))
    ('0, 0.5, 1 (share of UN relief)', '0, 1, 2, 3, 4, 5, …, 9 (10 values)')
    """
    notes = [f"{len(values)} values"] * (len(values) > shown) + [unit] * (unit is not None)
    listed = values if len(values) <= shown else [*values[: shown - 2], "…", values[-1]]
    text = ", ".join(map(str, listed))
    return f"{text} ({', '.join(map(str, notes))})" if notes else text


# --------------------------------------------------------------------------- utility space


def space_section(data: ReportData) -> Section | None:
    """All outcomes, the frontier, the named positions, the solutions and no deal."""
    if not _has(data.analysis, "solutions", "pareto", "n_rational", "n_outcomes"):
        return None
    analysis, names = data.analysis, _Names(data)
    sentences = [_nash_sentence(analysis, names), *_others_sentence(analysis, names)]
    sentences.append(
        f"{int(analysis['n_rational']):,} of {plural(int(analysis['n_outcomes']), 'outcome')} "
        f"{'is' if int(analysis['n_rational']) == 1 else 'are'} at least as good as no deal "
        "for every signatory; the Pareto frontier has "
        f"{plural(len(analysis['pareto']), 'point')}."
    )
    sentences.extend(_position_sentences(analysis, names))
    specs = () if data.space is None else (_space_figure(data, names),)
    return Section(
        "space", "Where the deal lies", tuple(sentences), (_solution_table(analysis, names),), specs
    )


def _nash_sentence(analysis: Document, names: _Names) -> str:
    nash = analysis["solutions"].get("nash")
    if nash is None:
        reason = analysis.get("solution_reasons", {}).get("nash", "")
        return (
            "There is no deal: " + (reason or "no outcome beats no deal for every signatory") + "."
        )
    scope = (
        " (among the outcomes every signatory can ratify)"
        if analysis.get("solution_scope") == "ratifiable"
        else ""
    )
    return (
        f"Nash puts the deal at {names.outcome(nash['outcome'])}{_ties(nash)}{scope}, "
        f"{names.worth(nash['utilities'], names.signatories)}."
    )


def _ties(result: Document) -> str:
    ties = int(result.get("ties", 1))
    return f" (one of {ties} tied outcomes)" if ties > 1 else ""


def _others_sentence(analysis: Document, names: _Names) -> list[str]:
    solutions = analysis["solutions"]
    nash = solutions.get("nash")
    same, different = [], []
    for key in ("kalai_smorodinsky", "egalitarian", "utilitarian"):
        result = solutions.get(key)
        if result is None:
            continue
        if nash is not None and result["outcome"] == nash["outcome"]:
            same.append(SOLUTION_LABELS[key])
        else:
            different.append(
                f"{SOLUTION_LABELS[key]} picks {names.outcome(result['outcome'])}, "
                f"{names.worth(result['utilities'], names.signatories)}{_ties(result)}"
            )
    text = []
    if same:
        text.append(sentence(f"{join(same)} agree{'s' if len(same) == 1 else ''} with Nash"))
    if different:
        text.append(sentence("; ".join(different)))
    return text


def _position_sentences(analysis: Document, names: _Names) -> list[str]:
    """Each named position: what it is worth, and who refuses it — a negotiator who prefers
    no deal, or a side that cannot ratify it at home (its factions veto it)."""
    sentences = []
    for name, position in (analysis.get("positions") or {}).items():
        refuse = [
            names.name(p)
            for p in names.signatories
            if position["utilities"][names.ids.index(p)] < names.reservation[p]
        ]
        blocked = [
            names.name(p)
            for p in names.signatories
            if (position.get("in_win_set") or {}).get(p) is False and names.name(p) not in refuse
        ]
        if refuse:
            verdict = f"worse than no deal for {join(refuse)}"
        elif blocked:
            verdict = (
                "better than no deal for every signatory's negotiator, but "
                f"{join(blocked)} cannot ratify it (see the factions)"
            )
        else:
            verdict = "acceptable to every signatory"
        holder = position.get("held_by")
        held = f"; held by {names.name(holder)}" if holder else ""
        sentences.append(
            f"The position {names.position(name)} ({names.outcome(position['outcome'])}{held}) is "
            f"{names.worth(position['utilities'], names.signatories)}: {verdict}."
        )
    return sentences


def _solution_table(analysis: Document, names: _Names) -> ReportTable:
    rows = []
    for key, label in SOLUTION_LABELS.items():
        result = analysis["solutions"].get(key)
        if result is None:
            rows.append((label, "none", *[""] * len(names.ids), ""))
        else:
            rows.append(
                (
                    label,
                    names.outcome(result["outcome"]),
                    *_cells(result["utilities"]),
                    str(result["ties"]),
                )
            )
    for name, position in (analysis.get("positions") or {}).items():
        rows.append(
            (
                f"position {names.position(name)}",
                names.outcome(position["outcome"]),
                *_cells(position["utilities"]),
                "",
            )
        )
    rows.append(
        ("no deal", "nothing agreed", *_cells([names.reservation[p] for p in names.ids]), "")
    )
    return ReportTable(("", "outcome", *map(names.name, names.ids), "ties"), tuple(rows))


def _space_figure(data: ReportData, names: _Names) -> FigureSpec:
    space, analysis = data.space or {}, data.analysis or {}
    a, b = space["parties"]
    ia, ib = names.ids.index(a), names.ids.index(b)
    markers = [
        Marker(SOLUTION_LABELS[key], r["utilities"][ia], r["utilities"][ib], "solution")
        for key, r in analysis["solutions"].items()
        if r is not None and key in SOLUTION_LABELS
    ]
    markers += [
        Marker(names.labels.position(name), p["utilities"][ia], p["utilities"][ib], "position")
        for name, p in (analysis.get("positions") or {}).items()
    ]
    view = SpaceView(
        axes=(names.name(a), names.name(b)),
        points=space["points"],
        frontier=[(u[ia], u[ib]) for u in analysis["pareto"]],
        no_deal=(names.reservation[a], names.reservation[b]),
        markers=markers,
        labels=space.get("labels", ()),
        ratifiable=space.get("ratifiable", ()),
        counts=(
            int(analysis["n_rational"]),
            int(analysis.get("intersection_size", analysis["n_rational"])),
        ),
    )
    draw = partial(figures.utility_space, view=view)
    sample = " (a sample)" if space.get("sampled") else ""
    named = " and the named positions" if analysis.get("positions") else ""
    more = len(names.signatories) - 2
    others = f" (the first two signatories; {plural(more, 'other')} not shown)" if more > 0 else ""
    alt = (
        f"Utility to {names.name(a)} against utility to {names.name(b)} for every outcome"
        f"{sample}{others}, with the Pareto frontier, no deal, the bargaining solutions{named}."
    )
    return FigureSpec("utility-space", alt, draw)


# --------------------------------------------------------------------------- win-sets


def win_sets_section(data: ReportData) -> Section | None:
    """The factions: who inside each side accepts each position, the veto and what it costs,
    the win-sets in the issues' units, and how they move with a faction's weight."""
    analysis, grid, home = data.analysis or {}, data.factions, data.domestic
    ratified = "intersection_size" in analysis and analysis.get("solution_scope") != "rational"
    sizes = analysis.get("win_sets") if ratified else None
    if sizes is None and grid is None and home is None:
        return None
    names = _Names(data)
    sentences: list[str] = []
    specs: list[FigureSpec] = []
    tables: list[ReportTable] = []
    points: list[str] = []
    if home is not None:
        units = (data.setting or {}).get("units") or {}
        parts = factions_parts(home, data.counterfactuals, names, units)
        sentences.extend(parts.sentences)
        points.extend(parts.points)
        tables.extend(ReportTable(headers, rows) for headers, rows in parts.tables)
        specs.extend(parts.figures)
    if sizes is not None:
        sentences.extend(_win_set_sentences(analysis, names))
    if grid is not None:
        sentences.append(_grid_sentence(grid, names))
        specs.append(_grid_figure(grid, names))
    return Section(
        "win_sets",
        "Factions: what each side can ratify",
        tuple(sentences),
        tuple(tables),
        tuple(specs),
        points=tuple(points),
    )


def _size(win_set: object) -> int:
    """A win-set's size, given as ``{"size": n, ...}`` (analyze) or as ``n`` (a faction sweep)."""
    size = win_set["size"] if isinstance(win_set, Mapping) else win_set
    return int(size) if isinstance(size, int | float) else 0


def _win_set_sentences(analysis: Document, names: _Names) -> list[str]:
    signatories = [p for p in analysis["win_sets"] if p in names.signatories]
    sizes = join([f"{names.name(p)} {_size(analysis['win_sets'][p]):,}" for p in signatories])
    shared = int(analysis["intersection_size"])
    first = (
        f"Counted in outcomes, the win-sets (what a side prefers to no deal and can ratify at "
        f"home) hold {sizes} of the {int(analysis['n_outcomes']):,}; "
        f"{plural(shared, 'outcome')} {'is' if shared == 1 else 'are'} in every signatory's, of the "
        f"{int(analysis['n_rational']):,} every signatory's negotiator prefers to no deal."
    )
    agreement = analysis.get("agreement")
    if agreement is None:
        reason = analysis.get("agreement_reason") or analysis.get("reason") or ""
        second = "No agreement can be ratified" + (f": {reason}" if reason else "") + "."
    else:
        second = (
            f"Restricted to them, Nash puts the agreement at {names.outcome(agreement['outcome'])}, "
            f"{names.worth(agreement['utilities'], names.signatories)}."
        )
    return [first, second]


def _grid_label(grid: Document, names: _Names) -> str:
    return f"weight of {possessive(names.name(grid['party']))} {grid['faction']}"


def _grid_sentence(grid: Document, names: _Names) -> str:
    points = grid["points"]
    weights = [float(p["weight"]) for p in points]
    shared = [int(p["intersection_size"]) for p in points]
    text = (
        f"As the {_grid_label(grid, names)} goes from {number(weights[0])} to "
        f"{number(weights[-1])}, the outcomes every signatory can ratify go from "
        f"{shared[0]:,} to {shared[-1]:,}"
    )
    runs = ranges(weights, [n == 0 for n in shared])
    if not runs:
        return text + "; agreement stays possible across the whole range."
    return text + "; no agreement can be ratified " + join([span(a, b) for a, b in runs]) + "."


def _grid_figure(grid: Document, names: _Names) -> FigureSpec:
    points = grid["points"]
    parties = list(points[0]["win_sets"])
    draw = partial(
        figures.win_set_sensitivity,
        label=_grid_label(grid, names),
        weights=[float(p["weight"]) for p in points],
        sizes={names.name(q): [_size(p["win_sets"][q]) for p in points] for q in parties},
        shared=[int(p["intersection_size"]) for p in points],
    )
    alt = f"Win-set sizes as the {_grid_label(grid, names)} varies; shaded where none is shared."
    return FigureSpec("win-sets-by-weight", alt, draw)


# --------------------------------------------------------------------------- schedule


def schedule_section(data: ReportData) -> Section | None:
    """One shot versus the best phased schedule, as a timeline of who gives what."""
    phase = data.phase
    if phase is None:
        return None
    units = _units(data)
    sentences = [_phased_sentence(phase, units)]
    if phase.get("one_shot"):
        sentences.insert(0, _one_shot_sentence(phase["one_shot"], units))
    names, packages = _Names(data), _packages(data)
    if packages:  # the named positions first: whether the deals on the table can be carried out
        sentences.insert(0, _packages_sentence(packages, names))
    package_tables = (_package_table(packages, names, units),) if packages else ()
    if phase.get("completion_probability") is not None and phase.get("schedule"):
        chance = share(float(phase["completion_probability"]))
        sentences.append(f"Under the modelled trust it is completed with probability {chance}.")
    if phase.get("binding"):
        sentences.append(_binding_sentence(phase["binding"]))
    if "min_stages" in phase:
        sentences.append(_min_stages_sentence(phase))
    sentences.extend(_verification_sentences(data, names))
    if not phase.get("schedule"):
        return Section("schedule", "One shot or step by step", tuple(sentences), package_tables)
    schedule = [_labelled(stage, names) for stage in _cleaned(phase["schedule"])]
    givers = _givers(data)
    starts = [str(d["start"]) for d in phase.get("stage_dates") or ()]
    timeline = Timeline(
        schedule,
        {i: names.name(g) for i, g in givers.items()},
        units,
        (phase.get("one_shot") or {}).get("max_total"),
        starts,
    )
    draw = partial(figures.schedule_timeline, timeline=timeline)
    alt = "Timeline of the best phased schedule by stage and giver, with the amount carried out."
    spec = FigureSpec("schedule", alt, draw, size=timeline.height())
    table = _schedule_table(schedule, givers, names, units, phase.get("stage_dates"))
    tables = (*package_tables, table)
    return Section("schedule", "One shot or step by step", tuple(sentences), tables, (spec,))


def _verification_sentences(data: ReportData, names: _Names) -> list[str]:
    """Whether covert cheating pays on each cheating-prone item, one sentence each saying which
    schedule is judged, its giver by name."""
    entries = (data.analysis or {}).get("verification") or {}
    if not entries:
        return []
    leads = {
        "phasing.schedule": "Once the scenario's own schedule is carried out",
        "designed": "Once the best schedule is carried out",
    }
    said = []
    for item, entry in entries.items():
        named = {**entry, "giver": names.name(str(entry.get("giver")))}
        said.append(
            verdict(names.item(item), named, number, leads.get(str(entry.get("schedule")), ""))
        )
    return said


def _units(data: ReportData) -> ItemUnits:
    """How the deal's amounts read: the phase document's units, binary and measured items."""
    phase = data.phase or {}
    units = phase.get("units") or ((data.analysis or {}).get("phasing") or {}).get("units") or {}
    binary, measured = phase.get("binary") or (), phase.get("measured") or ()
    return labelled_units(ItemUnits(dict(units), tuple(binary), tuple(measured)), _Names(data))


def labelled_units(units: ItemUnits, names: _Names) -> ItemUnits:
    """``units`` keyed by the items' display names (amounts then read in words)."""
    return ItemUnits(
        {names.item(k): v for k, v in units.units.items()},
        tuple(map(names.item, units.binary)),
        tuple(map(names.item, units.measured)),
    )


def _labelled(amounts: Mapping[str, float], names: _Names) -> dict[str, float]:
    return {names.item(k): v for k, v in amounts.items()}


def _packages(data: ReportData) -> list[tuple[str, Document]]:
    """``(label, phasing document)`` of every named position and of the agreement, as packages."""
    phasing = (data.analysis or {}).get("phasing") or {}
    names = _Names(data)
    found = [(names.position(name), doc) for name, doc in (phasing.get("positions") or {}).items()]
    if phasing.get("agreement"):
        found.append(("the ratifiable agreement", phasing["agreement"]))
    return found


def _mover(label: str, names: _Names) -> str:
    """A move label (``stage 2: us``) with the party's name.

    >>> us = {"id": "us", "name": "United States", "signatory": True, "reservation": 0.0}
    >>> setting = {"parties": [us]}
    >>> _mover("stage 2: us", _Names(ReportData("s", setting=setting)))
    'stage 2: United States'
    """
    stage, _, party = label.partition(": ")
    return f"{stage}: {names.name(party)}" if party else label


def _packages_sentence(packages: Sequence[tuple[str, Document]], names: _Names) -> str:
    """What each package needs: at once, in a few stages, or more than the limit."""
    parts = []
    for label, doc in packages:
        fewest, limit = doc.get("min_stages"), doc.get("max_stages")
        if (doc.get("one_shot") or {}).get("feasible"):
            parts.append(f"{label} is self-enforcing at once")
        elif fewest is not None:
            parts.append(
                f"{label} is not self-enforcing at once but is in {plural(fewest, 'stage')}"
            )
        else:
            up_to = f" in up to {plural(limit, 'stage')}" if limit else " in stages"
            parts.append(f"{label} is self-enforcing neither at once nor{up_to}")
    return sentence("Taken as fixed packages, " + "; ".join(parts))


def _package_table(
    packages: Sequence[tuple[str, Document]], names: _Names, units: ItemUnits
) -> ReportTable:
    def at_once(one: Document) -> str:
        if one.get("feasible"):
            return "yes"
        movers = [_mover(str(m), names) for m in one.get("violated") or []]
        if not movers:
            return "no"
        short = one.get("worst_slack")
        by = f" (worst shortfall {number(-float(short))})" if short is not None else ""
        return f"no: {join(movers)} would renege{by}"

    def fewest(doc: Document) -> str:
        if doc.get("min_stages") is not None:
            return str(int(doc["min_stages"]))
        limit = doc.get("max_stages")
        return f"more than {limit}" if limit else "none found"

    rows = tuple(
        (
            label,
            _given(_labelled(doc.get("package") or {}, names), units),
            at_once(doc.get("one_shot") or {}),
            fewest(doc),
        )
        for label, doc in packages
    )
    return ReportTable(("package", "delivers", "self-enforcing at once", "fewest stages"), rows)


def _given(amounts: Mapping[str, float], units: ItemUnits) -> str:
    """``yongbyon, un_relief 0.5 share of UN relief``: binary items by name, others with units."""
    return ", ".join(units.amount(i, number(v)) for i, v in amounts.items() if v) or "nothing"


def _cleaned(schedule: Sequence[Mapping[str, float]]) -> list[dict[str, float]]:
    """The schedule without solver noise: amounts below 1e-6 of the largest are dropped.

    >>> _cleaned([{"x": 2.0, "y": 3e-9}, {"x": 1.0}])
    [{'x': 2.0}, {'x': 1.0}]
    """
    largest = max((abs(v) for stage in schedule for v in stage.values()), default=0.0)
    return [{k: v for k, v in stage.items() if abs(v) > 1e-6 * largest} for stage in schedule]


def _binding_sentence(binding: Sequence[object]) -> str:
    listed = [_constraint(b) for b in binding[:3]]
    shown = join([*listed, f"{len(binding) - 3} more"] if len(binding) > 3 else listed)
    verb = "binds" if len(binding) == 1 else "bind"
    return f"{plural(len(binding), 'incentive constraint')} {verb} (zero slack): {shown}."


def _schedule_table(
    schedule: Sequence[Mapping[str, float]],
    givers: Mapping[str, str],
    names: _Names,
    units: ItemUnits,
    dates: Sequence[Document] | None = None,
) -> ReportTable:
    """Who gives what in each stage; with a calendar, each stage's dates beside it."""
    lanes = list(dict.fromkeys(givers.get(i, "?") for stage in schedule for i in stage))

    def gives(stage: Mapping[str, float], giver: str) -> str:
        return _given({i: v for i, v in stage.items() if givers.get(i, "?") == giver}, units)

    def when(s: int) -> tuple[str, ...]:
        return (f"{dates[s - 1]['start']} to {dates[s - 1]['end']}",) if dates else ()

    rows = tuple(
        (str(s), *when(s), *[gives(stage, g) for g in lanes])
        for s, stage in enumerate(schedule, start=1)
    )
    head = ("stage", *(("dates",) if dates else ()))
    return ReportTable((*head, *[f"{names.name(g)} gives" for g in lanes]), rows)


def _constraint(binding: object) -> str:
    if isinstance(binding, Mapping):
        return ", ".join(f"{k} {v}" for k, v in binding.items())
    return str(binding)


def _givers(data: ReportData) -> dict[str, str]:
    """``{item's display name: giver's id}``."""
    names = _Names(data)
    explicit = (data.phase or {}).get("givers")
    if explicit:
        return {names.item(str(k)): str(v) for k, v in explicit.items()}
    found = (data.setting or {}).get("givers", {})
    return {names.item(item): who[0] for item, who in found.items() if who}


def _one_shot_sentence(one: Document, units: ItemUnits) -> str:
    exchange = "A one-shot exchange (everything at once, one side first)"
    total = units.total(number(one.get("max_total")))
    if one.get("feasible"):
        return f"{exchange} is self-enforcing and carries out up to {total}."
    if one.get("max_total") is None:
        return f"{exchange} is not self-enforcing at any size."
    return f"{exchange} is not self-enforcing for the whole deal: at most {total} can be carried out that way."


def _phased_sentence(phase: Document, units: ItemUnits) -> str:
    stages = phase.get("stages")
    over = f" over {plural(int(stages), 'stage')}" if stages else ""
    if not phase.get("schedule"):
        reason = phase.get("reason") or ""
        return f"No self-enforcing schedule{over} was found" + (f": {reason}." if reason else ".")
    best, one = phase.get("max_total"), (phase.get("one_shot") or {}).get("max_total")
    text = (
        f"The best schedule{over} (objective: {phase.get('objective', 'total')}) "
        f"carries out {units.total(number(best), again=one is not None)}"
    )
    if best is not None and one:
        ratio = best / one
        same = abs(ratio - 1) < 1e-9
        text += (
            ", as much as in one shot" if same else f", {number(ratio)} times the one-shot amount"
        )
    return text + "."


def _min_stages_sentence(phase: Document) -> str:
    if phase["min_stages"] is None:
        reason = phase.get("min_stages_reason") or phase.get("reason") or ""
        return "No number of stages makes the target deal self-enforcing" + (
            f": {reason}." if reason else "."
        )
    return (
        f"The fewest stages that make the target deal self-enforcing: {int(phase['min_stages'])}."
    )


# --------------------------------------------------------------------------- trust


def trust_section(data: ReportData) -> Section | None:
    """How much each side trusts the other, and how that grows or collapses along the schedule."""
    analysis, phase = data.analysis or {}, data.phase or {}
    trust, path = analysis.get("trust"), phase.get("trust_path")
    if "trust_models" in analysis and not analysis["trust_models"] and not path:
        if data.phase is None:
            return None
        assumed = "No trust model is declared: each side is taken to honour every step for certain."
        return Section("trust", "Trust", (assumed,))
    if not trust and not path:
        return None
    names, sentences, specs = _Names(data), [], []
    if trust and analysis.get("trust_models"):
        trust = _declared(trust, analysis["trust_models"])
    if trust:
        sentences.append(_levels_sentence(trust, names))
    breach = phase.get("trust_after_breach") or {}
    if path:
        sentences.append(_path_sentence(path, names))
        falls = _breach_sentence(path[0], breach, names) if breach else ""
        if falls:
            sentences.append(falls)
        if falls or _moves(path):
            draw = partial(
                figures.trust_path,
                path=[_named_pairs(step, names) for step in path],
                breach=_named_pairs(breach, names),
            )
            alt = "Each side's trust in the other after each honoured stage, and after a broken first step."
            specs.append(FigureSpec("trust-path", alt, draw, (7.0, 3.4)))
    elif trust:
        draw = partial(figures.trust_levels, trust=_named_pairs(trust, names))
        alt = "Each side's probability that the other honours its next step."
        specs.append(FigureSpec("trust", alt, draw, (7.0, 1.2 + 0.45 * len(_pairs(trust)))))
    models, levels = analysis.get("trust_models"), trust or (path[0] if path else {})
    tables = (_trust_table(models, levels, names),) if models else ()
    return Section("trust", "Trust", tuple(sentences), tables, tuple(specs))


def _trust_table(
    models: Mapping[str, Mapping[str, Mapping[str, Any]]],
    trust: Mapping[str, Mapping[str, float]],
    names: _Names,
) -> ReportTable:
    rows = tuple(
        (names.name(a), names.name(b), number(round(trust[a][b], 3)), _basis(m))
        for a, row in models.items()
        for b, m in row.items()
        if b in trust.get(a, {})
    )
    headers = ("truster", "trustee", "probability of honouring the next step", "resting on")
    return ReportTable(headers, rows)


def _basis(model: Mapping[str, Any]) -> str:
    """A trust model in words.

    >>> _basis({"model": "beta", "alpha": 5.0, "beta": 3.5, "mean": 0.59})
    'reputation: 5 kept against 3.5 broken (prior and record, Beta)'
    >>> _basis({"model": "types", "opportunist": 0.81})
    'the other is an opportunist with probability 81%'
    """
    kind = model.get("model")
    if kind == "beta":
        kept, broken = number(model["alpha"]), number(model["beta"])
        return f"reputation: {kept} kept against {broken} broken (prior and record, Beta)"
    if kind == "types":
        return f"the other is an opportunist with probability {share(float(model['opportunist']))}"
    if kind == "hazard":
        return f"reneging with a fixed probability of {share(float(model['hazard']))} at each step"
    return str(kind)


def _declared(
    trust: Mapping[str, Mapping[str, float]], models: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, float]]:
    """The beliefs the scenario declares; the others are certainty by default, not findings.

    >>> _declared({"a": {"b": 0.6, "c": 1.0}, "c": {"a": 1.0}}, {"a": {"b": {}}})
    {'a': {'b': 0.6}}
    """
    return {
        a: {b: p for b, p in row.items() if b in models.get(a, {})}
        for a, row in trust.items()
        if any(b in models.get(a, {}) for b in row)
    }


def _named_pairs(
    trust: Mapping[str, Mapping[str, float]], names: _Names
) -> dict[str, dict[str, float]]:
    """Beliefs keyed by the parties' display names (as the figures show them)."""
    return {names.name(a): {names.name(b): p for b, p in row.items()} for a, row in trust.items()}


def _pairs(trust: Mapping[str, Mapping[str, float]]) -> list[tuple[str, str, float]]:
    return [(a, b, p) for a, row in trust.items() for b, p in row.items()]


def _levels_sentence(trust: Mapping[str, Mapping[str, float]], names: _Names) -> str:
    return sentence(
        "; ".join(
            f"{names.name(a)} expects {names.name(b)} to honour its next step with "
            f"probability {number(round(p, 3))}"
            for a, b, p in _pairs(trust)
        )
    )


def _breach_sentence(
    start: Mapping[str, Mapping[str, float]],
    breach: Mapping[str, Mapping[str, float]],
    names: _Names,
) -> str:
    falls = [
        f"{possessive(names.name(a))} trust in {names.name(b)} would go from "
        f"{number(round(start[a][b], 3))} to {number(round(p, 3))}"
        for a, b, p in _pairs(breach)
        if a in start and b in start[a] and abs(p - start[a][b]) > 1e-9
    ]
    return sentence("If the first step were broken instead, " + join(falls)) if falls else ""


def _moves(
    path: Sequence[Mapping[str, Mapping[str, float]]],
) -> list[tuple[str, str, float, float]]:
    """The (truster, trustee, start, end) pairs whose trust changes along the path."""
    ends = ((a, b, start, path[-1].get(a, {}).get(b, start)) for a, b, start in _pairs(path[0]))
    return [(a, b, start, end) for a, b, start, end in ends if abs(end - start) > 1e-9]


def _path_sentence(path: Sequence[Mapping[str, Mapping[str, float]]], names: _Names) -> str:
    moves = [
        f"{possessive(names.name(a))} trust in {names.name(b)} "
        f"{'grows' if end > start else 'falls'} "
        f"from {number(round(start, 3))} to {number(round(end, 3))}"
        for a, b, start, end in _moves(path)
    ]
    if not moves:
        return "Trust does not change along the schedule."
    return f"Along the schedule, as each step is honoured, {join(moves)}."


# --------------------------------------------------------------------------- implementation


def implementation_section(data: ReportData) -> Section | None:
    """How often the simulated implementation is completed, and where it breaks."""
    run = data.implementation
    if run is None:
        return None
    names = _Names(data)
    rate, breaks = float(run["completion_rate"]), _break_shares(run)
    sessions = run.get("sessions")
    times = f"Carried out {int(sessions):,} times" if sessions else "Carried out in simulation"
    sentences = [
        f"{times} under the modelled trust and hazards, "
        f"the schedule is completed in {share(rate)} of runs."
    ]
    if breaks and rate < 1:
        stage, worst = max(breaks, key=lambda b: b[1])
        sentences.append(
            f"Runs break down most often at stage {stage} ({share(worst)} of all runs)."
        )
    lapsed = _lapsed(run)
    if lapsed:
        sentences.append(
            f"Runs still unfinished at the deadline lapse: {share(lapsed)} of all runs."
        )
    went_on = float(run.get("went_on") or 0) / float(sessions) if sessions else 0.0
    if went_on:
        withheld = [
            f"{names.name(str(d['party']))} withholding "
            f"{names.item(d['item']) if d['item'] else 'everything'} in stage "
            f"{d['stage']} ({plural(int(d['sessions']), 'run')})"
            for d in run.get("deviations") or ()
            if d.get("goes_on")
        ]
        said = f": {join(withheld)}" if withheld else ""
        sentences.append(
            f"In {share(went_on)} of all runs the deal went on to the end after a withholding "
            f"answered in proportion, without the withheld steps{said}."
        )
    blame = {p: int(n) for p, n in (run.get("reneged_by") or {}).items() if n}
    if blame and rate < 1:
        who = join([f"{names.name(p)} in {plural(n, 'run')}" for p, n in blame.items()])
        sentences.append(f"The side that reneged: {who}.")
    values = run.get("expected_values") or {}
    tables: tuple[ReportTable, ...] = ()
    if values:
        listed = join([f"{names.name(p)} {number(v)}" for p, v in values.items()])
        sentences.append(f"Expected value to each party: {listed}.")
        rows = tuple(
            (names.name(p), number(v), number(names.reservation.get(p))) for p, v in values.items()
        )
        tables = (ReportTable(("party", "expected value", "value of no deal"), rows),)
    draw = partial(figures.implementation_outcomes, completion=rate, breaks=breaks)
    alt = "Share of simulated runs completed and where the others broke."
    spec = FigureSpec("implementation", alt, draw, (7.0, 3.6))
    return Section("implementation", "Carrying it out", tuple(sentences), tables, (spec,))


def _lapsed(run: Document) -> float:
    """The share of runs a deadline ended unfinished (0 without a calendar)."""
    sessions = run.get("sessions")
    return float(run.get("lapsed") or 0) / float(sessions) if sessions else 0.0


def _break_shares(run: Document) -> list[tuple[str, float]]:
    """``(stage, share of runs)`` for every stage some runs broke down in; with a calendar the
    stage is named with its start date (``2 from 2019-07-01``)."""
    histogram = run.get("break_stage_histogram") or {}
    if isinstance(histogram, Mapping):
        pairs = [(str(k), float(v)) for k, v in histogram.items()]
    else:
        pairs = [(str(i), float(v)) for i, v in enumerate(histogram, start=1)]
    dated = {str(row["stage"]): row["start"] for row in run.get("break_dates") or ()}
    pairs = [(f"{k} from {dated[k]}" if k in dated else k, v) for k, v in pairs if v > 0]
    total = sum(v for _, v in pairs)
    # the runs that neither completed, lapsed nor went on to the end after a withholding
    went_on = float(run.get("went_on") or 0) / max(float(run.get("sessions") or 1), 1.0)
    broken = 1.0 - float(run["completion_rate"]) - _lapsed(run) - went_on
    if total <= 0:
        return []
    if total <= 1.0 + 1e-9 and abs(total - broken) < 1e-6:
        return pairs
    return [(k, broken * v / total) for k, v in pairs]


# --------------------------------------------------------------------------- robust deals

FAILURES = {
    "outside the bounds": "outside what the ratifiers allow",
    "not individually rational": "below a party's no-deal value",
    "its path breaks": "not carried out to the end",
    "covert cheating pays": "open to covert cheating",
}
"""How the reason a deal fails in a draw reads in a sentence."""


def robust_section(data: ReportData) -> Section | None:
    """A deal for most plausible worlds: the robust deal against the point design and the
    positions on the table, on fresh draws (``phase --robust``)."""
    robust = data.robust
    if robust is None:
        return None
    title = "A deal for most plausible worlds"
    if "skipped" in robust:
        said = f"No robust deal was computed over {robust['draws']} draws: {robust['skipped']}."
        return Section("robust", title, (sentence(said),), in_brief=False)
    names = _Names(data)
    units = labelled_units(
        ItemUnits(robust["units"], tuple(robust["binary"]), tuple(robust["measured"])), names
    )
    robust = {
        **robust,
        **{
            key: {**robust[key], "package": _labelled(robust[key].get("package") or {}, names)}
            for key in ("robust", "point_design")
        },
        "positions": {names.position(k): v for k, v in robust["positions"].items()},
    }
    entry, point = robust["robust"], robust["point_design"]
    sentences = [_robust_lead(robust, units), _robust_point_sentence(entry, point, units)]
    positions = _positions_sentence(robust["positions"])
    if positions:
        sentences.append(positions)
    sentences.extend(_robust_details(robust, names))
    rows = [("the robust deal", entry), ("the point-estimate design", point)]
    rows += list(robust["positions"].items())
    table = ReportTable(
        ("deal", "schedule", "training draws", "fresh draws (95% interval)"),
        tuple(
            (label, _robust_source(e), _shown(e, "training_"), _shown(e, "")) for label, e in rows
        ),
    )
    tables: list[ReportTable] = [table]
    if entry.get("schedule"):
        givers = _givers(data)
        schedule = [_labelled(stage, names) for stage in _cleaned(entry["schedule"])]
        tables.append(_schedule_table(schedule, givers, names, units, entry.get("stage_dates")))
    return Section("robust", title, tuple(sentences), tuple(tables))


def _robust_lead(robust: Document, units: ItemUnits) -> str:
    entry, draws = robust["robust"], int(robust["draws"])
    fresh = int((robust.get("evaluation") or {}).get("valid", draws))
    if not entry.get("schedule"):
        return sentence(
            f"Over {plural(draws, 'draw')} of the uncertain parameters (seed {robust['seed']}) "
            f"no schedule carries the required total: {entry.get('reason') or 'none found'}"
        )
    package = _given(entry["package"], units)
    return sentence(
        f"Chosen to work in as many as possible of {plural(draws, 'draw')} of the uncertain "
        f"parameters (seed {robust['seed']}), the robust deal ({package}, in "
        f"{plural(int(entry['stages']), 'stage')}) works in {share(entry['training_share'])} "
        f"of them and in {_interval(entry)} of {fresh} fresh draws"
    )


def _interval(entry: Document, prefix: str = "") -> str:
    """``45% (95% interval 23%–68%)``."""
    value, interval = entry[f"{prefix}share"], entry[f"{prefix}interval"]
    if value is None or interval is None:
        return "none"
    return f"{share(value)} (95% interval {share(interval['low'])}–{share(interval['high'])})"


def _robust_point_sentence(entry: Document, point: Document, units: ItemUnits) -> str:
    if not point.get("schedule"):
        return "At the point estimate the designer finds no self-enforcing schedule to compare."
    package = _given(point["package"], units)
    difference = (entry["share"] or 0.0) - (point["share"] or 0.0)
    if abs(difference) < 1e-12:
        compared = "as often as the robust deal"
    else:
        points = number(round(100 * abs(difference), 1))
        compared = f"{points} percentage points {'less' if difference > 0 else 'more'} often than the robust deal"
    return sentence(
        f"The design at the point estimate ({package}, in "
        f"{plural(int(point['stages']), 'stage')}) works in {_interval(point)} of the same "
        f"fresh draws, {compared}"
    )


def _positions_sentence(positions: Mapping[str, Document]) -> str:
    said = []
    for name, entry in positions.items():
        if entry["share"] is None or not entry.get("schedule"):
            continue
        how = {"given": "on its own schedule", "designed": "on its designed schedule"}.get(
            str(entry["source"]), "exchanged at once"
        )
        said.append(f"{name}, {how}, works in {share(entry['share'])}{_main_failure(entry)}")
    if not said:
        return ""
    return sentence(f"Against the positions on the table: {'; '.join(said)}")


def _main_failure(entry: Document) -> str:
    failures = entry.get("failures") or {}
    if not failures:
        return ""
    reason, count = max(failures.items(), key=lambda kv: kv[1])
    return f", most often {FAILURES.get(reason, reason)} ({plural(int(count), 'draw')})"


def _robust_details(robust: Document, names: _Names) -> list[str]:
    entry, said = robust["robust"], []
    floor = (robust.get("requirements") or {}).get("floor")
    if floor is not None:
        said.append(
            f"The robust deal must carry a measured total of at least {number(floor)}, the point "
            "design's (doing nothing would work everywhere)."
        )
    at_point = entry.get("path_at_point")
    if at_point is not None:
        broken = at_point.get("breaks")
        said.append(
            "At the point estimate its equilibrium path completes."
            if at_point.get("completed")
            else f"At the point estimate its path breaks in stage {broken['stage']} at "
            f"{names.name(broken['party'])}."
            if broken
            else "At the point estimate its path does not complete."
        )
    if entry.get("status") == "time_limit":
        said.append(
            f"A program stopped at its time limit: the best schedule found is shown "
            f"(relative gap {number(entry.get('gap'))})."
        )
    invalid = int((robust.get("training") or {}).get("invalid", 0)) + int(
        (robust.get("evaluation") or {}).get("invalid", 0)
    )
    if invalid:
        verb = "is" if invalid == 1 else "are"
        said.append(f"{plural(invalid, 'draw')} gave no valid scenario and {verb} left out.")
    return said


def _robust_source(entry: Document) -> str:
    stages = entry.get("stages")
    source = {
        "robust": "robust design",
        "designed": "designed",
        "given": "its own",
        "one_shot": "at once",
    }.get(str(entry.get("source")), "none")
    return source if stages is None else f"{source}, {plural(int(stages), 'stage')}"


def _shown(entry: Document, prefix: str) -> str:
    value, interval = entry.get(f"{prefix}share"), entry.get(f"{prefix}interval")
    if value is None or interval is None:
        return "—"
    return f"{share(value)} ({share(interval['low'])}–{share(interval['high'])})"


# --------------------------------------------------------------------------- stakeholders


def stakeholders_section(data: ReportData) -> Section | None:
    """What the parties who do not sign get under each position and solution."""
    if not _has(data.analysis, "solutions", "parties"):
        return None
    names = _Names(data)
    outsiders = [p for p in names.ids if p not in names.signatories]
    if not outsiders:
        return None
    rows = {p: _stakeholder_rows(data.analysis, names, p) for p in outsiders}
    effects = data.analysis.get("stakeholder_effects") or {}
    sentences = tuple(
        text
        for p in outsiders
        for text in (
            _stakeholder_sentence(names, p, rows[p]),
            _effects_sentence(names, effects.get(p)),
        )
        if text
    )
    specs = tuple(_stakeholder_figure(names, p, rows[p]) for p in outsiders)
    labels = [label for label, _ in rows[outsiders[0]]]
    table = ReportTable(
        ("", *[f"utility to {names.name(p)}" for p in outsiders]),
        (
            ("no deal", *[number(names.reservation[p]) for p in outsiders]),
            *[(label, *[number(dict(rows[p])[label]) for p in outsiders]) for label in labels],
        ),
    )
    return Section("stakeholders", "Those who do not sign", sentences, (table,), specs)


_VERDICTS = {
    "helps": "helps it",
    "hurts": "hurts it",
    "neutral": "leaves it as with no deal",
    "depends": "helps or hurts it depending on how ties are broken",
}


def _effects_sentence(names: _Names, effects: Mapping[str, Any] | None) -> str:
    """How each signatory's best ratifiable deal treats the stakeholder, against no deal."""
    if not effects:
        return ""
    parts = []
    for signatory, effect in effects.items():
        low, high = effect["utility"]
        value = number(low) if low == high else f"{number(low)} to {number(high)}"
        verdict = _VERDICTS.get(effect["verdict"], effect["verdict"])
        parts.append(
            f"{possessive(names.name(signatory))} best ratifiable deal {verdict} ({value})"
        )
    return sentence("Against no deal, " + join(parts))


def _stakeholder_figure(names: _Names, party: str, rows: Sequence[tuple[str, float]]) -> FigureSpec:
    draw = partial(
        figures.stakeholder_outcomes,
        stakeholder=names.name(party),
        rows=rows,
        no_deal=names.reservation[party],
    )
    alt = f"{possessive(names.name(party))} utility under each position and solution."
    return FigureSpec(f"stakeholder-{party}", alt, draw, (7.0, 1.4 + 0.32 * len(rows)))


def _stakeholder_rows(analysis: Document, names: _Names, party: str) -> list[tuple[str, float]]:
    column = names.ids.index(party)
    given = (analysis.get("stakeholders") or {}).get(party, {})
    rows = [
        (names.position(n), float(p["utilities"][column]))
        for n, p in (analysis.get("positions") or {}).items()
    ]
    for key, label in SOLUTION_LABELS.items():
        result = analysis["solutions"].get(key)
        if result is not None:
            rows.append((label, float(given.get(key, result["utilities"][column]))))
    if analysis.get("agreement"):
        rows.append(("ratifiable agreement", float(analysis["agreement"]["utilities"][column])))
    return rows


def _stakeholder_sentence(names: _Names, party: str, rows: Sequence[tuple[str, float]]) -> str:
    no_deal = names.reservation[party]
    who = f"{names.name(party)} does not sign but is affected; no deal is worth {number(no_deal)} to it"
    if not rows:
        return who + "."
    best, worst = max(rows, key=lambda r: r[1]), min(rows, key=lambda r: r[1])
    below = [label for label, value in rows if value < no_deal]
    text = f"{who}. It fares best under {best[0]} ({number(best[1])}) and worst under {worst[0]} ({number(worst[1])})"
    if below:
        return text + f"; it is worse off than with no deal under {join(below)}."
    return text + "; every one leaves it at least as well off as no deal."


# --------------------------------------------------------------------------- claims


def claims_section(data: ReportData) -> Section | None:
    """Each claim's truth on the point estimate and its share of the plausible range."""
    point = {k: _holds(v) for k, v in ((data.analysis or {}).get("claims") or {}).items()}
    swept = (data.sweep or {}).get("claims") or {}
    if not point and not swept:
        return None
    names = _Names(data)
    sentences = [_point_sentence(point, swept, names)] if point else []
    specs: tuple[FigureSpec, ...] = ()
    calibrated = (data.posterior or {}).get("claims") or {}
    if calibrated and (said := _calibrated_sentence(data.posterior or {}, names)):
        sentences.append(said)
    if swept:
        sentences.append(_sweep_sentence(data.sweep or {}, names))
        rows = [
            (names.claim(n), float(v["share"]), float(v["low"]), float(v["high"]))
            for n, v in swept.items()
        ]
        alt = "Share of draws in which each claim holds, with 95% intervals."
        draw = partial(figures.claim_shares, claims=rows)
        specs = (FigureSpec("claims", alt, draw, (7.0, 1.2 + 0.45 * len(rows))),)
    table = _claims_table(point, swept, (data.setting or {}).get("claims") or {}, names)
    return Section("claims", "Claims and how robust they are", tuple(sentences), (table,), specs)


def _point_sentence(
    point: Mapping[str, bool | None], swept: Mapping[str, Any], names: _Names
) -> str:
    """How many claims hold at the point estimate and, beside it, in most plausible cases:
    the point estimate alone is never the headline when a sweep says otherwise."""
    failing = [names.claim(n) for n, ok in point.items() if ok is False]
    unknown = [names.claim(n) for n, ok in point.items() if ok is None]
    held = len(point) - len(failing) - len(unknown)
    text = f"{held} of {plural(len(point), 'claim')} hold on the point estimate"
    if unknown:
        text += f" ({join(unknown)} cannot be decided)"
    if failing:
        text += f"; {join(failing)} {'does' if len(failing) == 1 else 'do'} not"
    if swept:
        robust = sum(1 for v in swept.values() if float(v["share"]) > 0.5)
        text += f"; {robust} of {len(swept)} hold in more than half of the plausible cases"
    return text + "."


def _claims_table(
    point: Mapping[str, bool | None],
    swept: Document,
    statements: Mapping[str, str],
    names: _Names,
) -> ReportTable:
    sensitive = any(v.get("sensitivity") for v in swept.values())
    rows = []
    for name in dict.fromkeys([*point, *swept]):
        row = [names.claim(name), *([statements.get(name, "")] if statements else [])]
        row.append(_truth(point[name]) if name in point else "not evaluated")
        if name in swept:
            v = swept[name]
            row += [share(v["share"]), f"{share(v['low'])}–{share(v['high'])}"]
        else:
            row += ["not swept", "not swept"]
        if sensitive:
            sensitivity = (swept.get(name) or {}).get("sensitivity") or {}
            row.append(_most_sensitive(sensitivity, names.parameter))
        rows.append(tuple(row))
    headers = (
        "claim",
        *(["what it says"] if statements else []),
        "on the point estimate",
        "share of the plausible range",
        "95% interval",
        *(["most sensitive to"] if sensitive else []),
    )
    return ReportTable(headers, tuple(rows))


def _most_sensitive(sensitivity: Mapping[str, Any], label: Callable[[str], str] = str) -> str:
    """The parameter with the largest rank correlation with the claim holding.

    >>> _most_sensitive({"delta": {"spearman": -0.6}, "c": {"spearman": 0.2}, "d": {"spearman": None}})
    'delta (ρ = -0.6)'
    """
    ranked = [
        (k, v.get("spearman")) for k, v in sensitivity.items() if v.get("spearman") is not None
    ]
    if not ranked:
        return "no parameter"
    name, rho = max(ranked, key=lambda kv: abs(kv[1]))
    return f"{label(name)} (ρ = {rho:.2g})"


def _holds(value: object) -> bool | None:
    """A claim's truth, given as a bool (or ``null``), or as a mapping with ``holds``."""
    if isinstance(value, Mapping):
        value = value.get("holds")
    return None if value is None else bool(value)


def _truth(value: bool | None) -> str:
    return "cannot be decided" if value is None else "holds" if value else "does not hold"


def _calibrated_sentence(posterior: Document, names: _Names) -> str:
    """Each claim's share of a calibrate posterior's draws (``report --posterior``)."""
    claims = {n: v for n, v in posterior["claims"].items() if v["share"] is not None}
    ordered = sorted(claims.items(), key=lambda kv: -float(kv[1]["share"]))
    parts = [
        f"“{names.claim(n)}” holds in {share(v['share'])} of them (95% interval {share(v['low'])}–{share(v['high'])})"
        for n, v in ordered
    ]
    if not parts:
        return ""
    return (
        f"Over the {plural(int(posterior['draws']), 'draw')} calibrated on the library's cases "
        f"before {posterior['before']}, {join(parts)}."
    )


def _sweep_sentence(sweep: Document, names: _Names | None = None) -> str:
    claims = sweep["claims"]
    ordered = sorted(claims.items(), key=lambda kv: -float(kv[1]["share"]))
    parts = [
        f"“{names.claim(n) if names else n}” holds in {share(v['share'])} of draws (95% interval {share(v['low'])}–{share(v['high'])})"
        for n, v in ordered
    ]
    return f"Across {plural(int(sweep['draws']), 'draw')} of the uncertain parameters over their plausible ranges, {join(parts)}."


# --------------------------------------------------------------------------- where claims hold


def discovery_section(data: ReportData) -> Section | None:
    """Where each claim holds: the boxes of parameter values scenario discovery found (PRIM)."""
    found = (data.sweep or {}).get("discovery") or {}
    if not found:
        return None
    sentences, rows, names = [], [], _Names(data)
    for claim, entry in found.items():
        label = names.claim(claim)
        boxes = entry.get("boxes") or []
        if not boxes:
            sentences.append(f"“{label}” has no box: {entry.get('reason', 'none was found')}.")
            continue
        sentences.append(f"“{label}” {box_statement(boxes[0], names.parameter)}.")
        for k, box in enumerate(boxes, start=1):
            rows.append(
                (
                    label,
                    str(k),
                    restrictions(box["restrictions"], names.parameter),
                    share(box["density"]),
                    share(box["coverage"]),
                    share(box["mass"]),
                )
            )
    headers = ("claim", "box", "where", "holds in", "covers", "of all draws")
    tables = (ReportTable(headers, tuple(rows)),) if rows else ()
    method = (
        "Boxes found by PRIM (peeling and pasting, Friedman & Fisher 1999) over the swept "
        "parameters: “holds in” is the box's density, “covers” the share of the draws where the "
        "claim holds that fall in it."
    )
    return Section("discovery", "Where the claims hold", (*sentences, method), tables)


def contents_section(data: ReportData) -> Section | None:
    """What each named solution contains across the draws: its commonest packages."""
    contents = (data.sweep or {}).get("contents")
    if not contents:
        return None
    names = _Names(data)
    rows, sentences = [], []
    for solution, entry in contents.items():
        label = SOLUTION_LABELS.get(solution, solution)
        packages = entry.get("packages") or []
        for package in packages:
            rows.append((label, names.outcome(package["outcome"]), share(package["share"])))
        if entry.get("missing"):
            rows.append((label, "no such solution", share(entry["missing"])))
        if packages:
            top = packages[0]
            sentences.append(
                f"The commonest {label} package, {names.outcome(top['outcome'])}, appears in "
                f"{share(top['share'])} of draws"
                + (f" ({plural(len(packages), 'package')} shown)" if len(packages) > 1 else "")
                + "."
            )
    headers = ("solution", "package", "share of draws")
    draws = int((data.sweep or {}).get("draws", 0))
    fixed = all([p["share"] for p in e.get("packages") or []] == [1.0] for e in contents.values())
    lead = (
        f"Each solution is the same package in every one of the {plural(draws, 'draw')}."
        if fixed
        else f"What the solutions contain varies across the {plural(draws, 'draw')}."
    )
    return Section(
        "contents",
        "What the solutions contain across the draws",
        (lead, *sentences),
        (ReportTable(headers, tuple(rows)),),
        in_brief=False,
    )


SOBOL_SHOWN = 3
"""Parameters per claim in the sensitivity table (largest total-order index first)."""


def sensitivity_section(data: ReportData) -> Section | None:
    """Which parameters each claim's truth depends on, alone (S1) and with others (ST).

    >>> sweep = {"draws": 40, "claims": {"deal": {"share": 0.5, "low": 0.3, "high": 0.7}},
    ...     "sensitivity": {"deal": {"trust": {"S1": 0.6, "S1_conf": 0.05, "ST": 0.8,
    ...     "ST_conf": 0.06}, "cost": {"S1": 0.1, "S1_conf": 0.04, "ST": 0.3, "ST_conf": 0.05}}}}
    >>> section = sensitivity_section(ReportData.from_documents("Demo", {"sweep": sweep}))
    >>> section.sentences[0]
    'Whether “deal” holds depends most on trust: alone it explains 60% of the variance (± 5%), and it takes part in 80% (± 6%).'
    >>> section.tables[0].rows[1]
    ('deal', 'cost', '10% ± 4%', '30% ± 5%')
    """
    sweep = data.sweep or {}
    claims = sweep.get("claims") or {}
    indices: Mapping[str, Mapping[str, Any]] = sweep.get("sensitivity") or {}
    ranked = {name: entry for name, entry in indices.items() if name in claims and entry}
    if not ranked:
        return None
    names = _Names(data)
    sentences = [
        _sensitivity_sentence(names.claim(name), entry, names.parameter)
        for name, entry in ranked.items()
    ]
    sentences.append(
        "First-order Sobol' indices (S1) are the share of the variance of a claim's truth that "
        "a parameter explains alone; total-order indices (ST) the share it takes part in, "
        f"interactions included (from {plural(int(sweep['draws']), 'draw')} of a Saltelli "
        "design, with 95% bootstrap intervals)."
    )
    rows = [
        (
            names.claim(name),
            names.parameter(parameter),
            _index_cell(entry, "S1"),
            _index_cell(entry, "ST"),
        )
        for name, parameters in ranked.items()
        for parameter, entry in list(parameters.items())[:SOBOL_SHOWN]
    ]
    table = ReportTable(("claim", "parameter", "first order S1", "total order ST"), tuple(rows))
    return Section(
        "sensitivity", "Global sensitivity: what each claim depends on", tuple(sentences), (table,)
    )


def _sensitivity_sentence(
    claim: str, parameters: Mapping[str, Mapping[str, float]], label: Callable[[str], str] = str
) -> str:
    key, entry = next(iter(parameters.items()))
    parameter = label(key)
    if entry["ST"] <= 0:
        return sentence(f"whether “{claim}” holds does not vary across the draws")
    return sentence(
        f"whether “{claim}” holds depends most on {parameter}: alone it explains "
        f"{_percent(entry['S1'])} of the variance (± {_percent(entry['S1_conf'])}), and it "
        f"takes part in {_percent(entry['ST'])} (± {_percent(entry['ST_conf'])})"
    )


def _index_cell(entry: Mapping[str, float], key: str) -> str:
    return f"{_percent(entry[key])} ± {_percent(entry[f'{key}_conf'])}"


def _percent(x: float) -> str:
    """An index as a whole percentage (estimates can stray a little below 0 or above 1).

    >>> _percent(0.318), _percent(-0.004)
    ('32%', '0%')
    """
    return f"{round(100 * x) + 0}%"


def whatif_section(data: ReportData) -> Section | None:
    """What it would take for each claim to flip (:mod:`detente.report.whatif`)."""
    if data.whatif is None:
        return None
    names = _Names(data)
    setting = data.setting or {}
    named_setting = {
        **setting,
        "parameters": {names.parameter(k): v for k, v in (setting.get("parameters") or {}).items()},
        "claims": {names.claim(k): v for k, v in (setting.get("claims") or {}).items()},
    }
    parts = whatif_parts(named_whatif(data.whatif, names), named_setting)
    table = ReportTable(parts.headers, parts.rows)
    tables = (table,) if parts.rows else ()
    return Section("whatif", "What would it take", parts.sentences, tables, parts.figures)


# --------------------------------------------------------------------------- what-ifs


def counterfactuals_section(data: ReportData) -> Section | None:
    """Structural what-ifs and counterfactuals: the variants, what changes, claims by choice."""
    whatif, sweep = data.counterfactuals, data.sweep
    by_choice = (sweep or {}).get("by_choice") or {}
    if whatif is None and not by_choice:
        return None
    names = _Names(data)
    sentences: list[str] = []
    tables: list[ReportTable] = []
    if whatif is not None:
        base = _named_case(whatif["base"], names)
        variants = [_named_case(case, names) for case in whatif["variants"]]
        sentences += [_variant_sentence(base, case, names) for case in variants]
        headers = ("", "base case", *(_variant_name(case) for case in variants))
        rows = comparison_rows([base, *variants])
        tables.append(ReportTable(headers, tuple((label, *cells) for label, cells in rows)))
    for name, labels in by_choice.items():
        sentences.append(_choice_sentence(names.parameter(name), labels))
        tables.append(_choice_table(names.parameter(name), labels, names))
    return Section(
        "counterfactuals",
        "Structural what-ifs and counterfactuals",
        tuple(sentences),
        tuple(tables),
    )


def _variant_name(case: Mapping[str, Any]) -> str:
    """A variant's name in words (``no_veto`` → ``no veto``; a choice keeps ``name=label``)."""
    return str(case["name"]).replace("_", " ")


def _named_case(case: Mapping[str, Any], names: _Names) -> dict[str, Any]:
    """A case of the comparison with display names for its positions, issues, claims,
    parameters and parties (the comparison's own formatters then read in words)."""
    issue = names.labels.issue
    path = case.get("path")
    if path and path.get("breaks"):
        path = {**path, "breaks": {**path["breaks"], "party": names.name(path["breaks"]["party"])}}
    agreement = case.get("agreement")
    return {
        **case,
        "sets": {names.parameter(k): v for k, v in (case.get("sets") or {}).items()},
        "positions": {names.labels.position(k): v for k, v in case["positions"].items()},
        "agreement": None if agreement is None else {issue(k): v for k, v in agreement.items()},
        "schedule": None
        if case.get("schedule") is None
        else [{names.item(k): v for k, v in stage.items()} for stage in case["schedule"]],
        "path": path,
        "claims": {names.claim(k): v for k, v in case["claims"].items()},
    }


def _variant_sentence(base: Mapping[str, Any], case: Mapping[str, Any], names: _Names) -> str:
    """What changes under a variant, in words: the agreement, each party's value, the
    positions' standing and the claims that flip."""
    what = f"“{_variant_name(case)}” ({sets_text(case['sets'])}"
    what += f": {case['description']})" if case.get("description") else ")"
    said = []
    before, after = base["agreement"], case["agreement"]
    if before != after:
        if before is None or after is None:
            said.append(
                "no ratifiable agreement" if after is None else "a ratifiable agreement exists"
            )
        else:
            moved = [
                f"{k} {number(before[k])} → {number(v)}" for k, v in after.items() if before[k] != v
            ]
            said.append("the agreement changes: " + ", ".join(moved))
    stages = [len(c.get("schedule") or ()) for c in (base, case)]
    if stages[0] != stages[1] and all(stages):
        said.append(f"the agreement's designed schedule takes {stages[1]} stages, not {stages[0]}")
    if base.get("path") != case.get("path"):
        said.append(f"its path {path_text(case.get('path'))}")
    for party, gain in case["gains"].items():
        if gain.get("change") is not None and abs(gain["change"]) >= 5e-4:
            old = gain["utility"] - gain["change"]
            said.append(f"{names.name(party)} {number(old)} → {number(gain['utility'])}")
    for name, entry in case["positions"].items():
        for key, what_it_is in (("rational", "rational"), ("ratifiable", "ratifiable")):
            if base["positions"][name][key] != entry[key]:
                now = "becomes" if entry[key] else "is no longer"
                said.append(f"“{name}” {now} {what_it_is}")
    flips = [
        f"“{claim}” {'now holds' if truth else 'no longer holds'}"
        for claim, truth in case["claims"].items()
        if base["claims"].get(claim) != truth
    ]
    said += flips
    if not said:
        return f"Under {what} nothing the comparison shows changes."
    return f"Under {what}: {'; '.join(said)}."


def _choice_sentence(name: str, labels: Mapping[str, Any]) -> str:
    counts = [
        f"{label} in {plural(int(entry['draws']), 'draw')}" for label, entry in labels.items()
    ]
    return f"The sweep drew {name} as {join(counts)}; the table gives each claim's share given each choice."


def _choice_table(name: str, labels: Mapping[str, Any], names: _Names) -> ReportTable:
    rows = [(names.claim(claim), *cells) for claim, cells in share_rows(labels, share)]
    headers = ("claim", *(f"{name} = {label}" for label in labels))
    return ReportTable(headers, tuple(rows))


def synthesis_section(data: ReportData) -> Section | None:
    """The opening synthesis: the case, the answer and its robustness, what it turns on, what
    would change it, and the claims by theme (:mod:`detente.report.synthesis`)."""
    found = synthesis(data, _Names(data))
    if found is None:
        return None
    table = ReportTable(found.headers, found.rows)
    return Section("synthesis", "In brief", found.sentences, (table,), in_brief=False)


SectionBuilder = Callable[[ReportData], Section | None]

REPORT_SECTIONS: list[SectionBuilder] = [
    synthesis_section,
    setting_section,
    space_section,
    win_sets_section,
    schedule_section,
    trust_section,
    implementation_section,
    partial(record_section, make=Section, table=ReportTable),
    robust_section,
    stakeholders_section,
    claims_section,
    whatif_section,
    counterfactuals_section,
    discovery_section,
    sensitivity_section,
    contents_section,
]
"""The report's sections in reading order."""


def build_sections(data: ReportData) -> tuple[Section, ...]:
    """Every section whose data is present, in order.

    >>> data = ReportData.from_documents("Demo", {"sweep": {"draws": 40, "claims": {
    ...     "deal_exists": {"share": 0.9, "low": 0.77, "high": 0.96}}}})
    >>> [s.key for s in build_sections(data)]
    ['synthesis', 'claims']
    >>> build_sections(data)[1].sentences[0]
    'Across 40 draws of the uncertain parameters over their plausible ranges, “deal exists” holds in 90% of draws (95% interval 77%–96%).'
    """
    return tuple(s for s in (build(data) for build in REPORT_SECTIONS) if s is not None)
