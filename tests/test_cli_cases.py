"""The cases as a user meets them: the Hanoi summary, phasing a position, bad input, the demo."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import (
    CLI,
    PHASABLE_OFFER,
    REPO,
    SCENARIOS,
    assert_one_line_error,
    edited_copy,
)

HANOI = SCENARIOS / "hanoi-2019.yaml"


def test_analyze_hanoi_prints_deal_positions_schedule_and_claims(detente_cli: CLI) -> None:
    done = detente_cli("analyze", HANOI)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for heading in (
        "Bargaining solutions",
        "agreement (Nash, ratifiable)",
        "Named positions",
        "trust (probability the other honours its next step): United States → North Korea",
        "Best self-enforcing schedule",
        "the ratifiable Nash agreement",
        "Claims (on the point estimate)",
    ):
        assert heading in out, heading
    assert re.search(r"US big deal .*no \(> 4 stages\)", out)
    assert re.search(r"North Korea's Hanoi offer .*no \(> 4 stages\)", out)
    claims = out.split("Claims")[1]
    assert re.search(r"Hanoi offer needs phasing .*false", claims)
    assert re.search(r"North Korea refuses the big deal .*true", claims)


def test_phase_position_designs_the_fixed_package(detente_cli: CLI) -> None:
    done = detente_cli(
        "phase",
        HANOI,
        "--position",
        "nk_hanoi_offer",
        "--max-stages",
        "10",
        "--json",
        *PHASABLE_OFFER,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["min_stages"] == 8
    assert document["verification"]["yongbyon"]["deterred"] is True
    assert document["one_shot"]["feasible"] is False
    totals: dict[str, float] = {}
    for stage in document["schedule"]:
        for name, amount in stage.items():
            totals[name] = totals.get(name, 0.0) + amount
    assert totals == pytest.approx({"yongbyon": 1.0, "test_halt": 1.0, "un_relief": 1.0})


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    return edited_copy(HANOI, tmp_path, old, new)


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "[@hecker-2019-09-19]",
            "[@hecker-2019]",
            ("parameters.A_nk.source", "cites [@hecker-2019]", "sources: does not define"),
        ),
        (
            "outcome: {yongbyon: 1, test_halt: 1, un_relief: 1}",
            "outcome: {yongbyon: 1, test_halt: 1, un_relief: 1, kaesong: 1}",
            ("positions.nk_hanoi_offer.outcome.kaesong", "no issue 'kaesong'"),
        ),
        (
            "expr: positions.sk_preference.in_win_set.nk == false",
            "expr: positions.sk_preference.in_win_set.north_korea == false",
            ("claims.seoul_offers_too_little", "unknown field"),
        ),
    ],
    ids=["unknown-citation", "position-unknown-item", "claim-unknown-field"],
)
def test_bad_input_in_a_case_is_one_line_with_exit_2(
    detente_cli: CLI, tmp_path: Path, old: str, new: str, fragments: tuple[str, ...]
) -> None:
    assert_one_line_error(detente_cli("analyze", _edited(tmp_path, old, new)), *fragments)


def test_phase_unknown_position_lists_the_positions(detente_cli: CLI) -> None:
    done = detente_cli("phase", HANOI, "--position", "grand_bargain")
    assert_one_line_error(done, "--position 'grand_bargain'", "us_big_deal, nk_hanoi_offer")


def demo_commands(repository: Path = REPO) -> list[list[str]]:
    """The ``detente`` command lines of the Makefile's ``demo`` recipe, as argument lists."""
    text = (repository / "Makefile").read_text(encoding="utf-8")
    variables = dict(re.findall(r"^([A-Z_]+) \??:?= ?(.*)$", text, re.MULTILINE))
    recipe = text.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    commands = []
    for line in recipe.splitlines()[1:]:
        line = line.strip()
        if not line.startswith("$(BIN)/detente"):
            continue
        line = re.sub(r"\$\(([A-Z_]+)\)", lambda m: variables.get(m.group(1), m.group(0)), line)
        commands.append(line.split()[1:])
    return commands


@pytest.mark.slow
def test_make_demo_runs_from_a_fresh_clone(tmp_path: Path) -> None:
    """``make demo``'s commands in a clone of the committed repository (the venv step aside)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True, timeout=120)
    env = {**os.environ, "PYTHONPATH": str(clone / "src"), "COLUMNS": "120"}
    commands = demo_commands(clone)
    assert [c[0] for c in commands] == ["analyze", "sweep", "summarize", "report"]
    (clone / "demo-out").mkdir()  # make demo's mkdir: detente creates no missing folder
    for command in commands:
        if command[0] == "sweep":  # fewer draws and one process: the test checks it runs
            command = [*command, "--draws", "4", "--workers", "1"]
        done = subprocess.run(
            [sys.executable, "-m", "detente", *command],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, (command, done.stderr)
    assert (clone / "demo-out" / "hanoi-sweep").is_dir()
    report = (clone / "demo-out" / "hanoi-2019.html").read_text(encoding="utf-8")
    assert "Hanoi" in report and "http://" not in report.split("</head>")[0]
