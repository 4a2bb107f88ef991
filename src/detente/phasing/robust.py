"""Robust schedules: one package and one schedule that work in as many sampled worlds as possible.

A scenario's parameters are uncertain; a sweep draws them. Each draw ``d`` is a
deal of its own, and a schedule *works* in it (:func:`judge`) when

- it is **admissible**: every amount within the draw's bounds (the items' totals,
  per-stage amounts, links and equal steps, including what the ratifiers allow,
  :func:`~detente.analysis.phasing.ratifiable_deal`);
- it is **individually rational**: every mover expects at least its no-deal value
  (the designer's participation constraint, from the check's expected values);
- it is **self-enforcing**: its equilibrium path completes (every mover honours at
  every move, every deviation deterred) and covert cheating is deterred at
  completion, as the check (:func:`~detente.phasing.enforcement.check`) and the path
  (:func:`~detente.phasing.path.equilibrium_path`) judge a given schedule.

:func:`robust_design` chooses the amounts ``x`` (the designer's decision space:
every item in every stage) to maximise the number of training draws in which the
designer's rows hold, a scenario-based mixed-integer program [CalafioreCampi2006]
[Luedtke2008]: one binary ``z_d`` per draw, each of the draw's rows
``lo ≤ a·x ≤ hi`` relaxed by ``M (1 − z_d)`` with ``M`` the most the row can be
violated over the box of amounts (:func:`relax`), maximise ``Σ z_d``; ties are
broken by the expected joint surplus at the point estimate. The rows of a draw are
the designer's own (:meth:`detente.phasing.designer.Designer.program`, built by
``affine`` from the valuation), so a draw the program counts is one the check
passes; every counted draw is checked exactly, and a draw the check rejects is
excluded and the program solved again (``rejected`` lists them; none is expected).
The derivation and the limits are in ``docs/explanation/self-enforcement.md``
("Robust deals").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from detente.errors import DetenteError
from detente.phasing.deal import Deal
from detente.phasing.designer import FEASIBILITY_TOLERANCE, Designer, _clean, _Program
from detente.phasing.enforcement import SLACK_TOLERANCE, Enforcement, Valuation, check
from detente.phasing.highs import Program, ProgramResult, Status, minimize
from detente.phasing.path import Path, equilibrium_path
from detente.phasing.schedule import TOLERANCE, Schedule, aligned
from detente.phasing.verification import Branch
from detente.utility import FloatArray

MAX_RESOLVES = 5
"""Most times the program is solved again after the exact check rejects a draw it counted."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a schedule works in one deal, and which condition fails where it does not."""

    admissible: bool
    rational: bool
    completes: bool
    deterred: bool
    enforcement: Enforcement
    path: Path

    @property
    def works(self) -> bool:
        """Admissible, individually rational, its path completed and cheating deterred."""
        return self.admissible and self.rational and self.completes and self.deterred

    @property
    def failure(self) -> str | None:
        """The first condition that fails, in words (``None`` when it works)."""
        for ok, what in (
            (self.admissible, "outside the bounds"),
            (self.rational, "not individually rational"),
            (self.completes, "its path breaks"),
            (self.deterred, "covert cheating pays"),
        ):
            if not ok:
                return what
        return None


def judge(deal: Deal, schedule: Schedule) -> Verdict:
    """Whether ``schedule`` works in ``deal``: admissible, individually rational for every
    mover, its equilibrium path completed and covert cheating deterred (what ``phase
    --given`` reports, plus the bounds and the participation the designer imposes).

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> deal = Deal((Stake("A", completion=2.0), Stake("B")),
    ...             (Item("x", "A", cost=1.0, value=party_values({"B": 1.5})),), (("A",),))
    >>> [judge(deal, Schedule.from_stages(("x",), [{"x": x}])).works for x in (2.0, 3.0)]
    [True, False]
    """
    schedule = schedule.trimmed()
    within = admissible(deal, schedule)
    deal = deal if within else unbounded(deal)
    valuation = Valuation(deal, schedule.stages)
    enforcement = check(deal, schedule, valuation)
    path = equilibrium_path(deal, schedule, valuation)
    values = dict(enforcement.expected_values)
    movers = {p for group in deal.order for p in group}
    rational = all(
        values[stake.party] - stake.outside >= -SLACK_TOLERANCE * (1.0 + abs(values[stake.party]))
        for stake in deal.stakes
        if stake.party in movers
    )
    return Verdict(
        admissible=within,
        rational=rational,
        completes=path.completed,
        deterred=not enforcement.undeterred,
        enforcement=enforcement,
        path=path,
    )


