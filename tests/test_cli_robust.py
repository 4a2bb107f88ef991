"""``detente phase --robust``: as a user runs it, and its one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CLI, assert_one_line_error, in_process

FIXTURE = Path(__file__).parents[1] / "scenarios" / "theory" / "robust-deal.yaml"


def test_robust_json_compares_the_robust_deal_with_the_point_design(detente_cli: CLI) -> None:
    done = detente_cli("phase", FIXTURE, "--robust", "--draws", "10", "--seed", "4", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["draws"], data["seed"], data["evaluation_draws"]) == (10, 4, [10, 20])
    assert data["robust"]["package"] == {"small": 1.0} and data["robust"]["share"] == 1.0
    assert data["point_design"]["share"] < 1.0
    assert set(data["positions"]) == {"a_offer"}
    assert done.stderr == ""


def test_robust_text_prints_the_schedule_and_the_comparison(
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = in_process(capsys, "phase", FIXTURE, "--robust", "--draws", "5")
    assert done.returncode == 0, done.stderr
    assert "robust deal over 5 training draws (seed 0)" in done.stdout
    assert "Share of draws in which each deal works" in done.stdout
    for row in ("robust", "point design", "position a offer"):
        assert row in done.stdout
    assert "100% [" in done.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--robust",), ("--robust needs --draws N",)),
        (("--robust", "--draws", "0"), ("--draws must be at least 1, got 0",)),
        (("--draws", "5"), ("--draws is for --robust",)),
        (("--robust", "--draws", "5", "--given"), ("--robust designs its own package",)),
        (
            ("--robust", "--draws", "50", "--limit", "robust-rows=10"),
            ("--draws 50", "more than the limit of 10 rows", "--limit robust-rows=N"),
        ),
    ],
)
def test_robust_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    assert_one_line_error(in_process(capsys, "phase", FIXTURE, *args), *fragments)
