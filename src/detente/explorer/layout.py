"""The explorer's page: the controls, the result regions, and their rendering from a view.

Stable attributes for tests and scripts: ``data-testid`` on each region (``controls``,
``claims``, ``agreement``, ``positions``, ``schedule``, ``outcomes``, ``values``, ``export``,
``sweep``…), ``data-parameter="NAME"`` on each control, ``data-claim="NAME"`` with
``data-holds="true|false"`` (and ``data-flipped`` when the file's values give the other answer)
on each claim.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from detente.explorer.evaluation import AGREEMENT, Evaluation
from detente.explorer.state import Control, number_text
from detente.explorer.sweep import Brush, SweepView
from detente.labels import Labels

GRAPH_CONFIG: Any = {"displaylogo": False, "responsive": True}
"""Plotly's toolbar without the logo link (the page makes no request outside this machine)."""

CSS = """
body { font-family: system-ui, sans-serif; margin: 0; color: #222; }
header { padding: 10px 16px; border-bottom: 1px solid #ddd; display: flex; gap: 16px;
         align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 18px; margin: 0; }
.explorer { display: grid; grid-template-columns: 340px 1fr; gap: 12px; padding: 8px 16px; }
aside { max-height: calc(100vh - 80px); overflow-y: auto; padding-right: 8px; }
.control { margin-bottom: 10px; font-size: 13px; }
.control label { display: block; font-weight: 600; cursor: help; }
.control .value { float: right; font-weight: normal; color: #555; }
main section { margin-bottom: 18px; }
main h2 { font-size: 15px; margin: 6px 0; }
.claims { list-style: none; padding: 0; margin: 0; }
.claims li { padding: 4px 6px; border-left: 4px solid #bbb; margin-bottom: 3px; font-size: 13px; }
.claims li[data-holds="true"] { border-color: #2ca02c; }
.claims li[data-holds="false"] { border-color: #d62728; background: #fff5f5; }
.claims li[data-flipped="true"] { outline: 2px dashed #ff7f0e; }
.verdict { display: inline-block; width: 110px; font-weight: 600; }
table.grid { border-collapse: collapse; font-size: 13px; }
table.grid th, table.grid td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; }
.notice { color: #a94442; font-size: 13px; }
pre { background: #f6f6f6; padding: 8px; white-space: pre-wrap; font-size: 12px; }
"""

