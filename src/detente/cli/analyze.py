"""``detente analyze``: deals both sides prefer to no deal, and where the solutions put them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from rich.text import Text

from detente.analysis.documents import AnalyzeDocument
from detente.analysis.domain import domain_doc
from detente.analysis.pipeline import run
from detente.analysis.twolevel import faction_sweep
from detente.claims import Claim
from detente.cli.common import (
    DEFAULT_MAX_OUTCOMES,
    JsonOpt,
    MaxOutcomesOpt,
    ScenarioArg,
    SetOpt,
    console,
    emit_json,
    load,
)
from detente.cli.conclusions import (
    outcome_text,
    render_claims,
    render_phasing,
    render_positions,
    render_trust,
)
from detente.cli.tables import Column, print_table
from detente.cli.text import literal
from detente.cli.twolevel import VaryFactionOpt, render_two_level
from detente.errors import TooLargeError
from detente.labels import Labels
from detente.report.text import SOLUTION_LABELS
from detente.sampling import too_large_document
from detente.scenario import Scenario
from detente.solutions import SOLUTION_NAMES
from detente.twolevel import FactionGrid


def analyze(
    scenario: ScenarioArg,
    set_: SetOpt = None,
    json_: JsonOpt = False,
    max_outcomes: MaxOutcomesOpt = DEFAULT_MAX_OUTCOMES,
    vary_faction: VaryFactionOpt = None,
) -> None:
    """Analyse a scenario: rational outcomes, the Pareto frontier and the bargaining solutions."""
    grid = None if vary_faction is None else FactionGrid.parse(vary_faction)
    loaded = load(scenario, set_)
    try:
        document = run(loaded, limit=max_outcomes)
    except TooLargeError:
        report_too_large(loaded, max_outcomes, json_)
        raise
    if grid is not None:
        document = replace(document, faction_sweep=faction_sweep(loaded, grid, max_outcomes))
    if json_:
        emit_json(document.json())
    else:
        render(document, loaded.claims)


def _number(x: float) -> str:
    return f"{x:.4g}"


def report_too_large(scenario: Scenario, limit: int, json_: bool) -> None:
    """Before refusing: what is known without enumerating (structure, sampled utilities)."""
    domain = domain_doc(scenario)
    document = too_large_document(scenario, limit)
    if domain is not None:
        document["domain"] = domain.json()
    if json_:
        emit_json(document)
    else:
        render_too_large(document)


def render(analysis: AnalyzeDocument, claims: Sequence[Claim] = ()) -> None:
    """Print the readable summary of an analysis document (``claims`` give the statements)."""
    document, kinds = analysis.json(), analysis.kinds()
    labels = Labels.of(document)
    parties = document["parties"]
    console.print(literal(document["scenario"], style="bold"))
    named = ", ".join(labels.party(p) for p in parties)
    console.print(
        literal(
            f"{len(parties)} parties ({named}), {document['n_outcomes']:,} outcomes, "
            f"{document['n_rational']:,} individually rational, "
            f"Pareto frontier of {len(document['pareto'])}"
        )
    )
    _print_no_deal(document)
    over = {"ratifiable": "the intersection of the signatories' win-sets"}.get(
        document.get("solution_scope", ""), "the individually rational outcomes"
    )
    columns = [
        Column("solution"),
        Column("outcome"),
        *(Column(labels.party(p), "right") for p in parties),
        Column("ties", "right"),
    ]
    reasons = document.get("solution_reasons", {})
    rows = []
    for name in SOLUTION_NAMES:
        result, shown = document["solutions"][name], SOLUTION_LABELS[name]
        if result is None:
            rows.append([shown, f"none: {reasons.get(name, '')}", *[""] * len(parties), ""])
            continue
        outcome = outcome_text(result["outcome"], kinds, labels)
        rows.append([shown, outcome, *map(_number, result["utilities"]), str(result["ties"])])
    print_table(console, f"Bargaining solutions (over {over})", columns, rows)
    if "win_sets" in document:
        render_two_level(document, kinds, console)
    render_positions(document, console)
    render_trust(document, console)
    render_phasing(document, None if analysis.phasing is None else analysis.phasing.units, console)
    render_claims(document, claims, console)
    render_domain(document)
    render_findings(analysis)


FINDINGS = ("space", "trust", "stakeholders")
"""The report sections whose captions the terminal summary prints."""


def render_findings(analysis: AnalyzeDocument) -> None:
    """Print the report's plain-language findings for what the document holds.

    The same sentences as the report's captions, for what the table above does
    not say: where the deal lies in words, the named positions, trust, the stakeholders.
    """
    from detente.report import ReportData, build_sections

    data = ReportData.from_documents(
        analysis.core.scenario, {"analysis": analysis.json()}, issues=analysis.issues
    )
    for section in build_sections(data):
        if section.key in FINDINGS:
            console.print(Text.assemble("\n", literal(section.title, style="bold")))
            console.print(literal(section.caption))


def render_domain(document: dict[str, Any]) -> None:
    """For an imported domain: format, real-issue grid and the (unapplied) discount factors."""
    domain = document.get("domain")
    if not domain:
        return
    line = f"{domain['format']} domain ({len(domain['files'])} files)"
    if domain["real_steps"] is not None:
        line += f"; real issues on a grid of {domain['real_steps']} points"
    factors = ", ".join(f"{p} {_number(d)}" for p, d in domain["discount_factors"].items())
    console.print(literal(f"{line}; discount factors (not applied): {factors}"))


def _print_no_deal(document: dict[str, Any]) -> None:
    """The line that says what no deal is worth to each party."""
    labels = Labels.of(document)
    values = zip(document["parties"], document["reservation_values"], strict=True)
    said = ", ".join(f"{labels.party(p)} {_number(r)}" for p, r in values)
    console.print(literal(f"no deal is worth: {said}"))


def render_too_large(document: dict[str, Any]) -> None:
    """Print what is known of a space too large to enumerate: structure, refusal, samples."""
    parties = document["parties"]
    issues = ", ".join(f"{name} ({n})" for name, n in document["issues"].items())
    console.print(literal(document["scenario"], style="bold"))
    console.print(
        literal(
            f"{len(parties)} parties ({', '.join(parties)}), {document['n_outcomes']:,} "
            f"outcomes; issues: {issues}"
        )
    )
    _print_no_deal(document)
    console.print(literal(f"not enumerated: {document['refused']}"))
    sampled = document["sampled"]
    columns = [
        Column(c, "left" if c == "party" else "right")
        for c in ("party", "mean", "sd", "min", "median", "max")
    ]
    rows = [
        [party, *[""] * 5]
        if stats["mean"] is None
        else [
            party,
            *map(
                _number,
                (
                    stats["mean"],
                    stats["std"],
                    stats["min"],
                    stats["quantiles"]["0.5"],
                    stats["max"],
                ),
            ),
        ]
        for party, stats in sampled["parties"].items()
    ]
    print_table(console, f"Utilities over {sampled['n']:,} outcomes drawn uniformly", columns, rows)
    console.print(
        f"share of outcomes every signatory prefers to no deal: {sampled['rational_fraction']:.4g}",
        highlight=False,
    )
    render_domain(document)
