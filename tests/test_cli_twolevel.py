"""``detente analyze`` on two-level games: win-sets, ratifiable agreement, faction sweeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI, SCENARIOS, assert_one_line_error

TWO_LEVEL = SCENARIOS / "theory" / "two-level.yaml"


def analyze_json(detente_cli: CLI, *args: str | Path) -> dict[str, Any]:
    done = detente_cli("analyze", *args, "--json")
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = json.loads(done.stdout)
    return document


@pytest.mark.parametrize(
    ("v_H", "c_M", "relief", "intersection"),
    [("1.0", "0", 0.5, 61), ("0.4", "0", 0.4, 21), ("0.4", "0.3", 0.4, 11)],
)
def test_theory_two_level_rows_from_the_command_line(
    detente_cli: CLI, v_H: str, c_M: str, relief: float, intersection: int
) -> None:
    """THEORY.md §4 [Putnam1988]: R* read from ``agreement.outcome``."""
    document = analyze_json(detente_cli, TWO_LEVEL, "--set", f"v_H={v_H}", "--set", f"c_M={c_M}")
    assert document["agreement"]["outcome"] == {"relief": relief}
    assert document["intersection_size"] == intersection
    assert document["solution_scope"] == "ratifiable"
    assert document["claims"] == {"ratifiable": True}
    assert document["solutions"]["nash"]["outcome"] == {"relief": relief}
    assert document["solutions_unrestricted"]["nash"]["outcome"] == {"relief": 0.5}


def test_theory_two_level_row4_reports_no_ratifiable_agreement(detente_cli: CLI) -> None:
    document = analyze_json(detente_cli, TWO_LEVEL, "--set", "v_H=0.4", "--set", "c_M=0.45")
    assert document["agreement"] is None
    assert document["agreement_reason"] == (
        "no ratifiable agreement: the win-sets of us and nk do not meet"
    )
    assert document["win_sets"] == {
        "us": {"size": 41, "signatory": True},
        "nk": {"size": 56, "signatory": True},
    }
    assert document["intersection_size"] == 0
    assert document["solutions"]["nash"] is None
    assert document["claims"] == {"ratifiable": False}


def _with_ally(tmp_path: Path, intercept: float) -> Path:
    ally = (
        "  - id: ally\n"
        "    signatory: false\n"
        f"    utility: {{type: linear, values: {{relief: {{slope: 1, intercept: {intercept}}}}}}}\n"
    )
    parties, sep, rest = TWO_LEVEL.read_text().partition("\nclaims:")
    text = parties + "\n" + ally.rstrip("\n") + sep + rest
    path = tmp_path / "with-ally.yaml"
    path.write_text(text)
    return path


def test_stakeholder_utilities_are_shown_at_every_solution(
    detente_cli: CLI, tmp_path: Path
) -> None:
    document = analyze_json(detente_cli, _with_ally(tmp_path, -0.5))
    assert document["signatories"] == ["us", "nk"]
    assert document["agreement"]["outcome"] == {"relief": 0.5}
    assert document["agreement"]["utilities"] == pytest.approx([0.3, 0.3, 0.0])
    assert document["stakeholders"]["ally"]["nash"] == pytest.approx(0.0)
    assert set(document["stakeholders"]["ally"]) == {
        "nash",
        "kalai_smorodinsky",
        "egalitarian",
        "utilitarian",
    }
    effects = document["stakeholder_effects"]["ally"]
    assert effects["us"]["verdict"] == "hurts"
    assert effects["nk"]["verdict"] == "helps"
    assert document["win_sets"]["ally"]["signatory"] is False


def test_vary_faction_reports_where_agreement_becomes_impossible(
    detente_cli: CLI, tmp_path: Path
) -> None:
    text = TWO_LEVEL.read_text().replace(
        "ratification: {rule: veto, players: [hawk]}",
        "ratification: {rule: majority, threshold: 0.5}",
    )
    path = tmp_path / "majority.yaml"
    path.write_text(text)
    sets = ("--set", "v_H=0.4", "--set", "c_M=0.45")
    document = analyze_json(detente_cli, path, *sets, "--vary-faction", "us.hawk.weight=0:2:5")
    sweep = document["faction_sweep"]
    assert [p["weight"] for p in sweep["points"]] == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert [p["intersection_size"] for p in sweep["points"]] == [36, 36, 36, 0, 0]
    assert sweep["points"][0]["agreement"]["outcome"] == {"relief": 0.5}
    assert sweep["points"][4]["agreement"] is None
    assert "us and nk do not meet" in sweep["points"][4]["agreement_reason"]
    assert sweep["impossible"] == [[1.5, 2.0]]


def test_readable_summary_says_solutions_are_restricted(detente_cli: CLI) -> None:
    done = detente_cli(
        "analyze", TWO_LEVEL, "--set", "v_H=0.4", "--vary-faction", "us.hawk.weight=0:1:3"
    )
    assert done.returncode == 0, done.stderr
    assert "intersection of the" in done.stdout
    assert "agreement (Nash, ratifiable): relief = 0.4" in done.stdout
    assert "an agreement is ratifiable at every weight on the grid" in done.stdout


@pytest.mark.parametrize(
    ("grid", "fragments"),
    [
        ("us.hawk=0:1:11", ["--vary-faction", "PARTY.FACTION.weight=LOW:HIGH:N"]),
        ("us.army.weight=0:1:3", ["no faction 'army'", "president, hawk"]),
    ],
)
def test_bad_faction_grid_is_one_line(detente_cli: CLI, grid: str, fragments: list[str]) -> None:
    assert_one_line_error(detente_cli("analyze", TWO_LEVEL, "--vary-faction", grid), *fragments)


def test_grid_leaving_every_faction_weightless_is_one_line(
    detente_cli: CLI, tmp_path: Path
) -> None:
    text = TWO_LEVEL.read_text().replace(
        "      - id: hawk\n", "      - id: hawk\n        weight: 0\n"
    )
    path = tmp_path / "lone.yaml"
    path.write_text(text)
    done = detente_cli("analyze", path, "--vary-faction", "us.president.weight=0:1:2")
    assert_one_line_error(done, "faction weights are all zero")


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ("players: [hawk]", "players: [army]", ["veto player 'army' is not a faction"]),
    ],
)
def test_bad_factions_in_a_file_exit_2(
    detente_cli: CLI, tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    text = TWO_LEVEL.read_text()
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1))
    assert_one_line_error(detente_cli("analyze", path, "--json"), "bad.yaml:", *fragments)
