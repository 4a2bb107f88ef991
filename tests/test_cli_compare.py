"""`detente compare`, `--set NAME=LABEL` and choices on the command line, as a user runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CLI, SCENARIOS, assert_one_line_error, in_process
from tests.experiment_toys import CHOOSING

HANOI = SCENARIOS / "hanoi-2019.yaml"


def choosing(tmp_path: Path) -> Path:
    path = tmp_path / "choosing.yaml"
    path.write_text(CHOOSING, encoding="utf-8")
    return path


def test_compare_prints_one_table_and_the_changes(detente_cli: CLI, tmp_path: Path) -> None:
    done = detente_cli("compare", choosing(tmp_path), "--variant", "loose=x=1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 120
    assert any("base" in line and "free" in line and "loose" in line for line in lines)
    assert "free: rule = none" in lines
    assert "  - Side B: 3 → 2" in lines
    assert "  - claim vetoed: yes → no" in lines
    assert "loose: x = 1" in lines


def test_compare_json_has_the_base_and_each_variant(detente_cli: CLI, tmp_path: Path) -> None:
    done = detente_cli(
        "compare", choosing(tmp_path), "--variant", "n3=n=3,rule=veto", "--set", "x=0.75", "--json"
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["base"]["sets"] == {"x": 0.75}
    assert [v["name"] for v in document["variants"]] == ["free", "n3"]
    n3 = document["variants"][1]
    assert n3["sets"] == {"n": "3", "rule": "veto"} and n3["description"] is None
    # x * n = 2.25 >= 2: the hawk accepts p, so it is not vetoed.
    assert (document["base"]["claims"]["vetoed"], n3["claims"]["vetoed"]) == (True, False)


def test_compare_mistakes_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = choosing(tmp_path)

    def detente_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return in_process(capsys, *args)

    assert_one_line_error(
        detente_cli("compare", path, "--variant", "novalue"),
        "--variant 'novalue'",
        "NAME=PARAMETER=VALUE",
    )
    assert_one_line_error(
        detente_cli("compare", path, "--variant", "v=rulers=none"),
        "variant v: --set rulers: no such parameter",
        "parameters: n, rule, x, y",
    )
    assert_one_line_error(
        detente_cli("compare", path, "--variant", "v=rule=nobody"),
        "variant v: --set rule=nobody: not a label",
        "labels: veto, none",
    )


def test_set_takes_a_label_on_every_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = choosing(tmp_path)

    def detente_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return in_process(capsys, *args)

    done = detente_cli("analyze", path, "--set", "rule=none", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["claims"] == {"vetoed": False}
    assert_one_line_error(
        detente_cli("analyze", path, "--set", "rule=majority"),
        "--set rule=majority: not a label of the categorical parameter rule; labels: veto, none",
    )
    assert_one_line_error(
        detente_cli("analyze", path, "--set", "n=2.5"),
        "--set n=2.5: not a label",
        "labels: 1, 2, 3",
    )
    assert_one_line_error(
        detente_cli("analyze", path, "--set", "x=high"), "--set x=high: parameter x is a number"
    )


def test_validate_lists_the_choices_and_the_variants(capsys: pytest.CaptureFixture[str]) -> None:
    done = in_process(capsys, "validate", HANOI)
    assert done.returncode == 0, done.stderr
    said = " ".join(done.stdout.split())  # as wrapped at 80 columns
    assert (
        "choice Hard-liners' role in ratification (hardliner_rule) = veto (choices: veto 70%, "
        "none 30%)" in said
    )
    assert "choice Who moves first in each stage (first_mover) = nk (choices: nk 70%, us 30%)" in (
        said
    )
    assert "variant no_veto: hardliner_rule=none" in said


def test_a_bad_choice_in_a_file_is_one_located_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(CHOOSING.replace("veto: 0.6, none: 0.4", "veto: 0.6, none: 0.5"))
    assert_one_line_error(
        in_process(capsys, "validate", path),
        f"{path}:3:",
        "parameters.rule.choices: the probabilities of the choices sum to 1.1",
    )


def test_summarize_prints_the_claims_given_each_choice(
    detente_cli: CLI, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "run"
    done = in_process(
        capsys, "sweep", choosing(tmp_path), "--draws", "30", "--seed", "2", "-o", out
    )
    assert done.returncode == 0, done.stderr
    text = detente_cli("summarize", out)  # as printed at 120 columns
    assert text.returncode == 0, text.stderr
    assert "Claims given each choice of rule" in text.stdout
    assert "Claims given each choice of n" in text.stdout
    summary = json.loads(in_process(capsys, "summarize", out, "--json").stdout)
    none = summary["by_choice"]["rule"]["none"]
    assert f"none ({none['draws']} draws)" in text.stdout
    assert none["claims"]["vetoed"]["share"] == 0.0


def test_compare_warns_of_each_variant_value_outside_its_range(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "choosing.yaml"
    path.write_text(CHOOSING.replace("free: {set: {rule: none}", "free: {set: {rule: none, x: -1}"))
    done = in_process(capsys, "compare", path, "--variant", "wide=x=2", "--set", "x=3", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "warning: --set x=3 is outside the declared range [0, 1] of parameter x; using it anyway",
        "warning: variant free: x=-1 is outside the declared range [0, 1] of parameter x; "
        "using it anyway",
        "warning: variant wide: x=2 is outside the declared range [0, 1] of parameter x; "
        "using it anyway",
    ]
    assert [v["sets"]["x"] for v in json.loads(done.stdout)["variants"]] == [-1, 2]
