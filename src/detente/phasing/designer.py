"""The schedule designer: the best self-enforcing schedule, as a linear program.

Given a deal and a number of stages, choose the amount of every item in every
stage to maximise an objective subject to every party's incentive constraint
at every move (:mod:`detente.phasing.enforcement`), the items' bounds, links
and equal-step requirements. Beliefs are fixed along the compliance path, so
the constraints are linear in the amounts; binary items make it a
mixed-integer program. HiGHS solves it through :func:`scipy.optimize.milp`.

Objectives: ``total`` (the measured amount carried out), ``surplus`` (the
parties' expected joint present value, stakeholders included) and
``completion`` (the probability the target deal is completed: with hazards
per move this is achieved by the fewest stages that carry it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from detente.errors import DetenteError
from detente.phasing.deal import Deal
from detente.phasing.enforcement import Enforcement, Valuation, affine, check
from detente.phasing.schedule import TOLERANCE, Schedule
from detente.utility import FloatArray

if TYPE_CHECKING:  # scipy.optimize is imported when a program is solved, not on import
    from scipy.optimize import Bounds, LinearConstraint

Objective = Literal["total", "surplus", "completion"]
OBJECTIVES: tuple[Objective, ...] = ("total", "surplus", "completion")
Status = Literal["optimal", "time_limit", "infeasible", "unbounded"]

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


class _Program:
    """The linear constraints of a deal over ``stages`` stages (variables: amounts[item, stage])."""

    def __init__(self, deal: Deal, stages: int) -> None:
        self.deal, self.stages = deal, stages
        self.valuation = Valuation(deal, stages)
        self.shape = (len(deal.items), stages)
        self.ic_matrix, self.ic_offset = affine(self.valuation.slacks, self.shape)

    def index(self, item: int, stage: int) -> int:
        return item * self.stages + stage

    def measure_row(self) -> FloatArray:
        row = np.zeros(self.shape)
        for name in self.deal.measured:
            row[self.deal.item_index(name)] = 1.0
        return row.ravel()

    def bounds(self) -> Bounds:
        from scipy.optimize import Bounds

        upper = np.array([[min(it.per_stage, it.total[1])] * self.stages for it in self.deal.items])
        return Bounds(np.zeros(upper.size), upper.ravel())

    def integrality(self) -> FloatArray:
        return np.repeat([1.0 if it.binary else 0.0 for it in self.deal.items], self.stages)

    def constraints(self, target: float | None) -> list[LinearConstraint]:
        from scipy.optimize import LinearConstraint

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
        if not rows:
            return [LinearConstraint(self.ic_matrix, -self.ic_offset, np.inf)]
        # one stacked block: the solver sees the same rows, without stacking sparse blocks
        matrix = np.vstack([self.ic_matrix, np.array(rows)])
        lower = np.concatenate([-self.ic_offset, low])
        upper = np.concatenate([np.full(len(self.ic_offset), np.inf), high])
        return [LinearConstraint(matrix, lower, upper)]

    def objective(self, objective: Objective) -> FloatArray:
        """Coefficients to *minimise*."""
        if objective == "surplus":
            gradient, _ = affine(
                lambda X: self.valuation.expected_values(X).sum(axis=1, keepdims=True), self.shape
            )
            coefficients: FloatArray = -gradient[0]
            return coefficients
        return -self.measure_row()

    def solve(
        self, objective: Objective, target: float | None, time_limit: float
    ) -> tuple[Status, FloatArray | None, float | None]:
        from scipy.optimize import milp

        result = milp(
            self.objective(objective),
            constraints=self.constraints(target),
            integrality=self.integrality(),
            bounds=self.bounds(),
            options={"time_limit": time_limit, "disp": False},
        )
        gap = getattr(result, "mip_gap", None)
        if result.x is not None and result.status in (0, 1):
            status: Status = "optimal" if result.status == 0 else "time_limit"
            return status, np.asarray(result.x).reshape(self.shape), gap
        if result.status == 3:
            return "unbounded", None, None
        if result.status == 1:
            return "time_limit", None, None
        return "infeasible", None, None


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

    def __init__(self, deal: Deal, time_limit: float, reasons: bool = True) -> None:
        self.deal, self.time_limit, self.reasons = deal, time_limit, reasons
        self._programs: dict[int, _Program] = {}
        self._designs: dict[tuple[int, Objective, float | None], Design] = {}

    def program(self, stages: int) -> _Program:
        if stages not in self._programs:
            self._programs[stages] = _Program(self.deal, stages)
        return self._programs[stages]

    def best(self, stages: int, objective: Objective, target: float | None) -> Design:
        if objective not in OBJECTIVES:
            raise DetenteError(
                f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}"
            )
        if objective == "completion":
            return self._most_likely(stages, target)
        return self._with_one_shot(self.get(stages, objective, target), target)

    def get(
        self, stages: int, objective: Objective, target: float | None, explain: bool = True
    ) -> Design:
        """The best schedule; ``explain=False`` leaves an infeasible one's reason for later."""
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
        schedule = Schedule.from_array(self.deal.item_names, amounts)
        enforcement = check(self.deal, schedule, program.valuation)
        total = float(program.measure_row() @ amounts.ravel())
        value = total
        if objective != "total":
            value = float(sum(v for _, v in enforcement.expected_values))
        return Design(objective, stages, status, schedule, total, value, enforcement, gap=gap)

    def _why_not(self, program: _Program, status: Status, target: float | None) -> str:
        k, time_limit = program.stages, self.time_limit
        if status == "unbounded":
            return "unbounded: some measured item has no upper bound and nothing limits it"
        if status == "time_limit":
            return f"no schedule found within the time limit of {time_limit:g} s"
        if target is not None:
            best = self.get(k, "total", None).total
            if best is not None and best < target:
                return (
                    f"infeasible: with {k} stage(s) the largest self-enforcing total is "
                    f"{best:.6g}, below the target {target:g}"
                )
            if best is not None:
                return f"infeasible: no self-enforcing {k}-stage schedule has a total of exactly {target:g}"
        zero = program.ic_offset
        if (zero < 0).any():
            worst = int(np.argmin(zero))
            label = program.valuation.labels()[worst]
            return (
                f"infeasible: no self-enforcing {k}-stage schedule exists; even delivering nothing, "
                f"honouring at '{label}' falls short of reneging by {-zero[worst]:.6g}"
            )
        return f"infeasible: the bounds, links and equal steps admit no self-enforcing {k}-stage schedule"

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
        for k in range(1, max_stages + 1):
            found = self.get(k, "total", target, explain=False)
            if found.feasible:
                return StageSearch(k, f"{k} stage(s) carry a total of {target:g}", found)
        best = self.get(max_stages, "total", None)
        if best.total is not None and best.total < target:
            reason = (
                f"no number of stages up to {max_stages} suffices: the largest self-enforcing total "
                f"with {max_stages} stages is {best.total:.6g}, below the target {target:g}"
            )
        else:
            reason = self.get(max_stages, "total", target).reason
        return StageSearch(None, reason, None)


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


def design_document(result: Design) -> dict[str, Any]:
    """The JSON document of a design (what ``detente phase --json`` prints)."""
    enforcement = result.enforcement
    one = result.one_shot
    return {
        "stages": result.stages,
        "objective": result.objective,
        "status": result.status,
        "max_total": result.total,
        "value": result.value,
        "schedule": None if result.schedule is None else result.schedule.as_dicts(),
        "cumulative": None if result.schedule is None else _cumulative(result.schedule),
        "binding": list(result.binding),
        "slack": {}
        if enforcement is None
        else dict(zip(enforcement.labels, enforcement.slacks, strict=True)),
        "completion_probability": None
        if enforcement is None
        else enforcement.completion_probability,
        "expected_values": {} if enforcement is None else dict(enforcement.expected_values),
        "one_shot": None if one is None else {"feasible": one.feasible, "max_total": one.max_total},
        "gap": result.gap,
        "reason": result.reason,
    }


def _cumulative(schedule: Schedule) -> list[dict[str, float]]:
    levels = Schedule.from_array(schedule.items, np.cumsum(schedule.array(), axis=1))
    return levels.as_dicts()
