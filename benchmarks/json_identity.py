"""Byte-identity of the command documents across a change (a refactor must not move a byte).

    PYTHONPATH=src python benchmarks/json_identity.py record DIR    # before the change
    PYTHONPATH=src python benchmarks/json_identity.py compare DIR   # after it: lists what differs

Runs ``analyze``, ``phase``, ``implement``, ``simulate`` (with the scenario's strategies, two and three given ones), ``spe`` (each with ``--json``), plus
``phase --position P --json`` for every named position, on every shipped scenario and on every
domain in ``../shared/data/domains`` (when present), in this process through
``detente.cli.main`` from the repository's folder; records stdout, stderr and the exit code of each run. ``compare`` re-runs
them and prints every run whose output differs, then one line counting runs and differences;
it exits 1 when anything differs. Run on demand (a full pass takes a few minutes), not in CI.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from detente.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = ROOT.parent / "shared" / "data" / "domains"
COMMANDS: dict[str, list[str]] = {
    "analyze": ["analyze", "--json"],
    "phase": ["phase", "--json"],
    "implement": ["implement", "--json", "--sessions", "300", "--seed", "3"],
    "simulate": ["simulate", "--json", "--sessions", "40", "--seed", "5"],
    "simulate 2": [
        "simulate",
        "--json",
        "--sessions",
        "40",
        "--seed",
        "5",
        "--strategies",
        "boulware(exponent=4),tit-for-tat",
    ],
    "simulate 3": [
        "simulate",
        "--json",
        "--sessions",
        "20",
        "--seed",
        "5",
        "--strategies",
        "conceder,nash,linear",
    ],
    "spe": ["spe", "--json"],
}


def inputs() -> Iterator[tuple[str, Path]]:
    """Every shipped scenario and every shared domain folder, with a stable name."""
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        yield str(path.relative_to(ROOT)), path.relative_to(ROOT)
    if DOMAINS.is_dir():
        for folder in sorted(p for p in DOMAINS.iterdir() if p.is_dir() and p.name[0] != "_"):
            yield f"domains/{folder.name}", Path("..", "shared", "data", "domains", folder.name)


def run(argv: list[str]) -> dict[str, object]:
    """One command in this process: its stdout, stderr and exit code."""
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as done:
            code = done.code if done.code is not None else 0
    return {"argv": argv, "code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def positions(argv_path: str) -> list[str]:
    """The named positions of a scenario, from ``analyze --json`` (empty if it fails)."""
    result = run(["analyze", argv_path, "--json"])
    try:
        return list(json.loads(str(result["stdout"])).get("positions", {}))
    except json.JSONDecodeError:
        return []


def runs() -> Iterator[tuple[str, dict[str, object]]]:
    """Every (key, run) of the comparison."""
    for name, path in inputs():
        for command, args in COMMANDS.items():
            yield f"{name}::{command}", run([args[0], str(path), *args[1:]])
        for position in positions(str(path)):
            key = f"{name}::phase --position {position}"
            yield key, run(["phase", str(path), "--json", "--position", position])


def record(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    table = {key: result for key, result in runs()}
    (folder / "runs.json").write_text(json.dumps(table, indent=1, sort_keys=True))
    print(f"recorded {len(table)} runs in {folder}")


def compare(folder: Path) -> int:
    before: dict[str, dict[str, object]] = json.loads((folder / "runs.json").read_text())
    differ = 0
    seen = set()
    for key, result in runs():
        seen.add(key)
        old = before.get(key)
        if old is None:
            print(f"new run: {key}")
            differ += 1
            continue
        for field in ("code", "stdout", "stderr"):
            if old[field] != result[field]:
                differ += 1
                print(f"DIFFERS {key} [{field}]")
                print(f"  before: {str(old[field])[:300]!r}")
                print(f"  after:  {str(result[field])[:300]!r}")
                break
    for key in sorted(set(before) - seen):
        print(f"missing run: {key}")
        differ += 1
    print(f"{len(seen)} runs, {differ} differ")
    return 1 if differ else 0


def cli() -> int:
    os.chdir(ROOT)  # paths are given relative to the repository, as a user types them
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["record", "compare"])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    if args.mode == "record":
        record(args.folder)
        return 0
    return compare(args.folder)


if __name__ == "__main__":
    sys.exit(cli())