def admissible(deal: Deal, schedule: Schedule) -> bool:
    """Whether every amount is within the deal's bounds: totals, per stage, binary items
    whole, links and equal steps (what :func:`~detente.phasing.schedule.aligned` requires)."""
    try:
        aligned(deal, schedule)
    except DetenteError:
        return False
    return True


def unbounded(deal: Deal) -> Deal:
    """``deal`` without bounds, links or equal steps: what a schedule outside them is worth
    (the valuation does not depend on them)."""
    items = tuple(replace(item, total=(0.0, math.inf), per_stage=math.inf) for item in deal.items)
    return replace(deal, items=items, links=(), equal_steps=())


@dataclass(frozen=True, slots=True)
class RobustDesign:
    """The robust schedule, and how it was found.

    ``counted`` are the training draws whose rows the program's answer meets (``z_d =
    1``), ``satisfied`` those where the schedule works checked exactly (a superset: the
    program counts a hazard and a constraint at every move, empty or not, so it can be
    stricter than the check), ``rejected`` the draws the program counted but the exact
    check rejected, excluded before solving again (none is expected). ``status`` is the
    worst of the programs' (``time_limit``: the best schedule found, with ``gap``, HiGHS's
    relative optimality gap); ``surplus`` the expected joint surplus at the point
    estimate; ``programs`` the number of programs solved.
    """

    schedule: Schedule | None
    stages: int
    counted: tuple[int, ...]
    satisfied: tuple[int, ...]
    rejected: tuple[int, ...]
    status: Status
    gap: float | None
    surplus: float | None
    programs: int
    draws: int

    @property
    def training_share(self) -> float:
        """The share of the training draws in which the schedule works (checked exactly)."""
        return len(self.satisfied) / self.draws if self.draws else 0.0


@dataclass(frozen=True, slots=True)
class Requirements:
    """What every robust schedule must do whatever the draw: carry ``target`` exactly, or at
    least ``floor`` of the measured total (the point design's, so that doing nothing, which
    works everywhere, is no answer)."""

    target: float | None = None
    floor: float | None = None


def robust_design(
    point: Deal,
    deals: Sequence[Deal],
    stages: int,
    requirements: Requirements,
    time_limit: float,
    progress: Callable[[int], None] | None = None,
) -> RobustDesign:
    """The schedule of at most ``stages`` stages that works in as many of ``deals`` as possible.

    ``point`` is the deal at the point estimate: its bounds, links and equal steps bind
    every candidate, and its expected joint surplus breaks ties. Each ``deals[d]`` adds
    its own rows (the designer's), relaxed unless ``z_d = 1``. Every number of stages
    from 1 to ``stages`` is solved (a program of ``K`` stages counts hazards, dated strikes
    and delays at moves a shorter schedule leaves empty); the best is the one that works,
    checked exactly, in the most draws, then with the largest surplus, then the fewest
    stages. ``progress(n)`` is told of each draw's rows as they are built.
    """
    if not deals:
        raise DetenteError("a robust design needs at least one valid draw")
    base = Designer(point, time_limit, reasons=False)
    found = [
        _Search(base, deals, k, requirements, time_limit).run(progress)
        for k in range(1, base.usable(stages) + 1)
    ]
    best = found[0]
    for design in found[1:]:
        if _better(design, best):
            best = design
    stopped = [d for d in found if d.status == "time_limit"]
    gaps = [d.gap for d in stopped if d.gap is not None]
    return replace(
        best,
        status="time_limit" if stopped else best.status,
        gap=max(gaps, default=None),
        programs=sum(d.programs for d in found),
    )


def _better(found: RobustDesign, best: RobustDesign) -> bool:
    if len(found.satisfied) != len(best.satisfied):
        return len(found.satisfied) > len(best.satisfied)
    if found.surplus is None or best.surplus is None:
        return best.surplus is None and found.surplus is not None
    return found.surplus > best.surplus + TOLERANCE * (1.0 + abs(best.surplus))


