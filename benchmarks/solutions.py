"""Pareto frontier + Nash point: detente against NegMAS, in the same run.

Two parties with random linear-additive utilities (``VALUES`` values per
issue, random weights and value tables, seeded) on 10^4, 10^6 and 10^7
outcomes; reservation values at 40 % of each party's best utility, so the
rational set is a strict subset.

detente runs in a fresh subprocess per size (so peak memory is per size): it
builds ``U`` with ``LinearAdditive.full``, then times ``pareto_frontier`` on
the rational outcomes, ``nash`` and ``solve_all`` (all four solutions, frontier
computed once). Peak memory is the subprocess's peak resident set (it includes
``U`` itself) and tracemalloc's peak during one ``pareto_frontier`` + ``nash``.

NegMAS runs in its own environment (``benchmarks/peer.py``) on the same
weights and tables, two ways:

* *end to end*: ``pareto_frontier(ufuns, issues=...)`` + ``nash_points`` — its
  documented path from utility functions, compared with detente's
  build-``U`` + frontier + Nash;
* *array core*: ``pareto_frontier_numpy(points)`` + ``nash_points`` on the
  same utility points (built with numpy in the NegMAS process), compared with
  detente's frontier + Nash on ``U``.

Both are capped by size (``--negmas-end-to-end-max``, ``--negmas-core-max``)
because NegMAS's cost grows with a Python loop over outcomes; capped runs are
reported as such. The frontier size and the Nash utilities of both are
printed so the comparison is seen to be like for like.

Run: ``PYTHONPATH=src:. python benchmarks/solutions.py [--sizes 4,6,7]``
(sizes as numbers of issues of ``VALUES`` values; 10 values per issue).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
from benchmarks.peer import negmas_available, run_negmas

VALUES = 10
RESERVATION_SHARE = 0.4
ROOT = Path(__file__).resolve().parents[1]

DETENTE_SCRIPT = r"""
import json, resource, sys, time, tracemalloc
import numpy as np
from detente.outcomes import Issue, OutcomeSpace
from detente.solutions import nash, pareto_frontier, rational_mask, solve_all
from detente.utility import LinearAdditive

p = json.load(sys.stdin)
n_issues = len(p["weights"][0])
space = OutcomeSpace(tuple(Issue.integer(f"i{k}", 0, p["values"] - 1) for k in range(n_issues)))
d = np.array(p["reservations"])

def build():
    utilities = [LinearAdditive(tuple(w), tuple(map(tuple, t))) for w, t in zip(p["weights"], p["tables"])]
    return np.column_stack([u.full(space) for u in utilities])

def timed(f):
    start, cpu = time.perf_counter(), time.process_time()
    value = f()
    return value, (time.perf_counter() - start, time.process_time() - cpu)

U, t_build = timed(build)
best = {}
for _ in range(p["repeats"]):
    front, t_front = timed(lambda: pareto_frontier(U, rational_mask(U, d)))
    found, t_nash = timed(lambda: nash(U, d))
    everything, t_all = timed(lambda: solve_all(U, d))
    for key, value in (("frontier", t_front), ("nash", t_nash), ("solve_all", t_all)):
        best[key] = min(best.get(key, (float("inf"),) * 2), value)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
tracemalloc.start()
pareto_frontier(U, rational_mask(U, d)); nash(U, d)
traced = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({
    "n_outcomes": len(U), "build": t_build, **best,
    "frontier_size": len(front), "nash_utilities": list(found.utilities), "nash_ties": found.ties,
    "peak_rss": rss, "peak_traced": traced, "u_bytes": U.nbytes,
}))
"""

NEGMAS_SCRIPT = r"""
import itertools, json, sys, time
import numpy as np
from negmas import make_issue
from negmas.preferences import LinearAdditiveUtilityFunction as LU
from negmas.preferences.ops import nash_points, pareto_frontier, pareto_frontier_numpy
from negmas.preferences.value_fun import TableFun

p = json.load(sys.stdin)
n_issues, n_values = len(p["weights"][0]), p["values"]
issues = [make_issue(values=n_values, name=f"i{k}") for k in range(n_issues)]
ufuns = [
    LU(
        values={f"i{k}": TableFun({j: t[k][j] for j in range(n_values)}) for k in range(n_issues)},
        weights={f"i{k}": w[k] for k in range(n_issues)},
        issues=issues, reserved_value=r,
    )
    for w, t, r in zip(p["weights"], p["tables"], p["reservations"])
]
result = {"negmas": __import__("negmas").__version__}

if p["end_to_end"]:
    start, cpu = time.perf_counter(), time.process_time()
    frontier, _ = pareto_frontier(ufuns, issues=issues)
    t_front = time.perf_counter() - start
    start = time.perf_counter()
    found = nash_points(ufuns, frontier, issues=issues)
    t_nash = time.perf_counter() - start
    result["end_to_end"] = {"frontier": t_front, "nash": t_nash, "cpu": time.process_time() - cpu,
                            "frontier_size": len(frontier),
                            "nash_utilities": list(found[0][0]) if found else None}

