"""Factions in scenario files: syntax, the negotiating utility, rules, and located errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.factions import Derived, Given, Leading
from detente.ratification import Majority, NoRatification, Unanimity, Veto
from detente.scenariofile.loader import load_scenario
from detente.twolevel import reweight
from tests.conftest import SCENARIOS

GOOD = """\
name: hawks and doves
issues:
  - {name: relief, range: [0, 4]}
parties:
  - id: us
    reservation: 0
    factions:
      - id: dove
        weight: 3
        utility: {type: linear, values: {relief: {slope: -1, intercept: 4}}}
      - id: hawk
        weight: 1
        reservation: 1
        utility: {type: linear, values: {relief: {slope: -1, intercept: 2}}}
    negotiating_utility: derived
    ratification: {rule: majority, threshold: 0.5}
  - id: nk
    utility: {type: linear, values: {relief: {slope: 1, intercept: 0}}}
  - id: ally
    signatory: false
    utility: {type: linear, values: {relief: {slope: 1, intercept: -1}}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


def test_factions_build_a_domestic_side_with_a_derived_utility(tmp_path: Path) -> None:
    us = load_scenario(write(tmp_path, GOOD)).party("us")
    assert us.domestic is not None
    assert us.domestic.ids == ("dove", "hawk")
    assert us.domestic.rule == Majority(0.5)
    assert us.domestic.basis == Derived()
    assert us.domestic.reservations(0.0).tolist() == [0.0, 1.0]
    space = load_scenario(write(tmp_path, GOOD)).space
    expected = 0.75 * (4 - np.arange(5)) + 0.25 * (2 - np.arange(5))
    np.testing.assert_allclose(us.utility.evaluate(space, np.arange(5)), expected)


def test_parties_without_factions_are_unchanged(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD))
    assert scenario.party("nk").domestic is None
    assert not scenario.party("ally").signatory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{rule: veto, players: [hawk]}", Veto(("hawk",))),
        ("unanimity", Unanimity()),
        ("{rule: unanimity}", Unanimity()),
        ("none", NoRatification()),
        ("majority", Majority(0.5)),
    ],
)
def test_every_ratification_rule_has_a_spelling(
    tmp_path: Path, text: str, expected: object
) -> None:
    source = GOOD.replace("{rule: majority, threshold: 0.5}", text)
    domestic = load_scenario(write(tmp_path, source)).party("us").domestic
    assert domestic is not None and domestic.rule == expected


def test_leading_faction_and_given_utility(tmp_path: Path) -> None:
    leading = GOOD.replace("negotiating_utility: derived", "negotiating_utility: {leading: hawk}")
    us = load_scenario(write(tmp_path, leading)).party("us")
    assert us.domestic is not None and us.domestic.basis == Leading("hawk")
    assert us.utility == us.domestic.faction("hawk").utility
    given = GOOD.replace(
        "negotiating_utility: derived",
        "utility: {type: linear, values: {relief: {slope: -2, intercept: 8}}}",
    )
    us = load_scenario(write(tmp_path, given)).party("us")
    assert us.domestic is not None and us.domestic.basis == Given()


def test_theory_two_level_file_loads_with_vetoes_and_leaders() -> None:
    scenario = load_scenario(SCENARIOS / "theory" / "two-level.yaml", {"v_H": 0.4})
    us = scenario.party("us")
    assert us.domestic is not None and us.domestic.rule == Veto(("hawk",))
    assert scenario.space.size == 101
    assert scenario.space.issues[0].values[40] == 0.4


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        (
            ("weight: 3", "weight: -3"),
            ["s.yaml:9:9", "factions[0].weight", "greater than or equal to 0"],
        ),
        (
            ("weight: 3", "weight: 0", "weight: 1", "weight: 0"),
            ["s.yaml:", "parties[0].factions", "faction weights are all zero (dove, hawk)"],
        ),
        (
            ("{rule: majority, threshold: 0.5}", "{rule: veto, players: [army]}"),
            [
                "s.yaml:",
                "ratification.players[0]",
                "veto player 'army' is not a faction",
                "dove, hawk",
            ],
        ),
        (
            ("threshold: 0.5", "threshold: 1.5"),
            ["parties[0].ratification.threshold", "less than or equal to 1"],
        ),
        (("threshold: 0.5", "threshold: 0"), ["ratification.threshold", "greater than 0"]),
        (("{rule: majority, threshold: 0.5}", "{rule: veto}"), ["a veto rule needs `players"]),
        (("{rule: majority, threshold: 0.5}", "plurality"), ["ratification.rule", "'veto'"]),
        (
            ("negotiating_utility: derived", "negotiating_utility: {leading: army}"),
            ["negotiating_utility.leading", "leading faction 'army' is not a faction"],
        ),
        (
            ("negotiating_utility: derived", "negotiating_utility: given"),
            ["parties[0]", "negotiating_utility is given but no `utility`"],
        ),
        (
            ("  - id: nk\n", "  - id: nk\n    ratification: unanimity\n"),
            ["parties[1]", "`ratification` needs a `factions` list"],
        ),
        (
            ("      - id: hawk", "      - id: dove"),
            ["factions[1].id", "faction 'dove' is declared twice"],
        ),
        (("{rule: majority, threshold: 0.5}", "{rule: plurality}"), ["ratification.rule"]),
    ],
)
def test_bad_factions_are_one_located_line(
    tmp_path: Path, edit: tuple[str, ...], fragments: list[str]
) -> None:
    text = GOOD
    for old, new in zip(edit[::2], edit[1::2], strict=True):
        assert old in text
        text = text.replace(old, new, 1)
    with pytest.raises(DetenteError) as caught:
        load_scenario(write(tmp_path, text))
    line = str(caught.value)
    assert "\n" not in line
    for fragment in fragments:
        assert fragment in line, (fragment, line)


def test_reweighting_keeps_the_partys_hard_constraints(tmp_path: Path) -> None:
    text = GOOD.replace(
        "    negotiating_utility: derived\n",
        "    negotiating_utility: derived\n    requires: {relief: [0, 1, 2]}\n",
    )
    scenario = reweight(load_scenario(write(tmp_path, text)), "us", "hawk", 3.0)
    us = scenario.party("us")
    values = us.utility.evaluate(scenario.space, np.arange(5))
    assert np.isneginf(values[3:]).all()
    np.testing.assert_allclose(values[:3], 0.5 * (4 - np.arange(3)) + 0.5 * (2 - np.arange(3)))


def test_negotiator_anticipates_ratification_unless_told_otherwise(tmp_path: Path) -> None:
    domestic = load_scenario(write(tmp_path, GOOD)).party("us").domestic
    assert domestic is not None and domestic.anticipated
    text = GOOD.replace("threshold: 0.5}", "threshold: 0.5, anticipated: false}")
    domestic = load_scenario(write(tmp_path, text)).party("us").domestic
    assert domestic is not None and not domestic.anticipated
