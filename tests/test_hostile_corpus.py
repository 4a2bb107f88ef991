"""The standing hostile-input corpus, run as a user would, within a time and a memory limit.

Every case of ``tests/hostile/corpus.toml`` runs each of its commands in a fresh process
limited to 500 MB of address space and stopped after 5 s, in an empty working folder.
A refusal must exit 2 with one line on stderr holding the expected fragments, no
traceback, and nothing written; a case that succeeds (the text cases) must print its
fragments. Whatever a command prints must hold no raw control character. Each case
reports every command that misbehaved, and pytest reports every failing case.

Cases whose family is in :data:`tests.hostile.OPEN_FAMILIES` are expected to fail until that family's
fixes are merged: they report as xfail, with what went wrong, instead of failing.
"""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import detente
from tests.hostile import OPEN_FAMILIES
from tests.hostile.make import MAKERS

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "hostile"
SOURCE = os.pathsep.join([str(Path(detente.__file__).parents[1]), os.environ.get("PYTHONPATH", "")])
"""Where the command's process finds this detente, from any working folder."""
CASES: list[dict[str, Any]] = tomllib.loads((CORPUS / "corpus.toml").read_text("utf-8"))["case"]

FAMILIES = ("text", "reading", "running")
KINDS = ("yaml", "file", "formula", "claim", "genius", "geniusweb", "negolog", "text", "encoding")
KINDS += ("args",)
TIME_LIMIT = 5.0
"""Seconds a command may take to refuse a hostile input (a normal run takes under one)."""
MEMORY_LIMIT = 500 * 2**20
"""Bytes of address space a command may use (a normal run uses under 300 MB)."""

DEFAULT_ARGS: dict[str, list[str]] = {
    "validate": [],
    "analyze": [],
    "phase": [],
    "implement": ["--sessions", "10"],
    "simulate": ["--sessions", "2", "--strategies", "boulware"],
    "spe": [],
    "report": ["-o", "{out}.html"],
    "sweep": ["--draws", "2", "--seed", "1", "--out", "{out}"],
    "export": ["--format", "genius", "-o", "{out}"],
    "import": ["-o", "{out}.yaml"],
    "tournament": ["--strategies", "boulware,conceder", "--out", "{out}"],
}
"""What follows the input on each command's line unless a case gives its own ``args``."""

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
"""Characters a terminal acts on: C0 but tab and newline, DEL, C1, separators, bidi controls."""


@dataclass(frozen=True, slots=True)
class Run:
    """One command on one input: what it printed and how it ended."""

    command: str
    exit: int | None
    stdout: str
    stderr: str
    seconds: float
    written: tuple[str, ...]


