"""Sweep throughput: draws per second in-process, on 2 local workers, on a 2-worker Dask cluster.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/sweeps.py [--draws N] [--scenario FILE] [--json]

Each draw is the full analysis ``detente sweep`` runs: rebuild the scenario
with the drawn parameters, ``analyze`` it (every section on main: solutions,
and schedules and factions where present) and test the claims. Worker pools
and the cluster are started and warmed up before timing, as a long sweep
amortises their start-up. Targets (issue 8): 10⁵ draws in ≤ 10 minutes on
2 cores; 2 workers ≥ 1.8× one.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from detente.experiments import RunOptions, run_sweep
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.sweep import scenario_sweep

ROOT = Path(__file__).resolve().parents[1]
CANDIDATES = (
    "scenarios/hanoi-2019.yaml",
    "scenarios/theory/action-for-action.yaml",  # solutions + one-shot + best 4-stage schedule
)


def default_scenario() -> Path:
    """The Hanoi 2019 scenario when it exists, else the theory example."""
    return next(ROOT / c for c in CANDIDATES if (ROOT / c).exists())


def rate(scenario: ScenarioText, draws: int, **where: object) -> float:
    """Draws per second of one sweep (after a small warm-up run on the same executor)."""
    with tempfile.TemporaryDirectory() as out:
        warm = scenario_sweep(scenario, draws=20, seed=0)
        run_sweep(warm, RunOptions(Path(out) / "warm", progress=False, **where))  # type: ignore[arg-type]
        sweep = scenario_sweep(scenario, draws=draws, seed=1)
        started = time.perf_counter()
        run_sweep(sweep, RunOptions(Path(out) / "run", progress=False, **where))  # type: ignore[arg-type]
        return draws / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=3000)
    parser.add_argument("--scenario", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    path = args.scenario or default_scenario()
    scenario = ScenarioText.read(path)
    rates = {
        "in-process": rate(scenario, args.draws),
        "2 workers": rate(scenario, args.draws, workers=2),
    }
    from distributed import LocalCluster

    with LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=":0"
    ) as cluster:
        rates["dask, 2 workers"] = rate(scenario, args.draws, scheduler=cluster.scheduler_address)
    report = {
        "scenario": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
        "draws": args.draws,
        "draws_per_second": rates,
        "minutes_for_100k": {k: 1e5 / v / 60 for k, v in rates.items()},
        "speedup_2_workers": rates["2 workers"] / rates["in-process"],
        "speedup_dask": rates["dask, 2 workers"] / rates["in-process"],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{report['scenario']}: {args.draws} draws each")
    for name, value in rates.items():
        print(f"  {name:16} {value:8.1f} draws/s   10^5 draws in {1e5 / value / 60:6.1f} min")
    print(
        f"  2 workers / 1: {report['speedup_2_workers']:.2f}x   dask / 1: {report['speedup_dask']:.2f}x"
    )


if __name__ == "__main__":
    main()
