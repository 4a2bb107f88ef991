"""Writing output files: atomic for regular files, through devices and pipes, never elsewhere.

Device cases never write to a real device path: a symbolic link in ``tmp_path`` that
points to ``/dev/null`` stands for it (were the link replaced, only the link would be).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.files import output_target, write_folder, write_text_atomically


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders detente left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_new_file_is_written_whole_with_the_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text_atomically(target, "hello")
    assert target.read_text() == "hello"
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask
    assert leftovers(tmp_path) == []


def test_a_replaced_file_keeps_its_own_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o600)
    write_text_atomically(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_link_to_a_file_stays_a_link_and_its_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("old")
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    write_text_atomically(tmp_path / "link.yaml", "new")
    assert (tmp_path / "link.yaml").is_symlink()
    assert os.readlink(tmp_path / "link.yaml") == "real.yaml"
    assert (tmp_path / "real.yaml").read_text() == "new"
    assert leftovers(tmp_path) == []


def test_a_link_to_a_device_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    link = tmp_path / "null.html"
    link.symlink_to(os.devnull)
    assert output_target(link).how == "through"
    write_text_atomically(link, "<html>report</html>")
    assert link.is_symlink() and os.readlink(link) == os.devnull
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.html"]


def test_devices_and_own_streams_are_written_through_never_replaced() -> None:
    assert output_target(Path(os.devnull)).how == "through"
    for path, number in (("/dev/stdout", 1), ("/dev/stderr", 2), ("/proc/self/fd/7", 7)):
        target = output_target(Path(path))
        assert (target.how, target.stream) == ("stream", number)


def test_a_stream_of_this_process_is_written_on_its_descriptor(tmp_path: Path) -> None:
    read, write = os.pipe()
    try:
        write_text_atomically(Path(f"/dev/fd/{write}"), "through the pipe")
        os.close(write)
        with os.fdopen(read) as reader:
            assert reader.read() == "through the pipe"
    finally:
        for fd in (read, write):
            with contextlib.suppress(OSError):  # already closed by the test
                os.close(fd)


def test_a_fifo_nobody_reads_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(DetenteError, match="a named pipe \\(FIFO\\) that nobody is reading"):
        write_text_atomically(fifo, "lost")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


def test_a_fifo_with_a_reader_receives_the_content(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, waiting
    try:
        write_text_atomically(fifo, "to the reader")  # small: fits the pipe's buffer
        assert os.read(reader, 1000) == b"to the reader"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (
            lambda p: p.symlink_to(p.parent / "nowhere"),
            "a symbolic link to .*nowhere, which does not exist",
        ),
    ],
    ids=["folder", "dangling link"],
)
def test_folders_and_links_to_nothing_are_refused(
    tmp_path: Path, make: object, message: str
) -> None:
    target = tmp_path / "out.txt"
    make(target)  # type: ignore[operator]
    with pytest.raises(DetenteError, match=message):
        write_text_atomically(target, "x")
    assert not (tmp_path / "nowhere").exists()


def test_a_missing_folder_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(DetenteError, match=r"the folder .*missing/deeper does not exist"):
        write_text_atomically(tmp_path / "missing" / "deeper" / "out.txt", "x")
    with pytest.raises(DetenteError, match=r"the folder .*missing does not exist"):
        write_folder(tmp_path / "missing" / "domain", {"a.xml": b"x"})
    assert list(tmp_path.iterdir()) == []


def test_a_folder_of_files_appears_whole(tmp_path: Path) -> None:
    write_folder(tmp_path / "domain", {"a.xml": b"a", "b.xml": b"b"})
    assert sorted(p.name for p in (tmp_path / "domain").iterdir()) == ["a.xml", "b.xml"]
    assert leftovers(tmp_path) == []


def test_a_full_disk_leaves_no_partial_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path.write_bytes
    written: list[str] = []

    def full_after_one(path: Path, data: bytes) -> int:
        if written:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path.name)
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", full_after_one)
    with pytest.raises(OSError, match="No space left"):
        write_folder(tmp_path / "domain", {"a.xml": b"a", "b.xml": b"b", "c.xml": b"c"})
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_updated_only_when_all_its_files_are_ours(tmp_path: Path) -> None:
    folder = tmp_path / "domain"
    write_folder(folder, {"a.xml": b"old a", "b.xml": b"old b"})
    write_folder(folder, {"a.xml": b"new a"}, replaceable={"b.xml"})
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {"a.xml": b"new a"}
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(
        DetenteError, match=r"already holds files detente did not write \(notes.txt\)"
    ):
        write_folder(folder, {"a.xml": b"newer a"})
    assert (folder / "a.xml").read_bytes() == b"new a"
    assert (folder / "notes.txt").read_text() == "mine"
    assert leftovers(tmp_path) == []
