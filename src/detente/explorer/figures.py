"""The explorer's Plotly figures, built from a view's results (no browser, no Dash).

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
import plotly.graph_objects as go
from numpy.typing import NDArray

from detente.explorer.evaluation import Cloud, Evaluation, Package
from detente.labels import Labels

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
"""Party colours, in the document's party order."""
NOISE = 1e-9
"""Amounts at or below this are not drawn."""


def _layout(figure: go.Figure, title: str, height: int = 360) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 14}},
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.15},
    )
    return figure


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


def schedule_figure(package: Package, parties: Sequence[str], labels: Labels) -> go.Figure:
    """A package's schedule as a Gantt-style chart, with where its equilibrium path breaks."""
    colours = party_colours(parties)
    figure = go.Figure()
    bars = schedule_bars(package)
    items = list(dict.fromkeys(bar["item"] for bar in bars))
    names = {
        item: f"{labels.item(item)} ({labels.party(package.givers.get(item, ''))})"
        for item in items
    }
    for giver in dict.fromkeys(bar["giver"] for bar in bars):
        own = [bar for bar in bars if bar["giver"] == giver]
        figure.add_trace(
            go.Bar(
                x=[1.0] * len(own),
                base=[bar["stage"] - 1 for bar in own],
                y=[names[bar["item"]] for bar in own],
                orientation="h",
                marker={"color": colours.get(giver, "#7f7f7f")},
                text=[f"{bar['amount']:.3g}" for bar in own],
                textposition="inside",
                name=f"given by {labels.party(giver)}",
                hovertemplate="%{y}: %{text} in stage %{customdata}<extra></extra>",
                customdata=[bar["stage"] for bar in own],
            )
        )
    stages = max(len(package.schedule), 1)
    broken = package.path.get("breaks")
    if broken is not None:
        figure.add_vrect(
            x0=broken["stage"] - 1,
            x1=broken["stage"],
            fillcolor="#d62728",
            opacity=0.12,
            line_width=0,
        )
    kind = "designed self-enforcing schedule" if package.designed else "the whole package at once"
    figure.update_xaxes(
        range=[0, stages],
        tickvals=[k - 0.5 for k in range(1, stages + 1)],
        ticktext=[f"stage {k}" for k in range(1, stages + 1)],
        showgrid=False,
    )
    figure.update_yaxes(
        autorange="reversed", categoryorder="array", categoryarray=[names[i] for i in items]
    )
    title = f"{labels.position(package.name)}: {kind}"
    return _layout(figure, title, height=max(260, 60 + 32 * len(items)))


def outcome_figure(cloud: Cloud, document: Mapping[str, Any], labels: Labels) -> go.Figure:
    """The outcomes in the two signatories' utilities: each side's win-set, the ratifiable
    intersection, no deal, the agreement and the named positions."""
    a, b = cloud.parties
    figure = go.Figure()
    only = {p: cloud.in_win_set[p] & ~cloud.common for p in cloud.parties}
    layers: list[tuple[str, NDArray[np.bool_], str, float]] = [
        (
            "in neither win-set",
            ~(cloud.in_win_set[a] | cloud.in_win_set[b]) & ~cloud.common,
            "#c7c7c7",
            4,
        ),
        (f"only {labels.party(a)} can ratify", only[a], "#9ecae1", 5),
        (f"only {labels.party(b)} can ratify", only[b], "#fcae91", 5),
        ("both can ratify (ratifiable)", cloud.common, "#2ca02c", 7),
    ]
    for name, mask, colour, size in layers:
        figure.add_trace(
            go.Scatter(
                x=cloud.x[mask],
                y=cloud.y[mask],
                mode="markers",
                marker={"color": colour, "size": size},
                name=f"{name}: {int(mask.sum()):,}",
                hoverinfo="skip",
            )
        )
    figure.add_trace(_marker("no deal", [cloud.reservation], "x", "#000000"))
    agreement = document.get("agreement")
    parties = list(document.get("parties", []))
    index = [parties.index(a), parties.index(b)]
    if agreement:
        point = [(agreement["utilities"][index[0]], agreement["utilities"][index[1]])]
        figure.add_trace(_marker("agreement", point, "star", "#000000", size=16))
    for name, position in (document.get("positions") or {}).items():
        point = [(position["utilities"][index[0]], position["utilities"][index[1]])]
        figure.add_trace(_marker(labels.position(name), point, "diamond", "#ff7f0e", size=11))
    figure.update_xaxes(title=f"{labels.party(a)}'s utility", zeroline=False)
    figure.update_yaxes(title=f"{labels.party(b)}'s utility", zeroline=False)
    title = f"{cloud.size:,} outcomes; {int(cloud.common.sum()):,} both sides can ratify"
    return _layout(figure, title, height=460)


def _marker(
    name: str, points: Sequence[tuple[float, float]], symbol: str, colour: str, size: int = 12
) -> go.Scatter:
    return go.Scatter(
        x=[p[0] for p in points],
        y=[p[1] for p in points],
        mode="markers",
        marker={
            "symbol": symbol,
            "size": size,
            "color": colour,
            "line": {"width": 1, "color": "#ffffff"},
        },
        name=name,
        hovertemplate=f"{name}: (%{{x:.3g}}, %{{y:.3g}})<extra></extra>",
    )


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


def values_figure(rows: Sequence[Mapping[str, Any]], labels: Labels, shown: str) -> go.Figure:
    """Grouped bars of :func:`value_rows`: no deal, the agreement, the shown schedule's path."""
    figure = go.Figure()
    names = [f"{labels.party(r['party'])} ({r['role']})" for r in rows]
    for key, title, colour in (
        ("no_deal", "no deal", "#7f7f7f"),
        ("agreement", "the agreement", "#2ca02c"),
        ("path", f"path of {shown}", "#1f77b4"),
    ):
        values = [r[key] for r in rows]
        if all(v is None for v in values):
            continue
        figure.add_trace(
            go.Bar(
                x=names,
                y=[0.0 if v is None else v for v in values],
                name=title,
                marker={"color": colour},
                hovertemplate="%{x}: %{y:.3g}<extra>" + title + "</extra>",
            )
        )
    figure.update_layout(barmode="group")
    return _layout(figure, "Each party's value", height=320)


def sweep_figure(
    x: NDArray[Any], y: NDArray[Any], holds: NDArray[np.bool_], names: tuple[str, str], claim: str
) -> go.Figure:
    """A sweep's draws over two parameters, the claim holding or not; drag a box to brush."""
    figure = go.Figure()
    for mask, title, colour in ((holds, "holds", "#2ca02c"), (~holds, "does not hold", "#d62728")):
        figure.add_trace(
            go.Scatter(
                x=x[mask],
                y=y[mask],
                mode="markers",
                marker={"color": colour, "size": 6, "opacity": 0.7},
                name=f"{claim} {title}",
                hoverinfo="skip",
            )
        )
    figure.update_xaxes(title=names[0])
    figure.update_yaxes(title=names[1])
    figure.update_layout(dragmode="select")
    return _layout(figure, "Draws (drag a box to keep the draws inside it)", height=400)
