"""Two-level games: win-sets, their intersection, and the stakeholders who do not sign.

Definitions [Putnam1988] (``docs/explanation/two-level-games.md``), over ``U[outcome, party]`` with
disagreement point ``d`` (the parties' reservation values):

- party ``p``'s **win-set** is every outcome its ratification rule accepts
  *and* whose negotiating utility is at least its reservation value,
  ``W_p = {x : ratified_p(x) and U[x, p] >= d_p}``; a party without factions
  ratifies everything, so its win-set is its individually rational set;
- the **intersection** is ``∩ W_p`` over the *signatories* only: a stakeholder
  (``signatory=False``) is never asked to accept, so its utilities never change
  what can be agreed;
- solutions are **restricted** to the intersection by making every other
  outcome :data:`~detente.utility.UNACCEPTABLE` to the signatories
  (:func:`restrict`): any bargaining solution then picks inside it, and the
  ideal point of Kalai–Smorodinsky is the ideal point *within* it;
- a stakeholder's **effect** from signatory ``p`` compares the stakeholder's
  utility at ``p``'s ideal outcomes within the intersection (``p``'s best
  ratifiable deal, all ties) with the stakeholder's reservation value:
  ``helps`` if above it at every tied ideal, ``hurts`` if below at every one,
  ``neutral`` if equal at every one, ``depends`` otherwise (tie-breaking decides).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from detente.errors import DetenteError
from detente.factions import Given
from detente.outcomes import ENUMERATION_LIMIT, IndexArray
from detente.parties import Party
from detente.ratification import BoolArray
from detente.scenario import Scenario
from detente.utility import UNACCEPTABLE, Constrained, FloatArray

TOLERANCE = 1e-9
"""Utility differences within this are ties (``neutral`` effects)."""

Verdict = Literal["helps", "hurts", "neutral", "depends"]


def win_set_masks(U: FloatArray, d: FloatArray, ratified: BoolArray) -> BoolArray:
    """``W[o, p]``: outcome ``o`` is ratified by ``p`` and worth at least ``d_p`` to it.

    >>> U = np.array([[1.0, 0.0], [2.0, 3.0]])
    >>> win_set_masks(U, np.array([1.0, 1.0]), np.array([[True, True], [False, True]])).tolist()
    [[True, False], [False, True]]
    """
    return ratified & np.greater_equal(U, np.asarray(d)[None, :])


def intersection(masks: BoolArray, signatory: BoolArray) -> BoolArray:
    """Outcomes in every signatory's win-set (every outcome if nobody signs).

    >>> W = np.array([[True, False, True], [True, True, False]])
    >>> intersection(W, np.array([True, True, False])).tolist()
    [False, True]
    """
    return np.asarray(masks[:, np.asarray(signatory, dtype=np.bool_)].all(axis=1), dtype=np.bool_)


def disjoint_pairs(
    masks: BoolArray, ids: tuple[str, ...], signatory: BoolArray
) -> tuple[tuple[str, str], ...]:
    """Pairs of signatories whose win-sets do not meet, in party order.

    >>> W = np.array([[True, False, True], [False, True, True]])
    >>> disjoint_pairs(W, ("a", "b", "c"), np.array([True, True, True]))
    (('a', 'b'),)
    """
    columns = np.flatnonzero(signatory)
    sub = masks[:, columns]
    meets = sub.T @ sub  # boolean matmul: do two win-sets share an outcome?
    return tuple(
        (ids[columns[i]], ids[columns[j]])
        for i in range(len(columns))
        for j in range(i + 1, len(columns))
        if not meets[i, j]
    )


def restrict(U: FloatArray, mask: BoolArray) -> FloatArray:
    """A copy of ``U`` in which every outcome outside ``mask`` is unacceptable to all.

    >>> restrict(np.array([[1.0], [2.0]]), np.array([False, True])).tolist()
    [[-inf], [2.0]]
    """
    return np.where(np.asarray(mask)[:, None], U, UNACCEPTABLE)


def ideal_outcomes(u: FloatArray, mask: BoolArray) -> IndexArray:
    """Every outcome in ``mask`` maximising ``u`` (empty if ``mask`` is).

    >>> ideal_outcomes(np.array([3.0, 5.0, 5.0, 9.0]), np.array([True, True, True, False])).tolist()
    [1, 2]
    """
    inside = np.flatnonzero(mask)
    if inside.size == 0:
        return inside.astype(np.int64)
    values = u[inside]
    best: IndexArray = inside[values >= values.max() - TOLERANCE].astype(np.int64)
    return best


def verdict(gains: FloatArray) -> Verdict:
    """Classify a stakeholder's gains over no deal across tied outcomes.

    >>> verdict(np.array([0.5, 1.0])), verdict(np.array([-0.5, 1.0])), verdict(np.array([0.0]))
    ('helps', 'depends', 'neutral')
    """
    if np.all(gains > TOLERANCE):
        return "helps"
    if np.all(gains < -TOLERANCE):
        return "hurts"
    if np.all(np.abs(gains) <= TOLERANCE):
        return "neutral"
    return "depends"


@dataclass(frozen=True, slots=True)
class Effect:
    """How signatory ``signatory``'s best ratifiable deal treats ``stakeholder``.

    ``low``/``high`` bound the stakeholder's utility over the signatory's tied
    ideal outcomes in the intersection; ``reservation`` is its value of no deal.
    """

    stakeholder: str
    signatory: str
    verdict: Verdict
    low: float
    high: float
    reservation: float


def effects(
    U: FloatArray, d: FloatArray, mask: BoolArray, ids: tuple[str, ...], signatory: BoolArray
) -> tuple[Effect, ...]:
    """Each stakeholder's :class:`Effect` from each signatory (none if ``mask`` is empty).

    >>> U = np.array([[4.0, 0.0, -1.0], [0.0, 4.0, 2.0]])
    >>> [(e.signatory, e.verdict) for e in effects(
    ...     U, np.zeros(3), np.array([True, True]), ("a", "b", "s"), np.array([True, True, False]))]
    [('a', 'hurts'), ('b', 'helps')]
    """
    found = []
    for s in np.flatnonzero(~np.asarray(signatory, dtype=np.bool_)):
        for p in np.flatnonzero(signatory):
            ideal = ideal_outcomes(U[:, p], mask)
            if ideal.size == 0:
                continue
            at = U[ideal, s]
            found.append(
                Effect(
                    ids[s],
                    ids[p],
                    verdict(at - d[s]),
                    float(at.min()),
                    float(at.max()),
                    float(d[s]),
                )
            )
    return tuple(found)


@dataclass(frozen=True, slots=True)
class WinSets:
    """Every party's win-set and the signatories' intersection, over the whole space.

    ``masks[o, p]`` and ``common[o]`` are arrays, so they are left out of
    equality; ``sizes``, ``intersection_size`` and ``disjoint`` are the values
    to report. ``disjoint`` names the pairs of signatories whose win-sets do not
    meet; it can be empty while ``common`` is (three win-sets that meet pairwise
    but not all together).
    """

    party_ids: tuple[str, ...]
    signatory: tuple[bool, ...]
    sizes: tuple[int, ...]
    intersection_size: int
    disjoint: tuple[tuple[str, str], ...]
    masks: BoolArray = field(compare=False, repr=False)
    common: BoolArray = field(compare=False, repr=False)

    @property
    def ratifiable(self) -> bool:
        """Whether some outcome is in every signatory's win-set."""
        return self.intersection_size > 0

    def reason(self) -> str:
        """Why there is no ratifiable agreement (empty string if there is one)."""
        if self.ratifiable:
            return ""
        if self.disjoint:
            pairs = "; ".join(f"{a} and {b}" for a, b in self.disjoint)
            return f"no ratifiable agreement: the win-sets of {pairs} do not meet"
        signers = [p for p, s in zip(self.party_ids, self.signatory, strict=True) if s]
        return (
            "no ratifiable agreement: the win-sets of "
            f"{', '.join(signers)} meet pairwise but have no outcome in common"
        )


