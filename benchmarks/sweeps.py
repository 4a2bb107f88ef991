"""Sweep throughput: draws per second in-process, on 2 local workers, on a 2-worker Dask cluster.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/sweeps.py [--draws N] [--scenario FILE] [--json]
    PYTHONPATH=src python benchmarks/sweeps.py --precision 0.01 [--scenario FILE] [--json]

With ``--precision E``: ``sweep --precision E`` on 2 local workers, with the
``sobol`` design and with ``random`` draws: the draws each needed, the wall
time and the draws per second (issue 16: every Hanoi claim to ±0.01 in at
most 5 minutes).

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
from detente.experiments.precision import MIN_DRAWS, run_to_precision
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


def to_precision(
    scenario: ScenarioText, target: float, design: str, seed: int
) -> dict[str, object]:
    """One ``sweep --precision`` run on 2 local workers: draws, seconds, draws/s, widest interval."""
    with tempfile.TemporaryDirectory() as out:
        sweep = scenario_sweep(scenario, draws=MIN_DRAWS, seed=seed, design=design)  # type: ignore[arg-type]
        started = time.perf_counter()
        ended = run_to_precision(
            sweep, RunOptions(Path(out) / "run", workers=2, progress=False), target
        )
        seconds = time.perf_counter() - started
    return {
        "design": design,
        "draws": ended.manifest.total,
        "seconds": seconds,
        "draws_per_second": ended.manifest.total / seconds,
        "reached": ended.reached,
        "widest": {"claim": ended.widest.claim, "half_width": ended.widest.half_width},
    }


def precision_table(scenario: ScenarioText, target: float, seed: int, as_json: bool) -> None:
    """Print the draws and time ``--precision`` needs with sobol and with random draws."""
    runs = [to_precision(scenario, target, design, seed) for design in ("sobol", "random")]
    if as_json:
        print(json.dumps({"scenario": scenario.file, "precision": target, "runs": runs}, indent=2))
        return
    print(f"{scenario.file}: every claim to ±{target:g}, 2 local workers")
    print(f"  {'design':8} {'draws':>8} {'seconds':>9} {'draws/s':>8}  widest")
    for run in runs:
        widest = run["widest"]
        assert isinstance(widest, dict)
        print(
            f"  {run['design']:8} {run['draws']:>8,} {run['seconds']:>9.1f} "
            f"{run['draws_per_second']:>8.1f}  ±{widest['half_width']:.4f} ({widest['claim']})"
            + ("" if run["reached"] else "  (not reached)")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=3000)
    parser.add_argument("--scenario", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--precision", type=float, default=None)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    path = args.scenario or default_scenario()
    scenario = ScenarioText.read(path)
    if args.precision is not None:
        precision_table(scenario, args.precision, args.seed, args.json)
        return
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
