"""The explorer's Dash app: the page, its callbacks, and a server bound where it was asked.

Two callbacks carry a view. The first keeps the URL and the controls in step: loading a URL (or
going back) sets the controls from its ``?set=`` values, moving a control writes the URL; it
stores the view's values. The second analyses the view (:func:`~detente.explorer.evaluation.evaluate`,
cached) and renders every region. With a sweep, a third reports the claims' shares among the
draws in the box selected on its scatter.

Dash and Flask read their configuration from the environment (``HOST``, ``PORT``, ``DASH_*``);
:func:`create_app` hides those variables while the app is made, and :func:`serve` binds the
host and port it is given through werkzeug's server directly, so nothing but the command line
decides where the page is served. No debug mode, reloader or dev-tools UI.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from werkzeug.serving import BaseWSGIServer, make_server

from detente.experiments.scenario_text import ScenarioText
from detente.explorer import figures, layout, state
from detente.explorer.evaluation import AGREEMENT, Evaluation, evaluate
from detente.explorer.sweep import SweepView, brush_of, labels_kept
from detente.labels import Labels
from detente.scenario import ParameterValue
from detente.scenariofile.writer import variant_yaml

IGNORED_ENVIRONMENT = ("HOST", "PORT", "FLASK_RUN_HOST", "FLASK_RUN_PORT")
"""Environment variables Dash or Flask would read for where to serve (with every ``DASH_*``)."""


@dataclass(frozen=True, slots=True)
class Explorer:
    """What the app serves: a scenario's text, its controls, and optionally a sweep."""

    text: ScenarioText
    controls: tuple[state.Control, ...]
    base: Evaluation
    sweep: SweepView | None = None

    @classmethod
    def of(cls, text: ScenarioText, sweep: SweepView | None = None) -> Explorer:
        """The explorer of a scenario file's text (its file values analysed first)."""
        base = evaluate(text, ())
        records = text.build({}).parameter_records
        controls = state.controls(text.uncertain(), records, base.labels)
        return cls(text, controls, base, sweep)

    @property
    def title(self) -> str:
        """The page's title: the scenario's name."""
        return str(self.base.document.get("scenario") or self.text.file)

    def view(self, values: Mapping[str, ParameterValue]) -> Evaluation:
        """The evaluation of the view with ``values``."""
        return evaluate(self.text, state.overrides(self.controls, values))

    def descriptions(self) -> dict[str, str]:
        """Each claim's description, by name."""
        return {c.name: c.description for c in self.text.claims}


@contextlib.contextmanager
def environment_hidden() -> Iterator[None]:
    """Hide ``HOST``, ``PORT`` and every ``DASH_*`` variable while the app is made."""
    hidden = {
        k: v for k, v in os.environ.items() if k.startswith("DASH_") or k in IGNORED_ENVIRONMENT
    }
    for key in hidden:
        del os.environ[key]
    try:
        yield
    finally:
        os.environ.update(hidden)


def create_app(explorer: Explorer) -> Dash:
    """The Dash app of ``explorer`` (not yet served)."""
    with environment_hidden():
        app = Dash(
            __name__,
            title=f"detente explorer: {explorer.title}",
            update_title="",
            serve_locally=True,
            compress=False,
            suppress_callback_exceptions=False,
            enable_mcp=False,
            routes_pathname_prefix="/",
            requests_pathname_prefix="/",
        )
    app.index_string = layout.INDEX
    phasing = explorer.base.document.get("phasing")
    packages = [AGREEMENT, *(phasing.get("positions") or {})] if phasing else []
    labels = explorer.base.labels
    choices = {p: figures.package_label(p, labels) for p in packages}
    app.layout = layout.page(explorer.title, explorer.controls, choices, explorer.sweep)
    _view_callback(app, explorer)
    _results_callback(app, explorer)
    _export_callback(app)
    if explorer.sweep is not None:
        _sweep_callbacks(app, explorer.sweep, explorer.base.labels)
    return app


PARAMETERS = {"type": "parameter", "name": ALL}