def ratified_matrix(scenario: Scenario, limit: int = ENUMERATION_LIMIT) -> BoolArray:
    """``R[o, p]``: whether party ``p``'s ratification rule accepts outcome ``o``."""
    scenario.space.require_enumerable("computing win-sets", limit)
    columns = [_ratified(scenario, party, limit) for party in scenario.parties]
    return np.column_stack(columns)


def _ratified(scenario: Scenario, party: Party, limit: int) -> BoolArray:
    if party.domestic is None:
        return np.ones(scenario.space.size, dtype=np.bool_)
    F = party.domestic.utility_matrix(scenario.space, limit=limit)
    return party.domestic.ratified(F, party.reservation)


def win_sets(
    scenario: Scenario, U: FloatArray | None = None, limit: int = ENUMERATION_LIMIT
) -> WinSets:
    """Win-sets of every party of ``scenario`` and the signatories' intersection.

    ``U`` (the scenario's utility matrix) is computed unless given.

    >>> from pathlib import Path
    >>> from detente.scenariofile.loader import load_scenario
    >>> path = Path(__file__).parents[2] / "scenarios/theory/two-level.yaml"
    >>> ws = win_sets(load_scenario(path, {"v_H": 0.4, "c_M": 0.45}))
    >>> ws.sizes, ws.intersection_size, ws.reason()
    ((41, 56), 0, 'no ratifiable agreement: the win-sets of us and nk do not meet')
    """
    U = scenario.utility_matrix(limit) if U is None else U
    masks = win_set_masks(U, scenario.reservations, ratified_matrix(scenario, limit))
    signatory = np.array([p.signatory for p in scenario.parties], dtype=np.bool_)
    common = intersection(masks, signatory)
    return WinSets(
        party_ids=scenario.party_ids,
        signatory=tuple(bool(s) for s in signatory),
        sizes=tuple(int(n) for n in masks.sum(axis=0)),
        intersection_size=int(common.sum()),
        disjoint=disjoint_pairs(masks, scenario.party_ids, signatory),
        masks=masks,
        common=common,
    )


