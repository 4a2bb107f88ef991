"""``detente validate``: check a scenario file."""

from __future__ import annotations

from detente.cli.common import ScenarioArg, SetOpt, console, load
from detente.cli.text import literal


def validate(scenario: ScenarioArg, set_: SetOpt = None) -> None:
    """Check a scenario; print "ok" and a one-line summary, or the first error."""
    loaded = load(scenario, set_)
    space = loaded.space
    stakeholders = sum(not p.signatory for p in loaded.parties)
    console.print(
        literal(
            f"ok: {scenario}: {loaded.name!r}: {len(loaded.parties)} parties"
            f"{f' ({stakeholders} non-signatory)' if stakeholders else ''}, "
            f"{len(space.issues)} issues, {space.size:,} outcomes, "
            f"{len(loaded.parameters)} parameters"
        ),
        soft_wrap=True,
    )
