"""Tournaments: every assignment played, seeds per session, rankings that add up."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from detente.errors import DetenteError
from detente.experiments import ResultStore, RunOptions, summarize
from detente.experiments.chunks import unit_seed
from detente.experiments.tournament import Entrant, Tournament, run_tournament
from detente.scenariofile.loader import load_scenario
from detente.session import Session, protocol_for
from tests.conftest import CLI, SCENARIOS
from tests.shared_domains import SHARED, needs_shared

PIE = SCENARIOS / "theory" / "split-the-pie.yaml"
STRATEGIES = ("boulware", "conceder", "hardline")


def pie() -> Entrant:
    return Entrant("pie", load_scenario(PIE, {"slices": 100, "rounds": 12}), "pie")


def play(
    out: Path, repetitions: int = 2, seed: int = 4, engine: str = "auto", **options: object
) -> pa.Table:
    tournament = Tournament((pie(),), STRATEGIES, repetitions, seed, engine=engine)
    run_tournament(tournament, RunOptions(out, progress=False, **options))  # type: ignore[arg-type]
    return ResultStore(out).read()[1]


def test_every_ordered_assignment_is_played_repetitions_times(tmp_path: Path) -> None:
    rows = play(tmp_path / "t").to_pylist()
    assert len(rows) == 3**2 * 2
    played = Counter(tuple(r["strategies"]) for r in rows)
    assert played == {pair: 2 for pair in itertools.product(STRATEGIES, repeat=2)}
    assert [r["session"] for r in rows] == list(range(18))


def test_a_session_row_is_the_reference_engines_session_with_its_own_seed(tmp_path: Path) -> None:
    rows = play(tmp_path / "t").to_pylist()
    entrant = pie()
    for row in rows[::5]:
        session = Session.prepare(
            entrant.scenario, protocol_for(entrant.scenario), row["strategies"]
        )
        trace = session.run(unit_seed(4, row["session"]))
        assert row["utilities"] == list(trace.utilities)
        assert row["agreement"] is (trace.agreement is not None)
        assert row["rounds"] == trace.rounds


def test_the_batch_and_reference_engines_give_the_same_rows(tmp_path: Path) -> None:
    batch = play(tmp_path / "batch", repetitions=3, engine="auto")
    assert play(tmp_path / "reference", repetitions=3, engine="reference").equals(batch)


def test_chunking_and_workers_never_change_the_rows(tmp_path: Path) -> None:
    reference = play(tmp_path / "one", chunk_size=18)
    assert play(tmp_path / "many", chunk_size=4).equals(reference)


@pytest.mark.slow
def test_local_workers_give_the_same_tournament(tmp_path: Path) -> None:
    reference = play(tmp_path / "one", chunk_size=18)
    assert play(tmp_path / "w2", chunk_size=3, workers=2).equals(reference)


def test_the_ranking_adds_up_to_the_rows(tmp_path: Path) -> None:
    table = play(tmp_path / "t")
    summary = summarize(tmp_path / "t")
    assert summary["kind"] == "tournament" and summary["sessions"] == 18
    ranking = summary["ranking"]
    assert [entry["rank"] for entry in ranking] == [1, 2, 3]  # type: ignore[index]
    means = [entry["mean_utility"]["mean"] for entry in ranking]  # type: ignore[index]
    assert means == sorted(means, reverse=True)
    rows = table.to_pylist()
    for entry in ranking:  # type: ignore[attr-defined]
        seats = [
            (u, r["agreement"])
            for r in rows
            for s, u in zip(r["strategies"], r["utilities"], strict=True)
            if s == entry["strategy"]
        ]
        assert entry["seats"] == len(seats) == 12
        assert entry["mean_utility"]["mean"] == pytest.approx(np.mean([u for u, _ in seats]))
        rate = entry["agreement_rate"]
        assert rate["share"] == pytest.approx(np.mean([a for _, a in seats]))
        assert rate["low"] <= rate["share"] <= rate["high"]


def test_a_bad_strategy_fails_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(DetenteError):
        run_tournament(
            Tournament((pie(),), ("boulware", "no-such-strategy"), 1, 1),
            RunOptions(tmp_path / "t", progress=False),
        )
    assert not (tmp_path / "t").exists()


@pytest.mark.slow
@needs_shared
def test_a_genius_domain_is_a_tournament_scenario_on_the_command_line(
    tmp_path: Path, detente_cli: CLI
) -> None:
    assert SHARED is not None
    domain = SHARED / "Camera_2011"
    args = ("tournament", f"{PIE},{domain}", "--strategies", "boulware,conceder", "--rounds", "20")
    done = detente_cli(*args, "--seed", "1", "--out", tmp_path / "t")
    assert done.returncode == 0, done.stderr
    summary = json.loads(detente_cli("summarize", tmp_path / "t", "--json").stdout)
    assert summary["sessions"] == 2 * 4
    assert summary["scenarios"] == sorted([str(PIE), str(domain)])
    assert {entry["strategy"] for entry in summary["ranking"]} == {"boulware", "conceder"}
