"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from detente.cli import main
from tests.browser import browsing, chromium, web_page

__all__ = ["browsing", "chromium", "web_page"]
"""The browser fixtures, defined once here so a session has one browser and one Playwright
(a test module defining them again would start a second, which Playwright refuses)."""

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"

PHASABLE_OFFER = ("--set", "q_ntm=0.75", "--set", "p_elec=0")
"""Hanoi with covert replacement of Yongbyon's output detected often enough to be deterred
and no election to strike the US side: North Korea's offer then fits in 8 stages (the
reasons are in ``test_cases.py``)."""

CLI = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def detente_cli() -> CLI:
    """Run ``detente`` as a user would, in a subprocess; returns the completed process."""

    def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
        return subprocess.run(
            [sys.executable, "-m", "detente", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd,
            env=env,
            timeout=300,
            check=False,
        )

    return run


@pytest.fixture(scope="session")
def dask_address() -> Iterator[str]:
    """A 2-worker Dask cluster on this machine, shared by the tests that use one."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def edited_copy(source: Path, folder: Path, old: str, new: str) -> Path:
    """A copy of the scenario ``source`` in ``folder`` with the text ``old`` (which must be in
    it) replaced once by ``new``."""
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    path = folder / source.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def assert_one_line_error(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """A bad-input failure: exit 2, one line on stderr containing every fragment, no traceback."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def in_process(
    capsys: pytest.CaptureFixture[str], *args: str | Path
) -> subprocess.CompletedProcess[str]:
    """Run the command line in this process; returns what a subprocess would (for tests that
    check the one-line contract many times, where a subprocess each would be slow)."""
    code: int | str | None = 0
    try:
        main([str(a) for a in args])
    except SystemExit as ended:
        code = ended.code
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), int(code or 0), captured.out, captured.err)