def _limit_memory(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run(
    argv: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    memory: int = MEMORY_LIMIT,
    seconds: float = TIME_LIMIT,
) -> tuple[int | None, bytes, bytes]:
    """Run a program within the limits, in its own process group; exit ``None`` when stopped.

    ``memory`` bounds the address space; a case that starts worker processes may raise it
    (``memory_mb``): each worker reserves address space for its thread pools up front, far
    beyond what it uses, and the limit is on address space, not on memory used. ``seconds``
    bounds the wall time: a case whose command really runs (starting worker processes, say)
    may raise it (``seconds``), so a loaded machine does not pass it off as a hang.
    """
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "100", "PYTHONPATH": SOURCE, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_limit_memory(memory),
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return None, out, err
    return process.returncode, out, err


def make_input(case: Mapping[str, Any], folder: Path) -> Path:
    """The case's input: a path in the repository, an absolute path, or made by its maker."""
    if "make" in case:
        folder.mkdir()
        return MAKERS[case["make"]](folder, case.get("size", 0))
    return REPO / case["input"]


def run_command(case: Mapping[str, Any], command: str, source: Path, scratch: Path) -> Run:
    """Run one command of a case in an empty working folder; list what it left there."""
    cwd = scratch / command
    cwd.mkdir()
    given = case.get("args", DEFAULT_ARGS[command])
    argv = [command, str(source), *(a.replace("{out}", str(cwd / "out")) for a in given)]
    encoding = case.get("env", {}).get("PYTHONIOENCODING", "utf-8")
    started = time.monotonic()
    memory = case.get("memory_mb", MEMORY_LIMIT // 2**20) * 2**20
    seconds = case.get("seconds", TIME_LIMIT)
    code, out, err = run(
        [sys.executable, "-m", "detente", *argv], cwd, case.get("env", {}), memory, seconds
    )
    written = tuple(sorted(str(p.relative_to(cwd)) for p in cwd.rglob("*")))
    return Run(
        command,
        code,
        out.decode(encoding, errors="replace"),
        err.decode(encoding, errors="replace"),
        time.monotonic() - started,
        written,
    )


def problems(case: Mapping[str, Any], source: Path, done: Run) -> list[str]:
    """Everything wrong with one run of a case; empty when it behaved as promised."""
    where = f"{done.command}:"
    if done.exit is None:
        return [f"{where} still running after {case.get('seconds', TIME_LIMIT):.0f} s"]
    found = []
    expected = case.get("exit", 2)
    allowed = expected if isinstance(expected, list) else [expected]
    lines = done.stderr.strip().splitlines()
    if done.exit not in allowed:
        last = lines[-1] if lines else "(nothing on stderr)"
        found.append(f"{where} exit {done.exit}, expected {expected}: {last[:300]}")
    if "Traceback" in done.stderr:
        found.append(f"{where} a traceback on stderr")
    for stream, text in (("stdout", done.stdout), ("stderr", done.stderr)):
        raw = UNSAFE.search(text)
        if raw:
            found.append(f"{where} a raw control character {raw.group()!r} on {stream}")
    if done.exit == 2:
        found += _refusal_problems(case, source, done, lines)
    elif done.exit == 0:
        shown = as_read(done.stdout)
        found += [
            f"{where} stdout lacks {fragment!r}"
            for fragment in case.get("stdout", [])
            if " ".join(fragment.split()) not in shown
        ]
    return found


VERTICAL = re.compile("[│┃]")
BOX = re.compile("[\u2500-\u257f]")
"""Box drawing: a table's frame and its column rules."""


def as_read(stdout: str) -> str:
    """What ``stdout`` says with the terminal's wrapping undone, one passage a line.

    Prose and table cells wrap at spaces to the terminal's width, so a name may be split
    across lines: the first passage is the whole output without the tables' frames, its
    whitespace joined; then each column of each table block, its lines read top to bottom
    (a cell's wrapped continuation sits below it, beside the other columns' text). The
    characters are kept as printed: an escaped escape sequence or markup must still be there
    to be found, and one the terminal would act on is caught by :data:`UNSAFE`.

    >>> as_read("ab\\ncd\\n│ [/oops] │ 1 │\\n│ [b]x[/b] │   │\\n").splitlines()
    ['ab cd [/oops] 1 [b]x[/b]', '[/oops] [b]x[/b]', '1']
    """
    passages = [" ".join(BOX.sub(" ", stdout).split())]
    columns: dict[tuple[str, int], list[str]] = {}
    for line in [*stdout.splitlines(), ""]:
        rule = VERTICAL.search(line)
        if rule is None:
            passages += [" ".join(" ".join(cells).split()) for cells in columns.values()]
            columns = {}
            continue
        for k, cell in enumerate(VERTICAL.split(line)[1:-1]):
            columns.setdefault((rule.group(), k), []).append(cell)
    return "\n".join(passages)


def _refusal_problems(
    case: Mapping[str, Any], source: Path, done: Run, lines: list[str]
) -> list[str]:
    where = f"{done.command}:"
    found = []
    if len(lines) != 1:
        found.append(f"{where} {len(lines)} lines on stderr, expected one: {lines[:3]}")
    if done.written:
        found.append(f"{where} refused but wrote {list(done.written)[:5]}")
    line = lines[-1] if lines else ""
    for fragment in case.get("error", []):
        choices = [fragment] if isinstance(fragment, str) else fragment
        choices = [c.replace("{file}", source.name) for c in choices]
        if not any(c in line for c in choices):
            found.append(f"{where} the error lacks {' or '.join(map(repr, choices))}: {line[:300]}")
    return found


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_every_command_refuses_the_hostile_input_in_one_line(
    case: dict[str, Any], tmp_path: Path
) -> None:
    source = make_input(case, tmp_path / "input")
    before = sorted(source.parent.iterdir()) if "make" in case else None
    found = []
    for command in case.get("commands", ["validate", "analyze"]):
        found += problems(case, source, run_command(case, command, source, tmp_path))
    if before is not None and sorted(source.parent.iterdir()) != before:
        found.append("a command wrote beside the input")
    if found and case["family"] in OPEN_FAMILIES:
        pytest.xfail(f"{case['family']} family, not merged here: " + " | ".join(found))
    assert not found, "\n".join(found)


def test_the_corpus_is_well_formed_and_covers_every_kind_of_attack() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)) >= 60
    assert {name.split("-")[0] for name in names} == set(KINDS)
    for case in CASES:
        assert case["family"] in FAMILIES, case["name"]
        assert ("input" in case) != ("make" in case), case["name"]
        assert "make" not in case or case["make"] in MAKERS, case["name"]
        assert "input" not in case or (REPO / case["input"]).exists(), case["name"]
        assert set(case.get("commands", [])) <= set(DEFAULT_ARGS), case["name"]
        assert case.get("exit", 2) == 0 or case.get("error"), case["name"]


