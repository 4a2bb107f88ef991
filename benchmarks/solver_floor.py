"""How much of a sweep draw is the solver's: HiGHS time per analysis draw, by kind of program.

    PYTHONPATH=src python benchmarks/solver_floor.py [--draws 200] [--seed 1] [SCENARIO]

Rebuilds the scenario for ``--draws`` draws of its uncertain parameters (as
``detente sweep`` does), analyses each, and times every call of the solver
(``detente.phasing.highs.minimize``: passing the model to HiGHS and solving it)
by kind: number of stages, objective, whether the deal is a fixed package, and
the status. It prints the calls and milliseconds per draw of each kind, the
solver's share of the whole analysis, and the minutes 10^5 draws would take on
two cores if the solver were the only work (issue 8's target is 10). Run on
demand, not in CI.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any

import detente.phasing.designer as designer
from detente.analysis import analyze
from detente.experiments.chunks import Chunk
from detente.experiments.draws import draw_values
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.sweep import scenario_sweep

ROOT = Path(__file__).resolve().parents[1]

Kind = tuple[int, str, bool, str]


def timed_solves(calls: Counter[Kind], seconds: Counter[Kind]) -> None:
    """Time every solver call, filed under the kind of the program that made it."""
    solve, minimize = designer._Program.solve, designer.minimize
    clock = [0.0]  # seconds spent in the solver so far

    def clocked(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return minimize(*args)
        finally:
            clock[0] += time.perf_counter() - started

    def filed(program: Any, objective: str, target: float | None, limit: float) -> Any:
        before = clock[0]
        result = solve(program, objective, target, limit)
        kind = (program.stages, objective, program.deal_total is not None, result[0])
        if clock[0] > before:  # a determined program never reaches the solver
            calls[kind] += 1
        seconds[kind] += clock[0] - before
        return result

    designer.minimize = clocked  # type: ignore[assignment]
    designer._Program.solve = filed  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios/hanoi-2019.yaml"))
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sweep = scenario_sweep(ScenarioText.read(Path(args.scenario)), draws=args.draws, seed=args.seed)
    values = draw_values(sweep.parameters, args.seed, Chunk(0, 0, args.draws))
    analyze(sweep.model.build({}))  # warm up: imports and caches, untimed
    calls: Counter[Kind] = Counter()
    seconds: Counter[Kind] = Counter()
    timed_solves(calls, seconds)
    whole = 0.0
    for k in range(args.draws):
        scenario = sweep.model.build({name: float(column[k]) for name, column in values.items()})
        started = time.perf_counter()
        analyze(scenario)
        whole += time.perf_counter() - started
    n = args.draws
    print(f"{'stages':>6} {'objective':>9} {'package':>7} {'status':>10} {'calls':>6} {'ms':>7}")
    for kind in sorted(calls, key=str):
        stages, objective, package, status = kind
        print(
            f"{stages:>6} {objective:>9} {'yes' if package else 'no':>7} {status:>10} "
            f"{calls[kind] / n:>6.2f} {1000 * seconds[kind] / n:>7.2f}"
        )
    solver = 1000 * sum(seconds.values()) / n
    print(f"solver: {sum(calls.values()) / n:.1f} calls, {solver:.1f} ms per draw")
    print(
        f"whole analysis: {1000 * whole / n:.1f} ms per draw (solver {solver / (10 * whole / n):.0f} %)"
    )
    print(f"10^5 draws on 2 cores, solver alone: {1e5 * solver / 1000 / 2 / 60:.1f} min")


if __name__ == "__main__":
    main()
