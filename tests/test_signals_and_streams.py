"""Signals and streams: a stopped run says what it kept; closed or broken streams end quietly.

The signal tests run ``detente`` in a subprocess and stop it once its first chunks are on
disk (a bounded wait); the run has seconds of work left at that moment.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from detente.cli import main
from detente.experiments.store import MANIFEST, chunk_name
from tests.conftest import CLI, SCENARIOS, assert_one_line_error

HANOI = SCENARIOS / "hanoi-2019.yaml"
WORKED = SCENARIOS / "theory" / "worked-example.yaml"
SWEEP = ("sweep", HANOI, "--draws", "120", "--chunk-size", "2", "--seed", "1", "--fields", "none")
"""About 2.5 s of work in 60 chunks."""
ENV = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}


def start(*args: str | Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "detente", *map(str, args)]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
    )


def recorded(out: Path) -> list[int]:
    """The chunks the run's manifest records (none before it exists)."""
    try:
        return sorted(int(i) for i in json.loads((out / MANIFEST).read_text())["completed"])
    except (FileNotFoundError, json.JSONDecodeError):
        return []


def wait_for_chunks(out: Path, process: subprocess.Popen[str], count: int) -> None:
    """Wait (at most two minutes) until the run has recorded ``count`` chunks."""
    deadline = time.monotonic() + 120
    while len(recorded(out)) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run wrote no chunk in two minutes"
        time.sleep(0.01)


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in found.stdout.split()]


def alive(pids: list[int]) -> list[int]:
    """The processes among ``pids`` still running (neither gone nor zombies)."""
    running = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except FileNotFoundError:
            continue
        if state != "Z":
            running.append(pid)
    return running


@pytest.mark.parametrize(
    ("stop", "code", "workers"),
    [(signal.SIGINT, 130, ()), (signal.SIGTERM, 143, ("--workers", "2"))],
    ids=["SIGINT in process", "SIGTERM on local workers"],
)
def test_a_signal_stops_a_sweep_cleanly_and_says_what_was_kept(
    tmp_path: Path, stop: signal.Signals, code: int, workers: tuple[str, ...]
) -> None:
    out = tmp_path / "run"
    process = start(*SWEEP, "--out", out, *workers)
    wait_for_chunks(out, process, 1)
    helpers = children(process.pid)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    said = re.fullmatch(
        rf"interrupted by {stop.name}: (\d+) of 60 chunks written to {re.escape(str(out))}; "
        r"rerun the same command with --resume to finish",
        lines[0],
    )
    assert said is not None, lines[0]
    kept = recorded(out)
    assert len(kept) == int(said.group(1)) and 0 < len(kept) < 60
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]
    assert {chunk_name(i) for i in kept} <= {p.name for p in out.glob("chunk-*.parquet")}
    deadline = time.monotonic() + 10
    while alive(helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert alive(helpers) == [], "worker processes outlived the run"


def test_a_stopped_sweep_resumes_past_a_corrupted_and_a_deleted_chunk(
    tmp_path: Path, detente_cli: CLI
) -> None:
    out = tmp_path / "run"
    process = start(*SWEEP, "--out", out)
    wait_for_chunks(out, process, 3)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == 143
    corrupt, deleted = (out / chunk_name(i) for i in recorded(out)[:2])
    originals = {path.name: pq.read_table(path) for path in (corrupt, deleted)}
    corrupt.write_bytes(corrupt.read_bytes()[: corrupt.stat().st_size // 2])
    deleted.unlink()

    assert_one_line_error(detente_cli("summarize", out), corrupt.name, "truncated", "--resume")
    resumed = detente_cli(*SWEEP, "--out", out, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert f"note: {corrupt.name} is truncated" in resumed.stderr
    assert f"note: {deleted.name} is missing: computing it again" in resumed.stderr
    for path in (corrupt, deleted):
        assert pq.read_table(path).equals(originals[path.name])
    summary = detente_cli("summarize", out, "--json")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["draws"] == 120


def test_interrupting_a_report_writes_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import detente.report as report

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "gather", stopped)
    out = tmp_path / "r.html"
    with pytest.raises(SystemExit) as ended:
        main(["report", str(WORKED), "-o", str(out)])
    assert ended.value.code == 130
    assert capsys.readouterr().err.strip() == (
        f"interrupted by SIGINT: no report was written to {out}"
    )
    assert list(tmp_path.iterdir()) == []


def shell(script: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``detente ARGS`` through ``sh -c SCRIPT`` (``$@`` is the detente command)."""
    command = ["sh", "-c", script, "sh", sys.executable, "-m", "detente", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=ENV, timeout=300)


@pytest.mark.parametrize(
    "args", [("analyze", WORKED, "--json"), ("analyze", WORKED)], ids=["json", "text"]
)
def test_a_closed_stdout_is_refused_before_anything_runs(args: tuple[str | Path, ...]) -> None:
    done = shell('exec "$@" >&-', *args)
    assert_one_line_error(done, "standard output is closed", "/dev/null")


def test_a_closed_stdout_writes_no_file(tmp_path: Path) -> None:
    done = shell('exec "$@" >&-', "report", WORKED, "-o", tmp_path / "r.html")
    assert_one_line_error(done, "standard output is closed")
    assert list(tmp_path.iterdir()) == []


def test_a_closed_stderr_keeps_the_exit_code(tmp_path: Path) -> None:
    failed = shell('exec "$@" 2>&-', "analyze", tmp_path / "missing.yaml")
    assert (failed.returncode, failed.stdout) == (2, "")
    done = shell('exec "$@" 2>&-', "analyze", WORKED, "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["parties"] == ["A", "B"]


def test_a_reader_that_goes_away_ends_the_command_quietly_with_141() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "detente", "report", str(WORKED), "-o", "/dev/stdout"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    assert process.stdout is not None and process.stderr is not None
    with process.stderr:
        first = process.stdout.read(10)  # the report is ~80 kB: more than a pipe holds
        process.stdout.close()
        stderr = process.stderr.read()
    assert process.wait(timeout=120) == 141, stderr
    assert first == b"<!DOCTYPE " and stderr == b""