def _view_callback(app: Dash, explorer: Explorer) -> None:
    controls = explorer.controls

    @app.callback(
        Output("url", "search"),
        Output(PARAMETERS, "value"),
        Output("view", "data"),
        Input("url", "search"),
        Input(PARAMETERS, "value"),
    )
    def view(search: str | None, raw: list[object]) -> tuple[Any, Any, Any]:
        if ctx.triggered_id in (None, "url"):  # a URL loaded (or history): it sets the controls
            values, notices = state.from_query(search or "", controls)
            full = {c.name: values.get(c.name, c.default) for c in controls}
            shown = [full[c.name] for c in controls]
            return no_update, shown, {"values": full, "notices": list(notices)}
        full = state.from_controls(controls, raw)
        unchanged = [no_update] * len(controls)
        return state.to_query(controls, full), unchanged, {"values": full, "notices": []}


def _results_callback(app: Dash, explorer: Explorer) -> None:
    descriptions = explorer.descriptions()
    controls = explorer.controls

    @app.callback(
        Output("claims", "children"),
        Output("agreement", "children"),
        Output("positions", "children"),
        Output("schedule-break", "children"),
        Output("schedule-graph", "figure"),
        Output("outcome-graph", "figure"),
        Output("values-table", "children"),
        Output("values-graph", "figure"),
        Output("status", "children"),
        Output("notices", "children"),
        Output("export-set", "children"),
        Output("export-yaml", "children"),
        Output("drawn", "data"),
        Input("view", "data"),
        Input("package", "value"),
        State("drawn", "data"),
    )
    def results(
        view: Mapping[str, Any] | None, shown: str | None, drawn: Mapping[str, str] | None
    ) -> tuple[Any, ...]:
        values = dict((view or {}).get("values") or {})
        notices = [f"ignored ?set={n}" for n in (view or {}).get("notices") or []]
        evaluation = explorer.view(values)
        query = state.to_query(controls, values)
        changed = {**dict(explorer.text.sets), **state.changed(controls, values)}
        command = f"detente analyze {explorer.text.file} {state.options(changed)}".rstrip()
        yaml = variant_yaml("explored", changed, f"explored in detente serve: {command}")
        if evaluation.error is not None:
            notices.append(f"the scenario cannot be analysed at these values: {evaluation.error}")
            empty = figures.empty()
            status = _status("not analysed", query, evaluation)
            return ([], "", "", "", empty, empty, "", empty, status, notices, command, yaml, {})
        regions, digests = _unchanged_figures(
            _regions(evaluation, explorer.base, descriptions, shown), drawn or {}
        )
        return (
            *regions,
            _status(f"analysed in {evaluation.seconds:.2f} s", query, evaluation),
            notices,
            command,
            yaml,
            digests,
        )


FIGURES = {4: "schedule", 5: "outcomes", 7: "values"}
"""The places of the figures among :func:`_regions`' results."""


def _unchanged_figures(
    regions: tuple[Any, ...], drawn: Mapping[str, str]
) -> tuple[tuple[Any, ...], dict[str, str]]:
    """The regions with each figure the page already shows replaced by ``no_update`` (the
    browser redraws a figure only when it changed: Plotly's drawing of the outcome scatter is
    most of a view's time in the page), and the digests of the figures now shown."""
    shown = list(regions)
    digests = {}
    for place, name in FIGURES.items():
        digest = hashlib.sha1(json.dumps(regions[place], sort_keys=True).encode()).hexdigest()
        digests[name] = digest
        if drawn.get(name) == digest:
            shown[place] = no_update
    return tuple(shown), digests


def _status(text: str, query: str, evaluation: Evaluation) -> html.Span:
    """The header's status: how long the analysis took, marked with the view it shows."""
    return html.Span(
        text,
        **layout.attributes(
            {
                "data-testid": "status",
                "data-query": query,
                "data-seconds": f"{evaluation.seconds:.4f}",
            }
        ),
    )


