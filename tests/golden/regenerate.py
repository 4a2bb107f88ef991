"""Regenerate the golden traces: ``PYTHONPATH=src python -m tests.golden.regenerate``.

Run it only when a change of semantics is intended, and review the diff.
"""

from __future__ import annotations

from pathlib import Path

from detente.trace import write_traces
from tests.golden.cases import CASES

HERE = Path(__file__).resolve().parent


def main() -> None:
    for case in CASES:
        path = HERE / f"{case.name}.jsonl"
        write_traces(path, [case.session().run(case.seed)])
        print(f"wrote {path.relative_to(HERE.parents[1])}")


if __name__ == "__main__":
    main()
