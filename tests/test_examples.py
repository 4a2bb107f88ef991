"""The examples run as shipped and print what they promise."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO


def run_example(name: str) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / name)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_bargaining_example_names_the_solutions() -> None:
    out = run_example("bargaining.py")
    assert "4 of 4 outcomes beat no deal" in out
    assert "nash: MediumDeal" in out and "utilitarian: BigDeal" in out


def test_phased_deal_example_reproduces_theory_3_1() -> None:
    out = run_example("phased_deal.py")
    for stages, total in [(1, "2.0000"), (2, "4.7000"), (3, "8.3450"), (5, "19.9088")]:
        assert f"{stages} stage(s): the largest self-enforcing deal is {total}" in out
    assert "a deal of 8 needs 3 stages" in out


@pytest.mark.slow
def test_many_sessions_example_agrees_across_engines() -> None:
    out = run_example("many_sessions.py")
    assert "is the same on both engines: True" in out
