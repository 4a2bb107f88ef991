"""Counterfactuals side by side: the base case and each variant, and what changes.

A variant is a named set of parameter values (``--set``), declared in the file
(``variants:``) or given on the command line. Each case is the scenario built
with its values and analysed once (:func:`detente.analysis.analyze`); the
comparison keeps, per case, what an analyst reads across the cases:

- each named position: rational (both negotiators prefer it to no deal),
  ratifiable (in every signatory's win-set), self-enforcing as a one-shot
  exchange, and the fewest stages that carry it (null: more than ``max_stages``);
- the ratifiable agreement's outcome (in the issues' values), its designed
  schedule (stages) and that schedule's equilibrium path (completes, or breaks at
  stage k by whom);
- every claim's truth;
- what each party and each stakeholder gets under the agreement (its reservation
  value when there is none), with the change from the base case;

and, per variant, ``changes``: plain sentences computed from the differences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from detente.analysis import analyze
from detente.analysis.calendar import struck
from detente.analysis.phasing import given_document
from detente.errors import DetenteError
from detente.labels import Kind, Labels
from detente.phasing.schedule import Schedule
from detente.scenario import ParameterValue, Scenario, Variant
from detente.scenariofile.loader import parse_overrides

Json = dict[str, Any]

Namer = Callable[[Kind, str], str]
"""How the text of a comparison names an id: as it is (the JSON's ``changes``), or by its
display name (:class:`~detente.labels.Labels`, for the terminal)."""


def _as_is(kind: Kind, name: str) -> str:
    return name


def parse_variant(text: str) -> Variant:
    """``--variant NAME=P=V[,P=V...]`` → a variant.

    >>> parse_variant("no_veto=hardliner_rule=none,delta_us=0.95").sets
    (('hardliner_rule', 'none'), ('delta_us', 0.95))
    """
    name, sep, rest = text.partition("=")
    pairs = [p.strip() for p in rest.split(",") if p.strip()]
    if not sep or not name.strip() or not pairs or any("=" not in p for p in pairs):
        raise DetenteError(
            f"--variant {text!r}: expected NAME=PARAMETER=VALUE[,PARAMETER=VALUE...], "
            "e.g. --variant no_veto=hardliner_rule=none"
        )
    try:
        sets = parse_overrides(pairs)
    except DetenteError as error:
        raise DetenteError(f"--variant {text!r}: {error.message}") from None
    return Variant(name.strip(), tuple(sets.items()))


def compare(
    build: Any, base_sets: Mapping[str, ParameterValue], variants: Sequence[Variant]
) -> Json:
    """The comparison document: ``{"scenario", "base", "variants": [...]}``.

    ``build(overrides) -> Scenario`` builds the file with overrides (e.g.
    :meth:`~detente.experiments.scenario_text.ScenarioText.build`); every
    variant's values apply on top of ``base_sets``.
    """
    names = [v.name for v in variants]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice is not None:
        raise DetenteError(f"variant {twice!r} is given twice; name each variant once")
    base_scenario = build(dict(base_sets))
    base = case_document(base_scenario)
    cases = []
    for variant in variants:
        try:
            scenario = build({**base_sets, **dict(variant.sets)})
        except DetenteError as error:
            raise DetenteError(f"variant {variant.name}: {error.message}", error.location) from None
        case = case_document(scenario, base)
        cases.append(
            {
                "name": variant.name,
                "sets": _as_used(scenario, variant.sets),
                "description": variant.description,
                **case,
                "changes": changes(base, case),
            }
        )
    return {
        "scenario": base_scenario.name,
        "base": {"sets": _as_used(base_scenario, base_sets.items()), **base},
        "variants": cases,
    }


def _as_used(
    scenario: Scenario, sets: Iterable[tuple[str, ParameterValue]]
) -> dict[str, ParameterValue]:
    """The values set, a categorical parameter's as its label (``--variant n=3`` → ``"3"``)."""
    records = scenario.parameter_records
    return {
        name: records[name].value if records[name].choices is not None else value
        for name, value in sets
    }


def case_document(scenario: Scenario, base: Json | None = None) -> Json:
    """One case's fields (see the module docstring); ``base`` gives the gains' changes."""
    document = analyze(scenario)
    phasing = document.get("phasing") or {}
    packages = phasing.get("positions") or {}
    positions = {
        name: {
            "rational": entry.get("rational"),
            "ratifiable": entry.get("ratifiable"),
            "one_shot": (packages.get(name) or {}).get("one_shot", {}).get("feasible"),
            "min_stages": (packages.get(name) or {}).get("min_stages"),
        }
        for name, entry in (document.get("positions") or {}).items()
    }
    agreement = document.get("agreement")
    phased = phasing.get("agreement") or {}
    gains = _gains(scenario, agreement, None if base is None else base["gains"])
    return {
        "positions": positions,
        "agreement": None if agreement is None else dict(agreement["outcome"]),
        "schedule": phased.get("schedule"),
        "min_stages": phased.get("min_stages"),
        "path": _path(scenario, agreement, phased.get("schedule")),
        "claims": dict(document.get("claims") or {}),
        "gains": gains,
    }


def _gains(scenario: Scenario, agreement: Json | None, base: Json | None) -> Json:
    """Each party's utility under the agreement (its reservation without one), its gain over
    no deal, and its change from the base case."""
    utilities = (
        [p.reservation for p in scenario.parties]
        if agreement is None
        else list(agreement["utilities"])
    )
    gains = {}
    for party, utility in zip(scenario.parties, utilities, strict=True):
        before = None if base is None else base.get(party.id, {}).get("utility")
        gains[party.id] = {
            "name": party.name,
            "signatory": party.signatory,
            "utility": float(utility),
            "gain": float(utility) - party.reservation,
            "change": None if before is None else float(utility) - before,
        }
    return gains


def _path(
    scenario: Scenario, agreement: Json | None, stages: Sequence[Mapping[str, float]] | None
) -> Json | None:
    """The equilibrium path of the agreement's designed schedule: completes, or where it breaks."""
    plan = scenario.phasing
    if plan is None or agreement is None or not stages:
        return None
    outcome = agreement["outcome"]
    index = scenario.space.to_index(tuple(outcome[name] for name in scenario.space.names))
    deal = struck(scenario, plan.deal, index)
    schedule = Schedule.from_stages(tuple(i.name for i in deal.items), list(stages))
    path = given_document(deal, schedule, "phasing.agreement.schedule", scenario, index).path
    broken = path.breaks
    return {
        "completed": path.completed,
        "breaks": None if broken is None else {"stage": broken.stage, "party": broken.party},
    }


def changes(base: Json, case: Json, labels: Labels | None = None) -> list[str]:
    """Plain sentences saying how a case differs from the base case (ids as they are, or by
    their display names in ``labels``)."""
    name: Namer = _as_is if labels is None else labels
    said = _agreement_changes(base, case, name)
    for party_id, entry in case["gains"].items():
        before = base["gains"][party_id]["utility"]
        if abs(entry["utility"] - before) > 1e-9:
            said.append(f"{entry['name'] or party_id}: {before:.3g} → {entry['utility']:.3g}")
    said += _position_changes(base["positions"], case["positions"], name)
    for claim, holds in case["claims"].items():
        if base["claims"].get(claim) != holds:
            said.append(
                f"claim {name('claims', claim)}: {_truth(base['claims'].get(claim))} → "
                f"{_truth(holds)}"
            )
    return said


def _agreement_changes(base: Json, case: Json, name: Namer) -> list[str]:
    before, after = base["agreement"], case["agreement"]
    if before is None or after is None:
        if before == after:
            return []
        return ["no ratifiable agreement" if after is None else "a ratifiable agreement exists"]
    moved = [
        f"{name('issues', k)} {_value(before[k])} → {_value(v)}"
        for k, v in after.items()
        if before[k] != v
    ]
    said = [f"agreement: {', '.join(moved)}"] if moved else []
    if base["min_stages"] != case["min_stages"]:
        said.append(
            f"agreement's fewest stages: {_stages(base['min_stages'])} → "
            f"{_stages(case['min_stages'])}"
        )
    if base["path"] != case["path"]:
        said.append(
            f"agreement's path: {path_text(base['path'], name)} → {path_text(case['path'], name)}"
        )
    return said


def _position_changes(base: Json, case: Json, name: Namer) -> list[str]:
    said = []
    for position, entry in case.items():
        was, shown = base[position], name("positions", position)
        for key, what in (
            ("rational", "rational"),
            ("ratifiable", "ratifiable"),
            ("one_shot", "self-enforcing one-shot"),
        ):
            if was[key] != entry[key]:
                said.append(f"{shown}: {what} {_truth(was[key])} → {_truth(entry[key])}")
        if was["min_stages"] != entry["min_stages"]:
            said.append(
                f"{shown}: fewest stages {_stages(was['min_stages'])} → "
                f"{_stages(entry['min_stages'])}"
            )
    return said


def path_text(path: Json | None, name: Namer = _as_is) -> str:
    """``completes``, ``breaks at stage 2 (nk)`` or ``no schedule``.

    >>> path_text({"completed": False, "breaks": {"stage": 2, "party": "nk"}})
    'breaks at stage 2 (nk)'
    """
    if path is None:
        return "no schedule"
    if path["completed"]:
        return "completes"
    broken = path["breaks"]
    return (
        "does not complete"
        if broken is None
        else (f"breaks at stage {broken['stage']} ({name('parties', broken['party'])})")
    )


def _stages(count: int | None) -> str:
    return "none within the limit" if count is None else str(count)


def _truth(value: object) -> str:
    return "undecided" if value is None else "yes" if value else "no"


def _value(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def comparison_rows(
    cases: Sequence[dict[str, Any]], labels: Labels | None = None
) -> list[tuple[str, list[str]]]:
    """The rows of a comparison table: a label and one cell per case (the base case first);
    ids by their display names in ``labels``, when given."""
    name: Namer = _as_is if labels is None else labels
    base = cases[0]
    found: list[tuple[str, list[str]]] = [
        ("set", [sets_text(c["sets"], name) or "—" for c in cases])
    ]
    for position in base["positions"]:
        found.append(
            (
                f"position {name('positions', position)}",
                [position_text(c["positions"][position]) for c in cases],
            )
        )
    found.append(("agreement", [package_text(c["agreement"], name) for c in cases]))
    found.append(("schedule", [schedule_text(c["schedule"], name) for c in cases]))
    found.append(("path", [path_text(c["path"], name) for c in cases]))
    for claim in base["claims"]:
        found.append(
            (f"claim {name('claims', claim)}", [_truth(c["claims"].get(claim)) for c in cases])
        )
    for party, entry in base["gains"].items():
        what = "gets" if entry["signatory"] else "gets (stakeholder)"
        found.append(
            (f"{entry['name'] or party} {what}", [_gain(c["gains"][party]) for c in cases])
        )
    return found


def position_text(entry: dict[str, Any]) -> str:
    """``rational yes, ratifiable no, one-shot no, fewest stages 2`` (``—``: not phased, or
    more stages than the scenario allows)."""
    stages = entry["min_stages"]
    one_shot = "—" if entry["one_shot"] is None else _truth(entry["one_shot"])
    return (
        f"rational {_truth(entry['rational'])}, ratifiable {_truth(entry['ratifiable'])}, "
        f"one-shot {one_shot}, fewest stages {'—' if stages is None else stages}"
    )


def package_text(outcome: dict[str, Any] | None, name: Namer = _as_is) -> str:
    """The agreement's issues that are not at zero, with their values (``none`` without one)."""
    if outcome is None:
        return "none"
    given = [
        f"{name('issues', k)} {_value(v)}" for k, v in outcome.items() if v not in (0, 0.0, "0")
    ]
    return ", ".join(given) or "nothing delivered"


def schedule_text(stages: Sequence[dict[str, float]] | None, name: Namer = _as_is) -> str:
    """``2 stages: 1) a, b 0.5 / 2) c``."""
    if not stages:
        return "none"
    parts = [
        f"{k}) "
        + ", ".join(
            name("items", n) if v == 1 else f"{name('items', n)} {v:.3g}"
            for n, v in stage.items()
            if v
        )
        for k, stage in enumerate(stages, start=1)
    ]
    return f"{len(stages)} stage{'s' if len(stages) != 1 else ''}: " + " / ".join(parts)


def _gain(entry: dict[str, Any]) -> str:
    change = entry["change"]
    shown = "" if change is None or abs(change) < 5e-4 else f" ({change:+.3g})"
    return f"{entry['utility']:.3g}{shown}"


def sets_text(sets: Mapping[str, Any], name: Namer = _as_is) -> str:
    """``a=1, b=veto`` (with display names: ``A = 1, B = veto``)."""
    if name is _as_is:
        return ", ".join(f"{k}={_value(v)}" for k, v in sets.items())
    return ", ".join(f"{name('parameters', k)} = {_value(v)}" for k, v in sets.items())