class _Search:
    """The programs of one number of stages: one per designer branch (verification items
    delivered, cheating-prone items left out), the best of them kept."""

    def __init__(
        self,
        base: Designer,
        deals: Sequence[Deal],
        stages: int,
        requirements: Requirements,
        time_limit: float,
    ) -> None:
        self.base, self.deals, self.stages = base, deals, stages
        self.requirements, self.time_limit = requirements, time_limit
        self.point = base.program(stages)
        self.programs = [Designer(d, time_limit, reasons=False).program(stages) for d in deals]

    def run(self, progress: Callable[[int], None] | None) -> RobustDesign:
        """The best schedule over the branches, every draw it counts checked exactly; a draw
        the check rejects is excluded and the programs solved again (at most
        :data:`MAX_RESOLVES` times; beyond, it is no longer counted)."""
        split = np.zeros(len(self.point.compiled.cheating), dtype=np.bool_)
        for program in self.programs:
            split |= program.splits()
            if progress is not None:
                progress(1)
        branches = [_Scenarios(self, branch) for branch in self.point.branches_with(split)]
        excluded: set[int] = set()
        rejected: list[int] = []
        for _ in range(MAX_RESOLVES + 1):
            found = [d for d in (b.best(excluded) for b in branches) if d is not None]
            if not found:
                return self._none(branches, rejected)
            chosen = max(found, key=lambda d: (len(d.counted), d.surplus or 0.0))
            assert chosen.schedule is not None
            satisfied = tuple(
                d for d, deal in enumerate(self.deals) if judge(deal, chosen.schedule).works
            )
            missed = [d for d in chosen.counted if d not in satisfied]
            if not missed:
                break
            rejected.extend(missed)
            excluded.update(missed)
        stopped = any(d.status == "time_limit" for d in found)
        gaps = [d.gap for d in found if d.gap is not None]
        return replace(
            chosen,
            counted=tuple(d for d in chosen.counted if d in satisfied),
            satisfied=satisfied,
            rejected=tuple(rejected),
            status="time_limit" if stopped else chosen.status,
            gap=max(gaps, default=None),
            programs=sum(b.solved for b in branches),
        )

    def _none(self, branches: Sequence[_Scenarios], rejected: Sequence[int]) -> RobustDesign:
        """No schedule meets the requirements (the floor or the target) within the bounds."""
        solved = sum(b.solved for b in branches)
        return RobustDesign(
            None,
            self.stages,
            (),
            (),
            tuple(rejected),
            "infeasible",
            None,
            None,
            solved,
            len(self.deals),
        )


