"""The report's opening synthesis: the case, the answer and how robust it is, what it turns
on, what would change it, and every claim grouped by what it is about.

Everything is read from the documents: the answer is the first claim about the ratifiable
agreement (the first claim when none is about it), its robustness the sweep's share and
interval (without a sweep, the share of a calibrate posterior's draws, ``report --posterior``;
with neither, the point estimate only, said as such); its drivers the
parameters whose rank correlation with it is largest, the boxes scenario discovery found and
its share under each structural choice; what would change it the thresholds of the what-if
analysis and the declared counterfactuals under which it flips. Claims are grouped by the
package they are about (the named position or the agreement their expression reads).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from detente.report.data import Document, ReportData
from detente.report.names import Names
from detente.report.text import box_statement, join, plural, share
from detente.report.whatif import _condition

SHOWN_DRIVERS = 3
"""Parameters named as what a claim turns on."""
_POSITION = re.compile(r"\bpositions\.([A-Za-z_][A-Za-z0-9_]*)")


def table_headers(kind: str = "plausible") -> tuple[str, ...]:
    """The columns of the synthesis's table of claims, for draws of ``kind`` (``plausible``
    for a sweep's, ``calibrated`` for a calibrate posterior's)."""
    return (
        "about",
        "claim",
        "at the point estimate",
        f"share of {kind} cases (95% interval)",
        "most sensitive to",
    )


@dataclass(frozen=True, slots=True)
class Synthesis:
    """The synthesis's sentences and its claims by theme (one row each, the theme named on
    the first row of its group)."""

    sentences: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    headers: tuple[str, ...] = table_headers()


def subject(text: str) -> str:
    """What a claim's expression is about: the first named position it reads, else
    ``agreement`` if it reads the agreement, else ``""``.

    >>> subject("phasing.positions.us_big_deal.one_shot.feasible == false")
    'us_big_deal'
    >>> subject("agreement != null"), subject("n_rational > 0")
    ('agreement', '')
    """
    found = _POSITION.search(text)
    if found:
        return found.group(1)
    return "agreement" if re.search(r"\bagreement\b", text) else ""


def _verdict(truth: object, swept: Mapping[str, Any] | None, draws: int, kind: str) -> str:
    point = "cannot be decided" if truth is None else "holds" if truth else "does not hold"
    said = f"{point} at the point estimate"
    if swept is None:
        return said
    return (
        f"{said}; holds in {share(swept['share'])} of {draws} {kind} cases (95% interval "
        f"{share(swept['low'])}–{share(swept['high'])})"
    )


def _shares(data: ReportData) -> tuple[Mapping[str, Any], int, str]:
    """The claims' shares the synthesis reports, their number of draws and what the draws are:
    the sweep's over the plausible ranges, else a calibrate posterior's (``report
    --posterior``), else none."""
    sweep, posterior = data.sweep or {}, data.posterior or {}
    if sweep.get("claims"):
        return sweep["claims"], int(sweep.get("draws", 0)), "plausible"
    calibrated = {
        name: entry
        for name, entry in (posterior.get("claims") or {}).items()
        if entry.get("share") is not None
    }
    if calibrated:
        return calibrated, int(posterior["draws"]), "calibrated"
    return {}, 0, "plausible"


def _drivers(swept: Mapping[str, Any] | None, names: Names) -> list[str]:
    ranked = [
        (name, v["spearman"])
        for name, v in ((swept or {}).get("sensitivity") or {}).items()
        if v.get("spearman") is not None and abs(v["spearman"]) >= 0.1
    ]
    ranked.sort(key=lambda kv: -abs(kv[1]))
    return [
        f"{'higher' if rho > 0 else 'lower'} {names.parameter(name)} (ρ = {rho:.2g})"
        for name, rho in ranked[:SHOWN_DRIVERS]
    ]


def _truth(value: object) -> bool | None:
    if isinstance(value, Mapping):
        value = value.get("holds")
    return None if value is None else bool(value)


def synthesis(data: ReportData, names: Names) -> Synthesis | None:
    """The synthesis (see the module docstring); ``None`` without claims."""
    setting, sweep = data.setting or {}, data.sweep or {}
    point = {k: _truth(v) for k, v in ((data.analysis or {}).get("claims") or {}).items()}
    swept, draws, kind = _shares(data)
    claims = list(dict.fromkeys([*point, *swept]))
    if not claims:
        return None
    texts: Mapping[str, str] = setting.get("claim_texts") or {}
    statements: Mapping[str, str] = setting.get("claims") or {}
    about = {c: subject(texts.get(c, "")) for c in claims}
    answer = next((c for c in claims if about[c] == "agreement"), claims[0])

    def said(claim: str) -> str:
        return statements.get(claim) or names.claim(claim)

    sentences = []
    if setting.get("description"):
        sentences.append(f"The case: {setting['description'].strip()}")
    robustness = _verdict(point.get(answer), swept.get(answer), draws, kind)
    if answer not in swept:
        robustness += " (the point estimate only: no sweep of the plausible ranges was given)"
    sentences.append(f"The answer: {said(answer)} — {robustness}.")
    sentences.append(_tally(point, swept, draws, kind))
    turns = _turns_on(answer, swept.get(answer), sweep, names)
    if turns:
        sentences.append(f"It turns on {join(turns, 'and')}.")
    changes = _changes(answer, point.get(answer), data, names)
    if changes:
        sentences.append(f"What would change it: {'; '.join(changes)}.")
    order = sorted(
        claims, key=lambda c: (about[c] != "agreement", list(about.values()).index(about[c]))
    )
    rows, previous = [], None
    for claim in order:
        theme = _theme(about[claim], names)
        drivers = _drivers(swept.get(claim), names)
        entry = swept.get(claim)
        rows.append(
            (
                theme if theme != previous else "",
                said(claim),
                _point(point.get(claim)),
                "not swept"
                if entry is None
                else f"{share(entry['share'])} ({share(entry['low'])}–{share(entry['high'])})",
                drivers[0] if drivers else "—",
            )
        )
        previous = theme
    return Synthesis(tuple(sentences), tuple(rows), table_headers(kind))


def _point(truth: bool | None) -> str:
    return "cannot be decided" if truth is None else "holds" if truth else "does not hold"


def _theme(about: str, names: Names) -> str:
    if about == "agreement":
        return "the ratifiable agreement"
    return names.position(about) if about else "other findings"


def _tally(
    point: Mapping[str, bool | None], swept: Mapping[str, Any], draws: int, kind: str
) -> str:
    held = sum(1 for v in point.values() if v)
    verb = "holds" if held == 1 else "hold"
    text = f"Of {plural(len(point) or len(swept), 'claim')}, {held} {verb} at the point estimate"
    if not swept:
        return text + " (no sweep was given, so how robust they are is not known)."
    robust = sum(1 for v in swept.values() if float(v["share"]) > 0.5)
    return text + f"; {robust} hold in more than half of {draws} {kind} cases."


def _turns_on(
    claim: str, swept: Mapping[str, Any] | None, sweep: Document, names: Names
) -> list[str]:
    found = []
    drivers = _drivers(swept, names)
    if drivers:
        found.append(f"{join(drivers)} (rank correlation with it holding)")
    for entry in ((sweep.get("discovery") or {}).get(claim) or {}).get("boxes") or []:
        found.append(f"where it holds most: it {box_statement(entry, names.parameter)}")
        break
    for name, labels in (sweep.get("by_choice") or {}).items():
        shares = [
            f"{share(e['claims'][claim]['share'])} with {label}"
            for label, e in labels.items()
            if claim in (e.get("claims") or {})
        ]
        if len(shares) > 1:
            found.append(f"the structural choice “{names.parameter(name)}” ({join(shares)})")
    return found


def _changes(claim: str, truth: bool | None, data: ReportData, names: Names) -> list[str]:
    found = [
        _condition(t, names.parameter)
        for t in (data.whatif or {}).get("thresholds") or []
        if t.get("claim") == claim
    ][:SHOWN_DRIVERS]
    for case in (data.counterfactuals or {}).get("variants") or []:
        after = _truth((case.get("claims") or {}).get(claim))
        if truth is not None and after is not None and after != truth:
            described = case.get("description") or case["name"]
            found.append(f"the counterfactual in which {described}")
    return found
