"""Designs: each maps unit-cube points through the parameters; the same seed, the same rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.experiments import ResultStore, RunOptions, Sweep, run_sweep
from detente.experiments.chunks import Chunk
from detente.experiments.designs import SOBOL_REPLICATES, Design
from detente.experiments.store import MANIFEST
from tests.experiment_toys import toy_sweep


def table(out: Path, sweep: Sweep, **options: object) -> pa.Table:
    run_sweep(sweep, RunOptions(out, progress=False, **options))  # type: ignore[arg-type]
    return ResultStore(out).read()[1]


@pytest.mark.parametrize(("design", "draws", "rows"), [("sobol", 40, 40), ("saltelli", 8, 40)])
def test_design_rows_do_not_depend_on_chunking(
    tmp_path: Path, design: str, draws: int, rows: int
) -> None:
    reference = table(tmp_path / "one", toy_sweep(draws, design=design), chunk_size=rows)  # type: ignore[arg-type]
    assert reference.num_rows == rows
    for size in (3, 7):
        chunked = table(tmp_path / f"c{size}", toy_sweep(draws, design=design), chunk_size=size)  # type: ignore[arg-type]
        assert chunked.equals(reference)


@pytest.mark.slow
@pytest.mark.parametrize(("design", "draws"), [("sobol", 48)])
def test_local_workers_give_the_same_design_rows(tmp_path: Path, design: str, draws: int) -> None:
    reference = table(tmp_path / "here", toy_sweep(draws, design=design), chunk_size=5)  # type: ignore[arg-type]
    workers = table(tmp_path / "w2", toy_sweep(draws, design=design), chunk_size=5, workers=2)  # type: ignore[arg-type]
    assert workers.equals(reference)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 200), st.integers(1, 200))
def test_a_sobol_draw_is_the_same_point_whatever_the_number_of_draws(n: int, m: int) -> None:
    small, large = sorted((n, m))
    first = Design.of("sobol", small, 3).points(3, 9, Chunk(0, 0, small))
    more = Design.of("sobol", large, 3).points(3, 9, Chunk(0, 0, large))
    assert np.array_equal(first, more[:small])


def test_each_sobol_replicate_is_a_balanced_scrambled_sequence() -> None:
    points = Design.of("sobol", 16 * 32, 2).points(2, 4, Chunk(0, 0, 16 * 32))
    replicates = [points[r::SOBOL_REPLICATES] for r in range(SOBOL_REPLICATES)]
    for mine in replicates:  # 32 points: one in each 1/32 of each axis
        for axis in range(2):
            assert sorted(np.floor(mine[:, axis] * 32).astype(int).tolist()) == list(range(32))
    assert not np.array_equal(replicates[0], replicates[1])  # independent scramblings


def test_a_saltelli_block_is_a_then_a_with_each_column_of_b_then_b() -> None:
    d = 3
    design = Design.of("saltelli", 4, d)
    points = design.points(d, 2, Chunk(0, 0, design.rows))
    assert design.rows == 4 * (d + 2) == points.shape[0]
    for block in points.reshape(4, d + 2, d):
        a, b = block[0], block[-1]
        for k in range(d):
            expected = a.copy()
            expected[k] = b[k]
            assert np.array_equal(block[k + 1], expected)


def test_the_manifest_records_the_design(tmp_path: Path) -> None:
    for design, extra in (
        ("sobol", {"design": "sobol", "replicates": 16, "lhs": False}),
        ("saltelli", {"design": "saltelli", "base_samples": 4, "lhs": False}),
        ("lhs", {"lhs": True}),
        ("random", {"lhs": False}),
    ):
        out = tmp_path / design
        run_sweep(toy_sweep(4, design=design), RunOptions(out, progress=False))  # type: ignore[arg-type]
        arguments = json.loads((out / MANIFEST).read_text())["arguments"]
        assert {k: arguments.get(k) for k in extra} == extra
        assert ("design" in arguments) == (design in ("sobol", "saltelli"))


def test_a_sobol_run_says_when_its_replicates_are_not_a_power_of_two() -> None:
    assert Design.of("sobol", 512, 2).balance_note() is None
    note = Design.of("sobol", 500, 2).balance_note()
    assert note is not None and "16 replicates of 31.25 points" in note and "--draws 512" in note
    assert Design.of("random", 500, 2).balance_note() is None


def test_unknown_designs_and_too_few_replicates_are_refused() -> None:
    with pytest.raises(DetenteError, match="--design halton: unknown design; choose one of random"):
        Design.of("halton", 10, 2)
    with pytest.raises(DetenteError, match="at least 2 replicates"):
        Design.of("sobol", 10, 2, replicates=1)
