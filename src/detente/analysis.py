"""The analysis of a scenario: what ``detente analyze`` reports.

:func:`analyze` builds one JSON-ready document from *sections*: functions of
the scenario and a shared :class:`AnalysisContext` (the utility matrix, the
rational set, the frontier and the solutions, each computed once). Features
that add keys to the report append their section to :data:`ANALYSIS_SECTIONS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from detente.claims import evaluate_claims
from detente.outcomes import ENUMERATION_LIMIT
from detente.phasing.sections import phasing_section, trust_section
from detente.scenario import Scenario
from detente.solutions import NoSolution, Solution, pareto_frontier, rational_mask, solve_all
from detente.twolevel import two_level_section
from detente.utility import FloatArray

SOLUTION_NAMES = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")


@dataclass
class AnalysisContext:
    """Intermediate results shared by the sections of one analysis, computed on first use."""

    scenario: Scenario
    limit: int = ENUMERATION_LIMIT
    extras: dict[str, Any] = field(default_factory=dict)
    document: dict[str, Any] = field(default_factory=dict)
    """The report so far: sections run in order and may read what earlier ones wrote."""

    @cached_property
    def utilities(self) -> FloatArray:
        """``U[outcome, party]`` over the whole space."""
        return self.scenario.utility_matrix(self.limit)

    @cached_property
    def disagreement(self) -> FloatArray:
        """The disagreement point: the parties' reservation values."""
        return self.scenario.reservations

    @cached_property
    def signatories(self) -> tuple[int, ...]:
        """Positions of the parties whose signature a deal needs."""
        return tuple(i for i, p in enumerate(self.scenario.parties) if p.signatory)

    @cached_property
    def rational(self) -> np.ndarray:
        """Outcomes every signatory prefers (weakly) to no deal."""
        cols = list(self.signatories)
        return rational_mask(self.utilities[:, cols], self.disagreement[cols])

    @cached_property
    def frontier(self) -> np.ndarray:
        """Indices of the signatories' Pareto frontier among acceptable outcomes."""
        return pareto_frontier(self.utilities[:, list(self.signatories)])

    @cached_property
    def solutions(self) -> dict[str, Solution | NoSolution]:
        """The bargaining solutions among the signatories, over the rational set."""
        cols = list(self.signatories)
        return solve_all(self.utilities[:, cols], self.disagreement[cols])

    def outcome(self, index: int) -> dict[str, Any]:
        """An outcome as ``{issue: value}`` with JSON-ready values."""
        return {k: _json_value(v) for k, v in self.scenario.space.to_dict(index).items()}

    def party_utilities(self, index: int) -> list[float]:
        """Every party's utility at an outcome, in party order."""
        return [float(u) for u in self.utilities[index]]


Section = Callable[[Scenario, AnalysisContext], dict[str, Any]]


def core_section(scenario: Scenario, context: AnalysisContext) -> dict[str, Any]:
    """Parties, outcome counts, the frontier and the bargaining solutions."""
    solutions: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    for name in SOLUTION_NAMES:
        result = context.solutions[name]
        if isinstance(result, NoSolution):
            solutions[name] = None
            reasons[name] = result.reason
        else:
            solutions[name] = {
                "outcome": context.outcome(result.index),
                "utilities": context.party_utilities(result.index),
                "ties": result.ties,
            }
    document: dict[str, Any] = {
        "scenario": scenario.name,
        "parties": list(scenario.party_ids),
        "signatories": [scenario.parties[i].id for i in context.signatories],
        "issues": {i.name: len(i) for i in scenario.space.issues},
        "n_outcomes": scenario.space.size,
        "reservation_values": [float(r) for r in scenario.reservations],
        "n_rational": int(context.rational.sum()),
        "pareto": [context.party_utilities(int(i)) for i in context.frontier],
        "solutions": solutions,
    }
    if reasons:
        document["solution_reasons"] = reasons
    return document


def positions_section(scenario: Scenario, context: AnalysisContext) -> dict[str, Any]:
    """Each named position: its outcome, every party's utility, whether all signatories gain."""
    if not scenario.positions:
        return {}
    return {
        "positions": {
            name: {
                "outcome": context.outcome(position.index),
                "held_by": position.held_by,
                "utilities": context.party_utilities(position.index),
                "rational": bool(context.rational[position.index]),
            }
            for name, position in scenario.positions.items()
        }
    }


ANALYSIS_SECTIONS: list[Section] = [core_section, positions_section]
"""The sections of ``analyze``, in report order."""

ANALYSIS_SECTIONS.append(two_level_section)


def position_ratification_section(scenario: Scenario, context: AnalysisContext) -> dict[str, Any]:
    """Adds to each position ``ratifiable`` (in every signatory's win-set) and ``in_win_set``.

    ``in_win_set`` is ``{party: bool}`` over every party (a stakeholder's win-set is its
    individually rational set). Reads the win-sets the two-level section computed.
    """
    ws = context.extras.get("win_sets")
    positions = context.document.get("positions")
    if ws is None or not positions:
        return {}
    updated = {}
    for name, entry in positions.items():
        index = scenario.positions[name].index
        updated[name] = {
            **entry,
            "ratifiable": bool(ws.common[index]),
            "in_win_set": {p: bool(ws.masks[index, k]) for k, p in enumerate(scenario.party_ids)},
        }
    return {"positions": updated}


ANALYSIS_SECTIONS.append(position_ratification_section)


def domain_section(scenario: Scenario, context: AnalysisContext | None) -> dict[str, Any]:
    """For an imported domain: its format, files, real-issue grid, discount factors, repairs."""
    origin = scenario.origin
    return {} if origin is None else {"domain": origin.document(scenario.party_ids)}


ANALYSIS_SECTIONS.append(domain_section)
ANALYSIS_SECTIONS.append(trust_section)
ANALYSIS_SECTIONS.append(phasing_section)


def analyze(scenario: Scenario, limit: int = ENUMERATION_LIMIT) -> dict[str, Any]:
    """The full analysis document of a scenario (the ``analyze --json`` output).

    >>> from pathlib import Path
    >>> from detente.scenariofile.loader import load_scenario
    >>> s = load_scenario(Path(__file__).parents[2] / "scenarios/theory/worked-example.yaml")
    >>> analyze(s)["solutions"]["nash"]["outcome"]
    {'deal': 'MediumDeal'}
    """
    context = AnalysisContext(scenario, limit)
    for section in [*ANALYSIS_SECTIONS, *CONCLUDING_SECTIONS]:
        context.document.update(section(scenario, context))
    return context.document


def claims_section(scenario: Scenario, context: AnalysisContext) -> dict[str, Any]:
    """``claims``: whether each of the scenario's claims holds on the report.

    Every claim's fields are checked first, so a misspelt field is an error
    even where a short-circuit would not read it.
    """
    if not scenario.claims:
        return {}
    for claim in scenario.claims:
        claim.check(context.document)
    return {"claims": evaluate_claims(scenario.claims, context.document)}


CONCLUDING_SECTIONS: list[Section] = [claims_section]
"""Sections that read the whole report: run after every one of :data:`ANALYSIS_SECTIONS`."""


def _json_value(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return value
