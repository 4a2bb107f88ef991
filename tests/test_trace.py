"""Traces: JSON Lines that load back equal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.protocols import AlternatingOffers, SingleText, StackedAlternatingOffers
from detente.session import Session
from detente.trace import read_traces, write_traces
from tests.strategies import pie_scenario, stakeholder_scenario, trade_scenario


def test_traces_round_trip_through_json_lines(tmp_path: Path) -> None:
    sessions = [
        Session.prepare(trade_scenario(), AlternatingOffers(deadline=15), ["random", "boulware"]),
        Session.prepare(stakeholder_scenario(), StackedAlternatingOffers(deadline=9), ["conceder"]),
        Session.prepare(stakeholder_scenario(), SingleText(deadline=9), ["linear"]),
        Session.prepare(pie_scenario(10, (2.0, 0.0)), AlternatingOffers(deadline=3), ["linear"]),
    ]
    traces = [t for s in sessions for t in s.run_many(4, seed=9)]
    path = tmp_path / "t.jsonl"
    assert write_traces(path, traces) == len(traces)
    assert list(read_traces(path)) == traces
    assert {t.result.kind for t in traces} >= {"agreement", "breakdown"}


def test_non_finite_utilities_are_written_as_strings(tmp_path: Path) -> None:
    session = Session.prepare(
        trade_scenario(), AlternatingOffers(deadline=4), ["hardline", "hardline"]
    )
    trace = session.run(0)
    forced = trace.__class__(
        **{**{f: getattr(trace, f) for f in trace.__slots__}, "utilities": (float("-inf"), 1.0)}
    )  # type: ignore[attr-defined]
    path = tmp_path / "t.jsonl"
    write_traces(path, [forced])
    document = json.loads(path.read_text())
    assert document["result"]["utilities"]["a"] == "-inf"
    assert list(read_traces(path)) == [forced]


def test_a_record_that_is_not_a_trace_is_located(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"format": "x"}\n')
    with pytest.raises(DetenteError, match=r"t.jsonl:1: not a detente trace record"):
        list(read_traces(path))
