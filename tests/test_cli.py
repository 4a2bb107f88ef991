"""The command line as a user runs it: validate, analyze, schema, and every bad-input class."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import CLI, SCENARIOS, assert_one_line_error

WORKED = SCENARIOS / "theory" / "worked-example.yaml"


def test_validate_prints_ok_and_a_summary(detente_cli: CLI) -> None:
    done = detente_cli("validate", WORKED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: ")
    # the summary is prose wrapped to the terminal (no stdout line is wider than it)
    assert "2 parties, 1 issues, 4 outcomes, 2 parameters" in " ".join(done.stdout.split())


def test_analyze_json_has_the_documented_keys(detente_cli: CLI) -> None:
    done = detente_cli("analyze", WORKED, "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["parties"] == ["A", "B"]
    assert document["n_outcomes"] == 4
    assert document["reservation_values"] == [0.0, 0.0]
    assert document["n_rational"] == 4
    assert document["pareto"] == [[6.0, 2.0], [4.0, 5.0], [1.0, 9.0]]
    solutions = document["solutions"]
    for name in ("nash", "kalai_smorodinsky", "egalitarian"):
        assert solutions[name] == {
            "outcome": {"deal": "MediumDeal"},
            "utilities": [4.0, 5.0],
            "ties": 1,
        }
    assert solutions["utilitarian"]["outcome"] == {"deal": "BigDeal"}


def test_set_overrides_a_parameter(detente_cli: CLI) -> None:
    done = detente_cli("analyze", WORKED, "--json", "--set", "d_A=4.5")
    document = json.loads(done.stdout)
    assert document["reservation_values"] == [4.5, 0.0]
    assert document["n_rational"] == 1
    assert document["solutions"]["nash"]["outcome"] == {"deal": "SmallDeal"}


def test_no_rational_outcome_is_a_result_not_an_error(detente_cli: CLI) -> None:
    done = detente_cli("analyze", WORKED, "--json", "--set", "d_A=7", "--set", "d_B=0")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["n_rational"] == 0
    assert document["solutions"]["nash"] is None
    assert "rational" in document["solution_reasons"]["nash"]


def test_analyze_prints_a_readable_summary(detente_cli: CLI) -> None:
    done = detente_cli("analyze", WORKED)
    assert done.returncode == 0, done.stderr
    assert "4 outcomes, 4 individually rational, Pareto frontier of 3" in done.stdout
    assert "MediumDeal" in done.stdout and "BigDeal" in done.stdout


ITEM_AND_INTEGER = """
name: kinds
issues: [{name: x, type: item}, {name: n, range: [0, 1]}]
parties:
  - {id: A, utility: {type: linear, values: {x: -1, n: {slope: 2}}}}
  - {id: B, utility: {type: linear, values: {x: 3, n: {slope: 1}}}}
"""


def test_analyze_names_delivered_items_and_shows_other_issues_with_their_value(
    detente_cli: CLI, tmp_path: Path
) -> None:
    # n takes only the values 0 and 1, but it is an integer, not an item: kinds decide
    path = tmp_path / "kinds.yaml"
    path.write_text(ITEM_AND_INTEGER)
    done = detente_cli("analyze", path)
    assert done.returncode == 0, done.stderr
    assert re.search(r"│ Nash\s+│ x, n = 1\s+│", done.stdout)
    assert "Nash puts the deal at x, n = 1, worth 1 to A and 4 to B." in done.stdout


def test_schema_is_json_schema_of_scenarios(detente_cli: CLI) -> None:
    done = detente_cli("schema")
    schema = json.loads(done.stdout)
    assert schema["title"] == "detente scenario"
    assert {"name", "issues", "parties"} <= set(schema["required"])


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = WORKED.read_text()
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ("issues:", "issues: [", ["bad.yaml:", "invalid YAML"]),
        (
            "reservation: =d_A",
            "reservation: plenty",
            ["bad.yaml:17:", "parties[0].reservation", "number"],
        ),
        (
            "values: {deal: {FreezeForFreeze: 2,",
            "values: {dael: {FreezeForFreeze: 2,",
            ["no issue 'dael'", "issues are: deal"],
        ),
        ("reservation: =d_B", "reservation: =d_C", ["unknown parameter 'd_C'", "d_A, d_B"]),
        (
            "name: Side A",
            "name: Side A\n    discount: -0.1",
            ["parties[0].discount", "greater than 0"],
        ),
    ],
)
def test_bad_scenarios_fail_with_one_line(
    detente_cli: CLI, tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    for command in ("validate", "analyze"):
        assert_one_line_error(detente_cli(command, _variant(tmp_path, old, new)), *fragments)


def test_unknown_parameter_override(detente_cli: CLI) -> None:
    assert_one_line_error(
        detente_cli("analyze", WORKED, "--set", "delta=0.9"), "no such parameter", "d_A, d_B"
    )


def test_missing_file(detente_cli: CLI) -> None:
    assert_one_line_error(detente_cli("validate", "nope.yaml"), "nope.yaml", "no such file")


def test_outcome_space_too_large(detente_cli: CLI, tmp_path: Path) -> None:
    issues = "\n".join(f"  - {{name: i{k}, range: [0, 9]}}" for k in range(10))
    path = tmp_path / "huge.yaml"
    path.write_text(
        f"name: huge\nissues:\n{issues}\nparties:\n"
        "  - {id: a, utility: {values: {i0: {slope: 1}}}}\n"
        "  - {id: b, utility: {values: {i0: {slope: -1}}}}\n"
    )
    assert detente_cli("validate", path).stdout.startswith("ok: ")
    assert "10,000,000,000 outcomes" in detente_cli("validate", path).stdout
    assert_one_line_error(detente_cli("analyze", path), "10,000,000,000", "--max-outcomes")


def test_a_folder_is_not_a_scenario_file(detente_cli: CLI, tmp_path: Path) -> None:
    assert_one_line_error(detente_cli("validate", tmp_path), "is a folder")


def test_internal_errors_exit_1_with_a_debug_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    from detente.cli import main

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(importlib.import_module("detente.cli.validate"), "load", broken)
    with pytest.raises(SystemExit) as exit_:
        main(["validate", str(WORKED)])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RuntimeError: boom" in err and "--debug" in err
    with pytest.raises(RuntimeError, match="boom"):
        main(["validate", str(WORKED), "--debug"])


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["analyze"], ["Missing argument", "detente analyze --help"]),
        (["analyze", "x.yaml", "--bogus"], ["No such option: --bogus"]),
        (["negotiate"], ["No such command 'negotiate'", "detente --help"]),
    ],
)
def test_usage_errors_are_one_line_exit_2(
    detente_cli: CLI, args: list[str], fragments: list[str]
) -> None:
    assert_one_line_error(detente_cli(*args), *fragments)


def test_set_to_infinity_is_one_line_not_an_internal_error(detente_cli: CLI) -> None:
    done = detente_cli("analyze", WORKED, "--set", "d_A=1e400")
    assert_one_line_error(done, "--set 'd_A=1e400'", "finite")
