"""``detente report``: one self-contained HTML file (or Markdown with PNGs) a reader understands."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from detente.cli.common import (
    DEFAULT_MAX_OUTCOMES,
    MaxOutcomesOpt,
    ScenarioArg,
    SetOpt,
    console,
    load,
)
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.files import require_folder

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
    if not path.is_dir():  # a folder gets write_report's own message
        require_folder(path)
    loaded = load(scenario, set_)
    summary = None if sweep is None else read_sweep(sweep)
    if summary is not None and sweep is not None:
        check_sweep_claims(sweep, summary, {claim.name for claim in loaded.claims})
    data = gather(loaded, limit=max_outcomes, sweep=summary)
    written = write_report(Report.build(data), path, chosen)
    extra = f" (figures in {written[1].parent})" if len(written) > 1 else ""
    console.print(literal(f"report written to {path}{extra}"), soft_wrap=True)


def check_sweep_claims(path: Path, summary: Mapping[str, Any], declared: set[str]) -> None:
    """Refuse a sweep whose claims the scenario does not declare (another scenario's sweep).

    >>> check_sweep_claims(Path("run"), {"claims": {"x": {}}}, {"x", "y"})
    >>> check_sweep_claims(Path("run"), {"claims": {"z": {}}}, {"x"})
    Traceback (most recent call last):
    detente.errors.DetenteError: --sweep run: its claims (z) are not declared by this scenario (x); was it run on another scenario?
    """
    foreign = sorted(set(summary["claims"]) - declared)
    if foreign:
        raise DetenteError(
            f"--sweep {path}: its claims ({', '.join(foreign)}) are not declared by this "
            f"scenario ({', '.join(sorted(declared)) or 'none'}); was it run on another scenario?"
        )


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
