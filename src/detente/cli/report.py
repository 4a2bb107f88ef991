"""``detente report``: one self-contained HTML file (or Markdown with PNGs) a reader understands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli.common import (
    DEFAULT_MAX_OUTCOMES,
    MaxOutcomesOpt,
    ScenarioArg,
    SetOpt,
    console,
    load,
)
from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.report.document import Format

OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="File to write (default: report.html or report.md).",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        help="html (one self-contained file) or md (Markdown plus a folder of PNGs); "
        "default: from the output's suffix, else html.",
        show_default=False,
    ),
]
SweepOpt = Annotated[
    Path | None,
    typer.Option(
        "--sweep",
        help="A sweep's output directory (or its `summarize --json` file): "
        "adds each claim's share of the plausible range.",
        show_default=False,
    ),
]


def report(
    scenario: ScenarioArg,
    output: OutputOpt = None,
    format_: FormatOpt = None,
    set_: SetOpt = None,
    sweep: SweepOpt = None,
    max_outcomes: MaxOutcomesOpt = DEFAULT_MAX_OUTCOMES,
) -> None:
    """Write a report of every analysis detente can run on a scenario."""
    from detente.report import Report, gather, read_sweep, write_report  # matplotlib: when used

    chosen = choose_format(format_, output)
    path = output or Path(f"report.{chosen}")
    summary = None if sweep is None else read_sweep(sweep)
    data = gather(load(scenario, set_), limit=max_outcomes, sweep=summary)
    written = write_report(Report.build(data), path, chosen)
    extra = f" (figures in {written[1].parent})" if len(written) > 1 else ""
    console.print(f"report written to {path}{extra}", highlight=False, soft_wrap=True)


def choose_format(given: str | None, output: Path | None) -> Format:
    """``--format`` if given (checked), else the output's suffix, else html.

    >>> choose_format(None, Path("x.md")), choose_format("html", None)
    ('md', 'html')
    """
    if given is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        return "md" if suffix in ("md", "markdown") else "html"
    from detente.report.document import FORMATS

    if given not in FORMATS:
        raise DetenteError(f"--format {given!r}: valid formats are {', '.join(FORMATS)}")
    return given
