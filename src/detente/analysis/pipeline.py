"""The analysis of a scenario: one pipeline from a :class:`~detente.scenario.Scenario` to its document.

:func:`analysis_of` is the whole pipeline, its steps in order; each step is a
small function of the scenario and of the typed values earlier steps
computed, and returns its section of the :class:`AnalyzeDocument`:

1. :class:`~detente.analysis.solutions.Bargaining` — the utility matrix, the
   rational set, the frontier and the bargaining solutions, computed once;
2. :func:`~detente.analysis.solutions.core_doc` — parties, issues (with
   their kinds and givers), counts, the frontier, the solutions;
3. :func:`~detente.analysis.twolevel.ratification` — the win-sets and the
   solutions that count (restricted to their intersection with factions);
4. :func:`~detente.analysis.positions.position_docs` — the named positions;
5. :func:`~detente.analysis.twolevel.two_level_doc` — win-sets, the
   ratifiable agreement, the stakeholders;
6. :func:`~detente.analysis.domain.domain_doc` — an imported domain's origin;
7. :func:`~detente.analysis.trust.trust_doc` — trust and its models;
8. :func:`~detente.analysis.phasing.phasing_doc` — the best schedule, and
   the positions and the agreement as fixed packages;
9. ``parameters`` — the named parameters' values (after ``--set``);
10. :func:`claims_doc` — the scenario's claims, read on everything above;
11. :func:`~detente.analysis.labels.labels_doc` — every id's display name.

:func:`analyze` is the same document as JSON (what ``analyze --json`` prints).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from detente.analysis.documents import AnalyzeDocument
from detente.analysis.domain import domain_doc
from detente.analysis.labels import labels_doc
from detente.analysis.phasing import phasing_doc
from detente.analysis.positions import position_docs
from detente.analysis.solutions import Bargaining, core_doc, outcome_json
from detente.analysis.trust import trust_doc
from detente.analysis.twolevel import ratification, two_level_doc
from detente.claims import evaluate_claims
from detente.outcomes import ENUMERATION_LIMIT
from detente.scenario import Scenario


def analysis_of(scenario: Scenario, base: Bargaining) -> AnalyzeDocument:
    """The analysis document of ``scenario``, from its bargaining problem ``base``."""
    ratified = ratification(scenario, base)
    agreement = ratified.agreement
    document = AnalyzeDocument(
        core=core_doc(scenario, base),
        positions=position_docs(scenario, base, ratified.win_sets),
        two_level=two_level_doc(scenario, base, ratified),
        domain=domain_doc(scenario),
        trust=trust_doc(scenario),
        phasing=phasing_doc(
            scenario,
            None if agreement is None else outcome_json(scenario, agreement.index),
            ratified.win_sets.common if ratified.factions else None,
            None if agreement is None else agreement.index,
        ),
        parameters=scenario.parameters,
    )
    return replace(document, claims=claims_doc(scenario, document), labels=labels_doc(scenario))


def run(scenario: Scenario, limit: int = ENUMERATION_LIMIT) -> AnalyzeDocument:
    """The typed analysis document of a scenario (enumerating at most ``limit`` outcomes).

    >>> from pathlib import Path
    >>> from detente.scenariofile.loader import load_scenario
    >>> s = load_scenario(Path(__file__).parents[3] / "scenarios/theory/worked-example.yaml")
    >>> run(s).solutions.found["nash"].outcome
    {'deal': 'MediumDeal'}
    """
    return analysis_of(scenario, Bargaining.of(scenario, limit))


def analyze(scenario: Scenario, limit: int = ENUMERATION_LIMIT) -> dict[str, Any]:
    """The full analysis document of a scenario as JSON (the ``analyze --json`` output).

    >>> from pathlib import Path
    >>> from detente.scenariofile.loader import load_scenario
    >>> s = load_scenario(Path(__file__).parents[3] / "scenarios/theory/worked-example.yaml")
    >>> analyze(s)["solutions"]["nash"]["outcome"]
    {'deal': 'MediumDeal'}
    """
    return run(scenario, limit).json()


def claims_doc(scenario: Scenario, document: AnalyzeDocument) -> Mapping[str, bool] | None:
    """``claims``: whether each of the scenario's claims holds on the document so far.

    Every claim's fields are checked first, so a misspelt field is an error
    even where a short-circuit would not read it.
    """
    if not scenario.claims:
        return None
    results = document.json()
    for claim in scenario.claims:
        claim.check(results)
    return evaluate_claims(scenario.claims, results)