def has_factions(scenario: Scenario) -> bool:
    """Whether any party of ``scenario`` declares factions."""
    return any(p.domestic is not None for p in scenario.parties)


def reweight(scenario: Scenario, party_id: str, faction_id: str, weight: float) -> Scenario:
    """``scenario`` with one faction's weight changed.

    A derived negotiating utility is recomputed from the new shares; the
    party's hard constraints (``requires``) still apply to it.
    """
    party = scenario.party(party_id)
    if party.domestic is None:
        raise DetenteError(f"party {party_id!r} has no factions to reweight")
    domestic = party.domestic.with_weight(faction_id, weight)
    utility = party.utility
    if not isinstance(domestic.basis, Given):
        derived = domestic.negotiating_utility()
        hard = utility.requirements if isinstance(utility, Constrained) else ()
        utility = Constrained(derived, hard) if hard else derived
    changed = replace(party, domestic=domestic, utility=utility)
    parties = tuple(changed if p.id == party_id else p for p in scenario.parties)
    return replace(scenario, parties=parties)


_GRID = re.compile(r"^([^.=\s]+)\.([^.=\s]+)\.weight=([^:]+):([^:]+):(\d+)$")


@dataclass(frozen=True, slots=True)
class FactionGrid:
    """A grid of weights for one faction: ``PARTY.FACTION.weight=LOW:HIGH:N``.

    >>> FactionGrid.parse("us.hawks.weight=0:1:3").weights
    (0.0, 0.5, 1.0)
    """

    party: str
    faction: str
    weights: tuple[float, ...]

    @classmethod
    def parse(cls, text: str) -> FactionGrid:
        """Read ``PARTY.FACTION.weight=LOW:HIGH:N`` (``N`` evenly spaced weights, ends included)."""
        match = _GRID.match(text.strip())
        valid = "expected PARTY.FACTION.weight=LOW:HIGH:N, e.g. us.hawks.weight=0:1:11"
        if match is None:
            raise DetenteError(f"--vary-faction {text!r}: {valid}")
        party, faction, low, high, count = match.groups()
        try:
            lo, hi = float(low), float(high)
        except ValueError:
            raise DetenteError(f"--vary-faction {text!r}: {valid}") from None
        n = int(count)
        if not (math.isfinite(lo) and math.isfinite(hi) and 0.0 <= lo <= hi and n >= 1):
            raise DetenteError(
                f"--vary-faction {text!r}: need 0 <= LOW <= HIGH (finite) and N >= 1"
            )
        return cls(party, faction, tuple(np.linspace(lo, hi, n).tolist()))


