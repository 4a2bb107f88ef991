"""What the commands write: only their own files, through devices and links, never elsewhere.

Device cases write through a symbolic link in ``tmp_path`` that points to ``/dev/null``,
never to a device path itself: were the link replaced, only the link would be.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SCENARIOS, assert_one_line_error
from tests.conftest import in_process as detente

WORKED = SCENARIOS / "theory" / "worked-example.yaml"
BUYER = SCENARIOS / "textbook" / "buyer-seller.yaml"
DOMAINS = Path(__file__).parents[2] / "shared" / "data" / "domains"


def null_link(folder: Path, name: str) -> Path:
    link = folder / name
    link.symlink_to(os.devnull)
    return link


def test_a_markdown_report_never_deletes_a_users_figure_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "x_files").mkdir()
    (tmp_path / "x_files" / "keep.txt").write_text("mine")
    done = detente(capsys, "report", WORKED, "-o", tmp_path / "x.md")
    assert_one_line_error(done, "x_files: already holds files detente did not write (keep.txt)")
    assert (tmp_path / "x_files" / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x_files"]
    again = detente(capsys, "report", WORKED, "-o", tmp_path / "y.md")
    assert again.returncode == 0, again.stderr
    assert detente(capsys, "report", WORKED, "-o", tmp_path / "y.md").returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ("report", WORKED, "-o"),
        ("simulate", BUYER, "--strategies", "boulware,conceder", "--sessions", "2", "--trace-out"),
    ],
    ids=["report", "simulate --trace-out"],
)
def test_output_to_a_link_to_a_device_goes_through_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str | Path, ...]
) -> None:
    link = null_link(tmp_path, "out.html")
    done = detente(capsys, *args, link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == os.devnull
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html"]


def test_a_markdown_report_to_a_device_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    link = null_link(tmp_path, "out.md")
    done = detente(capsys, "report", WORKED, "-o", link)
    assert_one_line_error(done, "is not a regular file", "--format html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_a_fifo_nobody_reads_is_refused_without_waiting(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fifo = tmp_path / "trace.jsonl"
    os.mkfifo(fifo)
    args = ("simulate", BUYER, "--strategies", "boulware,conceder", "--sessions", "2")
    done = detente(capsys, *args, "--trace-out", fifo)
    assert_one_line_error(done, "a named pipe (FIFO) that nobody is reading")


@pytest.mark.parametrize(
    "args",
    [
        ("report", WORKED, "-o"),
        ("export", BUYER, "--format", "geniusweb", "-o"),
        ("simulate", BUYER, "--strategies", "nash", "--sessions", "2", "--trace-out"),
    ],
    ids=["report", "export", "simulate --trace-out"],
)
def test_no_missing_folder_is_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str | Path, ...]
) -> None:
    done = detente(capsys, *args, tmp_path / "no" / "such" / "out")
    assert_one_line_error(done, "the folder", "does not exist")
    assert list(tmp_path.iterdir()) == []


def test_export_writes_into_a_folder_only_what_it_owns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "domain"
    args = ("export", BUYER, "--format", "geniusweb", "-o", out)
    assert detente(capsys, *args).returncode == 0
    written = sorted(p.name for p in out.iterdir())
    assert detente(capsys, *args).returncode == 0  # again: the files are its own
    (out / "notes.txt").write_text("mine")
    assert_one_line_error(detente(capsys, *args), "already holds files detente did not write")
    assert sorted(p.name for p in out.iterdir()) == sorted([*written, "notes.txt"])
    assert [p.name for p in tmp_path.iterdir()] == ["domain"]  # no temporary folder left


@pytest.mark.skipif(
    not (DOMAINS / "Camera_2011").is_dir(), reason="the shared domains are not here"
)
def test_import_to_a_link_replaces_the_file_it_points_to(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "real.yaml").write_text("old")
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    done = detente(capsys, "import", DOMAINS / "Camera_2011", "-o", tmp_path / "link.yaml")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "link.yaml").is_symlink()
    assert (tmp_path / "real.yaml").read_text().startswith("name: Camera_2011\n")
