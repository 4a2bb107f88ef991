"""``detente export``: write a scenario as GENIUS XML or GeniusWeb JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from detente.cli.common import ScenarioArg, SetOpt, console, err_console, load
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.formats.export import export_domain

FormatOpt = Annotated[
    str,
    typer.Option("--format", "-f", help="genius (XML) or geniusweb (JSON).", show_default=False),
]
FolderOpt = Annotated[
    Path, typer.Option("--output", "-o", help="Folder to write the files into.", show_default=False)
]


def export(
    scenario: ScenarioArg, format_: FormatOpt, output: FolderOpt, set_: SetOpt = None
) -> None:
    """Write a scenario as a GENIUS or GeniusWeb domain that loads back to the same utilities."""
    fmt: Literal["genius", "geniusweb"]
    if format_ == "genius":
        fmt = "genius"
    elif format_ == "geniusweb":
        fmt = "geniusweb"
    else:
        raise DetenteError(f"--format {format_!r}: use genius or geniusweb")
    warnings = export_domain(load(scenario, set_), fmt, output)
    for warning in warnings:
        err_console.print(literal(f"warning: {warning}"), soft_wrap=True)
    console.print(literal(f"wrote {fmt} files to {output}"), soft_wrap=True)
