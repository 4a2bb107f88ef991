"""Who produces each document of a report from a scenario: one small function per document.

Each producer is ``f(scenario, context) -> document | None`` (``None``: the
scenario has nothing for it), listed in :data:`REPORT_PRODUCERS` under the
document's name; :func:`gather` runs them all. A new analysis plugs into the
report by adding one entry, and keys added to the ``analyze`` document
(:mod:`detente.analysis.pipeline`) reach it with no change at all.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.analysis.documents import AnalyzeDocument, givers
from detente.analysis.phasing import design_document, implement_document, item_units
from detente.analysis.pipeline import analysis_of
from detente.analysis.solutions import Bargaining
from detente.analysis.twolevel import faction_sweep
from detente.errors import DetenteError
from detente.experiments.robust import robust_document
from detente.experiments.scenario_text import ScenarioText
from detente.factions import Derived
from detente.outcomes import ENUMERATION_LIMIT
from detente.phasing.designer import Design, design, min_stages
from detente.phasing.simulation import implement
from detente.ratification import Majority
from detente.report import domestic, whatif
from detente.report.counterfactuals import counterfactual_comparison
from detente.report.data import Document, ReportData
from detente.report.text import outcome
from detente.scenario import Scenario
from detente.trust import TrustTable, compliance_path
from detente.twolevel import FactionGrid, win_sets
from detente.utility import Constrained, LinearAdditive, Utility

MAX_POINTS = 4000
"""Most distinct utility vectors the utility-space plot draws (a seeded sample beyond)."""
LABELLED = 16
"""Outcome spaces up to this size are plotted with every outcome named."""
DEDUPLICATED = 50_000
"""Larger spaces are sampled (uniformly over outcomes, seeded) before removing repeats."""
SESSIONS = 10_000
"""Simulated implementations per report (seeded with :data:`SEED`)."""
SEED = 0
WEIGHTS = tuple(np.linspace(0.0, 1.0, 11).tolist())
"""The faction-weight grid of the sensitivity section (other factions' weights held fixed)."""


@dataclass
class GatherContext:
    """What the producers of one report share.

    ``bargaining`` is the scenario's bargaining problem (the utility matrix,
    computed once), ``analysis`` the typed ``analyze`` document, ``design``
    the phase producer's design once it has run (the implementation carries it out),
    and ``text`` the scenario file read once, with the ``--set`` values (it also builds
    the file's variants).
    """

    bargaining: Bargaining
    analysis: AnalyzeDocument
    design: Design | None = None
    text: ScenarioText | None = None
    """The scenario file's text, to analyse it again at other parameter values (the report
    command gives it; without it the "what would it take" analyses do not run)."""


Producer = Callable[[Scenario, GatherContext], Document | None]


def analysis_document(scenario: Scenario, context: GatherContext) -> Document:
    """The ``analyze --json`` document."""
    return context.analysis.json()


def setting_document(scenario: Scenario, context: GatherContext) -> Document:
    """The parties, the issues with their options, who gives each item and its unit.

    An item's giver is the one the scenario's ``items:`` section declares
    (``{item: [giver]}``, a divisible concession such as a share of relief included),
    whatever the item is worth to anyone; ``units`` are
    the items' declared units (``{item: unit or null}``).
    """
    parties = [
        {
            "id": p.id,
            "name": p.label,
            "signatory": p.signatory,
            "reservation": float(p.reservation),
            "discount": float(p.discount),
        }
        for p in scenario.parties
    ]
    issues = [
        {"name": i.name, "kind": i.kind, "values": [_plain(v) for v in i.values]}
        for i in scenario.space.issues
    ]
    delivered = givers(context.analysis.issues)
    if scenario.phasing is not None:  # a divisible concession (UN relief) is given too
        names = set(scenario.space.names)
        delivered |= {i.name: i.giver for i in scenario.phasing.deal.items if i.name in names}
    return {
        "parties": parties,
        "issues": issues,
        "worth": item_worth(scenario, set(delivered)),
        "givers": {item: [giver] for item, giver in delivered.items()},
        "units": {} if scenario.phasing is None else item_units(scenario.phasing.deal).json(),
        "parameters": parameters(scenario),
        "claims": {c.name: c.description or c.text for c in scenario.claims},
        "claim_texts": {c.name: c.text for c in scenario.claims},
        "positions": {
            name: {"description": p.description, "held_by": p.held_by}
            for name, p in scenario.positions.items()
        },
        "description": scenario.description,
        "labels": context.analysis.json().get("labels"),
        "sources": {
            key: {"title": r.title, "url": r.url, "date": r.date}
            for key, r in scenario.references.items()
        },
    }


def parameters(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Each parameter's value used, with its plausible range and source; a categorical
    parameter's value is its label, with its ``choices`` (label → probability)."""
    return {
        name: {
            "value": record.value,
            "range": None,
            "choices": dict(record.choices),
            "source": record.source,
            "description": record.description,
        }
        if record.choices is not None
        else {
            "value": float(record.value),
            "range": None if record.range is None else list(record.range),
            "source": record.source,
            "description": record.description,
        }
        for name, record in scenario.parameter_records.items()
    }


def item_worth(scenario: Scenario, given: Set[str] = frozenset()) -> dict[str, dict[str, float]]:
    """What delivering each item is worth to each party, where utilities are additive.

    Read from linear-additive utilities (hard constraints aside): the change in
    a party's utility when the item goes from its first value to its last (0 to 1 for a
    binary item; all of it for a divisible concession named in ``given``). Items whose
    worth is not additive are left out. (Who gives an item is declared, not read from these.)
    """
    space = scenario.space
    worth: dict[str, dict[str, float]] = {}
    for position, issue in enumerate(space.issues):
        if issue.kind != "item" and issue.name not in given:
            continue
        values = {p.id: _item_delta(p.utility, position) for p in scenario.parties}
        if all(v is not None for v in values.values()):
            worth[issue.name] = {k: float(v) for k, v in values.items() if v is not None}
    return worth


def _item_delta(utility: Utility, position: int) -> float | None:
    base = utility.base if isinstance(utility, Constrained) else utility
    if not isinstance(base, LinearAdditive):
        return None
    table = base.tables[position]
    return float(base.weights[position] * (table[-1] - table[0]))


def space_document(scenario: Scenario, context: GatherContext) -> Document | None:
    """The utility vectors of the first two signatories, for the plot.

    Small spaces (at most :data:`LABELLED` outcomes) keep every outcome with its
    name; larger ones keep the distinct vectors, from a seeded uniform sample of
    outcomes beyond :data:`DEDUPLICATED` and thinned to :data:`MAX_POINTS`.
    Unacceptable outcomes (a hard constraint fails) are counted, not drawn.
    """
    signatories = context.bargaining.signatories
    if len(signatories) < 2:
        return None
    columns = list(signatories[:2])
    common = win_sets(scenario, context.bargaining.utilities, context.bargaining.limit).common
    U = context.bargaining.utilities[:, columns]
    finite = np.all(np.isfinite(U), axis=1)
    document: dict[str, Any] = {
        "parties": [scenario.parties[i].id for i in columns],
        "n_outcomes": len(U),
        "n_unacceptable": int((~finite).sum()),
        "sampled": False,
    }
    if len(U) <= LABELLED:
        kept = np.flatnonzero(finite)
        kinds = {i.name: i.kind for i in scenario.space.issues}
        document["labels"] = [outcome(context.bargaining.outcome(int(i)), kinds) for i in kept]
        document["points"] = U[kept].tolist()
        document["ratifiable"] = common[kept].tolist()
        return document
    rows = np.flatnonzero(finite)
    if len(rows) > DEDUPLICATED:
        rng = np.random.default_rng(np.random.SeedSequence(len(rows)))
        rows = np.sort(rng.choice(rows, DEDUPLICATED, replace=False))
        document["sampled"] = True
    points, first = np.unique(U[rows], axis=0, return_index=True)
    ratifiable = common[rows][first]
    if len(points) > MAX_POINTS:
        rng = np.random.default_rng(np.random.SeedSequence(len(points)))
        chosen = np.sort(rng.choice(len(points), MAX_POINTS, replace=False))
        points, ratifiable = points[chosen], ratifiable[chosen]
        document["sampled"] = True
    document["points"] = points.tolist()
    document["ratifiable"] = ratifiable.tolist()
    return document


def phase_document(scenario: Scenario, context: GatherContext) -> Document | None:
    """The ``detente phase --json`` document of the scenario's deal, with givers, the measured
    and binary items, and trust paths.

    The designer runs with the scenario's defaults (stages, objective, target);
    with a target, the fewest stages that carry it are searched too.
    """
    plan = scenario.phasing
    if plan is None:
        return None
    result = design(plan.deal, plan.stages, plan.objective, plan.target, plan.time_limit)
    context.design = result
    designed = design_document(result, plan.deal)
    document: dict[str, Any] = {
        **designed.json(),
        "givers": {item.name: item.giver for item in plan.deal.items},
        "measured": list(designed.units.measured),
        "binary": list(designed.units.binary),
    }
    if plan.target is not None:
        search = min_stages(plan.deal, plan.target, plan.max_stages, plan.time_limit)
        document.update(min_stages=search.stages, min_stages_reason=search.reason)
    if scenario.trust is not None:
        document.update(trust_paths(scenario.trust, result.stages))
    return document


def trust_paths(trust: TrustTable, stages: int) -> dict[str, Any]:
    """Trust before the first stage and after each honoured one, and after one broken step.

    ``trust_path[k]`` is ``{truster: {trustee: p}}`` once ``k`` steps have been
    honoured [Kydd2000]; ``trust_after_breach`` the same after the first step is broken.
    """
    path: list[dict[str, dict[str, float]]] = [{} for _ in range(stages + 1)]
    breach: dict[str, dict[str, float]] = {}
    for (truster, trustee), model in trust.beliefs.items():
        for k, p in enumerate(compliance_path(model, stages + 1)):
            path[k].setdefault(truster, {})[trustee] = p
        breach.setdefault(truster, {})[trustee] = model.after(False).honour_probability()
    return {"trust_path": path, "trust_after_breach": breach}


def implementation_document(scenario: Scenario, context: GatherContext) -> Document | None:
    """The ``detente implement --json`` document: the best schedule carried out many times."""
    plan = scenario.phasing
    if plan is None:
        return None
    designed = context.design
    if plan.schedule is None and designed is None:
        designed = design(plan.deal, plan.stages, plan.objective, plan.target, plan.time_limit)
    schedule = plan.schedule or (None if designed is None else designed.schedule)
    if schedule is None:
        return None
    run = implement(plan.deal, schedule, SESSIONS, np.random.default_rng(SEED))
    return implement_document(run, plan.deal, schedule, SEED).json()


def whatif_document(scenario: Scenario, context: GatherContext) -> Document | None:
    """The tornado, thresholds and two-way map of :mod:`detente.report.whatif` (needs the file)."""
    if context.text is None:
        return None
    return whatif.whatif_document(scenario, context.text)


def factions_document(scenario: Scenario, context: GatherContext) -> Document | None:
    """Win-sets across :data:`WEIGHTS` of the first faction whose weight matters.

    A weight matters when the party ratifies by weighted majority or derives its
    negotiating utility from its factions; the last such faction is varied
    (e.g. the hard-liners listed after the leader).
    """
    for party in scenario.parties:
        home = party.domestic
        if home is None or len(home.factions) < 2:
            continue
        if isinstance(home.rule, Majority) or isinstance(home.basis, Derived):
            grid = FactionGrid(party.id, home.ids[-1], WEIGHTS)
            return faction_sweep(scenario, grid, context.bargaining.limit).json()
    return None


def domestic_document(scenario: Scenario, context: GatherContext) -> Document | None:
    """Who inside each side accepts each position, the win-sets in the issues' units, and the
    variant without the veto (:mod:`detente.report.domestic`)."""
    text = context.text
    agreement = context.analysis.json().get("agreement")
    return domestic.domestic_document(
        scenario, context.bargaining, agreement, None if text is None else text.build
    )


def counterfactuals_document(scenario: Scenario, context: GatherContext) -> Document | None:
    """The base case beside the file's variants and choices (:mod:`detente.report.counterfactuals`)."""
    text = context.text
    return counterfactual_comparison(scenario, None if text is None else text.build)


ROBUST_DRAWS = 20
"""Training draws of the report's robust deal (and as many fresh ones to judge it on): Hanoi
2019's report gains about 10 s on this machine (``phase --robust`` takes any number)."""


def robust_report_document(scenario: Scenario, context: GatherContext) -> Document | None:
    """``detente phase --robust --draws 20 --seed 0 --json`` on the scenario's file, with the
    ``--set`` values the report was given (``{"skipped": why}`` when the point estimate gives
    no design to match; ``None`` without the file, a deal or a range to draw)."""
    text = context.text
    if scenario.phasing is None or text is None or not text.uncertain():
        return None
    try:
        return robust_document(text, ROBUST_DRAWS, SEED, show=False).json()
    except DetenteError as error:
        return {"skipped": str(error), "draws": ROBUST_DRAWS, "seed": SEED}


REPORT_PRODUCERS: dict[str, Producer] = {
    "setting": setting_document,
    "analysis": analysis_document,
    "space": space_document,
    "phase": phase_document,
    "implementation": implementation_document,
    "factions": factions_document,
    "domestic": domestic_document,
    "robust": robust_report_document,
    "whatif": whatif_document,
    "counterfactuals": counterfactuals_document,
}
"""Who produces each document of a report, in the order they run."""


def gather(
    scenario: Scenario,
    limit: int = ENUMERATION_LIMIT,
    sweep: Document | None = None,
    text: ScenarioText | None = None,
    posterior: Document | None = None,
) -> ReportData:
    """Run every registered producer on ``scenario``; add a sweep summary if given (:func:`read_sweep`)
    and the case's retrodiction over a calibrate posterior's draws (``posterior``: ``{before,
    draws, share, claims}``, as ``report --posterior`` computes it).

    ``text`` is the scenario's file (:class:`ScenarioText`, with the same ``--set``
    values): with it, the "what would it take" section analyses the file again
    at other parameter values.

    >>> from pathlib import Path
    >>> from detente.scenariofile.loader import load_scenario
    >>> s = load_scenario(Path(__file__).parents[3] / "scenarios/theory/worked-example.yaml")
    >>> gather(s).present()
    ('setting', 'analysis', 'space')
    """
    bargaining = Bargaining.of(scenario, limit)
    context = GatherContext(bargaining, analysis_of(scenario, bargaining), text=text)
    documents = {name: produce(scenario, context) for name, produce in REPORT_PRODUCERS.items()}
    if sweep is not None:
        documents["sweep"] = sweep
    if posterior is not None:
        documents["posterior"] = posterior
    return ReportData.from_documents(
        scenario.name, documents, scenario.description, context.analysis.issues
    )


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value
