"""Load and fully analyse every enumerable shared real domain; report the total wall time.

"Full analysis" is what ``detente analyze`` computes: the utility matrix, the
individually rational set, the Pareto frontier and every bargaining solution.
Domains that cannot be enumerated (10¹⁰ outcomes) or that GENIUS itself
cannot evaluate are listed and skipped. With ``--negmas`` the peer's
equivalent (``Scenario.load`` + ``calc_stats``: frontier and solutions) runs in
its own environment over the same folders, one subprocess per domain with a
time budget (``--budget``, default 60 s), and the ratio is reported on the
domains both finished.

Usage::

    PYTHONPATH=src python benchmarks/domains.py [--negmas] [--real-steps N]

The domains are found as in the tests: ``DETENTE_SHARED_DATA``, else the
first ``shared/data/domains`` beside the repository or an ancestor.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from detente.analysis import analyze
from detente.errors import DetenteError
from detente.formats import DEFAULT_REAL_STEPS, load_domain
from detente.outcomes import ENUMERATION_LIMIT

NEGMAS_SCRIPT = """
import json, sys, time
from negmas.inout import Scenario
folders = json.load(sys.stdin)["folders"]
times = {}
for folder in folders:
    start = time.perf_counter()
    try:
        scenario = Scenario.load(folder)
        scenario.calc_stats()
        times[folder] = time.perf_counter() - start
    except Exception as error:
        times[folder] = None
print(json.dumps(times))
"""


def shared_domains() -> Path:
    """The shared domains folder, or exit with the reason."""
    named = os.environ.get("DETENTE_SHARED_DATA")
    candidates = [Path(named)] if named else []
    repo = Path(__file__).resolve().parents[1]
    candidates += [a / "shared" / "data" / "domains" for a in repo.parents]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    sys.exit("shared domains not found: set DETENTE_SHARED_DATA")


def run_detente(folders: list[Path], real_steps: int) -> tuple[dict[str, float], list[str]]:
    """Seconds per analysed domain, and the domains skipped with why."""
    times: dict[str, float] = {}
    skipped: list[str] = []
    for folder in folders:
        start = time.perf_counter()
        try:
            scenario = load_domain(folder, real_steps=real_steps)
        except DetenteError as error:
            skipped.append(f"{folder.name}: {error.message}")
            continue
        if scenario.space.size > ENUMERATION_LIMIT:
            skipped.append(f"{folder.name}: {scenario.space.size:,} outcomes, not enumerable")
            continue
        analyze(scenario)
        times[folder.name] = time.perf_counter() - start
    return times, skipped


def run_peer(folders: list[Path], budget: float) -> dict[str, float | None]:
    """Seconds per domain for NegMAS; ``None`` where it failed or exceeded ``budget`` seconds."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peer import negmas_available, run_negmas

    if not negmas_available():
        sys.exit("NegMAS environment not found (set DETENTE_NEGMAS_PYTHON)")
    times: dict[str, float | None] = {}
    for folder in folders:
        try:
            found = run_negmas(NEGMAS_SCRIPT, {"folders": [str(folder)]}, timeout=budget + 30)
            seconds = found[str(folder)]
            times[folder.name] = seconds if seconds is not None and seconds <= budget else None
        except (subprocess.TimeoutExpired, RuntimeError):
            times[folder.name] = None
        print(f"  NegMAS {folder.name:34s} {times[folder.name]}", flush=True)
    return times


def compare(ours: dict[str, float], peer: dict[str, float | None]) -> None:
    """Print NegMAS's total and the ratio on the domains both finished."""
    done = {k: v for k, v in peer.items() if v is not None}
    peer_total = sum(done.values())
    mine = sum(ours[k] for k in done)
    missing = sorted(set(peer) - set(done))
    print(f"NegMAS:  {len(done)} domains in {peer_total:.2f} s; failed or over budget: {missing}")
    print(f"detente on the same {len(done)} domains: {mine:.2f} s; ratio {peer_total / mine:.1f}x")


def main() -> None:
    """Run the benchmark and print per-domain and total times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--negmas", action="store_true", help="also time NegMAS")
    parser.add_argument("--real-steps", type=int, default=DEFAULT_REAL_STEPS)
    parser.add_argument("--budget", type=float, default=60.0, help="NegMAS seconds per domain")
    args = parser.parse_args()
    root = shared_domains()
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))
    start = time.perf_counter()
    times, skipped = run_detente(folders, args.real_steps)
    total = time.perf_counter() - start
    for name, seconds in sorted(times.items(), key=lambda item: -item[1])[:10]:
        print(f"  {name:34s} {seconds:8.3f} s")
    for line in skipped:
        print(f"  skipped {line}")
    print(f"detente: {len(times)} domains loaded and fully analysed in {total:.2f} s")
    if args.negmas:
        compare(times, run_peer([root / name for name in times], args.budget))


if __name__ == "__main__":
    main()
