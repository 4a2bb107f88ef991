"""``detente retrodict`` and ``detente calibrate`` as a user runs them, on the §6 fixture and on
a synthetic library whose true shared parameter is known (k = 2.6, tests/fixtures/library)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from tests.conftest import CLI, assert_one_line_error, in_process

FIXTURES = Path(__file__).parent / "fixtures"
LIBRARY = FIXTURES / "library"
SIX = FIXTURES / "record" / "partial-implementation.yaml"
TRUE_K = 2.6
IDENTIFIED = (2.5, 3.0)
"""The k the two early cases allow: case-1995 completes iff k <= 3, case-2000 breaks iff
1.2 k > 3 (THEORY §6: B stops before a last step costing more than 3)."""


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:  # type: ignore[type-arg]
    done = in_process(capsys, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_retrodict_a_file_gives_the_documented_json(capsys: pytest.CaptureFixture[str]) -> None:
    document = run_json(capsys, "retrodict", SIX)
    assert list(document) == ["cases"]
    (case,) = document["cases"]
    assert list(case) == ["case", "date", "record", "model", "match", "share", "claims"]
    assert (case["case"], case["date"], case["match"], case["share"], case["claims"]) == (
        "partial-implementation",
        "2001-01-01",
        True,
        None,
        None,
    )
    assert case["model"]["breaks"] == {"stage": 3, "party": "B", "date": "2002-01-01", "did": None}
    assert case["record"]["agreed"] == "deal" and len(case["record"]["events"]) == 6


def test_a_folder_gives_one_row_per_case_by_date(capsys: pytest.CaptureFixture[str]) -> None:
    document = run_json(capsys, "retrodict", LIBRARY)
    rows = [(c["case"], c["date"], c["match"]) for c in document["cases"]]
    assert rows == [
        ("case-1995", "1995-03-01", True),
        ("case-2000", "2000-01-15", True),
        ("case-2018", "2018-06-12", True),
    ]
    done = in_process(capsys, "retrodict", LIBRARY)
    table = [line for line in done.stdout.splitlines() if line.startswith("│ case-")]
    assert [line.split("│")[1].strip() for line in table] == ["case-1995", "case-2000", "case-2018"]


def test_the_sweep_share_is_the_share_of_draws_that_match(
    tmp_path: Path, detente_cli: CLI, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only c_B3 varies: the share re-evaluated by retrodict equals the sweep's own share of
    the fixture's claim `retrodicted` (retrodiction.match), over the same draws."""
    fixed = ["a1", "a2", "a3", "b1", "b2", "b3"]
    sets = [f"--set={n}=1" for n in fixed] + [
        f"--set={n}={v}"
        for n, v in (("c_A", 0.2), ("c_B1", 0.1), ("c_B2", 0.1), ("f_A", 0.2), ("f_B", 0.1))
    ]
    out = tmp_path / "sweep"
    done = detente_cli(
        "sweep", SIX, *sets, "--set=delta=0.9", "--draws=16", "--seed=3", f"--out={out}"
    )
    assert done.returncode == 0, done.stderr
    (case,) = run_json(capsys, "retrodict", SIX, "--sweep", out)["cases"]
    share = case["share"]
    summary = run_json(capsys, "summarize", out)["claims"]["retrodicted"]
    assert share == summary["share"]
    claimed = case["claims"]["retrodicted"]
    assert (claimed["share"], claimed["low"], claimed["high"], claimed["draws"]) == (
        summary["share"],
        summary["low"],
        summary["high"],
        16,
    )
    assert 0 < share < 1


def test_calibration_recovers_the_true_parameter(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rejection on the cases before 2010 keeps only k in the identified interval; the true k
    lies inside the accepted range, whose median is within 0.25 of it; the later case is then
    always retrodicted, the prior draws retrodict it about 3.75/5 of the time (k <= 3.75), and
    the first-costly-step baseline never (B's first step costs 0.1)."""
    posterior = tmp_path / "posterior.json"
    done = in_process(
        capsys,
        "calibrate",
        LIBRARY,
        "--before",
        "2010",
        "--draws",
        "160",
        "--seed",
        "1",
        "--out",
        posterior,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(posterior.read_text(encoding="utf-8"))
    ks = [s["k"] for s in document["samples"]]
    assert [c["case"] for c in document["cases"]] == ["case-1995", "case-2000"]
    assert document["accepted"] == len(ks) > 0
    assert document["acceptance_rate"] == len(ks) / 160
    assert all(IDENTIFIED[0] < k <= IDENTIFIED[1] for k in ks)
    assert min(ks) <= TRUE_K <= max(ks)
    assert abs(statistics.median(ks) - TRUE_K) <= 0.25
    assert set(document["parameters"]) == {"k", "c_A"}
    assert f"{len(ks)} of 160 draws accepted" in done.stderr
    scored = run_json(capsys, "retrodict", LIBRARY, "--posterior", posterior)
    assert [c["case"] for c in scored["cases"]] == ["case-2018"]
    assert scored["hit_rate"] == scored["cases"][0]["share"] == 1.0
    assert scored["baselines"]["first_costly_step"] == 0.0
    assert 0.6 <= scored["baselines"]["prior"] <= 0.9


def test_calibration_is_the_same_on_workers_and_warns_when_few_accepted(
    tmp_path: Path, detente_cli: CLI
) -> None:
    outs = [tmp_path / "one.json", tmp_path / "two.json"]
    for out, workers in zip(outs, ("1", "2"), strict=True):
        done = detente_cli(
            "calibrate",
            LIBRARY,
            "--before",
            "2010-01-01",
            "--draws",
            "30",
            "--seed",
            "7",
            "--out",
            out,
            "--workers",
            workers,
        )
        assert done.returncode == 0, done.stderr
    one, two = (json.loads(p.read_text(encoding="utf-8")) for p in outs)
    assert one["samples"] == two["samples"]
    assert one["accepted"] < 20
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith(f"warning: only {one['accepted']} of 30 draws accepted")
    )


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("calibrate", LIBRARY, "--before", "1990", "--out", "P"), ("no case is dated before",)),
        (("calibrate", LIBRARY, "--before", "soon", "--out", "P"), ("--before 'soon'",)),
        (("calibrate", SIX, "--before", "2010", "--out", "P"), ("give the folder",)),
        (("retrodict", FIXTURES / "record" / "none.yaml"), ("none.yaml",)),
        (("retrodict", LIBRARY, "--posterior", SIX), ("not a calibrate posterior",)),
        (("retrodict", "scenarios/theory/partial-implementation.yaml"), ("no record: section",)),
    ],
)
def test_bad_input_is_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[object, ...],
    fragments: tuple[str, ...],
) -> None:
    args = tuple(tmp_path / "P" if a == "P" else a for a in args)
    assert_one_line_error(in_process(capsys, *args), *fragments)
    assert not (tmp_path / "P").exists()
