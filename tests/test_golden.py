"""Golden traces: canonical sessions replay exactly (regenerate with tests/golden/regenerate.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.trace import dumps, read_traces
from tests.golden.cases import CASES, Case

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_canonical_session_replays_its_golden_trace(case: Case) -> None:
    stored = list(read_traces(GOLDEN / f"{case.name}.jsonl"))
    replayed = case.session().run(case.seed)
    assert stored == [replayed]
    assert (GOLDEN / f"{case.name}.jsonl").read_text() == dumps(replayed) + "\n"


def test_golden_cases_cover_every_result_kind_and_protocol() -> None:
    traces = [next(read_traces(GOLDEN / f"{c.name}.jsonl")) for c in CASES]
    assert {t.result.kind for t in traces} >= {"agreement", "timeout"}
    assert {t.protocol for t in traces} == {
        "alternating-offers",
        "stacked-alternating-offers",
        "single-text",
    }
