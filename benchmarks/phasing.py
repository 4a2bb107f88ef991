"""Schedule designer solve times on random deals (run on demand, not in CI).

    PYTHONPATH=src:. python benchmarks/phasing.py [--repeats 5] [--time-limit 30]

For each size (items x stages) it designs the surplus-maximising schedule of
``--repeats`` random three-party deals (``tests.strategies.random_deal``: one-time
values, flows, reversibility, leverage, hazards, one binary item in seven, so
the larger instances are mixed-integer programs) and prints the median and
worst wall time of building and solving the program, the solver status and the
largest optimality gap. Every design includes the participation constraints
(every mover expects at least its no-deal value). Targets: 24 x 8 median <= 1 s;
40 x 10 optimal or stopped at the time limit with its gap reported.

The same sizes again with proportional responses declared on a third of the items
(``suspend`` or ``snap_back`` of an item of another party, :func:`with_responses`), so
every single-item deviation is a constraint.

Then it designs random 24-item, 8-stage deals with 2-3 cheating-prone items and 2
verification items (``tests.strategies.random_verified_deal``): the designer enumerates the
choices of verification items (``phasing.verification``), one program each; again with
positive outside options (a cheater's stake can then fall below 0, and each cheating-prone
item is either left out or delivered under its deterrence constraint: 16-32 programs); and
with verification items and responses together (the issue's case: target median <= 2 s).

Then it times the equilibrium path of a given schedule (``phasing.path``, one
backward pass) on random 10-item, 10-stage schedules: target <= 1 ms; and with
responses declared. NegMAS has no schedule designer or implementation model, so there
is no peer ratio here.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import numpy as np
from tests.strategies import random_deal, random_verified_deal

from detente.phasing import Deal, Schedule, design
from detente.phasing.path import equilibrium_path
from detente.phasing.responses import Response

SIZES = ((12, 6), (24, 8), (40, 10))


def with_responses(deal: Deal, rng: np.random.Generator) -> Deal:
    """``deal`` with a response declared on every third item: suspending, or snapping back a
    random share of, a random item of another party."""
    responses = []
    for k, item in enumerate(deal.items):
        if k % 3:
            continue
        others = [o.name for o in deal.items if o.giver != item.giver]
        target = others[int(rng.integers(len(others)))]
        if rng.random() < 0.5:
            responses.append(Response(item.name, "suspend", target))
        else:
            responses.append(Response(item.name, "snap_back", target, float(rng.uniform(0.2, 1))))
    return replace(deal, responses=tuple(responses))


def run(
    items: int,
    stages: int,
    repeats: int,
    time_limit: float,
    seed: int,
    responses: bool = False,
    verified: bool = False,
    outside: bool = False,
) -> dict[str, object]:
    """Time ``repeats`` designs of random deals of one size (``responses``: with responses
    declared; ``verified``: with 2-3 cheating-prone items and 2 verification items;
    ``outside``: every party with an outside option in [0.5, 2], so a cheater's stake can
    fall below 0 and every cheating-prone item doubles the programs)."""
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(repeats)]
    times, statuses, gaps = [], [], []
    for k, rng in enumerate(rngs):
        if verified:
            deal = random_verified_deal(rng, items, cheating=2 + k % 2, verifiers=2)
        else:
            deal = random_deal(rng, items, parties=3)
        if outside:
            options = rng.uniform(0.5, 2.0, len(deal.stakes))
            stakes = (
                replace(s, outside=float(o)) for s, o in zip(deal.stakes, options, strict=True)
            )
            deal = replace(deal, stakes=tuple(stakes))
        if responses:
            deal = with_responses(deal, rng)
        start = time.perf_counter()
        result = design(deal, stages, objective="surplus", time_limit=time_limit)
        times.append(time.perf_counter() - start)
        statuses.append(result.status)
        gaps.append(result.gap or 0.0)
    return {
        "size": f"{items} x {stages}" + (" +r" if responses else ""),
        "median_s": statistics.median(times),
        "max_s": max(times),
        "statuses": sorted(set(statuses)),
        "max_gap": max(gaps),
    }


def path_times(
    items: int, stages: int, repeats: int, seed: int, responses: bool = False
) -> list[float]:
    """Milliseconds per equilibrium path of random schedules (the whole call: the valuation
    of the deal over the schedule's stages, then the backward pass)."""
    times = []
    for k, rng in enumerate(
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(repeats)
    ):
        deal = random_deal(rng, items, parties=3)
        if responses:
            deal = with_responses(deal, rng)
        amounts = rng.uniform(0.0, 1.0, (items, stages)) * (rng.random((items, stages)) < 0.6)
        for i, item in enumerate(deal.items):  # within the item's bounds, some stages empty
            if item.binary:
                amounts[i] = 0.0
                amounts[i, (i + k) % stages] = 1.0
            else:
                low, high = item.total
                step = min(item.per_stage, high / stages if np.isfinite(high) else 1.0)
                amounts[i] = amounts[i] * step + low / stages
        schedule = Schedule.from_array(deal.item_names, amounts)
        equilibrium_path(deal, schedule)  # warm: imports, caches
        start = time.perf_counter()
        equilibrium_path(deal, schedule)
        times.append(1000.0 * (time.perf_counter() - start))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    run(2, 1, 1, args.time_limit, args.seed)  # warm up: import the solver once, untimed
    print(
        f"{'size':>11} {'median s':>9} {'max s':>8} {'max gap':>8}  status (limit {args.time_limit:g} s)"
    )
    for responses in (False, True):
        for items, stages in SIZES:
            row = run(items, stages, args.repeats, args.time_limit, args.seed, responses)
            print(
                f"{row['size']:>11} {row['median_s']:9.3f} {row['max_s']:8.3f} "
                f"{row['max_gap']:8.2e}  {', '.join(row['statuses'])}"  # type: ignore[arg-type]
            )
    cases = (
        (False, False, "4 programs"),
        (False, True, "outside options > 0: 16-32 programs"),
        (True, False, "and responses on a third of the items"),
    )
    for responses, outside, note in cases:
        row = run(
            24,
            8,
            args.repeats,
            args.time_limit,
            args.seed,
            responses,
            verified=True,
            outside=outside,
        )
        print(
            f"{row['size']:>11} {row['median_s']:9.3f} {row['max_s']:8.3f} "
            f"{row['max_gap']:8.2e}  {', '.join(row['statuses'])}"  # type: ignore[arg-type]
            f"  (2-3 cheating-prone items, 2 verification items; {note})"
        )
    for responses in (False, True):
        paths = path_times(10, 10, max(args.repeats, 20), args.seed, responses)
        print(
            f"equilibrium path, 10 x 10{' with responses' if responses else ''}: median "
            f"{statistics.median(paths):.3f} ms, worst {max(paths):.3f} ms over {len(paths)} "
            "schedules (target <= 1 ms without responses)"
        )


if __name__ == "__main__":
    main()