def _run(
    exit: int | None, stderr: str = "", stdout: str = "", written: tuple[str, ...] = ()
) -> Run:
    return Run("analyze", exit, stdout, stderr, 0.5, written)


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        (_run(None), "still running after 5 s"),
        (_run(1, "internal error: MemoryError"), "exit 1, expected 2"),
        (_run(2, "error: x.yaml: bad\nmore"), "2 lines on stderr"),
        (_run(2, "Traceback (most recent call last):\nerror: x.yaml"), "a traceback"),
        (_run(2, "error: x.yaml: a \x1b[5mblink"), "raw control character '\\x1b' on stderr"),
        (_run(2, "error: x.yaml: bad", written=("out",)), "refused but wrote ['out']"),
        (_run(2, "error: y.yaml: bad"), "the error lacks 'x.yaml'"),
        (_run(2, "error: x.yaml: bad"), "the error lacks 'alias' or 'anchor'"),
    ],
)
def test_the_checker_names_each_broken_promise(done: Run, expected: str) -> None:
    case = {"error": ["{file}", ["alias", "anchor"]]}
    found = problems(case, Path("/in/x.yaml"), done)
    assert any(expected in problem for problem in found), found


def test_the_checker_finds_a_name_the_terminal_wrapped_and_refuses_one_interpreted() -> None:
    case = {"exit": 0, "stdout": ["[/oops] [blink]x[/blink] \\x1b]8;;http://e\\x1b\\"]}
    prose = "ok: '[/oops] \n[blink]x[/blink] \\x1b]8;;http://e\\x1b\\': 2 parties\n"
    table = (
        "┃ outcome                ┃ n ┃\n"
        "│ [/oops] [blink]x[/blink] │ 2 │\n"
        "│ \\x1b]8;;http://e\\x1b\\  │   │\n"
        "└────────────────────────┴───┘\n"
    )
    assert problems(case, Path("x.yaml"), _run(0, stdout=prose)) == []
    assert problems(case, Path("x.yaml"), _run(0, stdout=table)) == []
    interpreted = "ok: '[/oops] \x1b[5mx\x1b[0m \x1b]8;;http://e\x1b\\': 2 parties\n"
    found = problems(case, Path("x.yaml"), _run(0, stdout=interpreted))
    assert "analyze: a raw control character '\\x1b' on stdout" in found
    assert any("stdout lacks" in problem for problem in found)


def test_the_checker_passes_a_clean_refusal_and_checks_what_a_success_prints() -> None:
    case = {"error": ["{file}", ["alias", "anchor"]], "stdout": ["[/oops]"]}
    assert problems(case, Path("x.yaml"), _run(2, "error: x.yaml:3:1: an alias\n")) == []
    assert problems({**case, "exit": 0}, Path("x.yaml"), _run(0, stdout="[/oops]\n")) == []
    assert problems({**case, "exit": 0}, Path("x.yaml"), _run(0, stdout="oops\n")) == [
        "analyze: stdout lacks '[/oops]'"
    ]


def test_a_hung_command_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    fifo = MAKERS["fifo"](tmp_path, 0)  # reading a FIFO nobody writes to blocks for ever
    started = time.monotonic()
    code, _, _ = run([sys.executable, "-c", f"open({str(fifo)!r}).read()"], tmp_path, {})
    assert code is None
    assert time.monotonic() - started < TIME_LIMIT + 3


def test_a_command_past_the_memory_limit_fails(tmp_path: Path) -> None:
    code, _, err = run([sys.executable, "-c", "bytearray(600 * 2**20)"], tmp_path, {})
    assert code == 1
    assert b"MemoryError" in err
