"""The explorer's Plotly figures, built from a view's results (no browser, no Dash).

Figures are plain Plotly JSON (``{"data": [...], "layout": {...}}``), which ``dcc.Graph``
draws as it is: building them through ``plotly.graph_objects`` validated and deep-copied every
property and took 0.35 s of a Hanoi view's 0.5 s on the server; as dictionaries they take
milliseconds.

- :func:`schedule_figure`: a package's schedule as a Gantt-style chart, stages across, items
  down, each bar the amount its giver delivers in that stage, coloured by giver; the
  equilibrium path's break (who, in which stage, withholding what) is marked on it.
- :func:`outcome_figure`: every outcome's utility to two signatories, each side's win-set and
  the ratifiable intersection distinct, no deal, the agreement and the named positions.
- :func:`values_figure`: each party's (and the ally's) value at no deal, at the agreement and
  on the shown schedule's equilibrium path.
- :func:`sweep_figure`: a sweep's draws over two parameters, coloured by a claim (box select
  brushes the draws whose claim shares the page reports).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.explorer.evaluation import AGREEMENT, Cloud, Evaluation, Package
from detente.labels import Labels

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
"""Party colours, in the document's party order."""
NOISE = 1e-9
"""Amounts at or below this are not drawn."""

Figure = dict[str, Any]
"""A Plotly figure as JSON: ``{"data": [trace, ...], "layout": {...}}``."""


AXIS = {"gridcolor": "#eeeeee", "zerolinecolor": "#dddddd", "automargin": True}


def _figure(data: list[dict[str, Any]], title: str, height: int = 360, **layout: Any) -> Figure:
    """A figure of ``data`` traces with the explorer's common layout (and ``layout``'s keys)."""
    common: dict[str, Any] = {
        "title": {"text": title, "x": 0.01, "font": {"size": 14}},
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 40},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis": dict(AXIS),
        "yaxis": dict(AXIS),
    }
    for key, value in layout.items():
        common[key] = {**common[key], **value} if key in ("xaxis", "yaxis") else value
    return {"data": data, "layout": common}


def _floats(values: NDArray[Any]) -> list[float]:
    return [float(v) for v in values]


CELLS = 160
"""The outcome scatter draws one point per cell of a CELLS × CELLS grid over its axes' ranges
and per layer: a cell is about 3 pixels, less than a marker, so the picture is the same, and
the browser draws a Hanoi view's 5,120 outcomes as about 2,700 points (the legend counts all)."""


def cells_of(
    x: NDArray[np.float64], y: NDArray[np.float64], cells: int = CELLS
) -> NDArray[np.int64]:
    """Each point's cell of a ``cells`` × ``cells`` grid over the points' ranges."""
    if x.size == 0:
        return np.zeros(0, dtype=np.int64)
    width = max(float(np.ptp(x)), 1e-12)
    height = max(float(np.ptp(y)), 1e-12)
    column = np.round((x - x.min()) / width * cells).astype(np.int64)
    row = np.round((y - y.min()) / height * cells).astype(np.int64)
    return np.asarray(column * (cells + 1) + row, dtype=np.int64)


def thinned(cells: NDArray[np.int64]) -> NDArray[np.intp]:
    """The indices of one point per cell (the first of each), in order.

    >>> x, y = np.array([0.0, 0.001, 1.0]), np.array([0.0, 0.0, 1.0])
    >>> thinned(cells_of(x, y)).tolist()
    [0, 2]
    """
    _, first = np.unique(cells, return_index=True)
    return np.sort(first)


def empty() -> Figure:
    """A figure with nothing drawn (where a view has nothing to show)."""
    hidden = {"visible": False}
    return _figure([], "", height=60, xaxis=hidden, yaxis=hidden)


def package_label(name: str, labels: Labels) -> str:
    """A package's display name: the agreement, or the position's label.

    >>> package_label("agreement", Labels()), package_label("us_big_deal", Labels())
    ('the agreement', 'us big deal')
    """
    return "the agreement" if name == AGREEMENT else labels.position(name)


def party_colours(parties: Sequence[str]) -> dict[str, str]:
    """A colour per party id, in order.

    >>> party_colours(["us", "nk"])
    {'us': '#1f77b4', 'nk': '#d62728'}
    """
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(parties)}


