"""Sessions per second of the reference engine against NegMAS, in the same run.

Boulware (exponent 4) against Conceder (exponent 0.25), 100 rounds, on
linear-additive domains of 10^3 and 10^5 outcomes (3 or 5 issues of 10 values;
random weights and value tables, the second party's tables the complement of
the first's). NegMAS runs ``BoulwareTBNegotiator`` vs ``ConcederTBNegotiator``
in ``SAOMechanism(n_steps=100)`` on the same domain, in its own environment
(``benchmarks/peer.py``). Reported: sessions/s, agreement rate, mean utilities,
and the ratio. detente's per-scenario precomputation (utility matrix, sorted
utilities) is timed separately and also folded into a per-session figure.

The batch engine (``detente.batch``) runs the same sessions in lockstep,
streamed in chunks; its figures are ``batch`` (sessions/s with and without the
one-time preparation, agreement rate, mean agreement utilities) and
``batch_ratio``. ``--memory-sessions 100000,1000000`` also measures the peak
resident memory of a fresh process streaming that many batch sessions on the
10^5-outcome domain.

Run: ``PYTHONPATH=src:. python benchmarks/sessions.py [--seconds S] [--sizes 3,5]
[--memory-sessions N,...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from benchmarks.peer import negmas_available, run_negmas

from detente.batch import BatchSession
from detente.batch.engine import CHUNK
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.protocols import AlternatingOffers
from detente.scenario import Scenario
from detente.session import Session
from detente.utility import LinearAdditive

ROUNDS = 100
VALUES = 10

NEGMAS_SCRIPT = r"""
import json, sys, time
from negmas import SAOMechanism, make_issue, BoulwareTBNegotiator, ConcederTBNegotiator
from negmas.preferences import LinearAdditiveUtilityFunction as LU
from negmas.preferences.value_fun import TableFun

p = json.load(sys.stdin)
n_issues, n_values = len(p["weights"][0]), len(p["tables"][0][0])
issues = [make_issue(values=n_values, name=f"i{k}") for k in range(n_issues)]

def ufun(tables, weights):
    return LU(
        values={f"i{k}": TableFun({j: tables[k][j] for j in range(n_values)}) for k in range(n_issues)},
        weights={f"i{k}": weights[k] for k in range(n_issues)},
        issues=issues, reserved_value=0.0,
    )

ua, ub = ufun(p["tables"][0], p["weights"][0]), ufun(p["tables"][1], p["weights"][1])
start, n, agreed, utilities = time.perf_counter(), 0, 0, [0.0, 0.0]
while n < p["min_sessions"] or time.perf_counter() - start < p["seconds"]:
    m = SAOMechanism(issues=issues, n_steps=p["rounds"])
    m.add(BoulwareTBNegotiator(name="a"), ufun=ua)
    m.add(ConcederTBNegotiator(name="b"), ufun=ub)
    state = m.run()
    n += 1
    if state.agreement is not None:
        agreed += 1
        utilities[0] += float(ua(state.agreement))
        utilities[1] += float(ub(state.agreement))
elapsed = time.perf_counter() - start
print(json.dumps({"sessions": n, "seconds": elapsed, "agreement_rate": agreed / n,
                  "mean_utilities": [u / max(agreed, 1) for u in utilities]}))
"""


def domain(n_issues: int, seed: int = 0) -> dict[str, Any]:
    """Weights and value tables of the two parties (JSON-ready)."""
    rng = np.random.default_rng(seed)
    tables = rng.random((n_issues, VALUES))
    weights = [rng.dirichlet(np.ones(n_issues)), rng.dirichlet(np.ones(n_issues))]
    return {
        "weights": [w.tolist() for w in weights],
        "tables": [tables.tolist(), (1.0 - tables).tolist()],
    }


def scenario(spec: dict[str, Any]) -> Scenario:
    """The benchmark domain as a detente scenario."""
    n_issues = len(spec["weights"][0])
    space = OutcomeSpace(tuple(Issue.integer(f"i{k}", 0, VALUES - 1) for k in range(n_issues)))
    parties = tuple(
        Party(
            name,
            LinearAdditive(tuple(spec["weights"][i]), tuple(map(tuple, spec["tables"][i]))),
        )
        for i, name in enumerate(("a", "b"))
    )
    return Scenario(f"linear-additive-{space.size}", space, parties)


def run_detente(spec: dict[str, Any], seconds: float) -> dict[str, Any]:
    """Time detente's reference engine on the domain."""
    problem, protocol = scenario(spec), AlternatingOffers(deadline=ROUNDS)
    timings = []
    for _ in range(3):  # the first call pays one-off warm-up costs; report the best of three
        started = time.perf_counter()
        session = Session.prepare(problem, protocol, ["boulware", "conceder"])
        timings.append(time.perf_counter() - started)
    prepare = min(timings)
    n, agreed, utilities = 0, 0, np.zeros(2)
    start = time.perf_counter()
    while True:
        trace = session.run(np.random.SeedSequence(0, spawn_key=(n,)))
        n += 1
        if trace.agreed:
            agreed += 1
            utilities += trace.utilities
        if time.perf_counter() - start >= seconds and n >= 5:
            break
    elapsed = time.perf_counter() - start
    return {
        "sessions": n,
        "seconds": elapsed,
        "prepare_seconds": prepare,
        "agreement_rate": agreed / n,
        "mean_utilities": (utilities / max(agreed, 1)).tolist(),
    }


