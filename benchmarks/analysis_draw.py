"""Milliseconds per analysis draw (``detente.analysis.analyze``), as ``detente sweep`` runs it.

    PYTHONPATH=src python benchmarks/analysis_draw.py [--draws 30] [SCENARIO ...]

Loads each scenario once and times ``--draws`` full analyses (solutions;
phasing: best schedule, one-shot, min_stages, the named positions and the
agreement as fixed packages; claims), then the phasing section alone; prints
the median and best milliseconds per draw. Defaults: the theory scenarios
with a ``phasing:`` section, and ``scenarios/hanoi-2019.yaml`` when it
exists. Issue 8's target is about 6 ms
per full draw (10^5 draws in 10 minutes on 2 cores). Run on demand, not in CI.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from detente.analysis import analyze
from detente.analysis.phasing import phasing_doc
from detente.analysis.solutions import Bargaining, outcome_json
from detente.analysis.twolevel import ratification
from detente.errors import DetenteError
from detente.scenariofile.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DEFAULTS = (
    "scenarios/theory/action-for-action.yaml",
    "scenarios/theory/power-shift.yaml",
    "scenarios/theory/gradualism.yaml",
    "scenarios/hanoi-2019.yaml",
)


def timed(function: Callable[[], Any], draws: int) -> list[float]:
    """Wall milliseconds of ``draws`` calls of ``function``."""
    times = []
    for _ in range(draws):
        start = time.perf_counter()
        function()
        times.append(1000.0 * (time.perf_counter() - start))
    return times


def row(name: str, draws: int) -> str:
    """One line of the table for the scenario file ``name``."""
    path = Path(name) if Path(name).is_absolute() else ROOT / name
    if not path.exists():
        return f"{name:<42} (missing, skipped)"
    try:
        scenario = load_scenario(path)
    except DetenteError as error:
        return f"{name:<42} (does not load here, skipped: {error.message})"
    analyze(scenario)  # warm up: imports and caches, untimed
    whole = timed(partial(analyze, scenario), draws)
    found = ratification(scenario, Bargaining.of(scenario)).agreement  # what phasing is given
    agreement = None if found is None else outcome_json(scenario, found.index)
    phasing = timed(partial(phasing_doc, scenario, agreement), draws)
    return (
        f"{name:<42} {statistics.median(whole):>10.2f} {min(whole):>8.2f} "
        f"{statistics.median(phasing):>11.2f} {min(phasing):>9.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=list(DEFAULTS))
    parser.add_argument("--draws", type=int, default=30)
    args = parser.parse_args()
    print(f"{'scenario':<42} {'median ms':>10} {'best ms':>8} {'phasing med':>11} {'best':>9}")
    for name in args.scenarios:
        print(row(name, args.draws))


if __name__ == "__main__":
    main()