if p["core"]:
    columns = []
    for w, t in zip(p["weights"], p["tables"]):
        total = np.zeros(1)
        for weight, table in zip(w, t):
            total = (total[:, None] + weight * np.asarray(table)[None, :]).ravel()
        columns.append(total)
    points = np.column_stack(columns)
    reserv = np.asarray(p["reservations"])
    ranges = [(float(c.min()), float(c.max())) for c in columns]
    start, cpu = time.perf_counter(), time.process_time()
    rational = np.flatnonzero(np.all(points >= reserv, axis=1))
    chosen = pareto_frontier_numpy(points[rational])
    frontier = [tuple(x) for x in points[rational][chosen]]
    t_front = time.perf_counter() - start
    start = time.perf_counter()
    found = nash_points(ufuns, frontier, ranges=ranges)
    t_nash = time.perf_counter() - start
    result["core"] = {"frontier": t_front, "nash": t_nash, "cpu": time.process_time() - cpu,
                      "frontier_size": len(frontier),
                      "nash_utilities": list(found[0][0]) if found else None}
print(json.dumps(result))
"""


def problem(n_issues: int, seed: int) -> dict[str, Any]:
    """Random weights and value tables for two parties, reservations at a share of the best."""
    rng = np.random.default_rng(seed)
    weights = rng.random((2, n_issues))
    tables = rng.random((2, n_issues, VALUES))
    best = (weights * tables.max(axis=2)).sum(axis=1)
    return {
        "values": VALUES,
        "weights": weights.tolist(),
        "tables": tables.tolist(),
        "reservations": (RESERVATION_SHARE * best).tolist(),
    }


def run_detente(payload: dict[str, Any], repeats: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", DETENTE_SCRIPT],
        input=json.dumps({**payload, "repeats": repeats}),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def seconds(t: float) -> str:
    return f"{t * 1000:.1f} ms" if t < 1 else f"{t:.2f} s"


def ratio(peer: float | None, ours: float) -> str:
    return "—" if peer is None else f"{peer / ours:,.0f}x"


def both(t: list[float]) -> str:
    """Wall time, with CPU time in brackets (steadier on a shared machine)."""
    return f"{seconds(t[0])} (cpu {seconds(t[1])})"


def report(n_issues: int, ours: dict[str, Any], peer: dict[str, Any] | None) -> None:
    n = ours["n_outcomes"]
    core = [ours["frontier"][k] + ours["nash"][k] for k in range(2)]
    print(f"\n== {n:,} outcomes ({n_issues} issues x {VALUES} values)")
    print(
        f"detente  build U {both(ours['build'])} | pareto_frontier {both(ours['frontier'])} | "
        f"nash {both(ours['nash'])} | pareto+nash {both(core)} | "
        f"solve_all {both(ours['solve_all'])}"
    )
    print(
        f"         frontier {ours['frontier_size']} outcomes, Nash {ours['nash_utilities']} "
        f"(ties {ours['nash_ties']}); peak RSS {ours['peak_rss'] / 2**20:,.0f} MiB "
        f"(U is {ours['u_bytes'] / 2**20:,.0f} MiB), traced peak in pareto+nash "
        f"{ours['peak_traced'] / 2**20:,.0f} MiB"
    )
    if peer is None:
        print("NegMAS   not available")
        return
    end_to_end = [ours["build"][k] + core[k] for k in range(2)]
    for mode, mine, label in (
        ("end_to_end", end_to_end, "end to end (ufuns -> frontier + Nash)"),
        ("core", core, "array core (points -> frontier + Nash)"),
    ):
        if mode not in peer:
            print(f"NegMAS   {label}: not run at this size (capped)")
            continue
        r = peer[mode]
        total = r["frontier"] + r["nash"]
        print(
            f"NegMAS   {label}: {both([total, r['cpu']])} "
            f"[frontier {seconds(r['frontier'])}, nash {seconds(r['nash'])}]; "
            f"frontier {r['frontier_size']} outcomes, Nash {r['nash_utilities']}\n"
            f"         detente {both(mine)} -> {ratio(total, mine[0])} faster "
            f"(cpu {ratio(r['cpu'], mine[1])})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="4,6,7", help="numbers of issues (10^k outcomes)")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--repeats", type=int, default=3, help="detente timings: best of")
    parser.add_argument("--negmas-end-to-end-max", type=float, default=1e6)
    parser.add_argument("--negmas-core-max", type=float, default=1e7)
    args = parser.parse_args()
    peer_ok = negmas_available()
    for n_issues in (int(k) for k in args.sizes.split(",")):
        payload = problem(n_issues, args.seed)
        ours = run_detente(payload, args.repeats)
        peer = None
        if peer_ok:
            size = VALUES**n_issues
            flags = {
                "end_to_end": size <= args.negmas_end_to_end_max,
                "core": size <= args.negmas_core_max,
            }
            peer = run_negmas(NEGMAS_SCRIPT, {**payload, **flags})
        report(n_issues, ours, peer)


if __name__ == "__main__":
    main()
