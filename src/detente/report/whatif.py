"""The report's "What would it take" section: which parameters flip which claims, and where.

The producer (:func:`whatif_document`) analyses the scenario file at the point
estimate (with the report's ``--set`` values) and:

1. swings every parameter a sweep draws to the low and high end of its range
   (a categorical one to each of its labels), the others at the point estimate
   (:func:`~detente.experiments.thresholds.tornado`);
2. for every claim a parameter flips at an end of its range, bisects that
   parameter's thresholds, starting from the brackets the tornado already
   evaluated (low, point estimate, high) to :data:`TOLERANCE` of the range
   (only those pairs: not every claim × parameter). A pair of crossings inside
   one of those brackets (the claim flipping and flipping back) is not seen;
   ``detente threshold`` searches a finer grid. A categorical parameter has no
   threshold: the claims it flips are listed with their truth at each label
   (:func:`flip_choices`);
3. maps the first claim (in file order) that at least two parameters flip over
   the two that flip it on the largest share of their ranges
   (:data:`MAP_GRID` × :data:`MAP_GRID` points).

Analyses run in up to :data:`WORKERS` local processes when the scenario's
analysis is slow enough for that to pay (:data:`PARALLEL_ABOVE`).
The builder (:func:`whatif_section`) turns the document into sentences, two
tables and three figures; every number in them is read from the document.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from detente.experiments import thresholds as th
from detente.experiments.scenario_text import ScenarioText
from detente.report.data import Document
from detente.report.figures import INK, MUTED, PALETTE, FigureSpec, _style
from detente.report.text import join, number, plural, share
from detente.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TOLERANCE = 1 / 50
"""Bisection tolerance of the report's thresholds, as a share of the parameter's range."""
MAP_GRID = 7
"""Grid points per parameter of the report's two-way map."""
WORKERS = 2
"""Most local processes the section's analyses use."""
PARALLEL_ABOVE = 0.05
"""Seconds one analysis must take before the section analyses in parallel."""
SHOWN_BARS = 12
"""Most parameters the field tornado chart draws (the largest swings)."""


# --------------------------------------------------------------------------- the producer


def whatif_document(scenario: Scenario, text: ScenarioText) -> Document | None:
    """The tornado, the thresholds of every flip it shows, and a two-way map (see the module).

    ``text`` is ``scenario``'s file with the same ``--set`` values; ``None`` when
    the scenario declares no claim or no parameter with a range or choices.
    """
    if not scenario.claims or not th.swung_parameters(text):
        return None
    evaluations = th.Evaluations(text)
    started = time.perf_counter()
    point = evaluations.at({})
    if point is None:
        return None
    if time.perf_counter() - started > PARALLEL_ABOVE:
        evaluations.workers = min(WORKERS, os.cpu_count() or 1)
    claims = [th.ClaimTarget(c) for c in scenario.claims]
    fields = [th.field_target(f, point) for f in th.default_fields(point)]
    tornado = th.tornado(evaluations, claims, fields)
    thresholds = flip_thresholds(evaluations, tornado)
    return {
        "tornado": tornado,
        "thresholds": thresholds,
        "choices": flip_choices(tornado),
        "map": _map(evaluations, claims, thresholds),
        "tolerance": TOLERANCE,
        "evaluations": evaluations.count,
    }


