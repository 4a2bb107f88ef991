"""``include:``: a case built on a common file (merging, overriding, the bounds, the errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.experiments.scenario_text import ScenarioText
from detente.scenariofile.includes import MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES
from detente.scenariofile.loader import load_scenario
from tests.conftest import CLI, assert_one_line_error

LIBRARY = Path(__file__).parent / "fixtures" / "library"

COMMON = """\
parameters:
  d: {value: 0.9, range: [0.5, 0.99], source: "assumption"}
  w: {value: 2, source: "assumption"}
issues:
  - {name: x, values: [low, high]}
parties:
  - {id: A, name: Side A, discount: =d, utility: {type: linear, values: {x: {low: 0, high: =w}}}}
  - {id: B, name: Side B, discount: =d, utility: {type: linear, values: {x: {low: 1, high: 0}}}}
"""


def write(folder: Path, **files: str) -> None:
    for name, text in files.items():
        (folder / name.replace("__", "/")).write_text(text, encoding="utf-8")


def test_a_case_overrides_a_common_parameter_and_keeps_its_range(tmp_path: Path) -> None:
    write(tmp_path, **{"common.yaml": COMMON})
    write(
        tmp_path,
        **{"case.yaml": "include: common.yaml\nname: case\nparameters:\n  d: {value: 0.7}\n"},
    )
    scenario = load_scenario(tmp_path / "case.yaml")
    record = scenario.parameter_records["d"]
    assert record.value == 0.7  # the case's value wins
    assert record.range == (0.5, 0.99)  # the common file's range is kept (mappings merge)
    assert scenario.parameter_records["w"].value == 2
    assert [p.discount for p in scenario.parties] == [0.7, 0.7]


def test_lists_are_replaced_and_key_plus_appends(tmp_path: Path) -> None:
    write(tmp_path, **{"common.yaml": COMMON})
    write(
        tmp_path,
        **{
            "replace.yaml": "include: common.yaml\nname: r\nissues:\n  - {name: x, values: [a, b, c]}\n"
            "parties:\n  - {id: A, name: A, utility: {type: linear, values: {x: {a: 0, b: 1, c: 2}}}}\n"
            "  - {id: B, name: B, utility: {type: linear, values: {x: {a: 2, b: 1, c: 0}}}}\n",
            "append.yaml": "include: common.yaml\nname: a\nparties+:\n"
            "  - {id: C, name: C, utility: {type: linear, values: {x: {low: 1, high: 1}}}}\n",
        },
    )
    assert load_scenario(tmp_path / "replace.yaml").space.size == 3
    assert load_scenario(tmp_path / "append.yaml").party_ids == ("A", "B", "C")


def test_errors_point_at_the_file_the_value_is_written_in(tmp_path: Path) -> None:
    write(tmp_path, **{"common.yaml": COMMON.replace("high: =w", "high: =nope")})
    write(tmp_path, **{"case.yaml": "include: common.yaml\nname: case\n"})
    with pytest.raises(ScenarioError) as raised:
        load_scenario(tmp_path / "case.yaml")
    assert str(raised.value).startswith(f"{tmp_path / 'common.yaml'}:7:")
    write(tmp_path, **{"common.yaml": COMMON})
    write(tmp_path, **{"case.yaml": "include: common.yaml\nname: case\nbogus: 1\n"})
    with pytest.raises(ScenarioError) as raised:
        load_scenario(tmp_path / "case.yaml")
    assert str(raised.value) == f"{tmp_path / 'case.yaml'}:3:1: bogus: unknown field 'bogus'"


def test_a_missing_include_is_one_line_naming_the_file_line_and_path(
    tmp_path: Path, detente_cli: CLI
) -> None:
    write(tmp_path, **{"common.yaml": COMMON})
    write(tmp_path, **{"case.yaml": "name: case\ninclude: [common.yaml, gone.yaml]\n"})
    done = detente_cli("validate", tmp_path / "case.yaml")
    assert_one_line_error(done, f"{tmp_path / 'case.yaml'}:2:", "include[1]", "gone.yaml")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"case.yaml": "include: a.yaml\nname: c\n", "a.yaml": "include: case.yaml\n"}, "cycle"),
        ({"case.yaml": "include: case.yaml\nname: c\n"}, "cycle"),
        ({"case.yaml": "include: ../outside.yaml\nname: c\n"}, "outside the scenario's folder"),
        ({"case.yaml": "include: /etc/hostname\nname: c\n"}, "outside the scenario's folder"),
        ({"case.yaml": "include: [1, 2]\nname: c\n"}, "a file name or a list of file names"),
        ({"case.yaml": "include: common.yaml\nname: c\nissues+: {x: 1}\n"}, "both must be lists"),
    ],
)
def test_bad_includes_are_refused(tmp_path: Path, files: dict[str, str], message: str) -> None:
    write(tmp_path, **{"common.yaml": COMMON}, **files)
    (tmp_path.parent / "outside.yaml").write_text(COMMON, encoding="utf-8")
    with pytest.raises(ScenarioError, match=message):
        load_scenario(tmp_path / "case.yaml")


def test_include_bombs_are_bounded(tmp_path: Path) -> None:
    """A chain deeper than the bound, a fan-out past the file count, and YAML anchors in an
    included file (the plain-data parser's refusal applies to it too)."""
    chain = {f"f{i}.yaml": f"include: f{i + 1}.yaml\n" for i in range(MAX_INCLUDE_DEPTH + 2)}
    write(tmp_path, **chain, **{f"f{MAX_INCLUDE_DEPTH + 2}.yaml": COMMON})
    with pytest.raises(ScenarioError, match="nested more than"):
        load_scenario(tmp_path / "f0.yaml")
    fan = "include: [" + ", ".join(["{}.yaml"] * 6) + "]\n"
    write(tmp_path, **{"a.yaml": fan.format(*"b" * 6) + "name: bomb\n"})
    write(tmp_path, **{"b.yaml": fan.format(*"c" * 6), "c.yaml": COMMON})
    with pytest.raises(ScenarioError, match=f"more than {MAX_INCLUDED_FILES} includes"):
        load_scenario(tmp_path / "a.yaml")
    write(tmp_path, **{"x.yaml": "include: y.yaml\nname: x\n", "y.yaml": "a: &a [1]\nb: *a\n"})
    with pytest.raises(ScenarioError, match="anchors and aliases") as raised:
        load_scenario(tmp_path / "x.yaml")
    assert str(raised.value).startswith(str(tmp_path / "y.yaml"))


def test_scenario_text_carries_the_included_files(tmp_path: Path) -> None:
    """Sweeps, thresholds, compare and reports read a file through ScenarioText: it sees the
    merged file without the disk, and its identity changes with the common file."""
    write(tmp_path, **{"common.yaml": COMMON})
    write(tmp_path, **{"case.yaml": "include: common.yaml\nname: case\n"})
    text = ScenarioText.read(tmp_path / "case.yaml")
    assert [f for f, _ in text.includes] == [str(tmp_path / "common.yaml")]
    (tmp_path / "common.yaml").unlink()
    assert text.build({"d": 0.6}).parties[0].discount == 0.6
    assert [p.name for p in text.uncertain()] == ["d"]
    other = ScenarioText(text.file, text.text, (), ((text.includes[0][0], COMMON + "\n"),))
    assert other.identity() != text.identity()


def test_the_library_cases_share_the_common_file() -> None:
    names = {load_scenario(LIBRARY / f"case-{y}.yaml").name for y in (1995, 2000, 2018)}
    assert names == {"Exchange of 1995", "Exchange of 2000", "Exchange of 2018"}
    late = load_scenario(LIBRARY / "case-2018.yaml").parameter_records["c_A"]
    assert (late.value, late.range) == (0.18, (0.15, 0.25))
