"""Sizes are refused before anything is allocated or written; inputs that belong together match.

Run in process through ``detente.cli.main`` (quick): each refusal is one line on stderr,
exit code 2, naming the argument and the ``--limit`` that raises it, and leaves nothing
behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente import sizes
from detente.experiments import runner
from tests.conftest import SCENARIOS, assert_one_line_error
from tests.conftest import in_process as detente
from tests.experiment_toys import BREAKS

WORKED = SCENARIOS / "theory" / "worked-example.yaml"
ROBUST = SCENARIOS / "theory" / "robustness-example.yaml"
HANOI = SCENARIOS / "hanoi-2019.yaml"
A4A = SCENARIOS / "theory" / "action-for-action.yaml"
PIE = SCENARIOS / "theory" / "split-the-pie.yaml"
TWO_LEVEL = SCENARIOS / "theory" / "two-level.yaml"
REAL_DOMAIN = Path(__file__).parents[2] / "shared" / "data" / "domains" / "SON_real"
HUGE = str(10**12)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["simulate", WORKED, "--strategies", "nash", "--sessions", HUGE], ["--sessions 1,000,000,000,000", "limit of 10,000,000 sessions", "--limit sessions=N"]),
        (["simulate", WORKED, "--strategies", "nash", "--rounds", HUGE], ["a deadline of 1,000,000,000,000 rounds", "--limit rounds=N"]),
        (["implement", HANOI, "--sessions", HUGE], ["--sessions 1,000,000,000,000", "--limit sessions=N"]),
        (["--limit", "memory=100MB", "implement", HANOI, "--sessions", "5000000"], ["--sessions 5,000,000 over 4 stages and 3 parties", "limit of 100 MB", "--limit memory=N"]),
        (["implement", A4A, "--stages", "20000000"], ["--stages 20,000,000", "limit of 100 stages", "--limit stages=N"]),
        (["phase", HANOI, "--stages", "20000000"], ["--stages 20,000,000", "square of the stages", "--limit stages=N"]),
        (["phase", HANOI, "--min-stages", "--max-stages", "20000000"], ["--max-stages 20,000,000", "--limit stages=N"]),
        (["spe", WORKED, "--rounds", HUGE], ["a deadline of 1,000,000,000,000 rounds", "--limit rounds=N"]),
        (["spe", PIE, "--rounds", "100000"], ["100,000 rounds over 1,000,001 outcomes", "limit of 10,000,000,000 steps", "--limit steps=N"]),
        (["analyze", TWO_LEVEL, "--vary-faction", "nk.military.weight=0:1:1000000"], ["--vary-faction", "limit of 1,000 weights", "--limit grid=N"]),
        (["analyze", TWO_LEVEL, "--vary-faction", "nk.military.weight=0:1:" + "9" * 400], ["--vary-faction", "--limit grid=N"]),
        (["simulate", WORKED, "--sessions", "2", "--strategies", f"boulware(exponent={'9' * 400})"], ["parameter 'exponent' must be a finite number", "beyond 1e308"]),
        (["simulate", WORKED, "--sessions", "2", "--strategies", "boulware(exponent=1e999)"], ["must be a finite number, got inf"]),
        (["--limit", "colours=3", "analyze", WORKED], ["--limit colours=3: no such limit", "draws, sessions"]),
        (["analyze", WORKED, "--limit", "draws=many"], ["--limit draws=many: expected draws=N"]),
    ],
)  # fmt: skip
def test_a_size_beyond_its_limit_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str | Path], fragments: list[str]
) -> None:
    assert_one_line_error(detente(capsys, *args), *fragments)


@pytest.mark.skipif(not REAL_DOMAIN.is_dir(), reason="the shared domains are not here")
def test_real_steps_beyond_the_limit_is_refused_before_the_grid_is_built(
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = detente(capsys, "analyze", REAL_DOMAIN, "--real-steps", "1000000000")
    assert_one_line_error(done, "--real-steps 1,000,000,000", "--limit real-steps=N")


def test_a_stage_count_in_a_scenario_file_is_held_to_the_limit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "a4a.yaml"
    scenario.write_text(A4A.read_text().replace("  stages: 4", "  stages: 5000"))
    for command in ("analyze", "phase", "validate"):
        done = detente(capsys, command, scenario)
        assert_one_line_error(done, f"{scenario}: phasing.stages is 5,000", "--limit stages=N")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["sweep", WORKED, "--draws", HUGE], ["--draws 1,000,000,000,000", "--limit draws=N"]),
        (["--limit", "memory=1MB", "sweep", WORKED, "--lhs", "--draws", "100000"], ["--lhs with 100,000 draws of 2 parameters", "--limit memory=N"]),
        (["sweep", WORKED, "--draws", "200000", "--chunk-size", "1"], ["--chunk-size 1 makes 200,000 chunk files", "--chunk-size 2 or more", "--limit chunks=N"]),
        (["tournament", f"{WORKED},{ROBUST}", "--strategies", "boulware,conceder", "--repetitions", "100000000"], ["8 assignments × 100,000,000 repetitions", "--limit sessions=N"]),
        (["tournament", WORKED, "--strategies", "boulware", "--rounds", HUGE], ["--rounds 1,000,000,000,000", "--limit rounds=N"]),
    ],
)  # fmt: skip
def test_a_refused_run_leaves_nothing_behind(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: list[str | Path],
    fragments: list[str],
) -> None:
    out = tmp_path / "run"
    assert_one_line_error(detente(capsys, *args, "--out", out), *fragments)
    assert list(tmp_path.iterdir()) == []


def test_more_workers_than_files_allow_is_refused_before_the_directory_is_made(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "_open_file_limit", lambda: 1024)
    args = ("--limit", "workers=1000", "sweep", WORKED, "--draws", "4", "--workers", "1000")
    done = detente(capsys, *args, "--out", tmp_path / "run")
    assert_one_line_error(done, "--workers 1000", "may open 1,024", "at most --workers 120")
    assert list(tmp_path.iterdir()) == []


def test_more_workers_than_cores_are_capped_and_the_run_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ("--limit", "workers=1", "sweep", WORKED, "--draws", "4", "--seed", "1")
    done = detente(capsys, *args, "--workers", "12", "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "note: --workers 12: this machine runs 1 at once; starting 1 "
        "(to start 12 anyway, add --limit workers=12)"
    ]
    assert sizes.limit("workers") == sizes.usable_cores()  # the raised limit ended with the run


def test_workers_are_capped_at_the_cores_this_process_may_use() -> None:
    assert sizes.LIMITS["workers"].default == sizes.usable_cores() >= 1
    assert runner.worker_count(10_000, None) == min(10_000, sizes.usable_cores())


def test_a_raised_limit_lets_the_argument_through() -> None:
    with pytest.raises(sizes.TooLargeError, match="limit of 100 stages"):
        sizes.require_stages(150, "--stages")
    with sizes.using(sizes.parse_limits(["stages=200"])):
        sizes.require_stages(150, "--stages")
    assert sizes.limit("stages") == 100


def test_a_set_value_outside_its_range_is_used_with_a_one_line_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = detente(capsys, "analyze", WORKED, "--json", "--set", "d_A=4.5")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "warning: --set d_A=4.5 is outside the declared range [0, 3] of parameter d_A; "
        "using it anyway"
    ]
    assert json.loads(done.stdout)["reservation_values"] == [4.5, 0.0]
    inside = detente(capsys, "analyze", WORKED, "--json", "--set", "d_A=2")
    assert inside.returncode == 0 and inside.stderr == ""


def test_a_sweep_warns_about_a_set_value_outside_its_range(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ("sweep", ROBUST, "--draws", "4", "--seed", "1", "--set", "d_A=9")
    done = detente(capsys, *args, "--out", tmp_path / "run")
    assert done.returncode == 2  # nothing left to sweep, but the warning came first
    assert done.stderr.splitlines()[0].startswith("warning: --set d_A=9 is outside")


def test_report_refuses_a_sweep_of_another_scenario_or_other_set_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sweep = tmp_path / "sweep"
    done = detente(capsys, "sweep", WORKED, "--draws", "4", "--seed", "1", "--out", sweep)
    assert done.returncode == 0, done.stderr
    summary = tmp_path / "summary.json"
    summary.write_text(detente(capsys, "summarize", sweep, "--json").stdout)
    for given in (sweep, summary):
        other = detente(capsys, "report", ROBUST, "--sweep", given, "-o", tmp_path / "r.html")
        assert_one_line_error(
            other, f"--sweep {given}: a sweep of another scenario file", f"not of {ROBUST}"
        )
        changed = ("report", WORKED, "--set", "d_A=1", "--sweep", given, "-o", tmp_path / "r.html")
        assert_one_line_error(
            detente(capsys, *changed),
            "the sweep was run with no --set but this report with --set d_A=1",
        )
    assert not (tmp_path / "r.html").exists()
    same = detente(capsys, "report", WORKED, "--sweep", sweep, "-o", tmp_path / "r.html")
    assert same.returncode == 0, same.stderr


def test_a_sweep_records_draws_that_make_an_invalid_scenario(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "breaks.yaml"
    scenario.write_text(BREAKS)
    out = tmp_path / "run"
    done = detente(capsys, "sweep", scenario, "--draws", "30", "--seed", "2", "--out", out)
    assert done.returncode == 0, done.stderr
    (warning,) = done.stderr.splitlines()
    assert warning.startswith("warning: 11 of 30 draws gave an invalid scenario")
    assert "e.g. draw 2: " in warning and "parties[0].discount" in warning
    summary = json.loads(detente(capsys, "summarize", out, "--json").stdout)
    assert (summary["draws"], summary["invalid"], summary["planned"]) == (19, 11, 30)