def run_batch(spec: dict[str, Any], seconds: float) -> dict[str, Any]:
    """Time detente's batch engine on the domain: stream chunks until ``seconds`` pass."""
    started = time.perf_counter()
    session = Session.prepare(
        scenario(spec), AlternatingOffers(deadline=ROUNDS), ["boulware", "conceder"]
    )
    batch = BatchSession.of(session)
    prepare = time.perf_counter() - started
    n, agreed, utilities = 0, 0, np.zeros(2)
    start = time.perf_counter()
    for chunk in batch.stream(1 << 62, seed=0):
        n += len(chunk)
        deals = chunk.kind == 0
        agreed += int(deals.sum())
        utilities += chunk.utilities[deals].sum(axis=0)
        if time.perf_counter() - start >= seconds:
            break
    elapsed = time.perf_counter() - start
    return {
        "sessions": n,
        "seconds": elapsed,
        "prepare_seconds": prepare,
        "chunk": CHUNK,
        "sessions_per_second": n / elapsed,
        "sessions_per_second_with_prepare": n / (elapsed + prepare),
        "agreement_rate": agreed / n,
        "mean_utilities": (utilities / max(agreed, 1)).tolist(),
    }


MEMORY_SCRIPT = r"""
import json, resource, sys, time, tracemalloc
from benchmarks.sessions import ROUNDS, domain, scenario
from detente.batch import BatchSession, Tally
from detente.protocols import AlternatingOffers
from detente.session import Session

n_issues, n = int(sys.argv[1]), int(sys.argv[2])
def kb():
    # VmHWM: this process image's peak RSS (ru_maxrss would include the parent's, kept over exec)
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
base = kb()
session = Session.prepare(scenario(domain(n_issues)), AlternatingOffers(deadline=ROUNDS),
                          ["boulware", "conceder"])
batch = BatchSession.of(session)
prepared = kb()
tally = Tally(session.table.scenario.party_ids)
tracemalloc.start()
start = time.perf_counter()
for chunk in batch.stream(n, seed=0):
    tally.add(chunk)
heap = tracemalloc.get_traced_memory()[1]
print(json.dumps({"sessions": n, "outcomes": session.table.size,
                  "seconds": time.perf_counter() - start, "agreement_rate": tally.agreement_rate,
                  "peak_rss_mb_after_imports": base / 1024,
                  "peak_rss_mb_after_prepare": prepared / 1024, "peak_rss_mb": kb() / 1024,
                  "peak_traced_mb_while_streaming": heap / 2**20}))
"""


def peak_memory(n_issues: int, sessions: int) -> dict[str, Any]:
    """Peak resident memory of a fresh process streaming ``sessions`` batch sessions."""
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT, str(n_issues), str(sessions)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--sizes", default="3,5", help="numbers of issues (10 values each)")
    parser.add_argument(
        "--memory-sessions",
        default="",
        help="comma-separated session counts for the batch engine's peak memory on the "
        "5-issue domain, e.g. 100000,1000000 (default: skip)",
    )
    args = parser.parse_args()
    report = []
    for n_issues in map(int, args.sizes.split(",")):
        spec = domain(n_issues)
        ours = run_detente(spec, args.seconds)
        row: dict[str, Any] = {"outcomes": VALUES**n_issues, "detente": ours}
        rate = ours["sessions"] / ours["seconds"]
        with_prepare = ours["sessions"] / (
            ours["seconds"] + ours["prepare_seconds"] * ours["sessions"]
        )
        row["detente"]["sessions_per_second"] = rate
        row["detente"]["sessions_per_second_with_prepare_each"] = with_prepare
        row["batch"] = run_batch(spec, args.seconds)
        if negmas_available():
            payload = {**spec, "rounds": ROUNDS, "seconds": args.seconds, "min_sessions": 3}
            peer = run_negmas(NEGMAS_SCRIPT, payload)
            peer["sessions_per_second"] = peer["sessions"] / peer["seconds"]
            row["negmas"] = peer
            row["ratio"] = rate / peer["sessions_per_second"]
            row["ratio_with_prepare_each"] = with_prepare / peer["sessions_per_second"]
            row["batch_ratio"] = row["batch"]["sessions_per_second"] / peer["sessions_per_second"]
            row["batch_ratio_with_prepare"] = (
                row["batch"]["sessions_per_second_with_prepare"] / peer["sessions_per_second"]
            )
        report.append(row)
        print(json.dumps(row), flush=True)
    for sessions in filter(None, args.memory_sessions.split(",")):
        print(json.dumps({"memory": peak_memory(5, int(sessions))}), flush=True)


if __name__ == "__main__":
    main()
