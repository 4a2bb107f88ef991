"""The results directory: nothing lost, nothing overwritten, resumes exactly what is missing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detente.errors import DetenteError
from detente.experiments import Manifest, ResultsError, ResultStore, RunOptions, run_sweep
from detente.experiments.store import MANIFEST, ChunkRecord, chunk_name
from tests.experiment_toys import X, toy_sweep

SRC = Path(__file__).parents[1] / "src"
TESTS = Path(__file__).parent


def run(out: Path, draws: int = 20, seed: int = 7, **options: object) -> Manifest:
    options = {"chunk_size": 4, "progress": False, **options}
    return run_sweep(toy_sweep(draws, seed), RunOptions(out, **options))  # type: ignore[arg-type]


def rows(out: Path) -> pa.Table:
    return ResultStore(out).read()[1]


def test_a_finished_run_records_every_chunk(tmp_path: Path) -> None:
    manifest = run(tmp_path / "run")
    assert manifest.complete and manifest.completed == frozenset(range(5))
    stored = json.loads((tmp_path / "run" / MANIFEST).read_text())
    assert stored["arguments"]["seed"] == 7 and stored["total"] == 20
    assert sorted(stored["chunks"]) == ["0", "1", "2", "3", "4"]
    assert stored["chunks"]["4"]["rows"] == 4 and len(stored["chunks"]["4"]["sha256"]) == 64
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == [
        ".detente.lock",  # the lock a run holds while it writes
        MANIFEST,
        *(chunk_name(i) for i in range(5)),
    ]


def test_a_directory_holding_other_files_is_never_written_without_force(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    for resume in (False, True):
        with pytest.raises(ResultsError, match="not empty and holds no detente results"):
            run(tmp_path, resume=resume)
    run(tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert rows(tmp_path).num_rows == 20


def test_an_earlier_run_needs_resume_or_force(tmp_path: Path) -> None:
    run(tmp_path / "run")
    with pytest.raises(
        ResultsError, match=r"already holds a sweep \(5 of 5 chunks done\); pass --resume"
    ):
        run(tmp_path / "run")
    run(tmp_path / "run", seed=8, force=True)
    assert json.loads((tmp_path / "run" / MANIFEST).read_text())["arguments"]["seed"] == 8


@pytest.mark.parametrize(("first", "design"), [(20, "random"), (18, "random"), (18, "sobol")])
def test_resuming_with_more_draws_extends_a_run_keeping_its_chunks(
    tmp_path: Path, first: int, design: str
) -> None:
    out = tmp_path / "run"
    options = RunOptions(out, chunk_size=4, progress=False)
    run_sweep(toy_sweep(first, design=design), options)  # type: ignore[arg-type]
    kept = {i: (out / chunk_name(i)).stat().st_mtime_ns for i in range(first // 4)}
    grown = run_sweep(toy_sweep(30, design=design), replace(options, resume=True))  # type: ignore[arg-type]
    assert grown.total == 30 and grown.complete
    assert all((out / chunk_name(i)).stat().st_mtime_ns == t for i, t in kept.items())
    run_sweep(
        toy_sweep(30, design=design), RunOptions(tmp_path / "fresh", chunk_size=4, progress=False)
    )  # type: ignore[arg-type]
    assert rows(out).equals(rows(tmp_path / "fresh"))


def test_a_design_fixed_by_its_size_cannot_be_extended(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run_sweep(toy_sweep(8, design="saltelli"), RunOptions(out, progress=False))
    with pytest.raises(
        DetenteError, match=r"--draws 16: a saltelli design cannot be extended .* --draws 8,"
    ):
        run_sweep(toy_sweep(16, design="saltelli"), RunOptions(out, resume=True, progress=False))


@pytest.mark.parametrize(
    ("change", "named"),
    [({"seed": 8}, "seed=7"), ({"draws": 16}, "draws=20"), ({"chunk_size": 5}, "chunk_size=4")],
)
def test_resuming_with_different_arguments_is_refused(
    tmp_path: Path, change: dict[str, int], named: str
) -> None:
    run(tmp_path / "run")
    with pytest.raises(ResultsError, match=f"cannot resume .* holds a run with {named}") as caught:
        run(tmp_path / "run", resume=True, **change)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_resume_takes_the_seed_and_chunk_size_of_the_run_it_continues(tmp_path: Path) -> None:
    run(tmp_path / "run", seed=11, chunk_size=3)
    manifest = run_sweep(toy_sweep(20, None), RunOptions(tmp_path / "run", resume=True))  # type: ignore[arg-type]
    assert manifest.arguments["seed"] == 11 and manifest.chunk_size == 3


def test_resume_runs_exactly_the_missing_chunks(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run(tmp_path / "reference")
    reference = rows(tmp_path / "reference")
    manifest = run(out)
    # Forget chunks 1 and 3 (as if killed before recording them); leave chunk 3's file
    # behind, and a stray temporary file; mark the time chunk 0 was written, which a
    # recomputation would change.
    (out / MANIFEST).write_text(manifest.without({1, 3}).to_json())
    (out / chunk_name(1)).unlink()
    first = (out / chunk_name(0)).stat().st_mtime_ns
    (out / f".{chunk_name(3)}.999.tmp").write_bytes(b"partial")
    finished = run(out, resume=True)
    assert finished.complete
    assert (out / chunk_name(0)).stat().st_mtime_ns == first
    assert rows(out).equals(reference)
    assert not list(out.glob(".*.tmp"))


def test_a_damaged_manifest_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / MANIFEST).write_text('{"format": "something else"}')
    with pytest.raises(ResultsError, match="not a detente results manifest"):
        ResultStore(tmp_path).read()


SCRIPT = """
import sys
from tests.experiment_toys import X, toy_sweep
from detente.experiments import RunOptions, run_sweep
options = RunOptions(sys.argv[1], resume=True, chunk_size=6, progress=False)
run_sweep(toy_sweep(600, 5, delay=0.002, parameters=(X,)), options)
"""


ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(TESTS.parent)])}


def written(manifest: Path) -> int:
    return manifest.stat().st_mtime_ns if manifest.exists() else 0


def start_and_kill(out: Path, moment: float) -> None:
    """Run the sweep in a subprocess; SIGKILL it ``moment`` seconds after it first writes."""
    before = written(out / MANIFEST)
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(out)], env=ENV)
    while written(out / MANIFEST) == before and process.poll() is None:
        time.sleep(0.002)
    time.sleep(moment)
    process.send_signal(signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def test_a_run_killed_at_random_moments_and_resumed_equals_an_uninterrupted_run(
    tmp_path: Path,
) -> None:
    sweep = toy_sweep(600, 5, parameters=(X,))
    run_sweep(sweep, RunOptions(tmp_path / "reference", chunk_size=6, progress=False))
    reference = rows(tmp_path / "reference")
    out = tmp_path / "killed"
    done = []
    for moment in np.random.default_rng(2026).uniform(0.0, 0.4, size=3):
        start_and_kill(out, moment)
        done.append(len(ResultStore(out).existing().completed))  # type: ignore[union-attr]
    subprocess.run([sys.executable, "-c", SCRIPT, str(out)], env=ENV, check=True)
    assert rows(out).equals(reference), f"chunks done after each kill: {done}"
    assert any(0 < d < 100 for d in done), f"no kill landed mid-run: {done}"


def running(pids: list[str]) -> list[str]:
    """The processes among ``pids`` that still run (neither gone nor zombies)."""
    states = {}
    for pid in pids:
        try:
            states[pid] = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except FileNotFoundError:
            continue
    return [pid for pid, state in states.items() if state != "Z"]


WORKER_SCRIPT = SCRIPT.replace("progress=False)", "progress=False, workers=2)")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_killing_a_run_on_local_workers_leaves_no_worker_behind_and_resumes_exactly(
    tmp_path: Path,
) -> None:
    out = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-c", WORKER_SCRIPT, str(out)], env=ENV)
    deadline = time.monotonic() + 60
    while not list(out.glob("chunk-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.01)
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert children, "the run had no worker processes"
    deadline = time.monotonic() + 10
    while running(children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(children), f"workers still running: {running(children)}"
    run_sweep(toy_sweep(600, 5, delay=0.002, parameters=(X,)), RunOptions(out, resume=True))
    sweep = toy_sweep(600, 5, parameters=(X,))
    run_sweep(sweep, RunOptions(tmp_path / "reference", chunk_size=6, progress=False))
    assert rows(out).equals(rows(tmp_path / "reference"))


@pytest.mark.skipif(os.name != "posix", reason="runs are locked with fcntl")
def test_a_second_run_into_a_directory_being_written_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "busy"
    slow = SCRIPT.replace("delay=0.002", "delay=0.05")  # 30 s: it is killed long before
    process = subprocess.Popen([sys.executable, "-c", slow, str(out)], env=ENV)
    try:
        deadline = time.monotonic() + 60
        while not (out / MANIFEST).exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert process.poll() is None, "the first run ended before it could be raced"
        same = toy_sweep(600, 5, delay=0.05, parameters=(X,))
        with pytest.raises(ResultsError, match="another detente run is writing there"):
            run_sweep(same, RunOptions(out, resume=True, chunk_size=6, progress=False))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    # the killed run's lock died with it: the directory can be written again
    assert run(out, draws=8, force=True).complete


def test_the_lock_of_a_finished_run_is_no_obstacle(tmp_path: Path) -> None:
    run(tmp_path / "out")
    assert run(tmp_path / "out", force=True).complete
    assert run(tmp_path / "out", resume=True).complete
    (tmp_path / "fresh").mkdir()
    (tmp_path / "fresh" / ".detente.lock").touch()  # an empty directory but for a lock
    assert run(tmp_path / "fresh").complete


def test_each_chunk_is_recorded_with_its_rows_and_checksum(tmp_path: Path) -> None:
    manifest = run(tmp_path / "run")
    for index, record in manifest.done.items():
        path = tmp_path / "run" / chunk_name(index)
        assert record == ChunkRecord.of(path, pq.read_metadata(path).num_rows)
        assert record.rows == 4


def test_resume_computes_again_a_chunk_that_is_corrupt_truncated_or_missing(
    tmp_path: Path,
) -> None:
    out = tmp_path / "run"
    run(out)
    originals = {i: pq.read_table(out / chunk_name(i)) for i in range(5)}
    flipped = bytearray((out / chunk_name(1)).read_bytes())
    flipped[len(flipped) // 2] ^= 0xFF  # same size, other content
    (out / chunk_name(1)).write_bytes(bytes(flipped))
    (out / chunk_name(2)).write_bytes((out / chunk_name(2)).read_bytes()[:50])
    (out / chunk_name(3)).unlink()
    with pytest.raises(ResultsError, match=r"chunk-000001.parquet: this chunk is corrupt"):
        rows(out)
    notes: list[str] = []
    finished = run(out, resume=True, notify=notes.append)
    assert finished.complete
    assert notes == [
        "chunk-000001.parquet is corrupt (its checksum differs from the manifest's): "
        "computing it again",
        f"chunk-000002.parquet is truncated (50 of {finished.done[2].size:,} bytes): "  # type: ignore[union-attr]
        "computing it again",
        "chunk-000003.parquet is missing: computing it again",
    ]
    for index, table in originals.items():
        assert pq.read_table(out / chunk_name(index)).equals(table)


def test_force_removes_only_what_the_manifest_lists(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run(out, draws=8)  # chunks 0 and 1
    (out / chunk_name(7)).write_text("a user's file named like a chunk, beyond this run")
    (out / "notes.txt").write_text("mine")
    run(out, draws=12, seed=8, force=True)  # chunks 0, 1, 2
    assert (out / chunk_name(7)).read_text().startswith("a user's file")
    assert (out / "notes.txt").read_text() == "mine"
    assert rows(out).num_rows == 12


def test_force_refuses_to_replace_a_users_file_named_like_a_chunk(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run(out, draws=8)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / chunk_name(2)).write_text("a user's file in the way")
    with pytest.raises(ResultsError, match=r"chunk-000002.parquet: not a chunk detente wrote"):
        run(out, draws=12, force=True)
    assert (out / chunk_name(2)).read_text() == "a user's file in the way"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != chunk_name(2)} == before


def test_a_run_written_before_checksums_is_read_and_resumed(tmp_path: Path) -> None:
    out = tmp_path / "run"
    manifest = run(out)
    legacy = json.loads(manifest.to_json())
    legacy["format"] = "detente-results/1"
    for key in ("chunks", "schema"):
        del legacy[key]
    legacy["completed"] = [0, 1, 2]
    (out / "manifest.json").write_text(json.dumps(legacy))
    (out / MANIFEST).unlink()
    assert rows(out).num_rows == 12
    assert run(out, resume=True).complete
    assert not (out / "manifest.json").exists() and rows(out).num_rows == 20


def test_a_refused_new_run_leaves_no_directory_or_lock(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match=r"the folder .*missing does not exist"):
        run(tmp_path / "missing" / "run")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / chunk_name(0)).write_text("not a chunk")
    with pytest.raises(ResultsError, match="not a chunk detente wrote"):
        run(tmp_path / "busy", force=True)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["busy", chunk_name(0)]