def flip_thresholds(
    evaluations: th.Evaluations, tornado: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """For each parameter and each claim it flips at an end of its range: the crossings.

    The grid is the tornado's own points (low end, point estimate, high end),
    so only the bisection steps are new analyses. One bisection per parameter
    follows all the claims it flips at once (claims that flip together share
    every analysis), and all parameters are bisected in step.
    """
    records = evaluations.records
    claims = {c.name: c for c in _claims(evaluations)}
    searches: list[tuple[Mapping[str, Any], th.OneWay, th.Search]] = []
    for row in tornado["parameters"]:
        if not row["flips"] or "labels" in row:
            continue
        low, high = row["low"], row["high"]
        grid = tuple(sorted(_inside(low, high, row["point"])))
        search = th.OneWay.of(records[row["name"]], 2, TOLERANCE * (high - low))
        targets = tuple(claims[c] for c in row["flips"])
        state = partial(_states, evaluations, targets, row["name"])
        searches.append(
            (row, search, th.Search(state, grid, search.tolerance, search.integer, row["name"]))
        )
    found = th.bisect_all(
        [s for _, _, s in searches],
        lambda points: evaluations.prefetch([{n: x} for n, x in points]),
    )
    thresholds = []
    for (row, search, bisected), crossings in zip(searches, found, strict=True):
        for k, claim in enumerate(row["flips"]):
            mine = [
                {"value": c.value, "below": c.below[k], "above": c.above[k]}
                for c in crossings
                if c.below[k] != c.above[k]
            ]
            thresholds.append(
                {
                    "claim": claim,
                    **search.json(),
                    "grid": len(bisected.grid),
                    "at": row["point"],
                    "ends": row["claims"][claim],
                    "crossings": mine,
                }
            )
    order = {c: i for i, c in enumerate(claims)}
    return sorted(thresholds, key=lambda t: order[t["claim"]])


def flip_choices(tornado: Mapping[str, Any]) -> list[dict[str, Any]]:
    """For each categorical parameter and each claim it flips: the claim's truth at each label.

    Returns ``[{"claim", "parameter", "at" (the point estimate's label), "holds": {LABEL:
    bool}}]`` in the tornado's claim order (a claim's ``null`` counts as not holding).

    >>> flip_choices({"claims": ["c"], "parameters": [{"name": "rule", "point": "veto",
    ...     "flips": ["c"], "labels": {"veto": {"claims": {"c": True}},
    ...                                "none": {"claims": {"c": None}}}}]})
    [{'claim': 'c', 'parameter': 'rule', 'at': 'veto', 'holds': {'veto': True, 'none': False}}]
    """
    found = [
        {
            "claim": claim,
            "parameter": row["name"],
            "at": row["point"],
            "holds": {k: bool(v["claims"][claim]) for k, v in row["labels"].items()},
        }
        for row in tornado["parameters"]
        if "labels" in row
        for claim in row["flips"]
    ]
    order = {c: i for i, c in enumerate(tornado["claims"])}
    return sorted(found, key=lambda c: order[c["claim"]])


def _inside(low: float, high: float, point: float) -> set[float]:
    return {x for x in (low, high, float(point)) if low <= x <= high}


def _states(
    evaluations: th.Evaluations, targets: Sequence[th.ClaimTarget], name: str, x: float
) -> tuple[bool, ...]:
    results = evaluations.at({name: x})
    return tuple(bool(t.of(results)) for t in targets)


def _claims(evaluations: th.Evaluations) -> list[th.ClaimTarget]:
    return [th.ClaimTarget(c) for c in evaluations.text.claims]


def flipped_share(threshold: Mapping[str, Any]) -> float:
    """The share of the parameter's range where the claim differs from its point-estimate truth.

    >>> flipped_share({"range": [0, 1], "ends": {"low": False, "point": True, "high": True},
    ...                "crossings": [{"value": 0.25, "below": False, "above": True}]})
    0.25
    """
    low, high = threshold["range"]
    point = threshold["ends"]["point"]
    pieces = holding_pieces(threshold)
    differs = sum(b - a for a, b, truth in pieces if truth != point)
    return float(differs / (high - low))


def holding_pieces(threshold: Mapping[str, Any]) -> list[tuple[float, float, bool]]:
    """The range cut at the crossings, with the claim's truth on each piece.

    >>> holding_pieces({"range": [0, 1], "ends": {"low": False},
    ...                 "crossings": [{"value": 0.4, "below": False, "above": True}]})
    [(0, 0.4, False), (0.4, 1, True)]
    """
    low, high = threshold["range"]
    cuts = [c["value"] for c in threshold["crossings"]]
    truths = [threshold["ends"]["low"], *(c["above"] for c in threshold["crossings"])]
    bounds = [low, *cuts, high]
    return [(bounds[i], bounds[i + 1], bool(truths[i])) for i in range(len(truths))]


def _map(
    evaluations: th.Evaluations, claims: Sequence[th.ClaimTarget], thresholds: Sequence[Document]
) -> dict[str, Any] | None:
    for claim in claims:
        mine = [t for t in thresholds if t["claim"] == claim.name]
        if len(mine) < 2:
            continue
        ranked = sorted(mine, key=lambda t: -flipped_share(t))[:2]
        records = evaluations.records
        first, second = (th.OneWay.of(records[t["parameter"]], MAP_GRID, None) for t in ranked)
        return th.two_way(evaluations, claim, first, second)
    return None


# --------------------------------------------------------------------------- the section


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The section's content: its sentences, the thresholds table and the figures to draw."""

    sentences: tuple[str, ...]
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    figures: tuple[FigureSpec, ...]


def whatif_parts(document: Document, setting: Document | None) -> WhatIf:
    """What the "What would it take" section says and shows, from the ``whatif`` document.

    ``setting`` gives each parameter's source and each claim's statement.
    """
    tornado = document["tornado"]
    rows = tornado["parameters"]
    sources = {n: p.get("source") for n, p in ((setting or {}).get("parameters") or {}).items()}
    statements = (setting or {}).get("claims") or {}
    flipping = [r for r in rows if r["flips"]]
    categorical = sum(1 for r in rows if "labels" in r)
    sentences = [_tornado_sentence(len(rows), len(flipping), categorical)]
    by_claim: dict[str, list[Document]] = {}
    for t in document["thresholds"]:
        by_claim.setdefault(t["claim"], []).append(t)
    for claim, found in by_claim.items():
        sentences.append(_claim_sentence(claim, statements.get(claim), found, sources))
    sentences.extend(_choice_sentence(c, sources) for c in document.get("choices", ()))
    if document.get("map"):
        sentences.append(_map_sentence(document["map"]))
    sentences.extend(_field_sentences(tornado))
    sentences.append(
        f"Thresholds are bisected to {share(document['tolerance'])} of each range from the "
        "tornado's points, one parameter at a time; `detente threshold` searches a finer grid."
    )
    headers, table = _threshold_table(document["thresholds"])
    return WhatIf(tuple(sentences), headers, table, _figures(document))


def _tornado_sentence(swung: int, flipping: int, categorical: int = 0) -> str:
    """The section's summary (``categorical`` of the ``swung`` parameters are categorical).

    >>> _tornado_sentence(1, 1)
    'Swinging the 1 uncertain parameter to the ends of its plausible range, the others at the point estimate, 1 parameter flips at least one claim.'
    >>> _tornado_sentence(3, 0, 2)
    'Swinging each of the 3 uncertain parameters to the ends of its plausible range (the 2 categorical ones to each of their labels), the others at the point estimate, no claim flips.'
    """
    each = "the" if swung == 1 else "each of the"
    found = (
        f"{plural(flipping, 'parameter')} {'flips' if flipping == 1 else 'flip'} at least one claim"
        if flipping
        else "no claim flips"
    )
    labels = ""
    if categorical:
        ones = "the categorical one" if categorical == 1 else f"the {categorical} categorical ones"
        labels = f" ({ones} to each of {'its' if categorical == 1 else 'their'} labels)"
    return (
        f"Swinging {each} {plural(swung, 'uncertain parameter')} to the ends of its plausible "
        f"range{labels}, the others at the point estimate, {found}."
    )


def _condition(threshold: Mapping[str, Any], label: Callable[[str], str] = str) -> str:
    """Where the claim differs from its point-estimate truth, e.g. ``delta_nk ≥ 0.912``
    (``label`` gives the parameter's display name)."""
    name = label(threshold["parameter"])
    point = threshold["ends"]["point"]
    pieces = [(a, b) for a, b, truth in holding_pieces(threshold) if truth != point]
    low, high = threshold["range"]
    parts = []
    for a, b in pieces:
        if a == low and b == high:
            parts.append(f"any {name} in its range")
        elif a == low:
            parts.append(f"{name} ≤ {number(b)}")
        elif b == high:
            parts.append(f"{name} ≥ {number(a)}")
        else:
            parts.append(f"{name} between {number(a)} and {number(b)}")
    return join(parts, "or")


def _cited(source: str | None) -> str:
    """A parameter's source in brief: its first clause and the references it cites.

    >>> _cited("assumption: NK discount per stage (GDP fell [@quantities])")
    'assumption [@quantities]'
    """
    if not source:
        return ""
    keys = re.findall(r"\[@[^\]]+\]", source)
    head = source.split(":")[0].strip()
    return " ".join([head, *dict.fromkeys(keys)])


def _claim_sentence(
    claim: str, statement: str | None, found: Sequence[Document], sources: Mapping[str, Any]
) -> str:
    holds = bool(found[0]["ends"]["point"])
    said = f"“{claim}”" + (f" ({statement})" if statement else "")
    conditions = []
    for t in found:
        cited = _cited(sources.get(t["parameter"]))
        where = f"point estimate {number(t['at'])}{'; ' + cited if cited else ''}"
        conditions.append(f"{_condition(t)} ({where})")
    verb = "would stop holding" if holds else "would hold"
    now = "holds" if holds else "does not hold"
    return f"{said} {now} at the point estimate; it {verb} with {join(conditions, 'or with')}."


def _choice_sentence(choice: Mapping[str, Any], sources: Mapping[str, Any]) -> str:
    """Where a claim holds among a categorical parameter's labels.

    >>> _choice_sentence({"claim": "c", "parameter": "rule", "at": "veto",
    ...                   "holds": {"veto": True, "none": False}}, {})
    '“c” holds with rule = veto and not with none (point estimate veto).'
    """
    name, holds = choice["parameter"], choice["holds"]
    yes = [label for label, truth in holds.items() if truth]
    no = [label for label, truth in holds.items() if not truth]
    cited = _cited(sources.get(name))
    where = f"point estimate {choice['at']}{'; ' + cited if cited else ''}"
    return (
        f"“{choice['claim']}” holds with {name} = {join(yes, 'or')} and not with "
        f"{join(no, 'or')} ({where})."
    )


def _map_sentence(grid: Mapping[str, Any]) -> str:
    first, second = grid["parameters"]
    cells = [v for row in grid["holds"] for v in row]
    held = sum(1 for v in cells if v)
    return (
        f"Over {first} and {second} together (the two that flip “{grid['claim']}” on the largest "
        f"share of their ranges), it holds in {held} of {len(cells)} grid points."
    )


def _field_sentences(tornado: Mapping[str, Any]) -> list[str]:
    sentences = []
    for name in tornado["fields"]:
        moving = [r for r in tornado["parameters"] if r["fields"][name]["swing"]]
        if not moving:
            continue
        top = max(moving, key=lambda r: r["fields"][name]["swing"])
        f = top["fields"][name]
        if "labels" in top:
            each = [f"{_value(v['fields'][name])} with {k}" for k, v in top["labels"].items()]
            sentences.append(
                f"{name} ({_value(f['point'])} at the point estimate) moves most with "
                f"{top['name']}: {join(each)}."
            )
            continue
        sentences.append(
            f"{name} ({_value(f['point'])} at the point estimate) moves most with {top['name']}: "
            f"{_value(f['low'])} at its low end, {_value(f['high'])} at its high end."
        )
    return sentences


def _value(v: Any) -> str:
    return "null (none)" if v is None else number(float(v))


def _threshold_table(
    thresholds: Sequence[Document],
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    rows = []
    for t in thresholds:
        ends = t["ends"]
        crossings = ", ".join(number(c["value"]) for c in t["crossings"]) or "none found"
        rows.append(
            (
                t["claim"],
                t["parameter"],
                f"{number(t['range'][0])}–{number(t['range'][1])}",
                number(t["at"]),
                crossings,
                " / ".join("holds" if ends[k] else "not" for k in ("low", "point", "high")),
            )
        )
    headers = ("claim", "parameter", "range", "point estimate", "threshold", "low / point / high")
    return headers, tuple(rows)


# --------------------------------------------------------------------------- figures


def _figures(document: Mapping[str, Any]) -> tuple[FigureSpec, ...]:
    specs = []
    tornado = document["tornado"]
    flipping = [r for r in tornado["parameters"] if r["flips"]]
    if flipping:
        alt = "Which parameters flip which claims at the low or high end of their ranges."
        size = (7.0, 1.4 + 0.32 * len(flipping))
        specs.append(
            FigureSpec(
                "whatif-claims",
                alt,
                partial(claim_flips, rows=flipping, claims=tornado["claims"]),
                size,
            )
        )
    if document.get("map"):
        alt = f"Where “{document['map']['claim']}” holds over two parameters."
        specs.append(
            FigureSpec("whatif-map", alt, partial(heat_map, grid=document["map"]), (6.0, 4.6))
        )
    moving = {
        name: sum(
            1 for r in tornado["parameters"] if r["fields"][name]["swing"] and "labels" not in r
        )
        for name in tornado["fields"]
    }
    if moving and max(moving.values()) > 0:
        name = max(moving, key=lambda n: moving[n])  # the field most parameters move
        alt = f"How far {name} moves when each parameter is at an end of its range."
        draw = partial(field_tornado, rows=tornado["parameters"], field=name)
        specs.append(FigureSpec("whatif-tornado", alt, draw, (7.0, 4.4)))
    return tuple(specs)


def claim_flips(figure: Figure, rows: Sequence[Mapping[str, Any]], claims: Sequence[str]) -> None:
    """A grid of parameters × claims, marking a claim flipped at the low or high end of a range."""
    ax = figure.add_subplot()
    _style(ax)
    marks = {"low": ("<", PALETTE[0]), "high": (">", PALETTE[1])}
    for y, row in enumerate(rows):
        for x, claim in enumerate(claims):
            v = row["claims"][claim]
            if "labels" in row:
                if claim in row["flips"]:
                    ax.scatter([x], [y], marker="D", s=40, color=PALETTE[2])
                continue
            for end, (marker, colour) in marks.items():
                if v[end] != v["point"]:
                    shift = -0.15 if end == "low" else 0.15
                    ax.scatter([x + shift], [y], marker=marker, s=60, color=colour)
    ax.set_yticks(range(len(rows)), [r["name"] for r in rows], fontsize=8)
    ax.set_xticks(range(len(claims)), claims, rotation=40, ha="right", fontsize=8)
    ax.set_xlim(-0.6, len(claims) - 0.4)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.grid(True, color=MUTED, lw=0.3, alpha=0.5)
    for end, (marker, colour) in marks.items():
        ax.scatter([], [], marker=marker, color=colour, label=f"flips at the {end} end")
    if any("labels" in row for row in rows):
        ax.scatter([], [], marker="D", color=PALETTE[2], label="flips at another label")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def heat_map(figure: Figure, grid: Mapping[str, Any]) -> None:
    """Where a claim holds on a grid over two parameters, with the point estimate marked."""
    import numpy as np
    from matplotlib.colors import ListedColormap

    ax = figure.add_subplot()
    _style(ax)
    first, second = grid["parameters"]
    xs, ys = grid["grid"][first], grid["grid"][second]
    holds = np.array([[1.0 if v else 0.0 for v in row] for row in grid["holds"]])
    colours = ListedColormap(["#f2f2f2", PALETTE[2]])
    ax.pcolormesh(_edges(xs), _edges(ys), holds, cmap=colours, vmin=0, vmax=1, shading="flat")
    at = grid["at"]
    ax.scatter([at[first]], [at[second]], marker="X", s=80, color=INK, label="point estimate")
    ax.scatter([], [], marker="s", color=PALETTE[2], label=f"“{grid['claim']}” holds")
    ax.set_xlabel(first, fontsize=10)
    ax.set_ylabel(second, fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _edges(values: Sequence[float]) -> list[float]:
    """Cell edges around grid points (half-way between neighbours).

    >>> _edges([0.0, 1.0, 2.0])
    [-0.5, 0.5, 1.5, 2.5]
    """
    if len(values) == 1:
        return [values[0] - 0.5, values[0] + 0.5]
    mids = [(a + b) / 2 for a, b in itertools.pairwise(values)]
    return [2 * values[0] - mids[0], *mids, 2 * values[-1] - mids[-1]]


def field_tornado(figure: Figure, rows: Sequence[Mapping[str, Any]], field: str) -> None:
    """Horizontal bars from the point value to the value at each end of each parameter's range
    (numeric parameters only: a categorical one's values are in the section's sentences)."""
    ax = figure.add_subplot()
    _style(ax)
    moving = [r for r in rows if r["fields"][field]["swing"] and "labels" not in r]
    moving = sorted(moving, key=lambda r: -r["fields"][field]["swing"])[:SHOWN_BARS]
    point = moving[0]["fields"][field]["point"]
    centre = float(point) if point is not None else 0.0
    from matplotlib.patches import Patch

    ends = (("low", PALETTE[0], -0.18), ("high", PALETTE[1], 0.18))
    for y, row in enumerate(moving):
        f = row["fields"][field]
        for end, colour, shift in ends:
            if f[end] is None:  # (none: e.g. no schedule of up to the most stages)
                ax.text(centre, y + shift, " null", va="center", fontsize=7, color=colour)
            else:
                ax.barh(y + shift, float(f[end]) - centre, left=centre, color=colour, height=0.34)
    handles = [Patch(color=colour, label=f"{end} end of its range") for end, colour, _ in ends]
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="best")
    ax.axvline(centre, color=INK, lw=1)
    ax.set_yticks(range(len(moving)), [r["name"] for r in moving], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(f"{field} (line: point estimate {number(centre)})", fontsize=10)