INDEX = (
    """<!DOCTYPE html>
<html lang="en">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}<style>"""
    + CSS
    + """</style></head>
<body>{%app_entry%}<footer>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""
)


def attributes(named: Mapping[str, str]) -> dict[str, Any]:
    """``data-*`` attributes for a component (Dash takes them as keyword arguments)."""
    return dict(named)


def control_block(control: Control) -> html.Div:
    """A parameter's control: its display name (description and source on hover) and a slider
    over its declared range, or a selector among its choices."""
    identity = {"type": "parameter", "name": control.name}
    widget: Any
    if control.is_choice:
        widget = dcc.RadioItems(
            id=identity,
            options=[{"label": c, "value": c} for c in control.choices],
            value=control.default,
            inline=True,
            inputStyle={"marginRight": "3px", "marginLeft": "8px"},
        )
    else:
        widget = dcc.Slider(
            id=identity,
            min=control.low,
            max=control.high,
            step=control.step,
            value=float(control.default),
            marks={control.low: number_text(control.low), control.high: number_text(control.high)},
            updatemode="mouseup",
            allow_direct_input=True,
        )
    return html.Div(
        [
            html.Label(
                [control.label, html.Span(control.name, className="value")], title=control.hover
            ),
            widget,
        ],
        className="control",
        title=control.hover,
        **attributes({"data-parameter": control.name, "data-testid": "parameter"}),
    )


def page(
    title: str, controls: Sequence[Control], packages: Mapping[str, str], sweep: SweepView | None
) -> html.Div:
    """The whole page (its results are filled in by the callbacks); ``packages`` are the
    schedules it can show, ``{name: display name}``."""
    regions: list[Any] = [
        _section("claims", "Claims", html.Ul(id="claims", className="claims")),
        _section("agreement", "The agreement", html.Div(id="agreement")),
        _section("positions", "Positions", html.Div(id="positions")),
        _section(
            "schedule",
            "The schedule and its equilibrium path",
            dcc.Dropdown(
                id="package",
                options=[{"label": label, "value": p} for p, label in packages.items()],
                value=next(iter(packages), None),
                clearable=False,
                style={"maxWidth": "360px"},
            ),
            html.P(id="schedule-break", **attributes({"data-testid": "schedule-break"})),
            dcc.Graph(id="schedule-graph", config=GRAPH_CONFIG),
        ),
        _section(
            "outcomes", "Outcomes and win-sets", dcc.Graph(id="outcome-graph", config=GRAPH_CONFIG)
        ),
        _section(
            "values",
            "Values",
            html.Div(id="values-table"),
            dcc.Graph(id="values-graph", config=GRAPH_CONFIG),
        ),
    ]
    if sweep is not None:
        regions.append(sweep_region(sweep))
    header = html.Header(
        [
            html.H1(title),
            html.Span(id="status"),
            html.Button(
                "export",
                id="export-button",
                n_clicks=0,
                **attributes({"data-testid": "export-button"}),
            ),
            html.A(
                "reset to the file's values",
                href="?",
                id="reset",
                **attributes({"data-testid": "reset"}),
            ),
            html.Div(id="notices", className="notice", **attributes({"data-testid": "notices"})),
            html.Div(
                [
                    html.P("Options for detente analyze (the values that differ from the file's):"),
                    html.Pre(id="export-set", **attributes({"data-testid": "export-set"})),
                    html.P(
                        "YAML: the view as a variant (paste under variants: for detente compare):"
                    ),
                    html.Pre(id="export-yaml", **attributes({"data-testid": "export-yaml"})),
                ],
                id="export",
                hidden=True,
                **attributes({"data-testid": "export"}),
            ),
        ]
    )
    return html.Div(
        [
            dcc.Location(id="url", refresh=False),
            dcc.Store(id="view"),
            dcc.Store(id="drawn"),
            header,
            html.Div(
                [
                    html.Aside(
                        [control_block(c) for c in controls],
                        **attributes({"data-testid": "controls"}),
                    ),
                    html.Main(regions),
                ],
                className="explorer",
            ),
        ]
    )


def _section(testid: str, title: str, *children: Any) -> html.Section:
    return html.Section([html.H2(title), *children], **attributes({"data-testid": testid}))


def claims_list(
    evaluation: Evaluation, base: Evaluation, descriptions: Mapping[str, str]
) -> list[html.Li]:
    """One item per claim: its truth, its name and its description; ``data-flipped`` when the
    file's values (``base``) give the other answer."""
    labels = evaluation.labels
    items = []
    for name, holds in evaluation.claims.items():
        flipped = base.claims.get(name, holds) != holds
        items.append(
            html.Li(
                [
                    html.Span("✓ holds" if holds else "✗ does not hold", className="verdict"),
                    html.Strong(labels.claim(name)),
                    html.Span(f" — {descriptions.get(name, '')}" if descriptions.get(name) else ""),
                    html.Span(" (flipped)" if flipped else ""),
                ],
                title=name,
                **attributes(
                    {
                        "data-claim": name,
                        "data-holds": "true" if holds else "false",
                        "data-flipped": "true" if flipped else "false",
                    }
                ),
            )
        )
    return items


def outcome_words(outcome: Mapping[str, Any], labels: Labels) -> str:
    """An outcome in words: the items delivered (an amount where partial) and other issues' values.

    >>> outcome_words({"yongbyon": 1, "un_relief": 0.5, "security": 0, "deal": "big"}, Labels())
    'yongbyon, un relief 0.5, deal: big'
    """
    parts = []
    for issue, value in outcome.items():
        if isinstance(value, str):
            parts.append(f"{labels.issue(issue)}: {value}")
        elif value == 1:
            parts.append(labels.item(issue))
        elif value:
            parts.append(f"{labels.item(issue)} {number_text(float(value))}")
    return ", ".join(parts) or "nothing"


def agreement_block(evaluation: Evaluation) -> html.Div:
    """The ratifiable (Nash) agreement: what it contains and what each party gets."""
    document, labels = evaluation.document, evaluation.labels
    agreement = document.get("agreement")
    if not agreement:
        reason = document.get("agreement_reason") or "no outcome lies in every signatory's win-set"
        return html.Div(
            html.P(f"No ratifiable agreement: {reason}"),
            **attributes({"data-has-agreement": "false"}),
        )
    scope = (
        "ratifiable (in every signatory's win-set)"
        if document.get("solution_scope") == "ratifiable"
        else "individually rational"
    )
    gets = ", ".join(
        f"{labels.party(p)} {u:.3g}"
        for p, u in zip(document["parties"], agreement["utilities"], strict=True)
    )
    return html.Div(
        [
            html.P(
                f"The Nash bargaining solution over the {scope} outcomes: {outcome_words(agreement['outcome'], labels)}."
            ),
            html.P(f"Utilities: {gets}."),
            solutions_table(document, labels),
        ],
        **attributes({"data-has-agreement": "true"}),
    )


def solutions_table(document: Mapping[str, Any], labels: Labels) -> html.Table:
    """Every bargaining solution over the same outcomes: what it contains and each party's
    utility there (a solution that does not exist says why)."""
    parties = list(document["parties"])
    reasons = document.get("solution_reasons") or {}
    header = html.Tr(
        [html.Th("solution"), html.Th("outcome"), *(html.Th(labels.party(p)) for p in parties)]
    )
    rows = [header]
    for name, found in (document.get("solutions") or {}).items():
        if found is None:
            cells = [html.Td(f"none: {reasons.get(name, '')}", colSpan=1 + len(parties))]
        else:
            cells = [
                html.Td(outcome_words(found["outcome"], labels)),
                *(html.Td(f"{u:.3g}") for u in found["utilities"]),
            ]
        rows.append(
            html.Tr(
                [html.Td(name.replace("_", " ")), *cells], **attributes({"data-solution": name})
            )
        )
    return html.Table(rows, className="grid")


def positions_table(evaluation: Evaluation) -> html.Table | html.P:
    """Each named position (and the agreement): rational, ratifiable, self-enforcing one-shot,
    fewest stages."""
    document, labels = evaluation.document, evaluation.labels
    positions = dict(document.get("positions") or {})
    phased = dict((document.get("phasing") or {}).get("positions") or {})
    agreement = (document.get("phasing") or {}).get("agreement")
    if not positions and not agreement:
        return html.P("The scenario names no position.")
    header = html.Tr(
        [
            html.Th(h)
            for h in (
                "position",
                "rational",
                "ratifiable (in every win-set)",
                "self-enforcing one-shot",
                "fewest stages",
            )
        ]
    )
    rows = [header]
    for name, position in positions.items():
        rows.append(
            _position_row(
                name,
                labels.position(name),
                position["rational"],
                position.get("ratifiable", position["rational"]),
                phased.get(name),
            )
        )
    if agreement:
        rows.append(_position_row(AGREEMENT, "the agreement", True, True, agreement))
    return html.Table(rows, className="grid")


def _position_row(
    name: str, label: str, rational: bool, ratifiable: bool, phased: Mapping[str, Any] | None
) -> html.Tr:
    if phased is None:
        one_shot, stages = "—", "—"
    else:
        one_shot = _yes(phased["one_shot"]["feasible"])
        fewest = phased.get("min_stages")
        stages = str(fewest) if fewest is not None else f"none ≤ {phased.get('max_stages')}"
    cells = [label, _yes(rational), _yes(ratifiable), one_shot, stages]
    return html.Tr([html.Td(c) for c in cells], **attributes({"data-position": name}))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def values_table(
    rows: Sequence[Mapping[str, Any]],
    labels: Labels,
    stakeholders: Mapping[str, Mapping[str, float]],
) -> html.Table:
    """Each party's values (see :func:`~detente.explorer.figures.value_rows`) and each ally's
    value under every bargaining solution."""
    header = html.Tr(
        [html.Th(h) for h in ("party", "role", "no deal", "the agreement", "on the shown path")]
    )
    body = [
        html.Tr(
            [
                html.Td(labels.party(r["party"])),
                html.Td(r["role"]),
                *(html.Td(_value(r[k])) for k in ("no_deal", "agreement", "path")),
            ],
            **attributes({"data-party": r["party"]}),
        )
        for r in rows
    ]
    allies = [
        html.Tr(
            [
                html.Td(f"{labels.party(party)} under {solution.replace('_', ' ')}", colSpan=3),
                html.Td(_value(value), colSpan=2),
            ],
            **attributes({"data-ally": party}),
        )
        for party, by_solution in stakeholders.items()
        for solution, value in by_solution.items()
    ]
    return html.Table([header, *body, *allies], className="grid")


def _value(x: float | None) -> str:
    return "—" if x is None else f"{x:.3g}"


def sweep_region(sweep: SweepView) -> html.Section:
    """The sweep: claim shares over the draws, brushed by a box on two parameters, and the
    discovered boxes."""
    axes = list(sweep.numeric)
    first = sweep.claims[0] if sweep.claims else None
    return _section(
        "sweep",
        f"Sweep: {sweep.draws:,} draws ({sweep.directory})",
        html.Div(
            [
                dcc.Dropdown(
                    id="sweep-x",
                    options=axes,
                    value=axes[0] if axes else None,
                    clearable=False,
                    style={"width": "200px"},
                ),
                dcc.Dropdown(
                    id="sweep-y",
                    options=axes,
                    value=axes[1] if len(axes) > 1 else None,
                    clearable=False,
                    style={"width": "200px"},
                ),
                dcc.Dropdown(
                    id="sweep-claim",
                    options=list(sweep.claims),
                    value=first,
                    clearable=False,
                    style={"width": "320px"},
                ),
            ],
            style={"display": "flex", "gap": "8px"},
        ),
        html.Div([label_filter(sweep, name) for name in sweep.categorical]),
        dcc.Graph(id="sweep-graph", config=GRAPH_CONFIG),
        html.Div(id="sweep-shares", **attributes({"data-testid": "sweep-shares"})),
        html.H2("Discovered boxes (where each claim holds)"),
        discovery_table(sweep),
    )


def label_filter(sweep: SweepView, name: str) -> html.Div:
    """The labels of a categorical parameter the brush keeps (all, to begin with)."""
    labels = sorted({str(v) for v in sweep.values[name]})
    return html.Div(
        [
            html.Span(f"{name}: ", style={"fontWeight": 600}),
            dcc.Checklist(
                id={"type": "sweep-labels", "name": name},
                options=labels,
                value=labels,
                inline=True,
                inputStyle={"marginRight": "3px", "marginLeft": "8px"},
            ),
        ],
        style={"display": "flex", "fontSize": "13px"},
        **attributes({"data-sweep-parameter": name}),
    )


def shares_table(
    sweep: SweepView,
    shares: Mapping[str, Mapping[str, Any]],
    brush: Brush,
    labels: Labels,
) -> html.Div:
    """Each claim's share among the brushed draws beside its share over all of them."""
    inside = next(iter(shares.values()))["draws"] if shares else 0
    where = " and ".join(_brushed(n, r, labels) for n, r in brush.items()) or "every draw"
    overall = sweep.shares({})
    rows = [
        html.Tr(
            [
                html.Th(h)
                for h in ("claim", "share in the box", "holds / draws", "share over all draws")
            ]
        )
    ]
    for claim, entry in shares.items():
        share = entry["share"]
        rows.append(
            html.Tr(
                [
                    html.Td(labels.claim(claim)),
                    html.Td("—" if share is None else f"{100 * share:.0f} %"),
                    html.Td(f"{entry['holds']} / {entry['draws']}"),
                    html.Td(f"{100 * (overall[claim]['share'] or 0):.0f} %"),
                ],
                **attributes(
                    {"data-claim": claim, "data-share": "" if share is None else f"{share:.6g}"}
                ),
            )
        )
    return html.Div(
        [
            html.P(
                f"{inside:,} of {sweep.draws:,} draws with {where}",
                **attributes(
                    {
                        "data-testid": "sweep-count",
                        "data-draws": str(inside),
                        "data-brush": json.dumps({n: _jsonable(r) for n, r in brush.items()}),
                    }
                ),
            ),
            html.Table(rows, className="grid"),
        ]
    )


def _brushed(name: str, allowed: tuple[float, float] | frozenset[str], labels: Labels) -> str:
    if isinstance(allowed, frozenset):
        return f"{labels.parameter(name)} in {{{', '.join(sorted(allowed))}}}"
    return f"{labels.parameter(name)} in [{allowed[0]:.3g}, {allowed[1]:.3g}]"


def _jsonable(allowed: tuple[float, float] | frozenset[str]) -> list[Any]:
    return sorted(allowed) if isinstance(allowed, frozenset) else list(allowed)


def discovery_table(sweep: SweepView) -> html.Table:
    """Each claim's discovered boxes (``summarize --discover``), or why it has none."""
    rows = [html.Tr([html.Th("claim"), html.Th("share"), html.Th("boxes")])]
    claims = sweep.summary.get("claims") or {}
    for claim in sweep.claims:
        boxes = sweep.boxes(claim)
        said = (
            [html.Li(box["statement"]) for box in boxes]
            if boxes
            else [html.Li(sweep.discovery_reason(claim))]
        )
        share = (claims.get(claim) or {}).get("share")
        rows.append(
            html.Tr(
                [
                    html.Td(claim),
                    html.Td("—" if share is None else f"{100 * share:.0f} %"),
                    html.Td(html.Ul(said)),
                ],
                **attributes({"data-claim": claim, "data-boxes": str(len(boxes))}),
            )
        )
    return html.Table(rows, className="grid", **attributes({"data-testid": "discovery"}))
