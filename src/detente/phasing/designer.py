"""The schedule designer: the best self-enforcing schedule, as a linear program.

Given a deal and a number of stages, choose the amount of every item in every
stage to maximise an objective subject to every party's incentive constraint
at every move (:mod:`detente.phasing.enforcement`), the items' bounds, links
and equal-step requirements. Beliefs are fixed along the compliance path, so
the constraints are linear in the amounts; binary items make it a
mixed-integer program, solved by HiGHS (:mod:`detente.phasing.highs`).

Objectives: ``total`` (the measured amount carried out), ``surplus`` (the
parties' expected joint present value, stakeholders included) and
``completion`` (the probability the target deal is completed: with hazards
per move this is achieved by the fewest stages that carry it).

A calendar (:mod:`detente.phasing.calendar`) shapes the programs: no design
uses a stage a deadline cuts off, and with a cost of delay or a dated strike a
``K``-stage design is the best over ``1…K`` stages (a program of ``K`` stages
would charge ``K`` stages of delay, or a strike in its last stage, to a
schedule that finishes sooner). So is a ``K``-stage surplus design when a party
values completion: a program pays it at the end of its last stage, whenever the
schedule really ends.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.phasing.calendar import Strike
from detente.phasing.deal import Deal, fix_package
from detente.phasing.deviations import Deviations
from detente.phasing.enforcement import (
    MOVE_TOLERANCE,
    Enforcement,
    Valuation,
    affine,
    check,
    deterrence,
)
from detente.phasing.highs import Program, ProgramResult, Status, minimize
from detente.phasing.schedule import TOLERANCE, Schedule, aligned
from detente.phasing.verification import Branch, Deterrence, weights
from detente.utility import FloatArray

Objective = Literal["total", "surplus", "completion"]
OBJECTIVES: tuple[Objective, ...] = ("total", "surplus", "completion")

FEASIBILITY_TOLERANCE = 1e-7
"""Violation of a row, relative to its activity, within which a fully determined program
counts it met (HiGHS's own tolerance is 1e-7 on its scaled rows)."""

DEFAULT_TIME_LIMIT = 60.0
"""Seconds HiGHS may spend on one program before it reports its best schedule and gap."""


@dataclass(frozen=True, slots=True)
class OneShot:
    """The one-stage exchange: everything at once, in the deal's move order."""

    feasible: bool
    max_total: float | None


@dataclass(frozen=True, slots=True)
class Design:
    """A designed schedule, or why there is none.

    ``total`` is the measured amount the schedule carries out; ``value`` the
    objective's value; ``gap`` the relative optimality gap when the solver
    stopped at its time limit; ``enforcement`` the independent check of the
    schedule (slack of every constraint).
    """

    objective: Objective
    stages: int
    status: Status
    schedule: Schedule | None = None
    total: float | None = None
    value: float | None = None
    enforcement: Enforcement | None = None
    reason: str = ""
    gap: float | None = None
    one_shot: OneShot | None = None

    @property
    def feasible(self) -> bool:
        """Whether a self-enforcing schedule was found."""
        return self.schedule is not None

    @property
    def binding(self) -> tuple[str, ...]:
        """Incentive constraints at zero slack."""
        return () if self.enforcement is None else self.enforcement.binding()


class _Compiled:
    """A deal's incentive constraints and expected values over ``stages`` stages, as affine maps.

    They depend on the items' values, costs, reversibility and leverage, the
    stakes, the move order and trust, never on the items' bounds or totals, so
    every fixed package of a deal (:meth:`Designer.package`) shares them.
    """

    def __init__(self, deal: Deal, stages: int) -> None:
        self.valuation = Valuation(deal, stages)
        self.labels = self.valuation.labels()
        self.cheating = self.valuation.cheating
        shape = (len(deal.items), stages)
        matrix, offset = affine(
            lambda X: np.hstack(
                [
                    self.valuation.slacks(X),
                    self.valuation.expected_values(X),
                    self.valuation.stakes(X)[:, self.cheating.giver],
                    self.cheating.gains(X.sum(axis=2)),
                ]
            ),
            shape,
        )
        moves, parties = len(self.labels), len(deal.parties)
        cheats = moves + parties + len(self.cheating)
        self.movers = sorted({p for group in self.valuation.groups for p in group})
        self.ic_matrix, self.ic_offset = matrix[:moves], offset[:moves]
        self.value_matrix = matrix[moves : moves + parties]
        self.value_offset = offset[moves : moves + parties]
        self.stake_matrix = matrix[moves + parties : cheats]
        """``[cheat, amount]``: each cheating-prone item's giver's stake ``F``, affine."""
        self.stake_offset = offset[moves + parties : cheats]
        self.gain_matrix, self.gain_offset = matrix[cheats:], offset[cheats:]
        """Each cheating-prone item's covert gain ``g``, affine (linear) in the amounts."""
        self.withheld: tuple[tuple[int, int] | None, ...] = (None,) * moves
        """Per constraint: ``(item, stage)`` of a single-item deviation (the check has it only
        where the item is delivered in the stage), ``None`` for reneging on everything."""
        deviations = Deviations(deal, stages)
        if not deviations.trivial:
            rows = _deviation_rows(self.valuation, deviations, self.ic_matrix, self.ic_offset)
            self.labels, self.ic_matrix, self.ic_offset, self.withheld = rows

    def deterrence_rows(self, branch: Branch) -> tuple[FloatArray, FloatArray]:
        """``(rows, lower)``: the deterrence conditions ``a F − b g ≥ 0`` a branch imposes,
        at its detection probabilities (:func:`~detente.phasing.verification.weights`)."""
        k = list(branch.rows)
        cheating = self.cheating
        a, b = weights(cheating.delta[k], cheating.lag[k], np.array(branch.detection)[k])
        rows = a[:, None] * self.stake_matrix[k] - b[:, None] * self.gain_matrix[k]
        offset = a * self.stake_offset[k] - b * self.gain_offset[k]
        return rows, -offset

    def enforcement(self, amounts: FloatArray, deal: Deal) -> Enforcement:
        """The check of a schedule (:func:`~detente.phasing.enforcement.check`): from the affine
        maps when every move delivers something, else the check itself (an empty move carries
        no hazard and no constraint, which the affine maps cannot express). ``deal`` is the
        program's (these maps are shared by every package of one deal)."""
        active = self.valuation.active(amounts[None])
        if not active[self.movers].all():
            return check(deal, Schedule.from_array(deal.item_names, amounts))
        x = amounts.ravel()
        slacks = self.ic_matrix @ x + self.ic_offset
        values = self.value_matrix @ x + self.value_offset
        parties = self.valuation.deal.parties
        kept = [w is None or amounts[w] > MOVE_TOLERANCE for w in self.withheld]
        return Enforcement(
            labels=tuple(label for label, k in zip(self.labels, kept, strict=True) if k),
            slacks=tuple(float(s) for s, k in zip(slacks, kept, strict=True) if k),
            completion_probability=self.valuation.completion_probability(),
            expected_values=tuple(zip(parties, (float(v) for v in values), strict=True)),
            verification=self.deterrence(amounts),
        )

    def deterrence(self, amounts: FloatArray) -> tuple[Deterrence, ...]:
        """Covert cheating at the end of a schedule (:func:`~detente.phasing.enforcement.deterrence`),
        the stakes from the affine maps."""
        stakes = self.stake_matrix @ amounts.ravel() + self.stake_offset
        return deterrence(self.cheating, amounts.sum(axis=1), stakes)


def _deviation_rows(
    valuation: Valuation, deviations: Deviations, renege: FloatArray, offset: FloatArray
) -> tuple[tuple[str, ...], FloatArray, FloatArray, tuple[tuple[int, int] | None, ...]]:
    """The incentive constraints of every deviation at every move, as affine maps.

    ``renege`` and ``offset`` are the constraints of reneging on everything and ending the
    deal (:meth:`Valuation.slacks`), one per move. A single-item deviation that ends the
    deal is reneging on everything plus the rest of the mover's deliveries in the move
    (:meth:`Deviations.at`); a deviation that goes on is worth an affine function of the
    modified schedule (the valuation after a deviation, evaluated on a basis of modified
    schedules and withdrawals), and the modified schedule a linear function of the original
    (:meth:`Deviations.linear`). Returns the labels, the constraint matrix and offset and,
    per constraint, the ``(item, stage)`` of a single-item deviation.
    """
    G, K = len(valuation.groups), valuation.stages
    moves = list(valuation.moves())
    rows = len(deviations.after.items)
    shape = (len(valuation.deal.items), K)
    going = [d for n, p, _ in moves for d in deviations.at(n, p) if not d.ends]
    if going:
        honour, honour_offset = affine(
            lambda X: valuation.continuations(X, valuation.views).reshape(len(X), -1), shape
        )
        after = valuation.over(deviations.after)
        size = rows * K + rows
        basis = np.concatenate([np.zeros((1, size)), np.eye(size)])
        V = after.continuations(
            basis[:, : rows * K].reshape(-1, rows, K), valuation.views, basis[:, rows * K :]
        ).reshape(size + 1, -1)
        coefficients, constant = (V[1:] - V[0]).T, V[0]
    parties = len(valuation.deal.parties)
    labels, matrix, constants, withheld = [], [], [], []
    for k, (n, p, _) in enumerate(moves):
        t = n // G
        for d in deviations.at(n, p):
            labels.append(d.label)
            withheld.append(None if d.item is None else (d.item, t))
            if d.ends:
                row = renege[k].reshape(shape).copy()
                if d.item is not None:  # the mover delivers the rest of its move, then it ends
                    rest = (deviations.giver[: shape[0]] == p) & (np.arange(shape[0]) != d.item)
                    row[rest, t] -= deviations.rest[: shape[0]][rest]
                matrix.append(row.ravel())
                constants.append(offset[k])
                continue
            at = n * parties + p
            unit = coefficients[at]
            value = deviations.linear(d, unit[: rows * K].reshape(rows, K), unit[rows * K :])
            matrix.append(honour[at] - value.ravel())
            constants.append(honour_offset[at] - constant[at])
    return tuple(labels), np.array(matrix), np.array(constants), tuple(withheld)


class _Program:
    """The linear constraints of a deal over ``stages`` stages (variables: amounts[item, stage])."""

    def __init__(self, deal: Deal, compiled: _Compiled) -> None:
        self.deal, self.compiled = deal, compiled
        self.stages = compiled.valuation.stages
        self.shape = (len(deal.items), self.stages)
        self.deal_total = fixed_total(deal)
        self.movers = compiled.movers
        """The parties that move (sign and deliver): each must expect at least no deal."""
        self._branches: list[Branch] | None = None

    def index(self, item: int, stage: int) -> int:
        return item * self.stages + stage

    def measure_row(self) -> FloatArray:
        row = np.zeros(self.shape)
        for name in self.deal.measured:
            row[self.deal.item_index(name)] = 1.0
        return row.ravel()

    def upper(self) -> FloatArray:
        """Each amount's upper bound: the item's, or 0 where a certain strike bars it."""
        per_item = [min(it.per_stage, it.total[1]) for it in self.deal.items]
        bounds = np.repeat(np.array(per_item, dtype=np.float64), self.stages)
        return np.where(self.compiled.valuation.barred().ravel(), 0.0, bounds)

    def integer(self) -> NDArray[np.bool_]:
        return np.repeat([it.binary for it in self.deal.items], self.stages)

    def determined(self) -> FloatArray | None:
        """The amounts, when the bounds leave no choice (one stage, every total fixed)."""
        if self.stages != 1 or any(low != high for low, high in (i.total for i in self.deal.items)):
            return None
        amounts = np.array([[item.total[0]] for item in self.deal.items], dtype=np.float64)
        whole = np.isin(amounts.ravel()[self.integer()], (0.0, 1.0)).all()
        if not whole or np.any(amounts.ravel() > self.upper()):
            return None  # a binary item in part, or beyond a per-stage bound: the solver says
        return amounts

    def rows(
        self, target: float | None, participation: bool = True
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``(matrix, lower, upper)``: incentive constraints, totals, links, equal steps, target,
        and (``participation``) every mover's expected value at least its no-deal value."""
        size = self.shape[0] * self.stages
        rows: list[FloatArray] = []
        low: list[float] = []
        high: list[float] = []

        def add(row: FloatArray, lo: float, hi: float) -> None:
            rows.append(row)
            low.append(lo)
            high.append(hi)

        for i, item in enumerate(self.deal.items):
            if item.total[0] > 0 or math.isfinite(item.total[1]):
                row = np.zeros(size)
                row[self.index(i, 0) : self.index(i, self.stages)] = 1.0
                add(row, item.total[0], item.total[1])
        for link in self.deal.links:
            src, dst = self.deal.item_index(link.source), self.deal.item_index(link.target)
            for t in range(self.stages):
                row = np.zeros(size)
                row[self.index(dst, t)] = 1.0
                row[self.index(src, t)] -= link.rate
                add(row, 0.0, 0.0)
        for name in self.deal.equal_steps:
            i = self.deal.item_index(name)
            for t in range(1, self.stages):
                row = np.zeros(size)
                row[self.index(i, t)], row[self.index(i, 0)] = 1.0, -1.0
                add(row, 0.0, 0.0)
        if target is not None:
            add(self.measure_row(), target, target)
        compiled = self.compiled
        if participation:
            outside = compiled.valuation.outside
            for p in self.movers:
                add(compiled.value_matrix[p], outside[p] - compiled.value_offset[p], np.inf)
        matrix = np.vstack([compiled.ic_matrix, np.array(rows).reshape(len(rows), size)])
        lower = np.concatenate([-compiled.ic_offset, low])
        upper = np.concatenate([np.full(len(compiled.ic_offset), np.inf), high])
        return matrix, lower, upper

    def objective(self, objective: Objective, target: float | None) -> FloatArray:
        """Coefficients to *minimise*.

        With the total fixed (a target, or a package's fixed totals) the total
        is the same for every feasible schedule; the schedule chosen is then the
        one that delivers the measured items earliest (least amount-weighted
        stage), so the answer does not depend on which vertex the solver meets
        first. Taking the largest step each stage allows is such a schedule when
        it exists (the disarmament model of docs/explanation/self-enforcement.md [Powell2006]).
        """
        if objective == "surplus":
            coefficients: FloatArray = -self.compiled.value_matrix.sum(axis=0)
            return coefficients
        measure = self.measure_row()
        if target is None and self.deal_total is None:
            return -measure
        lateness = np.tile(np.arange(self.stages, dtype=np.float64), self.shape[0])
        return measure * lateness

    def solve(
        self,
        objective: Objective,
        target: float | None,
        time_limit: float,
        participation: bool = True,
        cost: FloatArray | None = None,
        deterrence: bool = True,
    ) -> tuple[Status, FloatArray | None, float | None]:
        """Solve for ``objective`` (or minimise ``cost``, when given).

        With cheating-prone items (and ``deterrence``), one program per
        :meth:`branches` entry, the best of them winning (ties: the first, which
        delivers the fewest verification items).
        """
        matrix, lower, upper = self.rows(target, participation)
        determined = self.determined()
        if determined is not None:  # every amount is fixed: checking is solving
            activity = matrix @ determined.ravel()
            slack = FEASIBILITY_TOLERANCE * (1.0 + np.abs(activity))  # relative: deals are scaled
            met = bool(np.all(activity >= lower - slack) and np.all(activity <= upper + slack))
            if deterrence:
                met = met and all(d.deterred for d in self.compiled.deterrence(determined))
            if met:
                return "optimal", determined, 0.0 if self.integer().any() else None
            return "infeasible", None, None
        cost = self.objective(objective, target) if cost is None else cost
        branches = self.branches() if deterrence else [Branch()]
        programs = [self.branch_program(b, cost, matrix, lower, upper) for b in branches]
        status, x, gap = _best(solve_branches(programs, cost, time_limit), cost)
        return status, None if x is None else x.reshape(self.shape), gap

    def branch_program(
        self,
        branch: Branch,
        cost: FloatArray,
        matrix: FloatArray,
        lower: FloatArray,
        upper: FloatArray,
    ) -> Program:
        """The program of one branch: its deterrence rows, its verification items delivered
        (total 1), its withheld items held at 0."""
        col_upper = self.upper()
        for i in branch.withheld:
            col_upper[self.index(i, 0) : self.index(i, self.stages)] = 0.0
        if branch.rows or branch.delivered:
            rows, low = self.compiled.deterrence_rows(branch)
            whole = np.zeros((len(branch.delivered), matrix.shape[1]))
            for r, i in enumerate(branch.delivered):
                whole[r, self.index(i, 0) : self.index(i, self.stages)] = 1.0
            matrix = np.vstack([matrix, rows, whole])
            lower = np.concatenate([lower, low, np.ones(len(whole))])
            upper = np.concatenate([upper, np.full(len(low), np.inf), np.ones(len(whole))])
        zero = np.zeros(matrix.shape[1])
        return Program(cost, matrix, lower, upper, zero, col_upper, self.integer())

    def branches(self) -> list[Branch]:
        """The programs deterrence needs (:meth:`~detente.phasing.verification.Cheating.branches`):
        one when the deal has no cheating-prone item.

        A cheating-prone item needs a program without it when its giver's stake,
        with the item itself at 0, can fall below 0 within the amounts' bounds (the
        least value of the affine stake over the box of amounts).
        """
        if self._branches is None:
            self._branches = self.branches_with(self.splits())
        return self._branches

    def branches_with(self, split: NDArray[np.bool_]) -> list[Branch]:
        """:meth:`branches` with the cheating-prone items that need a split given (a robust
        program splits an item when any of its draws needs it, :mod:`detente.phasing.robust`)."""
        cheating = self.compiled.cheating
        if not len(cheating):
            return [Branch()]
        low, high = [], []
        for item in self.deal.items:
            low.append(item.total[0])
            high.append(min(item.total[1], item.per_stage * self.stages))
        return cheating.branches(np.array(low), np.array(high), split)

    def splits(self) -> NDArray[np.bool_]:
        """Per cheating-prone item: whether its giver's stake, with the item itself at 0, can
        fall below 0 within the amounts' bounds (the least value of the affine stake over the
        box of amounts), so that leaving the item out needs a program of its own."""
        cheating, upper = self.compiled.cheating, self.upper()
        split = np.zeros(len(cheating), dtype=np.bool_)
        for k, i in enumerate(cheating.index):
            coefficients = self.compiled.stake_matrix[k].copy()
            coefficients[self.index(int(i), 0) : self.index(int(i), self.stages)] = 0.0
            falling = coefficients < 0
            least = self.compiled.stake_offset[k] + np.sum(coefficients[falling] * upper[falling])
            split[k] = least < -FEASIBILITY_TOLERANCE
        return split


BOUND_MARGIN = 1e-6
"""How far (relative to the sizes of the cost and of the best cost found) a branch's relaxation
must lie above the best cost found before the branch is left unsolved (:func:`solve_branches`):
ten times :func:`_best`'s tolerance and far above the solver's, so only branches that clearly
cannot win are left out."""


def solve_branches(
    programs: list[Program], cost: FloatArray, time_limit: float
) -> list[ProgramResult]:
    """Each branch's result, as :func:`_best` reads them, without solving branches that cannot win.

    A branch's linear relaxation (a few hundred microseconds) bounds its cost from below;
    a mixed-integer program of a few dozen binary amounts takes milliseconds. So the
    relaxations are solved first, then the branches in order of their bounds, the least
    first; a branch whose bound lies clearly above the least cost already found
    (:data:`BOUND_MARGIN`) is not solved but recorded as infeasible. :func:`_best` passes
    over it as it would over the losing branch it is: the far costlier branch never
    decides which of the near-least branches wins (ties: the first), so what :func:`_best`
    returns is the same. Only a branch that would have stopped at the time limit without
    winning no longer says so; once a branch stops (or is unbounded), every other is solved.
    """
    if len(programs) < 2 or not any(p.integer.any() for p in programs):
        return [minimize(program, time_limit) for program in programs]
    bounds = [_relaxation(program, cost, time_limit) for program in programs]
    found: dict[int, ProgramResult] = {}
    least, stopped = math.inf, False
    size = 1.0 + float(np.abs(cost).sum())
    for j in sorted(range(len(programs)), key=lambda k: bounds[k]):
        margin = BOUND_MARGIN * (size + abs(least))
        if not stopped and least < math.inf and bounds[j] > least + margin:
            found[j] = ProgramResult("infeasible")
            continue
        found[j] = result = minimize(programs[j], time_limit)
        stopped = stopped or result.status in ("time_limit", "unbounded")
        if result.x is not None:
            least = min(least, float(cost @ result.x))
    return [found[j] for j in range(len(programs))]


def _relaxation(program: Program, cost: FloatArray, time_limit: float) -> float:
    """The least cost of the program's linear relaxation; ``-inf`` when it has none to give
    (infeasible, unbounded or stopped: the branch is then solved)."""
    relaxed = minimize(replace(program, integer=np.zeros_like(program.integer)), time_limit)
    if relaxed.status != "optimal" or relaxed.x is None:
        return -math.inf
    return float(cost @ relaxed.x)


def _best(
    found: list[ProgramResult], cost: FloatArray
) -> tuple[Status, FloatArray | None, float | None]:
    """The best of the branches' results: the least cost (ties: the first); unbounded if one
    is, stopped at the time limit if one was."""
    if len(found) == 1:
        return found[0].status, found[0].x, found[0].gap
    if any(r.status == "unbounded" for r in found):
        return "unbounded", None, None
    stopped = any(r.status == "time_limit" for r in found)
    best: ProgramResult | None = None
    least = math.inf
    for result in found:
        if result.x is None:
            continue
        value = float(cost @ result.x)
        if best is None or value < least - FEASIBILITY_TOLERANCE * (1.0 + abs(least)):
            best, least = result, value
    if best is None:
        return ("time_limit" if stopped else "infeasible"), None, None
    if not stopped:
        return "optimal", best.x, best.gap
    gaps = [r.gap for r in found if r.gap is not None]
    return "time_limit", best.x, max(gaps, default=None)


def design(
    deal: Deal,
    stages: int,
    objective: Objective = "total",
    target: float | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> Design:
    """The best self-enforcing schedule of ``stages`` stages, with the one-shot exchange beside it.

    ``target`` fixes the measured total. With ``objective="completion"`` the
    schedule uses the fewest of the ``stages`` stages that carry the target
    (the largest enforceable total if none is given), which maximises the
    probability that every move is honoured.

    A deal of one item A gives and B values at 1.5, costing A 1 per unit, with
    A's completion value 2: only 2 units are worth A's while.

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> deal = Deal((Stake("A", completion=2.0), Stake("B")),
    ...             (Item("x", "A", cost=1.0, value=party_values({"B": 1.5})),), (("A",),))
    >>> result = design(deal, stages=1)
    >>> result.status, round(result.total, 6), result.binding
    ('optimal', 2.0, ('stage 1: A',))
    """
    return Designer(deal, time_limit).best(stages, objective, target)


def plan(
    deal: Deal,
    stages: int,
    objective: Objective = "total",
    target: float | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    reasons: bool = True,
) -> tuple[Design, StageSearch | None]:
    """:func:`design` and, when a target is given, :func:`min_stages` up to ``stages``, together.

    Both share their programs and solutions (the one-shot, the ``stages``-stage
    program with the target), so this is what an analysis draw calls. With
    ``reasons=False`` infeasible designs carry no ``reason`` (explaining one
    costs extra solves); every other field is the same as the two calls give.

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> deal = Deal((Stake("A", completion=2.0), Stake("B")),
    ...             (Item("x", "A", cost=1.0, value=party_values({"B": 1.5})),), (("A",),))
    >>> best, search = plan(deal, 3, target=2.0)
    >>> best.feasible, search.stages if search else None
    (True, 1)
    """
    designs = Designer(deal, time_limit, reasons)
    best = designs.best(stages, objective, target)
    search = None if target is None else designs.min_stages(target, stages)
    return best, search


class Designer:
    """The designs of one deal, memoised by ``(stages, objective, target)``.

    One analysis asks for the same program several times (the one-shot, the
    target at the scenario's stages again inside the stage search); each
    number of stages builds its constraint matrix once. :meth:`best` is
    :func:`design`, :meth:`min_stages` is :func:`min_stages`, sharing the memo.

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> deal = Deal((Stake("A", completion=2.0), Stake("B")),
    ...             (Item("x", "A", cost=1.0, value=party_values({"B": 1.5})),), (("A",),))
    >>> designer = Designer(deal, DEFAULT_TIME_LIMIT)
    >>> designer.best(1, "total", None).one_shot, designer.min_stages(2.0, 3).stages
    (OneShot(feasible=True, max_total=2.0), 1)
    """

    def __init__(
        self,
        deal: Deal,
        time_limit: float,
        reasons: bool = True,
        compiled: dict[int, _Compiled] | None = None,
    ) -> None:
        self.deal, self.time_limit, self.reasons = deal, time_limit, reasons
        self._compiled: dict[int, _Compiled] = {} if compiled is None else compiled
        self._programs: dict[int, _Program] = {}
        self._designs: dict[tuple[int, Objective, float | None], Design] = {}
        self.fixed_total = fixed_total(deal)
        calendar = deal.calendar
        self._dated = calendar is not None and (
            any(c > 0 for _, c in calendar.delay_cost)
            or any(isinstance(e, Strike) and e.hazard > 0 for e in calendar.events)
        )
        """Whether a program of K stages charges what a shorter schedule would not pay: a cost
        of delay, or a dated strike at a move the schedule could leave empty."""
        self._completes = any(stake.completion != 0.0 for stake in deal.stakes)
        """Whether some party values completion: a program of K stages pays it at the end of
        stage K, so its surplus undervalues (or, for a negative value, overvalues) a schedule
        that ends sooner."""

    def usable(self, stages: int) -> int:
        """The stages a design of ``stages`` stages may use: all, or those before a deadline."""
        calendar = self.deal.calendar
        return stages if calendar is None or stages < 1 else calendar.horizon(stages)

    def _cut(self, stages: int) -> str:
        """What of ``stages`` stages the calendar rules out (a deadline's stages, a party's
        deliveries after a certain strike), in words, or nothing."""
        calendar = self.deal.calendar
        if calendar is None:
            return ""
        said = [
            f"{event.party} can deliver nothing from stage {k + 1} ({event.name!r})"
            for event, k in calendar.certain(stages)
        ]
        deadline = calendar.deadline(stages)
        if deadline is not None:
            said.append(
                f"the deadline {deadline.name!r} on {deadline.date} leaves at most "
                f"{self.usable(stages)} stage(s)"
            )
        return f" ({'; '.join(said)})" if said else ""

    def package(self, amounts: Mapping[str, float]) -> Designer:
        """The designer of the deal with the named items' totals fixed (:func:`fix_package`).

        It shares this designer's compiled incentive constraints: fixing totals
        changes the program's bounds, not what honouring and reneging are worth.
        """
        return Designer(fix_package(self.deal, amounts), self.time_limit, True, self._compiled)

    def check(self, schedule: Schedule) -> Enforcement:
        """:func:`~detente.phasing.enforcement.check` of a schedule of this deal, from the compiled maps."""
        amounts = aligned(self.deal, schedule)
        return self.program(schedule.stages).compiled.enforcement(amounts, self.deal)

    def program(self, stages: int) -> _Program:
        """The linear program for ``stages`` stages, compiled once and kept."""
        if stages not in self._programs:
            if stages not in self._compiled:
                if stages < 1:
                    raise DetenteError(f"the number of stages must be at least 1, got {stages}")
                self._compiled[stages] = _Compiled(self.deal, stages)
            self._programs[stages] = _Program(self.deal, self._compiled[stages])
        return self._programs[stages]

    def best(self, stages: int, objective: Objective, target: float | None) -> Design:
        """The best schedule in ``stages`` stages for ``objective`` (``target``: the surplus to reach,
        if the objective needs one)."""
        if objective not in OBJECTIVES:
            raise DetenteError(
                f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}"
            )
        if objective == "completion":
            return self._most_likely(stages, target)
        found = self.get(stages, objective, target)
        if self._dated or (objective == "surplus" and self._completes):
            found = self._soonest(stages, objective, target, found)
        return self._with_one_shot(found, target)

    def _soonest(
        self, stages: int, objective: Objective, target: float | None, found: Design
    ) -> Design:
        """The best design over ``1…stages`` stages, fewer stages on ties (a program charges
        a cost of delay for every stage and a dated strike at its stage's move, and pays the
        completion value at the end of its last stage, even where the schedule ends sooner, so
        fewer can be worth more); with the total fixed, the fewest stages that carry it."""
        best: Design | None = None
        fixed = target is not None or self.fixed_total is not None
        for k in range(1, self.usable(stages) + 1):
            design = self.get(k, objective, target, explain=False)
            if not design.feasible:
                continue
            if fixed:
                return design
            score = design.total if objective == "total" else design.value
            top = None if best is None else (best.total if objective == "total" else best.value)
            if top is None or (score is not None and score > top + TOLERANCE * (1 + abs(top))):
                best = design
        return found if best is None else best

    def get(
        self, stages: int, objective: Objective, target: float | None, explain: bool = True
    ) -> Design:
        """The best schedule; ``explain=False`` leaves an infeasible one's reason for later.

        A target the fixed totals already carry is no constraint: such a
        program is the one without it, and is solved once.
        """
        fixed = self.fixed_total
        if target is not None and fixed is not None and _same(target, fixed):
            target = None
        stages = self.usable(stages)
        key = (stages, objective, target)
        if key not in self._designs:
            self._designs[key] = self._design(stages, objective, target)
        found = self._designs[key]
        if explain and self.reasons and not found.feasible and not found.reason:
            found = replace(found, reason=self._why_not(self.program(stages), found.status, target))
            self._designs[key] = found
        return found

    def _with_one_shot(self, result: Design, target: float | None) -> Design:
        """Attach the one-shot exchange: its largest self-enforcing total, whether it carries the target."""
        one = self.get(1, "total", None)
        feasible = one.feasible
        if target is not None and one.total is not None:
            feasible = one.total >= target - TOLERANCE * (1 + abs(target))
        return replace(result, one_shot=OneShot(feasible, one.total))

    def _design(self, stages: int, objective: Objective, target: float | None) -> Design:
        program = self.program(stages)
        status, amounts, gap = program.solve(objective, target, self.time_limit)
        if amounts is None:
            return Design(objective, stages, status)
        amounts = _clean(amounts, self.deal)
        schedule = Schedule.from_array(self.deal.item_names, amounts).trimmed()
        enforcement = program.compiled.enforcement(amounts, self.deal)
        if not enforcement.self_enforcing:
            return Design(objective, stages, "infeasible", reason=_not_exact(enforcement, stages))
        total = float(program.measure_row() @ amounts.ravel())
        value = total
        if objective != "total":
            value = float(sum(v for _, v in enforcement.expected_values))
        return Design(
            objective, schedule.stages, status, schedule, total, value, enforcement, gap=gap
        )

    def _why_not(self, program: _Program, status: Status, target: float | None) -> str:
        k, time_limit = program.stages, self.time_limit
        if status == "unbounded":
            return "unbounded: some measured item has no upper bound and nothing limits it"
        if status == "time_limit":
            return f"no schedule found within the time limit of {time_limit:g} s"
        short = self._participation_shortfall(program, target) or self._undeterred(program, target)
        if short:
            return short
        if target is not None:
            best = self.get(k, "total", None).total
            if best is not None and best < target:
                return (
                    f"infeasible: with {k} stage(s) the largest self-enforcing total is "
                    f"{best:.6g}, below the target {target:g}"
                )
            if best is not None:
                return f"infeasible: no self-enforcing {k}-stage schedule has a total of exactly {target:g}"
        elif self.fixed_total:  # a package of something: delivering nothing is no option
            return (
                f"infeasible: no self-enforcing {k}-stage schedule carries the whole package "
                f"(a total of {self.fixed_total:g})"
            )
        zero = program.compiled.ic_offset
        if (zero < 0).any():
            worst = int(np.argmin(zero))
            label = program.compiled.labels[worst]
            return (
                f"infeasible: no self-enforcing {k}-stage schedule exists; even delivering nothing, "
                f"honouring at '{label}' falls short of reneging by {-zero[worst]:.6g}"
            )
        return f"infeasible: the bounds, links and equal steps admit no self-enforcing {k}-stage schedule"

    def _undeterred(self, program: _Program, target: float | None) -> str:
        """Why deterrence, when it alone rules every schedule out: the cheating-prone items
        the best schedule without it leaves undeterred."""
        if not len(program.compiled.cheating):
            return ""
        _, amounts, _ = program.solve("total", target, self.time_limit, deterrence=False)
        if amounts is None:
            return ""
        items = [d.item for d in program.compiled.deterrence(amounts) if not d.deterred]
        return (
            f"infeasible: {program.stages}-stage schedules exist that are self-enforcing but for "
            f"covert cheating, and none deters it with the verification items available "
            f"(the largest such schedule leaves cheating on {', '.join(items)} undeterred)"
            if items
            else ""
        )

    def _participation_shortfall(self, program: _Program, target: float | None) -> str:
        """Why participation, when it alone rules every schedule out: the party whose best
        expected value over the self-enforcing schedules stays furthest below no deal."""
        k, compiled = program.stages, program.compiled
        _, amounts, _ = program.solve("total", target, self.time_limit, participation=False)
        if amounts is None:
            return ""  # infeasible even without participation: another reason
        outside = compiled.valuation.outside
        worst: tuple[float, int, float] | None = None
        for p in program.movers:
            cost = -compiled.value_matrix[p]
            _, best, _ = program.solve("total", target, self.time_limit, False, cost)
            if best is None:
                continue
            value = float(compiled.value_matrix[p] @ best.ravel() + compiled.value_offset[p])
            short = float(outside[p]) - value
            if short > TOLERANCE * (1 + abs(value)) and (worst is None or short > worst[0]):
                worst = (short, p, value)
        if worst is None:
            return ""
        short, p, value = worst
        return (
            f"infeasible: every self-enforcing {k}-stage schedule leaves "
            f"{self.deal.parties[p]} below its no-deal value ({float(outside[p]):.6g}): at best "
            f"{value:.6g} in expectation, short by {short:.6g}"
        )

    def _most_likely(self, stages: int, target: float | None) -> Design:
        if target is None:
            best = self.get(stages, "total", None)
            if not best.feasible or best.total is None:
                failed = Design("completion", stages, best.status, reason=best.reason)
                return self._with_one_shot(failed, None)
            target = best.total
        search = self.min_stages(target, stages)
        found = search.design
        if found is None or search.stages is None:
            result = Design("completion", stages, "infeasible", reason=search.reason)
        else:
            probability = found.enforcement.completion_probability if found.enforcement else None
            result = replace(found, objective="completion", value=probability)
        return self._with_one_shot(result, target)

    def min_stages(self, target: float, max_stages: int) -> StageSearch:
        """Every number of stages in increasing order: extra stages can hurt (no monotonicity)."""
        if max_stages < 1:
            raise DetenteError(f"max_stages must be at least 1, got {max_stages}")
        usable, cut = self.usable(max_stages), self._cut(max_stages)
        for k in range(1, usable + 1):
            found = self.get(k, "total", target, explain=False)
            if found.feasible:
                return StageSearch(k, f"{k} stage(s) carry a total of {target:g}", found)
        best = self.get(usable, "total", None)
        if best.total is not None and best.total < target:
            reason = (
                f"no number of stages up to {max_stages} suffices{cut}: the largest "
                f"self-enforcing total with {usable} stages is {best.total:.6g}, below the "
                f"target {target:g}"
            )
        elif self.fixed_total and _same(target, self.fixed_total):
            reason = (
                f"infeasible: no self-enforcing schedule of up to {max_stages} stages carries "
                f"the whole package (a total of {self.fixed_total:g}){cut}"
            )
        else:
            reason = self.get(usable, "total", target).reason + cut
        return StageSearch(None, reason, None)


def _not_exact(enforcement: Enforcement, stages: int) -> str:
    """Why the program's best schedule is no design: its exact check fails.

    The program counts every move, empty or not; the check drops the hazard and the
    constraint of an empty move and moves a dated strike that falls on one to the party's
    next step. Where that makes the schedule the program found fail, no design is reported
    rather than one that is not self-enforcing.
    """
    failed = [*enforcement.violated, *(f"covert cheating on {i}" for i in enforcement.undeterred)]
    return (
        f"infeasible: the best {stages}-stage schedule of the program leaves a move empty, "
        f"and checked exactly (a dated strike on an empty move falls on the party's next "
        f"step) it fails at {', '.join(failed)}"
    )


def _same(target: float, total: float) -> bool:
    return abs(target - total) <= TOLERANCE * (1 + abs(target))


def fixed_total(deal: Deal) -> float | None:
    """The total every schedule carries when the measured items' totals are fixed (a package)."""
    measured = [deal.items[deal.item_index(name)].total for name in deal.measured]
    if all(low == high for low, high in measured):
        return float(sum(low for low, _ in measured))
    return None


def _clean(amounts: FloatArray, deal: Deal) -> FloatArray:
    """Snap solver noise: amounts into their per-stage bounds, binary amounts to 0 or 1."""
    amounts = np.where(np.abs(amounts) < 1e-9, 0.0, amounts)
    for i, item in enumerate(deal.items):
        amounts[i] = np.clip(amounts[i], 0.0, min(item.per_stage, item.total[1]))
        if item.binary:
            amounts[i] = np.round(amounts[i])
    return amounts


@dataclass(frozen=True, slots=True)
class StageSearch:
    """The fewest stages that make a target deal self-enforcing, or why none do."""

    stages: int | None
    reason: str
    design: Design | None


def min_stages(
    deal: Deal, target: float, max_stages: int = 50, time_limit: float = DEFAULT_TIME_LIMIT
) -> StageSearch:
    """The fewest stages (up to ``max_stages``) whose best schedule carries ``target``.

    Each candidate number of stages is one linear program; the search is over
    the number of stages only.
    """
    return Designer(deal, time_limit).min_stages(target, max_stages)