def relax(
    matrix: FloatArray, lower: FloatArray, upper: FloatArray, box: Box
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Rows ``lower ≤ A x ≤ upper`` that bind only when a binary ``z`` is 1, over the ``box``.

    A row's side ``a·x ≥ lo`` becomes ``a·x − M z ≥ lo − M`` with ``M = lo − min a·x`` over
    the box (:meth:`Box.least`): at ``z = 1`` it is the row, at ``z = 0`` it is
    ``a·x ≥ min a·x``, which every ``x`` in the box meets, and no smaller ``M`` does both.
    ``a·x ≤ hi`` likewise with ``M = max a·x − hi``. A side the box cannot violate
    (``M ≤ 0``) needs no row. Returns the rows, their bounds and each row's coefficient of
    ``z`` (an equality gives two rows).

    >>> box = Box(np.array([2.0, 3.0]), np.array([np.inf, np.inf]), 1)
    >>> rows, low, high, z = relax(np.array([[1.0, -1.0]]), np.array([0.5]), np.array([np.inf]), box)
    >>> rows.tolist(), low.tolist(), z.tolist()
    ([[1.0, -1.0]], [-3.0], [-3.5])
    """
    least, most = box.least(matrix), -box.least(-matrix)
    below = np.isfinite(lower) & (lower - least > _margin(lower))
    above = np.isfinite(upper) & (most - upper > _margin(upper))
    rows = np.vstack([matrix[below], matrix[above]])
    low = np.concatenate([least[below], np.full(int(above.sum()), -np.inf)])
    high = np.concatenate([np.full(int(below.sum()), np.inf), most[above]])
    z = np.concatenate([-(lower[below] - least[below]), most[above] - upper[above]])
    return rows, low, high, z


@dataclass(frozen=True, slots=True)
class Box:
    """The amounts every candidate may take: ``0 ≤ x[i, t] ≤ upper[i·K + t]`` and
    ``Σ_t x[i, t] ≤ totals[i]`` (``K = stages``), all finite but the totals."""

    upper: FloatArray
    totals: FloatArray
    stages: int

    def least(self, matrix: FloatArray) -> FloatArray:
        """``min a·x`` over the box for every row ``a``: per item, the most negative
        coefficients filled first, each up to its amount's bound, until the item's total is
        reached (the exact minimum of a linear function over this box).

        >>> Box(np.array([1.0, 1.0]), np.array([1.0]), 2).least(np.array([[-2.0, -3.0]])).tolist()
        [-3.0]
        """
        K = self.stages
        rows = matrix.reshape(len(matrix), -1, K)
        falling = np.minimum(rows, 0.0)
        order = np.argsort(falling, axis=2, kind="stable")
        coefficients = np.take_along_axis(falling, order, axis=2)
        bounds = np.broadcast_to(self.upper.reshape(-1, K), rows.shape)
        room = np.take_along_axis(bounds, order, axis=2)
        before = np.cumsum(room, axis=2) - room
        taken = np.clip(np.minimum(room, self.totals[None, :, None] - before), 0.0, None)
        least: FloatArray = (coefficients * np.where(coefficients < 0.0, taken, 0.0)).sum(
            axis=(1, 2)
        )
        return least


def _margin(bound: FloatArray) -> FloatArray:
    """How far a row may be violated and still count as met (the designer's tolerance)."""
    finite = np.where(np.isfinite(bound), bound, 0.0)
    return FEASIBILITY_TOLERANCE * (1.0 + np.abs(finite))


class _Scenarios:
    """The scenario program of one branch: the point deal's bounds for every candidate, each
    draw's rows relaxed by its ``z_d`` (:func:`relax`)."""

    def __init__(self, search: _Search, branch: Branch) -> None:
        point, requirements = search.point, search.requirements
        self.search, self.point, self.branch = search, point, branch
        self.n = point.shape[0] * point.stages
        matrix, lower, upper = point.rows(requirements.target, participation=False)
        moves = len(point.compiled.ic_offset)
        hard = point.branch_program(
            replace(branch, rows=()), np.zeros(self.n), matrix[moves:], lower[moves:], upper[moves:]
        )
        self.hard = _with_floor(hard, point, requirements.floor)
        self.box = self.hard.col_upper
        totals = np.array([item.total[1] for item in point.deal.items], dtype=np.float64)
        self.limits = Box(self.box, totals, point.stages)
        unbounded = np.flatnonzero(~np.isfinite(self.box))
        if unbounded.size:
            item = point.deal.items[int(unbounded[0]) // point.stages].name
            raise DetenteError(
                f"item {item!r} has no upper bound: a robust design relaxes each draw's rows by "
                "the most they can be violated, which needs every amount bounded; give it a max"
            )
        self.known = {_key(r, lo, hi) for r, lo, hi in zip(*_rows(self.hard), strict=True)}
        rows = {d: self._rows(search.programs[d]) for d in range(len(search.deals))}
        self.solved = 0
        """Programs solved: the draws alone, the scenario programs and their polishing."""
        possible = [d for d in rows if self._alone(rows[d])]
        self.draws = np.array(possible, dtype=np.int64)
        self.exact = [rows[d] for d in possible]

    def _rows(self, program: _Program) -> tuple[FloatArray, FloatArray, FloatArray]:
        """A draw's rows beyond the point deal's: incentive constraints, participation, its own
        bounds (where they differ: what its ratifiers allow, say) and deterrence."""
        matrix, lower, upper = program.rows(None, participation=True)
        keep = np.array(
            [
                _key(r, lo, hi) not in self.known
                for r, lo, hi in zip(matrix, lower, upper, strict=True)
            ]
        )
        parts = [(matrix[keep], lower[keep], upper[keep])]
        columns = np.where(self.box > 0.0, program.upper(), 0.0)
        tighter = np.flatnonzero(columns < self.box - _margin(self.box))
        unit = np.eye(self.n)[tighter]
        parts.append((unit, np.full(len(tighter), -np.inf), columns[tighter]))
        parts.append(self._deterrence(program))
        return (
            np.vstack([p[0].reshape(-1, self.n) for p in parts]),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]),
        )

    def _deterrence(self, program: _Program) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The branch's deterrence conditions at the draw's detection probabilities; an item
        the draw's detection cannot find (``q = 0``) must not be delivered."""
        cheating = program.compiled.cheating
        if not self.branch.rows:
            return np.zeros((0, self.n)), np.zeros(0), np.zeros(0)
        verifiers = [v for v, i in enumerate(cheating.verifiers) if int(i) in self.branch.delivered]
        detection = cheating.detection_with(np.array(verifiers, dtype=np.int64))
        found = tuple(k for k in self.branch.rows if detection[k] > 0.0)
        rows, low = program.compiled.deterrence_rows(
            Branch(rows=found, detection=tuple(float(q) for q in detection))
        )
        blind = [k for k in self.branch.rows if detection[k] <= 0.0]
        totals = np.zeros((len(blind), self.n))
        for r, k in enumerate(blind):
            i = int(cheating.index[k])
            totals[r, program.index(i, 0) : program.index(i, program.stages)] = 1.0
        return (
            np.vstack([rows, totals]),
            np.concatenate([low, np.full(len(blind), -np.inf)]),
            np.concatenate([np.full(len(low), np.inf), np.zeros(len(blind))]),
        )

    def _alone(self, rows: tuple[FloatArray, FloatArray, FloatArray]) -> bool:
        """Whether some schedule meets the draw's rows (with the point deal's): a draw none
        meets has ``z_d = 0`` in every solution, so it is left out of the program."""
        hard = self.hard
        program = Program(
            np.zeros(self.n),
            np.vstack([hard.matrix, rows[0]]),
            np.concatenate([hard.row_lower, rows[1]]),
            np.concatenate([hard.row_upper, rows[2]]),
            np.zeros(self.n),
            self.box,
            hard.integer,
        )
        self.solved += 1
        return minimize(program, self.search.time_limit).x is not None

    def count_cost(self) -> FloatArray:
        """Minimise ``−Σ z_d``."""
        return np.concatenate([np.zeros(self.n), -np.ones(len(self.draws))])

    def surplus_cost(self) -> FloatArray:
        """Minimise minus the expected joint surplus at the point estimate."""
        surplus = self.point.compiled.value_matrix.sum(axis=0)
        return np.concatenate([-surplus, np.zeros(len(self.draws))])

    def best(self, excluded: set[int]) -> RobustDesign | None:
        """The branch's robust schedule: the most draws (``Σ z_d``, none of the ``excluded``),
        then the largest surplus at the point estimate over the draws counted."""
        found = self.solve(excluded)
        if found.x is None:
            return None
        counted = tuple(int(d) for d in self.draws[found.x[self.n :] > 0.5])
        polished = self.polish(counted)
        amounts = found.x[: self.n] if polished is None else polished
        deal = self.point.deal
        schedule = Schedule.from_array(
            deal.item_names, _clean(amounts.reshape(self.point.shape), deal)
        ).trimmed()
        surplus = float(sum(v for _, v in check(deal, schedule).expected_values))
        gap = found.gap if found.status == "time_limit" else None
        return RobustDesign(
            schedule,
            self.point.stages,
            counted,
            (),
            (),
            found.status,
            gap,
            surplus,
            0,
            len(self.search.deals),
        )

    def solve(self, excluded: set[int]) -> ProgramResult:
        """The scenario program: the most draws whose rows hold (``z_d = 0`` where excluded)."""
        hard, N = self.hard, len(self.draws)
        blocks = [np.hstack([hard.matrix, np.zeros((len(hard.matrix), N))])]
        lows, highs = [hard.row_lower], [hard.row_upper]
        for j, (matrix, lower, upper) in enumerate(self.exact):
            rows, low, high, z = relax(matrix, lower, upper, self.limits)
            block = np.zeros((len(rows), N))
            block[:, j] = z
            blocks.append(np.hstack([rows, block]))
            lows.append(low)
            highs.append(high)
        program = Program(
            self.count_cost(),
            np.vstack(blocks),
            np.concatenate(lows),
            np.concatenate(highs),
            np.zeros(self.n + N),
            np.concatenate([self.box, [float(d not in excluded) for d in self.draws]]),
            np.concatenate([hard.integer, np.ones(N, dtype=np.bool_)]),
        )
        self.solved += 1
        return minimize(program, self.search.time_limit)

    def polish(self, counted: Sequence[int]) -> FloatArray | None:
        """The best surplus over the counted draws' rows, unrelaxed (no ``M`` left to blur
        them by the solver's integrality tolerance); ``None`` if the solver finds none."""
        hard = self.hard
        where = {int(d): j for j, d in enumerate(self.draws)}
        parts = [(hard.matrix, hard.row_lower, hard.row_upper)]
        parts.extend(self.exact[where[d]] for d in counted)
        program = Program(
            self.surplus_cost()[: self.n],
            np.vstack([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]),
            np.zeros(self.n),
            self.box,
            hard.integer,
        )
        self.solved += 1
        return minimize(program, self.search.time_limit).x


def _rows(program: Program) -> tuple[FloatArray, FloatArray, FloatArray]:
    return program.matrix, program.row_lower, program.row_upper


def _key(row: FloatArray, low: float, high: float) -> tuple[bytes, float, float]:
    return row.tobytes(), float(low), float(high)


def _with_floor(hard: Program, point: _Program, floor: float | None) -> Program:
    """The hard program with ``measured total ≥ floor`` (no row without a floor)."""
    if floor is None:
        return hard
    return replace(
        hard,
        matrix=np.vstack([hard.matrix, point.measure_row()[None]]),
        row_lower=np.concatenate([hard.row_lower, [floor - TOLERANCE * (1.0 + abs(floor))]]),
        row_upper=np.concatenate([hard.row_upper, [np.inf]]),
    )