@dataclass(frozen=True, slots=True)
class GridPoint:
    """The scenario and its win-sets at one weight of the varied faction."""

    weight: float
    scenario: Scenario
    win_sets: WinSets


def vary_faction(
    scenario: Scenario, grid: FactionGrid, limit: int = ENUMERATION_LIMIT
) -> tuple[GridPoint, ...]:
    """Recompute win-sets at every weight of ``grid`` (other weights held fixed).

    A weight that leaves every faction of the party at zero is an error
    (:class:`~detente.errors.DetenteError`), as it is in a scenario file.

    >>> from pathlib import Path
    >>> from detente.scenariofile.loader import load_scenario
    >>> path = Path(__file__).parents[2] / "scenarios/theory/two-level.yaml"
    >>> points = vary_faction(load_scenario(path), FactionGrid.parse("nk.military.weight=0:1:2"))
    >>> [(p.weight, p.win_sets.intersection_size) for p in points]
    [(0.0, 61), (1.0, 61)]
    """
    points = []
    for weight in grid.weights:
        varied = reweight(scenario, grid.party, grid.faction, weight)
        points.append(GridPoint(weight, varied, win_sets(varied, limit=limit)))
    return tuple(points)


def impossible_weights(points: tuple[GridPoint, ...]) -> tuple[float, ...]:
    """The weights on the grid at which no agreement is ratifiable."""
    return tuple(p.weight for p in points if not p.win_sets.ratifiable)


# --- negotiation ---------------------------------------------------------------------------


def negotiating_matrix(
    scenario: Scenario, U: FloatArray, ratified: BoolArray | None = None
) -> FloatArray:
    """``U`` as negotiators see it: what a party's factions would refuse is unacceptable.

    For every party whose negotiator anticipates ratification
    (``Domestic.anticipated``, the default) each outcome its rule does not
    ratify becomes :data:`~detente.utility.UNACCEPTABLE`, so a negotiator on
    this matrix never offers or accepts it; other columns are unchanged.
    ``ratified`` is :func:`ratified_matrix` (computed unless given).
    """
    if ratified is None:
        ratified = ratified_matrix(scenario, limit=scenario.space.size)
    seen = np.array(U, dtype=np.float64, copy=True)
    for p, party in enumerate(scenario.parties):
        if party.domestic is not None and party.domestic.anticipated:
            seen[:, p] = np.where(ratified[:, p], U[:, p], UNACCEPTABLE)
    return seen


def ratification_failures(scenario: Scenario, ratified: BoolArray, outcome: int) -> tuple[str, ...]:
    """The signatories whose factions refuse an agreed ``outcome`` (involuntary defection).

    >>> from detente.outcomes import Issue, OutcomeSpace
    >>> from detente.utility import LinearAdditive
    >>> space = OutcomeSpace((Issue.integer("x", 0, 1),))
    >>> u = LinearAdditive((1.0,), ((0.0, 1.0),))
    >>> s = Scenario("toy", space, (Party("a", u), Party("b", u)))
    >>> ratification_failures(s, np.array([[True, True], [True, False]]), 1)
    ('b',)
    """
    return tuple(
        party.id
        for p, party in enumerate(scenario.parties)
        if party.signatory and not ratified[outcome, p]
    )
