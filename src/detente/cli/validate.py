"""``detente validate``: check a scenario file as the other commands would."""

from __future__ import annotations

from detente.analysis.labels import labels_of
from detente.analysis.pipeline import run
from detente.cli.common import (
    DEFAULT_MAX_OUTCOMES,
    MaxOutcomesOpt,
    ScenarioArg,
    SetOpt,
    console,
    load,
)
from detente.cli.text import literal
from detente.errors import TooLargeError
from detente.labels import plain
from detente.scenario import Scenario


def validate(
    scenario: ScenarioArg, set_: SetOpt = None, max_outcomes: MaxOutcomesOpt = DEFAULT_MAX_OUTCOMES
) -> None:
    """Check a scenario as `analyze` does; print "ok" and a one-line summary, or the first error.

    The scenario is loaded and analysed, so every check `analyze` and `sweep`
    make (the claims' fields included) is made; only a space too large to
    enumerate skips the analysis, and the summary says so.
    """
    loaded = load(scenario, set_)
    analysed = _analyse(loaded, max_outcomes)
    space = loaded.space
    stakeholders = sum(not p.signatory for p in loaded.parties)
    skipped = (
        ""
        if analysed
        else f"; not analysed (more than --max-outcomes {max_outcomes:,} outcomes), so "
        f"{len(loaded.claims)} claims unchecked"
    )
    console.print(
        literal(
            f"ok: {scenario}: {loaded.name!r}: {len(loaded.parties)} parties"
            f"{f' ({stakeholders} non-signatory)' if stakeholders else ''}, "
            f"{len(space.issues)} issues, {space.size:,} outcomes, "
            f"{len(loaded.parameters)} parameters{skipped}"
        )
    )
    for line in choice_lines(loaded):
        console.print(literal(line))


def choice_lines(scenario: Scenario) -> list[str]:
    """One line per categorical parameter (its display name, the id ``--set`` takes, its chosen
    label and choices) and per declared variant."""
    labels = labels_of(scenario)
    lines = []
    for name, record in scenario.parameter_records.items():
        if record.choices is not None:
            shown = ", ".join(f"{label} {100 * p:.3g}%" for label, p in record.choices)
            called = labels.parameter(name)
            said = name if called == plain(name) else f"{called} ({name})"
            lines.append(f"  choice {said} = {record.value} (choices: {shown})")
    for name, variant in scenario.variants.items():
        sets = ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in variant.sets
        )
        lines.append(f"  variant {name}: {sets}")
    return lines


def _analyse(scenario: Scenario, max_outcomes: int) -> bool:
    """Run the analysis ``analyze`` runs (its errors are the file's); False if the space is too large."""
    try:
        run(scenario, limit=max_outcomes)
    except TooLargeError:
        return False
    return True
