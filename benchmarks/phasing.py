"""Schedule designer solve times on random deals (run on demand, not in CI).

    PYTHONPATH=src:. python benchmarks/phasing.py [--repeats 5] [--time-limit 30]

For each size (items x stages) it designs the surplus-maximising schedule of
``--repeats`` random three-party deals (``tests.strategies.random_deal``: one-time
values, flows, reversibility, leverage, hazards, one binary item in seven, so
the larger instances are mixed-integer programs) and prints the median and
worst wall time of building and solving the program, the solver status and the
largest optimality gap. Targets: 24 x 8 median <= 1 s; 40 x 10 optimal or
stopped at the time limit with its gap reported.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from tests.strategies import random_deal

from detente.phasing import design

SIZES = ((12, 6), (24, 8), (40, 10))


def run(items: int, stages: int, repeats: int, time_limit: float, seed: int) -> dict[str, object]:
    """Time ``repeats`` designs of random deals of one size."""
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(repeats)]
    times, statuses, gaps = [], [], []
    for rng in rngs:
        deal = random_deal(rng, items, parties=3)
        start = time.perf_counter()
        result = design(deal, stages, objective="surplus", time_limit=time_limit)
        times.append(time.perf_counter() - start)
        statuses.append(result.status)
        gaps.append(result.gap or 0.0)
    return {
        "size": f"{items} x {stages}",
        "median_s": statistics.median(times),
        "max_s": max(times),
        "statuses": sorted(set(statuses)),
        "max_gap": max(gaps),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    run(2, 1, 1, args.time_limit, args.seed)  # warm up: import the solver once, untimed
    print(
        f"{'size':>8} {'median s':>9} {'max s':>8} {'max gap':>8}  status (limit {args.time_limit:g} s)"
    )
    for items, stages in SIZES:
        row = run(items, stages, args.repeats, args.time_limit, args.seed)
        print(
            f"{row['size']:>8} {row['median_s']:9.3f} {row['max_s']:8.3f} "
            f"{row['max_gap']:8.2e}  {', '.join(row['statuses'])}"  # type: ignore[arg-type]
        )


if __name__ == "__main__":
    main()
