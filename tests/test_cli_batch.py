"""``detente simulate --engine``: the batch engine as a user selects it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.scenariofile.loader import load_scenario
from detente.session import Session, protocol_for, strategies_for, summarize
from tests.conftest import CLI, SCENARIOS, assert_one_line_error

WORKED = SCENARIOS / "theory" / "worked-example.yaml"

THREE = """
name: three signatories
issues:
  - {name: p, range: [0, 4]}
  - {name: q, range: [0, 2]}
parties:
  - {id: a, utility: {values: {p: {slope: 1}, q: [0, 1, 2]}}}
  - {id: b, utility: {values: {p: {slope: -1, intercept: 4}, q: [2, 0, 1]}}}
  - {id: c, utility: {values: {p: [0, 2, 4, 2, 0], q: [1, 2, 0]}}}
  - {id: s, signatory: false, utility: {values: {p: {slope: 2}}}}
"""


def simulate(detente_cli: CLI, *args: str | Path) -> dict[str, object]:
    done = detente_cli("simulate", *args, "--json")
    assert done.returncode == 0, done.stderr
    document: dict[str, object] = json.loads(done.stdout)
    return document


def reference_document(path: Path, strategies: str, n: int, seed: int) -> dict[str, object]:
    scenario = load_scenario(path)
    session = Session.prepare(
        scenario, protocol_for(scenario), strategies_for(scenario, strategies)
    )
    return summarize(session.run_many(n, seed)).to_json(scenario.space.names)


def test_auto_runs_the_batch_engine_and_matches_the_reference(detente_cli: CLI) -> None:
    args = (WORKED, "--strategies", "random,tit-for-tat", "--sessions", "40", "--seed", "5")
    document = simulate(detente_cli, *args)
    assert document.pop("engine") == "batch"
    assert document == reference_document(WORKED, "random,tit-for-tat", 40, 5)


def test_batch_engine_runs_stacked_offers_for_three_parties(
    detente_cli: CLI, tmp_path: Path
) -> None:
    path = tmp_path / "three.yaml"
    path.write_text(THREE)
    specs = "random,conceder,random(p_accept=0.2)"
    document = simulate(
        detente_cli, path, "--strategies", specs, "--sessions", "30", "--engine", "batch"
    )
    assert document.pop("engine") == "batch"
    assert document == reference_document(path, specs, 30, 0)


def test_auto_falls_back_to_the_reference_engine_for_a_mediator(detente_cli: CLI) -> None:
    document = simulate(
        detente_cli,
        WORKED,
        "--protocol",
        "single-text",
        "--strategies",
        "linear",
        "--sessions",
        "3",
    )
    assert document["engine"] == "reference"


def test_auto_writes_traces_with_the_reference_engine(detente_cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "t.jsonl"
    document = simulate(
        detente_cli, WORKED, "--strategies", "linear", "--sessions", "2", "--trace-out", out
    )
    assert document["engine"] == "reference"
    assert len(out.read_text().splitlines()) == 2


@pytest.mark.slow
def test_batch_engine_refuses_what_it_cannot_run(detente_cli: CLI, tmp_path: Path) -> None:
    done = detente_cli(
        "simulate",
        WORKED,
        "--protocol",
        "single-text",
        "--strategies",
        "linear",
        "--engine",
        "batch",
    )
    assert_one_line_error(done, "single-text", "reference")
    out = tmp_path / "t.jsonl"
    done = detente_cli(
        "simulate", WORKED, "--strategies", "linear", "--engine", "batch", "--trace-out", out
    )
    assert_one_line_error(done, "traces")
    assert not out.exists()


def test_unknown_engine_is_a_one_line_error(detente_cli: CLI) -> None:
    assert_one_line_error(
        detente_cli("simulate", WORKED, "--strategies", "linear", "--engine", "fast"),
        "auto, batch, reference",
        "'fast'",
    )