def schedule_bars(package: Package) -> list[dict[str, Any]]:
    """The bars of a schedule: ``{stage, item, giver, amount}`` for each positive amount, stage
    by stage in the package's item order."""
    bars = []
    for stage, amounts in enumerate(package.schedule, start=1):
        for item, amount in amounts.items():
            if amount > NOISE:
                giver = package.givers.get(item, "")
                bars.append({"stage": stage, "item": item, "giver": giver, "amount": amount})
    return bars


def break_text(path: Mapping[str, Any], labels: Labels) -> str:
    """Where the equilibrium path breaks, in words (or that it is carried out in full).

    >>> break_text({"completed": True, "breaks": None}, Labels())
    'the equilibrium path carries the schedule out in full'
    >>> path = {"completed": False, "breaks": {"stage": 1, "party": "nk", "withholds": None,
    ...         "goes_on": False, "shortfall": 2.5}}
    >>> break_text(path, Labels())
    'breaks in stage 1: nk withholds everything (short by 2.5); the deal ends'
    """
    broken = path.get("breaks")
    if broken is None:
        if path.get("completed"):
            return "the equilibrium path carries the schedule out in full"
        lapse = path.get("lapses") or {}
        return f"cut off in stage {lapse.get('stage', '?')} by {lapse.get('event', 'a deadline')}"
    what = "everything" if broken["withholds"] is None else labels.item(broken["withholds"])
    after = (
        "the others answer in proportion and it goes on" if broken["goes_on"] else "the deal ends"
    )
    return (
        f"breaks in stage {broken['stage']}: {labels.party(broken['party'])} withholds {what} "
        f"(short by {broken['shortfall']:.3g}); {after}"
    )


def schedule_figure(package: Package, parties: Sequence[str], labels: Labels) -> Figure:
    """A package's schedule as a Gantt-style chart, with where its equilibrium path breaks."""
    colours = party_colours(parties)
    bars = schedule_bars(package)
    items = list(dict.fromkeys(bar["item"] for bar in bars))
    names = {
        item: f"{labels.item(item)} ({labels.party(package.givers.get(item, ''))})"
        for item in items
    }
    data = []
    for giver in dict.fromkeys(bar["giver"] for bar in bars):
        own = [bar for bar in bars if bar["giver"] == giver]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "x": [1.0] * len(own),
                "base": [bar["stage"] - 1 for bar in own],
                "y": [names[bar["item"]] for bar in own],
                "marker": {"color": colours.get(giver, "#7f7f7f")},
                "text": [f"{bar['amount']:.3g}" for bar in own],
                "textposition": "inside",
                "name": f"given by {labels.party(giver)}",
                "customdata": [bar["stage"] for bar in own],
                "hovertemplate": "%{y}: %{text} in stage %{customdata}<extra></extra>",
            }
        )
    stages = max(len(package.schedule), 1)
    broken = package.path.get("breaks")
    shapes = []
    if broken is not None:
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": broken["stage"] - 1,
                "x1": broken["stage"],
                "y0": 0,
                "y1": 1,
                "fillcolor": "#d62728",
                "opacity": 0.12,
                "line": {"width": 0},
            }
        )
    kind = "designed self-enforcing schedule" if package.designed else "the whole package at once"
    return _figure(
        data,
        f"{package_label(package.name, labels)}: {kind}",
        height=max(260, 60 + 32 * len(items)),
        shapes=shapes,
        xaxis={
            "range": [0, stages],
            "tickvals": [k - 0.5 for k in range(1, stages + 1)],
            "ticktext": [f"stage {k}" for k in range(1, stages + 1)],
            "showgrid": False,
        },
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": [names[i] for i in items],
        },
    )


