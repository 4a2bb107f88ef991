"""What two-level games add to ``analyze``: win-sets, the ratifiable agreement, stakeholders.

The computations are :mod:`detente.twolevel`'s; this module restricts the
bargaining solutions to the intersection of the signatories' win-sets
(:func:`ratifiable_solutions`) and reports the result (:func:`two_level_doc`,
:func:`faction_sweep`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.analysis.documents import (
    EffectDoc,
    FactionSweepDoc,
    SolutionDoc,
    SweepPoint,
    TwoLevelDoc,
    WinSetDoc,
)
from detente.analysis.solutions import Bargaining, Results, solution_doc, solution_set
from detente.outcomes import ENUMERATION_LIMIT
from detente.scenario import Scenario
from detente.solutions import NoSolution, Solution, solve_all
from detente.twolevel import (
    FactionGrid,
    WinSets,
    effects,
    has_factions,
    restrict,
    vary_faction,
    win_sets,
)
from detente.utility import FloatArray


def ratifiable_solutions(U: FloatArray, d: FloatArray, ws: WinSets) -> Results:
    """Every bargaining solution among the signatories, restricted to the intersection.

    >>> from pathlib import Path
    >>> from detente.scenariofile.loader import load_scenario
    >>> path = Path(__file__).parents[3] / "scenarios/theory/two-level.yaml"
    >>> s = load_scenario(path, {"v_H": 0.4})
    >>> U = s.utility_matrix()
    >>> s.space.to_outcome(ratifiable_solutions(U, s.reservations, win_sets(s, U))["nash"].index)
    (0.4,)
    """
    signers = np.asarray(ws.signatory, dtype=np.bool_)
    found = solve_all(restrict(U[:, signers], ws.common), d[signers])
    if ws.ratifiable:
        return found
    return {name: NoSolution(name, ws.reason()) for name in found}


@dataclass(frozen=True, slots=True)
class Ratification:
    """The win-sets of a scenario and the solutions that count.

    With factions (``factions``) the solutions are restricted to the
    intersection of the signatories' win-sets; without, they are the
    bargaining problem's own (the intersection is then the rational set).
    """

    win_sets: WinSets
    factions: bool
    solutions: Results

    @property
    def agreement(self) -> Solution | None:
        """The (ratifiable) Nash agreement, if there is one."""
        nash = self.solutions["nash"]
        return nash if isinstance(nash, Solution) else None

    def agreement_reason(self) -> str:
        """Why there is no agreement (empty when there is one)."""
        nash = self.solutions["nash"]
        if isinstance(nash, Solution):
            return ""
        return self.win_sets.reason() or nash.reason


def ratification(scenario: Scenario, base: Bargaining) -> Ratification:
    """Every party's win-set and the solutions restricted to their intersection (with factions)."""
    U, d = base.utilities, base.disagreement
    ws = win_sets(scenario, U, base.limit)
    factions = has_factions(scenario)
    solutions = ratifiable_solutions(U, d, ws) if factions else base.solutions
    return Ratification(ws, factions, solutions)


def _agreement(scenario: Scenario, U: FloatArray, solution: Solution | None) -> SolutionDoc | None:
    return None if solution is None else solution_doc(scenario, U, solution)


def _stakeholders(
    U: FloatArray, ws: WinSets, solutions: Results
) -> dict[str, dict[str, float | None]]:
    return {
        party: {
            name: None if isinstance(result, NoSolution) else float(U[result.index, p])
            for name, result in solutions.items()
        }
        for p, party in enumerate(ws.party_ids)
        if not ws.signatory[p]
    }


def _effects(U: FloatArray, d: FloatArray, ws: WinSets) -> dict[str, dict[str, EffectDoc]]:
    found: dict[str, dict[str, EffectDoc]] = {}
    for e in effects(U, d, ws.common, ws.party_ids, np.asarray(ws.signatory, dtype=np.bool_)):
        found.setdefault(e.stakeholder, {})[e.signatory] = EffectDoc(
            e.verdict, e.low, e.high, e.reservation
        )
    return found


def two_level_doc(scenario: Scenario, base: Bargaining, ratified: Ratification) -> TwoLevelDoc:
    """``win_sets``, ``intersection_size``, ``agreement``, ``stakeholders`` for ``analyze``.

    When any party declares factions, ``solutions`` are replaced by the ones
    restricted to the intersection of the signatories' win-sets, the
    unrestricted ones move to ``solutions_unrestricted``, and
    ``solution_scope`` is ``"ratifiable"``; without factions the intersection
    is the individually rational set, the two coincide and ``solution_scope``
    is ``"rational"``.
    """
    U, ws = base.utilities, ratified.win_sets
    return TwoLevelDoc(
        win_sets={
            p: WinSetDoc(n, s) for p, n, s in zip(ws.party_ids, ws.sizes, ws.signatory, strict=True)
        },
        intersection_size=ws.intersection_size,
        agreement=_agreement(scenario, U, ratified.agreement),
        agreement_reason=ratified.agreement_reason(),
        stakeholders=_stakeholders(U, ws, ratified.solutions),
        effects=_effects(U, base.disagreement, ws),
        scope="ratifiable" if ratified.factions else "rational",
        restricted=solution_set(scenario, U, ratified.solutions) if ratified.factions else None,
    )


def _runs(flags: list[bool], values: tuple[float, ...]) -> tuple[tuple[float, float], ...]:
    """``(first, last)`` value of every run of consecutive ``True`` flags.

    >>> _runs([True, True, False, True], (0.0, 0.5, 1.0, 1.5))
    ((0.0, 0.5), (1.5, 1.5))
    """
    runs: list[tuple[float, float]] = []
    for k, flag in enumerate(flags):
        if flag and (k == 0 or not flags[k - 1]):
            runs.append((values[k], values[k]))
        elif flag:
            runs[-1] = (runs[-1][0], values[k])
    return tuple(runs)


def faction_sweep(
    scenario: Scenario, grid: FactionGrid, limit: int = ENUMERATION_LIMIT
) -> FactionSweepDoc:
    """Win-sets and the ratifiable Nash agreement at every weight of ``grid``, for ``analyze``.

    ``impossible`` lists the weight ranges (runs of grid points) at which no
    agreement is ratifiable.
    """
    points = vary_faction(scenario, grid, limit)
    rows = []
    for point in points:
        U = point.scenario.utility_matrix(limit)
        ws = point.win_sets
        solutions = ratifiable_solutions(U, point.scenario.reservations, ws)
        ratified = Ratification(ws, True, solutions)
        rows.append(
            SweepPoint(
                point.weight,
                dict(zip(ws.party_ids, ws.sizes, strict=True)),
                ws.intersection_size,
                _agreement(point.scenario, U, ratified.agreement),
                ratified.agreement_reason(),
            )
        )
    flags = [not p.win_sets.ratifiable for p in points]
    return FactionSweepDoc(grid.party, grid.faction, tuple(rows), _runs(flags, grid.weights))
