"""The bargaining problem of a scenario and its solutions, as the documents report them.

:class:`Bargaining` computes once what every later step shares (the utility
matrix, the rational set, the frontier, the solutions among the signatories);
:func:`solution_doc` is the one rendering of a solution, :func:`core_doc`
the first section of ``analyze``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from detente.analysis.documents import CoreDoc, IssueFacts, Outcome, SolutionDoc, SolutionSet
from detente.outcomes import ENUMERATION_LIMIT
from detente.scenario import Scenario
from detente.solutions import (
    SOLUTION_NAMES,
    NoSolution,
    Solution,
    pareto_frontier,
    rational_mask,
    solve_all,
)
from detente.utility import FloatArray

Results = dict[str, Solution | NoSolution]
"""Bargaining solutions by name, as :func:`~detente.solutions.solve_all` returns them."""


@dataclass(frozen=True, slots=True)
class Bargaining:
    """What the steps of one analysis share, computed once.

    ``utilities`` is ``U[outcome, party]`` over the whole space,
    ``disagreement`` the parties' reservation values, ``signatories`` the
    positions of the parties whose signature a deal needs, ``rational`` the
    outcomes every signatory prefers (weakly) to no deal, ``frontier`` the
    signatories' Pareto frontier and ``solutions`` the bargaining solutions
    among the signatories over the rational set.
    """

    scenario: Scenario
    limit: int
    signatories: tuple[int, ...]
    solutions: Results
    utilities: FloatArray = field(compare=False, repr=False)
    disagreement: FloatArray = field(compare=False, repr=False)
    rational: np.ndarray = field(compare=False, repr=False)
    frontier: np.ndarray = field(compare=False, repr=False)

    @classmethod
    def of(cls, scenario: Scenario, limit: int = ENUMERATION_LIMIT) -> Bargaining:
        """Enumerate the space (up to ``limit`` outcomes) and solve the bargaining problem."""
        U = scenario.utility_matrix(limit)
        d = scenario.reservations
        signatories = tuple(i for i, p in enumerate(scenario.parties) if p.signatory)
        cols = list(signatories)
        return cls(
            scenario,
            limit,
            signatories,
            solve_all(U[:, cols], d[cols]),
            U,
            d,
            rational_mask(U[:, cols], d[cols]),
            pareto_frontier(U[:, cols]),
        )

    def outcome(self, index: int) -> Outcome:
        """An outcome as ``{issue: value}`` with JSON-ready values."""
        return outcome_json(self.scenario, index)

    def party_utilities(self, index: int) -> tuple[float, ...]:
        """Every party's utility at an outcome, in party order."""
        return party_utilities(self.utilities, index)


def outcome_json(scenario: Scenario, index: int) -> dict[str, object]:
    """The outcome at ``index`` as ``{issue: value}`` with plain Python values."""
    pairs = scenario.space.to_dict(index).items()
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in pairs}


def party_utilities(U: FloatArray, index: int) -> tuple[float, ...]:
    """Every party's utility at an outcome, in party order."""
    return tuple(float(u) for u in U[index])


def solution_doc(scenario: Scenario, U: FloatArray, result: Solution) -> SolutionDoc:
    """A solution as reported: its outcome, every party's utility there, its ties."""
    return SolutionDoc(
        outcome_json(scenario, result.index), party_utilities(U, result.index), result.ties
    )


def solution_set(scenario: Scenario, U: FloatArray, results: Results) -> SolutionSet:
    """Every solution in :data:`~detente.solutions.SOLUTION_NAMES` order, with the reasons for none."""
    found: dict[str, SolutionDoc | None] = {}
    reasons: dict[str, str] = {}
    for name in SOLUTION_NAMES:
        result = results[name]
        if isinstance(result, NoSolution):
            found[name], reasons[name] = None, result.reason
        else:
            found[name] = solution_doc(scenario, U, result)
    return SolutionSet(found, reasons)


def issue_facts(scenario: Scenario) -> tuple[IssueFacts, ...]:
    """Every issue's kind and size, and each item's giver as the scenario's ``items:`` declares it.

    An item issue's giver is the giver of the deal's item of the same name
    (the way positions name the items they deliver); ``None`` if there is none.
    """
    plan = scenario.phasing
    declared = {} if plan is None else {item.name: item.giver for item in plan.deal.items}
    return tuple(
        IssueFacts(
            issue.name,
            issue.kind,
            len(issue),
            declared.get(issue.name) if issue.kind == "item" else None,
        )
        for issue in scenario.space.issues
    )


def core_doc(scenario: Scenario, base: Bargaining) -> CoreDoc:
    """Parties, issues, outcome counts, the frontier and the (unrestricted) bargaining solutions."""
    return CoreDoc(
        scenario=scenario.name,
        parties=tuple(scenario.party_ids),
        signatories=tuple(scenario.parties[i].id for i in base.signatories),
        issues=issue_facts(scenario),
        n_outcomes=scenario.space.size,
        reservation_values=tuple(float(r) for r in scenario.reservations),
        n_rational=int(base.rational.sum()),
        pareto=tuple(base.party_utilities(int(i)) for i in base.frontier),
        solutions=solution_set(scenario, base.utilities, base.solutions),
    )