def outcome_figure(cloud: Cloud, document: Mapping[str, Any], labels: Labels) -> Figure:
    """The outcomes in the two signatories' utilities: each side's win-set, the ratifiable
    intersection, no deal, the agreement and the named positions."""
    a, b = cloud.parties
    neither = ~(cloud.in_win_set[a] | cloud.in_win_set[b]) & ~cloud.common
    layers: list[tuple[str, NDArray[np.bool_], str, int]] = [
        ("in neither win-set", neither, "#c7c7c7", 4),
        (f"only {labels.party(a)} can ratify", cloud.in_win_set[a] & ~cloud.common, "#9ecae1", 5),
        (f"only {labels.party(b)} can ratify", cloud.in_win_set[b] & ~cloud.common, "#fcae91", 5),
        ("both can ratify (ratifiable)", cloud.common, "#2ca02c", 7),
    ]
    data = []
    cells = cells_of(cloud.x, cloud.y)
    for name, mask, colour, size in layers:
        x, y = cloud.x[mask], cloud.y[mask]
        kept = thinned(cells[mask])
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": _floats(x[kept]),
                "y": _floats(y[kept]),
                "marker": {"color": colour, "size": size},
                "name": f"{name}: {int(mask.sum()):,}",
                "hoverinfo": "skip",
            }
        )
    data.append(_marker("no deal", [cloud.reservation], "x", "#000000"))
    parties = list(document.get("parties", []))
    index = [parties.index(a), parties.index(b)]
    agreement = document.get("agreement")
    if agreement:
        point = [(agreement["utilities"][index[0]], agreement["utilities"][index[1]])]
        data.append(_marker("agreement", point, "star", "#000000", size=16))
    for name, position in (document.get("positions") or {}).items():
        point = [(position["utilities"][index[0]], position["utilities"][index[1]])]
        data.append(_marker(labels.position(name), point, "diamond", "#ff7f0e", size=11))
    title = f"{cloud.size:,} outcomes; {int(cloud.common.sum()):,} both sides can ratify"
    return _figure(
        data,
        title,
        height=460,
        xaxis={"title": {"text": f"{labels.party(a)}'s utility"}, "zeroline": False},
        yaxis={"title": {"text": f"{labels.party(b)}'s utility"}, "zeroline": False},
    )


def _marker(
    name: str, points: Sequence[tuple[float, float]], symbol: str, colour: str, size: int = 12
) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [float(p[0]) for p in points],
        "y": [float(p[1]) for p in points],
        "marker": {
            "symbol": symbol,
            "size": size,
            "color": colour,
            "line": {"width": 1, "color": "#ffffff"},
        },
        "name": name,
        "hovertemplate": f"{name}: (%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
    }


def value_rows(evaluation: Evaluation, package: Package | None) -> list[dict[str, Any]]:
    """Each party's value: at no deal, at the agreement, on the shown schedule's path; and for
    each stakeholder (an ally that signs nothing) its value under each solution.

    Rows are ``{party, role, no_deal, agreement, path}`` (``None`` where there is none).
    """
    document = evaluation.document
    parties = list(document.get("parties", []))
    signatories = set(document.get("signatories", parties))
    agreement = document.get("agreement")
    path_values = {} if package is None else dict(package.path.get("values") or {})
    return [
        {
            "party": party,
            "role": "signatory" if party in signatories else "stakeholder",
            "no_deal": document["reservation_values"][k],
            "agreement": None if not agreement else agreement["utilities"][k],
            "path": path_values.get(party),
        }
        for k, party in enumerate(parties)
    ]


def values_figure(rows: Sequence[Mapping[str, Any]], labels: Labels, shown: str) -> Figure:
    """Grouped bars of :func:`value_rows`: no deal, the agreement, the shown schedule's path."""
    names = [f"{labels.party(r['party'])} ({r['role']})" for r in rows]
    data = []
    for key, title, colour in (
        ("no_deal", "no deal", "#7f7f7f"),
        ("agreement", "the agreement", "#2ca02c"),
        ("path", f"path of {shown}", "#1f77b4"),
    ):
        values = [r[key] for r in rows]
        if all(v is None for v in values):
            continue
        data.append(
            {
                "type": "bar",
                "x": names,
                "y": [0.0 if v is None else float(v) for v in values],
                "name": title,
                "marker": {"color": colour},
                "hovertemplate": "%{x}: %{y:.3g}<extra>" + title + "</extra>",
            }
        )
    return _figure(data, "Each party's value", height=320, barmode="group")


def sweep_figure(
    x: NDArray[Any], y: NDArray[Any], holds: NDArray[np.bool_], names: tuple[str, str], claim: str
) -> Figure:
    """A sweep's draws over two parameters, the claim holding or not; drag a box to brush."""
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": _floats(x[mask]),
            "y": _floats(y[mask]),
            "marker": {"color": colour, "size": 6, "opacity": 0.7},
            "name": f"{claim} {title}",
            "hoverinfo": "skip",
        }
        for mask, title, colour in (
            (holds, "holds", "#2ca02c"),
            (~holds, "does not hold", "#d62728"),
        )
    ]
    return _figure(
        data,
        "Draws (drag a box to keep the draws inside it)",
        height=400,
        dragmode="select",
        xaxis={"title": {"text": names[0]}},
        yaxis={"title": {"text": names[1]}},
    )
