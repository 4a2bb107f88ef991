"""Precision runs: rounds of draws until every claim's 95 % interval is within ±E."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from detente.claims import Claim
from detente.errors import DetenteError
from detente.experiments import ResultStore, RunOptions, run_sweep
from detente.experiments.precision import MIN_DRAWS, claim_intervals, run_to_precision
from detente.experiments.store import MANIFEST
from detente.experiments.summary import claim_interval
from tests.experiment_toys import X, Y, toy_sweep

OPTIONS = {"progress": False, "chunk_size": 16}


def sweep(design: str = "sobol", claims: tuple[Claim, ...] | None = None):  # type: ignore[no-untyped-def]
    plain = toy_sweep(MIN_DRAWS, seed=5, design=design, parameters=(X, Y))  # type: ignore[arg-type]
    return plain if claims is None else replace(plain, claims=claims)


@pytest.mark.parametrize("design", ["sobol", "random"])
def test_a_precision_run_stops_once_every_claim_is_within_the_target(
    tmp_path: Path, design: str
) -> None:
    lines: list[str] = []
    ended = run_to_precision(
        sweep(design), RunOptions(tmp_path / "run", **OPTIONS), 0.05, progress=lines.append
    )  # type: ignore[arg-type]
    assert ended.reached and ended.manifest.complete
    intervals, draws = claim_intervals(tmp_path / "run")
    assert draws == ended.manifest.total >= MIN_DRAWS
    halves = {name: (i["high"] - i["low"]) / 2 for name, i in intervals.items()}  # type: ignore[operator]
    assert max(halves.values()) <= 0.05
    big = intervals["big"]  # x ~ U(0, 1) > 0.3: share 0.7
    assert big["low"] <= 0.7 <= big["high"]  # type: ignore[operator]
    assert len(lines) >= 2 and "widest 95% interval" in lines[-1]
    stored = json.loads((tmp_path / "run" / MANIFEST).read_text())["arguments"]
    assert stored["precision"] == 0.05
    if design == "sobol":  # a power of two per replicate, every round
        per = ended.manifest.total // 16
        assert ended.manifest.total % 16 == 0 and per & (per - 1) == 0
        assert intervals["big"]["interval_method"] == "replicates"


def test_a_claim_that_always_holds_does_not_stop_the_run_before_the_minimum(tmp_path: Path) -> None:
    always = (Claim.parse("always", "x >= 0"),)
    ended = run_to_precision(sweep(claims=always), RunOptions(tmp_path / "run", **OPTIONS), 0.3)  # type: ignore[arg-type]
    assert ended.reached and ended.manifest.total == MIN_DRAWS
    interval = ended.widest.intervals["always"]  # zero variance, yet one step (1/8) wide
    assert (interval["low"], interval["high"]) == (1 - 1 / 8, 1.0)


def test_max_draws_stops_the_run_and_resume_continues_toward_the_target(tmp_path: Path) -> None:
    out = tmp_path / "run"
    capped = run_to_precision(sweep(), RunOptions(out, **OPTIONS), 0.02, most=256)  # type: ignore[arg-type]
    assert not capped.reached and capped.manifest.total == 256
    resumed = run_to_precision(sweep(), RunOptions(out, resume=True, **OPTIONS), 0.02)  # type: ignore[arg-type]
    assert resumed.reached and resumed.manifest.total > 256
    assert resumed.widest.half_width <= 0.02
    whole = replace(sweep(), draws=resumed.manifest.total, precision=0.02)
    run_sweep(whole, RunOptions(tmp_path / "whole", **OPTIONS))  # type: ignore[arg-type]
    assert ResultStore(out).read()[1].equals(ResultStore(tmp_path / "whole").read()[1])
    with pytest.raises(DetenteError, match=r"precision=0.02 but this one has precision=0.01"):
        run_to_precision(sweep(), RunOptions(out, resume=True, **OPTIONS), 0.01)  # type: ignore[arg-type]


@pytest.mark.parametrize("design", ["lhs", "saltelli"])
def test_a_design_that_cannot_grow_is_refused(tmp_path: Path, design: str) -> None:
    plain = toy_sweep(128, design=design)  # type: ignore[arg-type]
    with pytest.raises(DetenteError, match=f"a {design} design cannot grow; use --design sobol"):
        run_to_precision(plain, RunOptions(tmp_path / "run", **OPTIONS), 0.05)  # type: ignore[arg-type]
    assert not (tmp_path / "run").exists()


def test_replicate_intervals_cover_a_known_share_as_often_as_they_claim() -> None:
    """Randomized QMC [Owen1997]: over independent seeds, the t interval of 16 replicates covers
    the true share of x < 0.3 and y > 0.6 (0.12) in at least 95 % of runs (more: the floor of
    one step of a replicate's share only widens it)."""
    from detente.experiments.chunks import Chunk
    from detente.experiments.designs import Design

    design = Design.of("sobol", 512, parameters=2)
    covered = 0
    for seed in range(100):
        u = design.points(2, seed, Chunk(0, 0, 512))
        holds = (u[:, 0] < 0.3) & (u[:, 1] > 0.6)
        interval = claim_interval(holds, np.arange(512), 16)
        covered += interval["low"] <= 0.12 <= interval["high"]  # type: ignore[operator]
    assert covered >= 89  # at least 95 % of 100 runs, less a binomial 99 % margin