def _regions(
    evaluation: Evaluation, base: Evaluation, descriptions: Mapping[str, str], shown: str | None
) -> tuple[Any, ...]:
    """The rendered regions of an analysed view (claims to the values' figure)."""
    labels, document = evaluation.labels, evaluation.document
    package = evaluation.packages.get(shown or AGREEMENT)
    if package is None:
        schedule, broken = figures.empty(), _no_schedule(evaluation, shown or AGREEMENT)
    else:
        schedule = figures.schedule_figure(package, document["parties"], labels)
        shown_name = figures.package_label(package.name, labels)
        broken = f"{shown_name}: {figures.break_text(package.path, labels)}"
    outcomes = (
        figures.empty()
        if evaluation.cloud is None
        else figures.outcome_figure(evaluation.cloud, document, labels)
    )
    rows = figures.value_rows(evaluation, package)
    name = "no schedule" if package is None else figures.package_label(package.name, labels)
    return (
        layout.claims_list(evaluation, base, descriptions),
        layout.agreement_block(evaluation),
        layout.positions_table(evaluation),
        broken,
        schedule,
        outcomes,
        layout.values_table(rows, labels, document.get("stakeholders") or {}),
        figures.values_figure(rows, labels, name),
    )


def _no_schedule(evaluation: Evaluation, shown: str) -> str:
    """Why the view has no schedule of the package ``shown`` to draw."""
    if not evaluation.document.get("phasing"):
        return "The scenario has no phasing: no schedule to show."
    if shown == AGREEMENT:
        return "No ratifiable agreement at these values: no schedule to show."
    return f"{evaluation.labels.position(shown)} names none of the deal's items: nothing to phase."


def _export_callback(app: Dash) -> None:
    @app.callback(
        Output("export", "hidden"),
        Input("export-button", "n_clicks"),
        State("export", "hidden"),
        prevent_initial_call=True,
    )
    def toggle(clicks: int, hidden: bool) -> bool:
        return not hidden


def _sweep_callbacks(app: Dash, sweep: SweepView, labels: Labels) -> None:
    @app.callback(
        Output("sweep-graph", "figure"),
        Input("sweep-x", "value"),
        Input("sweep-y", "value"),
        Input("sweep-claim", "value"),
    )
    def draws(x: str | None, y: str | None, claim: str | None) -> Any:
        if x is None or y is None or claim is None:
            return figures.empty()
        names = (labels.parameter(x), labels.parameter(y))
        return figures.sweep_figure(
            sweep.values[x], sweep.values[y], sweep.holds[claim], names, claim
        )

    @app.callback(
        Output("sweep-shares", "children"),
        Input("sweep-graph", "selectedData"),
        Input({"type": "sweep-labels", "name": ALL}, "value"),
        State("sweep-x", "value"),
        State("sweep-y", "value"),
    )
    def shares(
        selection: Mapping[str, Any] | None, kept: list[list[str]], x: str | None, y: str | None
    ) -> Any:
        brush: dict[str, tuple[float, float] | frozenset[str]] = {}
        if x is not None and y is not None:
            brush.update(brush_of(selection, (x, y)))
        brush.update(labels_kept(sweep, kept))
        return layout.shares_table(sweep, sweep.shares(brush), brush, labels)


def serve_app(app: Dash, host: str, port: int, announce: Callable[[str], None]) -> None:
    """Serve ``app`` on ``host:port`` (port 0: a free one) until interrupted, then raise
    ``KeyboardInterrupt``; ``announce`` is told the URL to open once the socket is bound."""
    server = bind(app, host, port)
    announce(url_of(host, server.socket.getsockname()[1]))
    try:
        server.serve_forever()  # werkzeug's returns when interrupted (it swallows the signal)
    finally:
        server.server_close()
    raise KeyboardInterrupt  # stopped by a signal: the command line's exit code says which


def bind(app: Dash, host: str, port: int) -> BaseWSGIServer:
    """A threaded werkzeug server of ``app`` bound to ``host:port`` (raises ``OSError`` when the
    port is taken)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # bound here, not by werkzeug, which prints and exits on a port in use
    listening = socket.create_server((host, port), family=family, backlog=64)
    try:
        bound = listening.getsockname()[1]
        return make_server(host, bound, app.server, threaded=True, fd=listening.fileno())
    finally:
        listening.close()  # the server holds its own copy of the socket


def url_of(host: str, port: int) -> str:
    """The URL to open for a server on ``host:port`` (an IPv6 address in brackets).

    >>> url_of("127.0.0.1", 8050), url_of("::1", 8050)
    ('http://127.0.0.1:8050/', 'http://[::1]:8050/')
    """
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
