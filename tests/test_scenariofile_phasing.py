"""The items:, trust: and phasing: sections of scenario files."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.scenariofile.loader import load_scenario
from detente.trust import BetaReputation, Hazard, TwoTypes
from tests.conftest import SCENARIOS

HEAD = """
name: t
issues: [{name: step, type: item}]
parties:
  - {id: A, discount: 0.9, utility: {type: linear, values: {step: 1}}}
  - {id: B, discount: 0.9, utility: {type: linear, values: {step: 1}}}
"""

ITEMS = """
items:
  - {name: a, giver: A, cost: 1, value: {B: 1.5}, max: 10}
  - {name: b, giver: B, cost: 1, value: {A: 0.8}, reversibility: 0.5}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + text)
    return path


def test_sections_build_a_deal_with_defaults(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, ITEMS))
    assert scenario.phasing is not None
    deal = scenario.phasing.deal
    assert deal.order == (("A",), ("B",))
    assert deal.items[0].total == (0.0, 10.0)
    assert deal.items[1].reversibility == 0.5
    assert [s.discount for s in deal.stakes] == [0.9, 0.9]
    assert scenario.phasing.stages == 1 and scenario.phasing.objective == "total"


def test_an_item_unit_reaches_the_item_and_defaults_to_none(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, ITEMS.replace("max: 10", "max: 10, unit: t HFO")))
    assert scenario.phasing is not None
    assert [item.unit for item in scenario.phasing.deal.items] == ["t HFO", None]


def test_trust_section_builds_each_model(tmp_path: Path) -> None:
    text = (
        ITEMS
        + """
trust:
  A: {B: {beta: {alpha: 2, beta: 2, records: [{honoured: 3, reneged: 1}]}}}
  B: {A: {types: {opportunist: 0.3, renege_trustworthy: 0.1, reneged: 1}}}
"""
    )
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.trust is not None
    assert isinstance(scenario.trust.model("A", "B"), BetaReputation)
    belief = scenario.trust.model("B", "A")
    assert isinstance(belief, TwoTypes)
    assert belief.opportunist == pytest.approx(0.3 / 0.37)


def test_simultaneous_order_puts_every_giver_in_one_group(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, ITEMS + "phasing: {order: simultaneous}\n"))
    assert scenario.phasing is not None
    assert scenario.phasing.deal.order == (("A", "B"),)


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (
            ITEMS + "phasing: {schedule: [{a: 1, zz: 2}]}\n",
            ["phasing.schedule[0]", "unknown item 'zz'"],
        ),
        (
            ITEMS + "trust: {A: {B: {hazard: 1.5}}}\n",
            ["trust.A.B.hazard", "less than or equal to 1"],
        ),
        (ITEMS + "trust: {A: {Z: {hazard: 0.1}}}\n", ["trust.A.Z", "unknown party 'Z'"]),
        (ITEMS + "trust: {A: {B: {hazard: 0.1, types: {opportunist: 0.2}}}}\n", ["exactly one"]),
        (
            ITEMS + "phasing: {links: [{source: a, target: b}, {source: b, target: a}]}\n",
            ["phasing", "cycle"],
        ),
        (ITEMS + "phasing: {equal_steps: [c]}\n", ["phasing.equal_steps", "unknown item 'c'"]),
        (ITEMS.replace("giver: B", "giver: Q"), ["items[1].giver", "unknown party 'Q'"]),
        (ITEMS.replace("max: 10", "min: 3, max: 1"), ["items[0]", "min 3.0 is above max 1.0"]),
        (ITEMS + "phasing: {order: [[A]]}\n", ["phasing", "never moves"]),
        (ITEMS.replace("max: 10", "max: 10, unit: 3"), ["items[0].unit", "valid string"]),
        (ITEMS.replace("max: 10", 'max: 10, unit: " "'), ["items[0].unit", "words on one line"]),
        (ITEMS.replace("max: 10", 'max: 10, unit: "t\\nHFO"'), ["items[0].unit", "one line"]),
        (
            ITEMS.replace("max: 10", "binary: true, unit: t"),
            ["items[0].unit", "binary", "takes no unit"],
        ),
        ("phasing: {stages: 2}\n", ["phasing", "needs an items: section"]),
    ],
)
def test_bad_sections_are_located_one_line_errors(
    tmp_path: Path, text: str, fragments: list[str]
) -> None:
    with pytest.raises(DetenteError) as raised:
        load_scenario(write(tmp_path, text))
    message = str(raised.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


def test_hazard_scenario_parameters_reach_the_trust_table() -> None:
    scenario = load_scenario(SCENARIOS / "theory" / "action-for-action.yaml", {"h_B": 0.25})
    assert scenario.trust is not None
    belief = scenario.trust.model("A", "B")
    assert isinstance(belief, Hazard) and belief.renege == 0.25


VERIFIED = """
items:
  - {name: freeze, giver: A, max: 1, covert_gain: 0.5, detection: 0.1, detection_lag: 2}
  - {name: inspections, giver: A, binary: true, verifies: {freeze: 0.5}}
  - {name: relief, giver: B, flow: {A: 1}, reversibility: 1}
"""


def test_covert_cheating_and_verification_reach_the_items(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, VERIFIED))
    assert scenario.phasing is not None
    freeze, inspections, relief = scenario.phasing.deal.items
    assert (freeze.covert_gain, freeze.detection, freeze.detection_lag) == (0.5, 0.1, 2)
    assert inspections.verifies == (("freeze", 0.5),)
    assert (relief.covert_gain, relief.detection, relief.detection_lag, relief.verifies) == (
        0.0,
        0.0,
        0,
        (),
    )


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ("{freeze: 0.5}", "{frieze: 0.5}", ["items[1].verifies.frieze", "unknown item 'frieze'"]),
        ("{freeze: 0.5}", "{inspections: 0.5}", ["items[1].verifies.inspections", "itself"]),
        (
            "covert_gain: 0.5",
            "covert_gain: -0.5",
            ["items[0].covert_gain", "greater than or equal to 0"],
        ),
        ("detection_lag: 2", "detection_lag: 1.5", ["items[0].detection_lag", "fractional part"]),
        ("detection: 0.1", "detection: 1.1", ["items[0].detection", "less than or equal to 1"]),
        ("{freeze: 0.5}", "{freeze: 2}", ["items[1].verifies.freeze", "less than or equal to 1"]),
        ("binary: true, ", "", ["items[1].verifies", "declare it binary: true"]),
        (
            "name: freeze, giver: A,",
            "name: freeze, giver: B,",
            ["items[0].covert_gain", "discount 1", "below 1"],
        ),
    ],
)
def test_bad_verification_fields_are_located_one_line_errors(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    assert old in VERIFIED
    undiscounted = "  - {id: B, discount: 1, utility"  # B may not cheat: a gain forever is infinite
    head = HEAD.replace("  - {id: B, discount: 0.9, utility", undiscounted)
    path = tmp_path / "s.yaml"
    path.write_text(head + VERIFIED.replace(old, new))
    with pytest.raises(DetenteError) as raised:
        load_scenario(path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / "s.yaml") + ":")
    for fragment in fragments:
        assert fragment in message, message
