"""Output files written by the command line: whole or not at all, and only where asked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.files import write_atomically
from tests.conftest import CLI, SCENARIOS, assert_one_line_error

WORKED = SCENARIOS / "theory" / "worked-example.yaml"
SIMULATE = ("simulate", WORKED, "--strategies", "boulware,conceder", "--sessions", "2")


def test_output_in_a_missing_folder_is_refused_without_creating_it(
    detente_cli: CLI, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "deeper" / "trace.jsonl"
    done = detente_cli(*SIMULATE, "--trace-out", target)
    assert_one_line_error(done, str(target.parent), "does not exist")
    assert not (tmp_path / "missing").exists()


def test_output_that_is_a_folder_is_refused(detente_cli: CLI, tmp_path: Path) -> None:
    done = detente_cli(*SIMULATE, "--trace-out", tmp_path)
    assert_one_line_error(done, str(tmp_path), "is a folder")


def test_report_into_a_missing_folder_is_refused(detente_cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "nope" / "report.html"
    done = detente_cli("report", WORKED, "-o", target)
    assert_one_line_error(done, str(target.parent), "does not exist")
    assert not target.parent.exists()


def test_sweep_into_an_unusable_place_is_bad_input(detente_cli: CLI, tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    done = detente_cli("sweep", WORKED, "--draws", "2", "--out", a_file / "run")
    assert_one_line_error(done, str(a_file))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_written_files_get_the_usual_permissions_not_private_ones(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    mask = os.umask(0o022)
    try:
        write_atomically(target, lambda p: p.write_text("x"))
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    def fail(path: Path) -> None:
        path.write_text("half")
        raise DetenteError("boom")

    with pytest.raises(DetenteError):
        write_atomically(tmp_path / "out.txt", fail)
    assert list(tmp_path.iterdir()) == []


def test_no_arguments_prints_the_help_and_no_stray_error_line(detente_cli: CLI) -> None:
    done = detente_cli()
    assert "Usage: detente" in done.stdout
    assert done.stderr.strip() == ""


def test_a_run_with_missing_chunks_is_one_line_naming_the_file(
    detente_cli: CLI, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    done = detente_cli(
        "sweep",
        SCENARIOS / "theory" / "robustness-example.yaml",
        "--draws",
        "3",
        "--seed",
        "1",
        "--out",
        run,
    )
    assert done.returncode == 0, done.stderr
    chunk = sorted(run.glob("*.parquet"))[0]
    chunk.unlink()
    assert_one_line_error(
        detente_cli("summarize", run), chunk.name, "missing", "rerun the same command with --resume"
    )
