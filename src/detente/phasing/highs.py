"""Mixed-integer linear programs solved by HiGHS, called through highspy.

The designer's programs are small (tens of variables, a few dozen rows) and
an analysis draw solves a dozen of them, so the cost of *reaching* the solver
matters as much as the solve: this module hands HiGHS the arrays directly
(no model-building layer, no per-call option validation) and imports nothing
slow (``scipy.optimize`` takes half a second to import).

Each thread keeps one solver object, configured once; every call clears it
and passes a whole new model, so calls are independent of each other and of
the thread they run in: the same program gives the same answer wherever and
whenever it is solved. The object's run clock is not reset by clearing it (it
counts every run since the object was made), so each call's time limit is set
that far past the clock: otherwise, once a thread had solved for longer than a
time limit in all, every later program would stop at once.

HiGHS's defaults suit large programs on a machine of their own. It runs a
pool of worker threads that wait busily for work: in every process of a
parallel sweep they compete with the other processes' solves for the cores
(measured: 2 local workers were 1.07x one process instead of about 1.9x),
so every program is solved on one thread. On these small programs its primal
heuristics, restarts and symmetry detection cost more than they save, so
:data:`SMALL_PROGRAM_OPTIONS` turns them off: they only find incumbents
earlier and never change what is optimal (measured on the Hanoi 2019 deal's
4-stage design: 28–36 ms a solve with the defaults, 12–13 ms without).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.utility import FloatArray

Status = Literal["optimal", "time_limit", "infeasible", "unbounded"]

BOX = 1e9
"""Where an infinite variable bound is cut when HiGHS cannot classify a program: a solution
on the cut means the program is unbounded."""

SMALL_PROGRAM_OPTIONS: dict[str, bool | str | int] = {
    "output_flag": False,
    "threads": 1,
    "mip_allow_restart": False,
    "mip_detect_symmetry": False,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_zi_round": False,
    "mip_heuristic_run_shifting": False,
}
"""The options every program is solved with (see the module's docstring)."""


@dataclass(frozen=True, slots=True)
class ProgramResult:
    """What HiGHS found: ``x`` when it has a feasible point; ``gap`` for mixed-integer programs."""

    status: Status
    x: FloatArray | None = None
    gap: float | None = None


@dataclass(frozen=True, slots=True)
class Program:
    """Minimise ``cost @ x`` subject to ``row_lower <= matrix @ x <= row_upper`` and the bounds.

    ``integer`` marks the integer variables; infinite row or column bounds are allowed.
    """

    cost: FloatArray
    matrix: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    col_lower: FloatArray
    col_upper: FloatArray
    integer: NDArray[np.bool_]


def minimize(program: Program, time_limit: float) -> ProgramResult:
    """Solve ``program``; a solver stopped at ``time_limit`` seconds reports its best point
    (if any) and the relative gap.

    >>> import numpy as np
    >>> program = Program(np.array([-1.0, -1.0]), np.array([[2.0, 1.0]]), np.array([-np.inf]),
    ...                   np.array([3.0]), np.zeros(2), np.array([1.0, 5.0]),
    ...                   np.array([True, False]))
    >>> found = minimize(program, 10.0)
    >>> found.status, found.x.tolist() == [0.0, 3.0], found.gap
    ('optimal', True, 0.0)
    """
    solution = _run(program, time_limit)
    if solution is None:  # presolve could not tell infeasible from unbounded, or gave up: retry
        solution = _run(program, time_limit, presolve=False)
    if solution is None and not program.integer.any():  # HiGHS's "unknown" on an unbounded LP
        solution = _boxed(program, time_limit)
    return solution or ProgramResult("infeasible")


def _boxed(program: Program, time_limit: float) -> ProgramResult | None:
    """``program`` solved with its infinite bounds cut at ``BOX``: unbounded when its solution
    lies on a cut (HiGHS 1.x reports some degenerate unbounded programs as "unknown")."""
    low, high = np.isinf(program.col_lower), np.isinf(program.col_upper)
    boxed = replace(
        program,
        col_lower=np.where(low, -BOX, program.col_lower),
        col_upper=np.where(high, BOX, program.col_upper),
    )
    found = _run(boxed, time_limit, presolve=False)
    if found is None or found.x is None:
        return found
    on_cut = (low & (found.x <= -BOX * (1 - 1e-6))) | (high & (found.x >= BOX * (1 - 1e-6)))
    return ProgramResult("unbounded") if on_cut.any() else found


def _run(program: Program, time_limit: float, presolve: bool = True) -> ProgramResult | None:
    import highspy

    highs = _solver()
    # HiGHS's run clock counts every run of the object, so the limit is set past what it shows
    highs.setOptionValue("time_limit", highs.getRunTime() + float(time_limit))
    highs.setOptionValue("presolve", "choose" if presolve else "off")
    matrix, integer = program.matrix, program.integer
    rows, columns = matrix.shape
    column_of, row_of = np.nonzero(matrix.T)  # column-wise: sorted by column, then row
    start = np.searchsorted(column_of, np.arange(columns + 1)).astype(np.int32)
    passed = highs.passModel(
        columns,
        rows,
        len(row_of),
        int(highspy.MatrixFormat.kColwise),
        int(highspy.ObjSense.kMinimize),
        0.0,
        np.ascontiguousarray(program.cost, dtype=np.float64),
        np.ascontiguousarray(program.col_lower, dtype=np.float64),
        np.ascontiguousarray(program.col_upper, dtype=np.float64),
        np.ascontiguousarray(program.row_lower, dtype=np.float64),
        np.ascontiguousarray(program.row_upper, dtype=np.float64),
        start,
        row_of.astype(np.int32),
        np.ascontiguousarray(matrix.T[column_of, row_of], dtype=np.float64),
        np.where(integer, 1, 0).astype(np.int32),
    )
    if passed == highspy.HighsStatus.kError or not _finite(program):
        raise DetenteError(
            "a schedule program has a coefficient or bound that is not a number (NaN) or an "
            "infinite coefficient; check the deal's values, costs and discounts"
        )
    if highs.run() == highspy.HighsStatus.kError and _threads_taken(highs):
        highs.run()
    status = highs.getModelStatus()
    kinds = highspy.HighsModelStatus
    info = highs.getInfo()
    found = info.primal_solution_status == 2  # a feasible point
    x = np.array(highs.getSolution().col_value, dtype=np.float64) if found else None
    gap = float(info.mip_gap) if found and integer.any() else None
    if status == kinds.kOptimal:
        return ProgramResult("optimal", x, gap)
    if status in (kinds.kTimeLimit, kinds.kIterationLimit, kinds.kSolutionLimit):
        return ProgramResult("time_limit", x, gap)
    if status == kinds.kInfeasible:
        return ProgramResult("infeasible")
    if status == kinds.kUnbounded:
        return ProgramResult("unbounded")
    if status == kinds.kUnboundedOrInfeasible:
        return None if presolve else ProgramResult("infeasible")
    if status == kinds.kUnknown:  # HiGHS gave up: without presolve, then on a bounded box
        return None
    raise DetenteError(
        f"HiGHS could not solve a schedule program: {highs.modelStatusToString(status)}; "
        "rerun with --debug and report it"
    )


_local = threading.local()


def _finite(program: Program) -> bool:
    """Finite costs and coefficients, bounds that are numbers (infinite bounds are allowed)."""
    bounds = (program.row_lower, program.row_upper, program.col_lower, program.col_upper)
    return bool(
        np.isfinite(program.cost).all()
        and np.isfinite(program.matrix).all()
        and not any(np.isnan(b).any() for b in bounds)
    )


def _threads_taken(highs: Any) -> bool:
    """Whether another user of HiGHS in this process set its thread pool up with more threads.

    The pool is global to the process and set up by the first solve; a run
    asking for another size fails. The pool is then set up again, once, for
    one thread: other HiGHS code in the same process that asks for more
    threads will then find its own runs failing the same way.
    """
    if highs.getModelStatus() != highs.getModelStatus().kNotset:
        return False
    highs.resetGlobalScheduler(True)
    return True


def _solver() -> Any:
    """This thread's HiGHS instance, silent and cleared of any earlier model and solution.

    highspy's ``Highs()`` sets up callbacks in its constructor, which prints the
    solver's banner on standard output before any option can be set (that would
    corrupt ``--json`` output); its base class does not, so it is used when present.
    """
    highs = getattr(_local, "highs", None)
    if highs is None:
        try:
            from highspy._core import _Highs as Highs
        except ImportError:  # pragma: no cover - older highspy: the class itself is the base
            from highspy import Highs
        highs = Highs()
        for option, value in SMALL_PROGRAM_OPTIONS.items():
            highs.setOptionValue(option, value)
        _local.highs = highs
    highs.clearModel()  # the model, and with it every solution, basis and MIP start
    return highs
