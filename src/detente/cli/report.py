"""``detente report``: one self-contained HTML file (or Markdown with PNGs) a reader understands."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from detente import sizes
from detente.cli.common import (
    DEFAULT_MAX_OUTCOMES,
    MaxOutcomesOpt,
    ScenarioArg,
    SetOpt,
    console,
    load,
    say,
    warn_out_of_range,
)
from detente.cli.text import literal
from detente.errors import DetenteError
from detente.experiments.scenario_text import ScenarioText
from detente.formats import domain_source
from detente.scenario import Scenario
from detente.scenariofile.loader import parse_overrides

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

PosteriorOpt = Annotated[
    Path | None,
    typer.Option(
        "--posterior",
        help="A calibrate posterior of the case's library: the record section adds the share of "
        "its draws under which the model retrodicts the record and each claim holds.",
        show_default=False,
    ),
]


def report(
    scenario: ScenarioArg,
    output: OutputOpt = None,
    format_: FormatOpt = None,
    set_: SetOpt = None,
    sweep: SweepOpt = None,
    posterior: PosteriorOpt = None,
    max_outcomes: MaxOutcomesOpt = DEFAULT_MAX_OUTCOMES,
) -> None:
    """Write a report of every analysis detente can run on a scenario."""
    from detente.report import Report, gather, read_sweep, write_report  # matplotlib: when used
    from detente.report.document import check_target

    chosen = choose_format(format_, output)
    path = output or Path(f"report.{chosen}")
    if not path.is_dir():  # a folder gets write_report's own message
        check_target(path, chosen)
    loaded, text = load_with_text(scenario, set_)
    identity = None if text is None else text.identity()
    summary = None if sweep is None else read_sweep(sweep, notify=_note)
    if summary is not None and sweep is not None:
        check_sweep_scenario(sweep, summary, identity, scenario)
        check_sweep_claims(sweep, summary, {claim.name for claim in loaded.claims})
    calibrated = None
    if posterior is not None:
        calibrated = posterior_document(posterior, scenario, loaded, text)
    try:
        data = gather(loaded, limit=max_outcomes, sweep=summary, text=text, posterior=calibrated)
        written = write_report(Report.build(data), path, chosen)
    except KeyboardInterrupt:
        raise KeyboardInterrupt(f"no report was written to {path}") from None
    extra = f" (figures in {written[1].parent})" if len(written) > 1 else ""
    console.print(literal(f"report written to {path}{extra}"), soft_wrap=True)


def posterior_document(
    path: Path, file: Path, scenario: Scenario, text: ScenarioText | None
) -> dict[str, Any]:
    """``report --posterior``: the case evaluated under the posterior's draws, ``{before,
    draws, share, claims}`` (``share``: of the draws under which the model retrodicts the
    record; ``claims``: :func:`detente.experiments.retrodiction.claim_shares`, as
    ``retrodict --posterior --json`` gives them). A file that is not a case of the posterior's
    library is refused in one line."""
    from detente.experiments import retrodiction as rd
    from detente.experiments.executors import open_executor
    from detente.experiments.progress import progress_bar
    from detente.experiments.runner import worker_count

    document = rd.read_posterior(path)
    if text is None or scenario.record is None or scenario.date is None:
        raise DetenteError(
            f"--posterior {path}: {file} is not a case of a library (a scenario file with "
            "date: and record:)"
        )
    case = rd.Case(str(file), text, scenario)
    rd.check_posterior(path, document, case)
    samples = len(document["samples"])
    with (
        open_executor(worker_count(None, say)) as executor,
        progress_bar("posterior", samples, 0, "draws") as advance,
    ):
        evaluated = rd.posterior_draws(case, document, executor, advance)
    return {
        "before": document["before"],
        "draws": samples,
        "share": sum(ok for ok, _ in evaluated) / samples,
        "claims": rd.claim_shares(case, [truths for _, truths in evaluated]),
    }


def load_with_text(path: Path, sets: list[str] | None) -> tuple[Scenario, ScenarioText | None]:
    """The scenario, and (for a scenario file) its text: what a sweep of it records and what
    the report analyses again at other parameter values. The file is read once either way.
    """
    if domain_source(path) is not None:
        return load(path, sets), None
    overrides = parse_overrides(sets or [])
    text = ScenarioText.read(path, overrides)
    scenario = text.build({})
    warn_out_of_range(scenario, overrides)
    sizes.require_scenario(scenario)
    return scenario, text


def check_sweep_scenario(
    path: Path,
    summary: Mapping[str, Any],
    identity: Mapping[str, object] | None,
    scenario: Path,
) -> None:
    """Refuse a sweep run on another scenario file, or with other ``--set`` values.

    Compares the scenario identity the sweep recorded (its file's SHA-256 and
    its ``--set`` values) with the report's; a summary without one (written by
    an older detente) is checked by its claims only.

    >>> check_sweep_scenario(Path("run"), {"scenario": "sha256:1", "sets": {}},
    ...                      {"scenario": "sha256:2", "sets": {}}, Path("s.yaml"))
    Traceback (most recent call last):
    detente.errors.DetenteError: --sweep run: a sweep of another scenario file (sha256:1), not of s.yaml (sha256:2); sweep s.yaml, or give the sweep of this file
    """
    recorded = summary.get("scenario")
    if recorded is None:
        return
    if identity is None or recorded != identity.get("scenario"):
        mine = "" if identity is None else f" ({identity.get('scenario')})"
        raise DetenteError(
            f"--sweep {path}: a sweep of another scenario file ({recorded}), not of "
            f"{scenario}{mine}; sweep {scenario}, or give the sweep of this file"
        )
    swept, given = summary.get("sets") or {}, identity.get("sets") or {}
    if swept != given:
        raise DetenteError(
            f"--sweep {path}: the sweep was run with {_sets(swept)} but this report with "
            f"{_sets(given)}; give the same --set values"
        )


def _sets(values: Any) -> str:
    if not values:
        return "no --set"
    return " ".join(f"--set {k}={v:g}" for k, v in sorted(dict(values).items()))


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


def _note(message: str) -> None:
    """A note on stderr, one line, as ``summarize`` prints them."""
    say(f"note: {message}")
