"""``detente threshold`` and ``detente tornado`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CLI, assert_one_line_error, in_process

BREAK_EVEN = Path(__file__).parent / "fixtures" / "thresholds" / "break-even.yaml"
"""Nash picks MediumDeal iff 5m > max(12, 9k) (see the file)."""


def test_threshold_prints_the_crossing_and_its_json_has_the_issue_shape(detente_cli: CLI) -> None:
    done = detente_cli("threshold", BREAK_EVEN, "--claim", "nash_medium", "--vary", "m", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert {"claim", "parameter", "crossings", "tolerance"} <= set(document)
    assert (document["claim"], document["parameter"], document["tolerance"]) == (
        "nash_medium",
        "m",
        0.008,
    )
    [crossing] = document["crossings"]
    assert crossing["value"] == pytest.approx(2.4, abs=0.004)
    assert document["evaluations"] == 17 + 6  # the grid, then 0.5 bisected down to 0.008
    text = detente_cli("threshold", BREAK_EVEN, "--claim", "nash_medium", "--vary", "m")
    said = " ".join(text.stdout.split())  # as wrapped to the terminal
    assert "crossing at m = 2.4" in said
    assert "closer together than the grid spacing can be missed" in said


MAP = ("threshold", BREAK_EVEN, "--claim", "nash_big", "--vary", "m", "--vary", "k")
"""A 3 x 3 map of nash_big over m and k (with ``--grid 3``)."""


def test_two_varies_print_a_map_with_a_legend(capsys: pytest.CaptureFixture[str]) -> None:
    done = in_process(capsys, *MAP, "--grid", "3")
    assert done.returncode == 0, done.stderr
    # rows k = 6, 3, 0 (high first); columns m = 0, 4, 8: BigDeal iff 9k > max(12, 5m)
    rows = [line.split("|")[1].split() for line in done.stdout.splitlines() if "|" in line]
    assert rows == [["#", "#", "#"], ["#", "#", "."], [".", ".", "."]]
    assert "legend: # holds, . does not hold" in done.stdout
    document = json.loads(in_process(capsys, *MAP, "--grid", "3", "--json").stdout)
    assert document["holds"] == [[False] * 3, [True, True, False], [True] * 3]


def test_tornado_json_has_every_ranged_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    done = in_process(
        capsys, "tornado", BREAK_EVEN, "--json", "--field", "solutions.nash.utilities[1]"
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    rows = {r["name"]: r for r in document["parameters"]}
    assert rows["k"]["claims"]["nash_big"] == {"low": False, "point": False, "high": True}
    assert rows["k"]["fields"]["solutions.nash.utilities[1]"] == {
        "low": 5.0,
        "point": 5.0,
        "high": 9.0,
        "swing": 4.0,
    }
    text = in_process(capsys, "tornado", BREAK_EVEN, "--claim", "nash_big")
    assert "k: flips nash big (high 6)" in text.stdout  # the claim by its display name
    fixed = json.loads(in_process(capsys, "tornado", BREAK_EVEN, "--set", "k=3", "--json").stdout)
    # --set fixes k (as in a sweep): only m is swung, with k = 3 (9k = 27 beats 5m up to m = 5.4)
    [row] = fixed["parameters"]
    assert row["name"] == "m" and row["claims"]["nash_big"] == {
        "low": True,
        "point": True,
        "high": False,
    }


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--claim", "nash_mediun", "--vary", "m"), ("no such claim", "did you mean nash_medium")),
        (("--claim", "nash_medium", "--vary", "mm"), ("--vary mm", "no such parameter", "m, k")),
        (
            ("--claim", "nash_medium", "--vary", "fixed"),
            ("has no range", "parameters with a range: m, k"),
        ),
        (
            ("--field", "solutions.nash.utility", "--vary", "m"),
            ("--field", "solutions.nash.utilities"),
        ),
        (("--vary", "m"), ("give one of --claim NAME or --field NAME",)),
        (("--claim", "nash_medium", "--vary", "m", "--vary", "m"), ("given twice",)),
        (
            ("--claim", "nash_medium", "--vary", "m", "--tolerance", "0"),
            ("--tolerance must be positive",),
        ),
        (("--claim", "nash_medium", "--vary", "m", "--level", "1"), ("--level applies to",)),
        (
            ("--claim", "nash_medium", "--vary", "m", "--set", "m=3"),
            ("a parameter is varied or set",),
        ),
    ],
)
def test_bad_requests_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    assert_one_line_error(in_process(capsys, "threshold", BREAK_EVEN, *args), *fragments)


def test_tornado_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    done = in_process(capsys, "tornado", BREAK_EVEN, "--claim", "nope")
    assert_one_line_error(done, "no such claim", "nash_medium")
