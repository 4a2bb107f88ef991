"""``detente serve``: the explorer, a local web page for what-ifs on a scenario."""

from __future__ import annotations

import errno
import ipaddress
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli.common import ScenarioArg, SetOpt, say
from detente.errors import DetenteError
from detente.experiments.scenario_text import ScenarioText
from detente.scenario import ParameterValue
from detente.scenariofile.loader import parse_overrides

if TYPE_CHECKING:
    from detente.explorer.sweep import SweepView

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050
INSTALL = "detente serve needs Dash and Plotly: pip install 'detente[explorer]'"

PortOpt = Annotated[
    int,
    typer.Option(
        "--port",
        min=0,
        max=65535,
        help="Port to serve on; 0 picks a free one. A port in use is an error (no other is tried).",
    ),
]
HostOpt = Annotated[
    str,
    typer.Option(
        "--host",
        help="Address to bind. Only this option can bind another address than the loopback "
        "127.0.0.1 (HOST, PORT and DASH_* in the environment are ignored).",
    ),
]
SweepDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--sweep",
        help="A `detente sweep` results directory: claim shares over its draws, brushed by "
        "parameter ranges, and the discovered boxes.",
        show_default=False,
    ),
]


def serve(
    scenario: ScenarioArg,
    port: PortOpt = DEFAULT_PORT,
    host: HostOpt = DEFAULT_HOST,
    sweep: SweepDirOpt = None,
    set_: SetOpt = None,
) -> None:
    """Serve the explorer: sliders for the uncertain parameters, the results recomputed live.

    --set on an uncertain parameter sets the view the printed URL opens; on another parameter
    it fixes the value for the session (as `detente sweep --set` does).
    """
    try:
        from detente.explorer.app import Explorer, create_app, serve_app
    except ImportError as missing:
        raise DetenteError(f"{INSTALL} ({missing})") from None
    from detente.explorer.state import to_query

    text, start = _scenario(scenario, parse_overrides(set_ or []))
    view = _sweep(sweep, text) if sweep is not None else None
    explorer = Explorer.of(text, view)
    starting = {c.name: c.check(start[c.name]) for c in explorer.controls if c.name in start}
    query = to_query(explorer.controls, starting)
    if not _loopback(host):
        say(f"warning: serving on {host}: anyone who can reach this address can use the page")
    app = create_app(explorer)
    try:
        serve_app(app, host, port, lambda url: _announce(url + query))
    except OSError as error:
        raise DetenteError(_bind_error(error, host, port)) from None


def _scenario(
    path: Path, sets: dict[str, ParameterValue]
) -> tuple[ScenarioText, dict[str, ParameterValue]]:
    """The scenario's text with the ``--set`` values on fixed parameters applied, and the
    values on uncertain ones (the starting view)."""
    text = ScenarioText.read(path)
    uncertain = {drawn.name for drawn in text.uncertain()}
    fixed = {n: v for n, v in sets.items() if n not in uncertain}
    if fixed:
        text = ScenarioText(text.file, text.text, tuple(sorted(fixed.items())))
        text.build({})
    return text, {n: v for n, v in sets.items() if n in uncertain}


def _sweep(directory: Path, text: ScenarioText) -> SweepView:
    from detente.explorer.sweep import SweepView

    view = SweepView.read(directory)
    swept = view.summary.get("scenario")
    if swept is not None and swept != text.identity()["scenario"]:
        say(
            f"warning: --sweep {directory} was run on another version of {text.file}; its "
            "shares are of that version"
        )
    return view


def _announce(url: str) -> None:
    sys.stdout.write(f"detente explorer: open {url} (Ctrl-C to stop)\n")
    sys.stdout.flush()


def _loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (``localhost`` counts).

    >>> _loopback("127.0.0.1"), _loopback("::1"), _loopback("localhost"), _loopback("0.0.0.0")
    (True, True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind_error(error: OSError, host: str, port: int) -> str:
    """The one line for a socket that cannot be bound."""
    if error.errno == errno.EADDRINUSE:
        return (
            f"--port {port}: the port is in use on {host}; choose another with --port "
            "(or --port 0 for any free port)"
        )
    reason = error.strerror or str(error)
    return f"--host {host} --port {port}: cannot serve there ({reason}); check the address and port"
