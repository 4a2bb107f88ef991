"""Scenario files: parameters, formulas, overrides, validation errors with positions."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError, ScenarioError, UnknownNameError
from detente.scenariofile.loader import load_scenario, parse_overrides, parse_yaml
from tests.conftest import SCENARIOS

GOOD = """\
name: price and delivery
parameters:
  base: {value: 2, range: [1, 3], source: "assumption: illustration"}
  scale: =base * 2
issues:
  - {name: price, range: [1, 3]}
  - {name: delivery, values: [slow, fast]}
  - {name: warranty, type: item}
parties:
  - id: buyer
    reservation: =base
    discount: 0.9
    utility:
      type: linear
      weights: {price: =scale}
      values: {price: {slope: -1, intercept: 4}, delivery: {fast: 1}, warranty: 0.5}
  - id: seller
    utility:
      type: table
      default: 0
      outcomes:
        - {outcome: {price: 3, delivery: slow, warranty: 0}, utility: 5}
    requires: {warranty: [0]}
positions:
  cheap:
    outcome: {price: 1, delivery: slow}
    held_by: buyer
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_parameters_formulas_and_utilities_resolve(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD))
    assert scenario.parameters == {"base": 2.0, "scale": 4.0}
    buyer, seller = scenario.parties
    assert seller.id == "seller" and seller.signatory
    assert buyer.reservation == 2.0 and buyer.discount == 0.9
    index = scenario.space.to_index((1, "fast", 1))
    assert scenario.utility_matrix()[index, 0] == pytest.approx(4 * 3 + 1 + 0.5)
    assert np.isneginf(scenario.utility_matrix()[index, 1])
    assert scenario.utility_matrix()[scenario.space.to_index((3, "slow", 0)), 1] == 5


def test_positions_name_outcomes_and_default_items_to_not_delivered(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD))
    cheap = scenario.positions["cheap"]
    assert scenario.space.to_outcome(cheap.index) == (1, "slow", 0)
    assert cheap.held_by == "buyer"


def test_override_flows_through_dependent_formulas(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD), {"base": 3})
    assert scenario.parameters == {"base": 3.0, "scale": 6.0}
    assert scenario.parties[0].reservation == 3.0


def test_worked_example_ships_with_named_outcomes() -> None:
    scenario = load_scenario(SCENARIOS / "theory" / "worked-example.yaml")
    assert scenario.space.issues[0].values == (
        "FreezeForFreeze",
        "SmallDeal",
        "MediumDeal",
        "BigDeal",
    )
    assert scenario.utility_matrix().tolist() == [[2, 1], [6, 2], [4, 5], [1, 9]]


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        (
            ("discount: 0.9", "discount: -0.5"),
            ["s.yaml:12:5", "parties[0].discount", "greater than 0"],
        ),
        (
            ("weights: {price: =scale}", "weights: {prize: 1}"),
            ["s.yaml:", "no issue 'prize'", "issues are: price"],
        ),
        (
            ("reservation: =base", "reservation: =bse"),
            ["unknown parameter 'bse'", "parameters: base, scale"],
        ),
        (
            ("delivery: {fast: 1}", "delivery: {rapid: 1}"),
            ["no value 'rapid'", "valid values: slow, fast"],
        ),
        (("  - id: seller", "  - id: buyer"), ["party id 'buyer' is declared twice"]),
        (
            ("discount: 0.9", "discount: 0.9\n    colour: red"),
            ["unknown field 'colour'", "parties[0]"],
        ),
        (("type: table", "type: tabel"), ["parties[1].utility", "linear", "table"]),
        (("name: price and delivery", "name: [unclosed"), ["s.yaml:", "invalid YAML"]),
        (("scale: =base * 2", "scale: !!python/object/apply:os.system ['true']"), ["not allowed"]),
        (("warranty: 0.5", "warranty: [1]"), ["lists 1 values", "has 2"]),
        (("warranty: 0.5", "warranty: .nan"), ["values.warranty", "finite number"]),
        (("held_by: buyer", "held_by: broker"), ["positions.cheap.held_by", "no party 'broker'"]),
        (("{price: 1, delivery: slow}", "{delivery: slow}"), ["positions.cheap.outcome", "price"]),
    ],
)
def test_bad_input_is_one_located_line(
    tmp_path: Path, edit: tuple[str, str], fragments: list[str]
) -> None:
    old, new = edit
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DetenteError) as caught:
        load_scenario(path)
    line = str(caught.value)
    assert "\n" not in line
    for fragment in fragments:
        assert fragment in line, (fragment, line)


def test_unknown_override_lists_parameters(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="parameters: base, scale"):
        load_scenario(write(tmp_path, GOOD), {"gamma": 1})


def test_parameter_cycle_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("base: {value: 2,", "base: {value: =scale,")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(write(tmp_path, text))


def test_parameter_value_outside_its_range_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("base: {value: 2,", "base: {value: 5,")
    with pytest.raises(ScenarioError, match=r"outside its range \[1.0, 3.0\]"):
        load_scenario(write(tmp_path, text))


def test_missing_file_and_bad_set_syntax() -> None:
    with pytest.raises(DetenteError, match="no such file"):
        load_scenario("does-not-exist.yaml")
    with pytest.raises(DetenteError, match="NAME=NUMBER"):
        parse_overrides(["delta"])


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
def test_set_refuses_non_finite_numbers(value: str) -> None:
    with pytest.raises(DetenteError, match="finite number"):
        parse_overrides([f"d_A={value}"])


def test_parameters_may_use_parameters_declared_after_them(tmp_path: Path) -> None:
    text = GOOD.replace("  base: {value: 2,", "  early: =scale + base\n  base: {value: 2,")
    assert load_scenario(write(tmp_path, text)).parameters["early"] == 6.0


def test_an_override_breaks_a_cycle_through_the_overridden_parameter(tmp_path: Path) -> None:
    text = GOOD.replace("base: {value: 2,", "base: {value: =scale,")
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError, match="cycle: base → scale → base"):
        load_scenario(path)
    assert load_scenario(path, {"base": 2}).parameters == {"base": 2.0, "scale": 4.0}


def test_one_parsed_file_resolves_each_set_of_overrides_on_its_own(tmp_path: Path) -> None:
    from detente.scenariofile.loader import build_scenario, read_yaml

    tree = read_yaml(write(tmp_path, GOOD))
    assert build_scenario(tree, {"scale": 1}).parameters == {"base": 2.0, "scale": 1.0}
    assert build_scenario(tree).parameters == {"base": 2.0, "scale": 4.0}
    assert build_scenario(tree, {"base": 3}).parameters == {"base": 3.0, "scale": 6.0}


def test_a_parameter_that_is_neither_number_nor_formula_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("scale: =base * 2", "scale: twice base")
    with pytest.raises(ScenarioError, match=r"parameters\.scale\.value: parameter 'scale' needs a"):
        load_scenario(write(tmp_path, text))


def test_a_mapping_used_as_a_key_is_refused_where_it_stands(tmp_path: Path) -> None:
    text = GOOD.replace("name: price and delivery", "name: p\n? [a, b]\n: x")
    with pytest.raises(ScenarioError, match=r"s\.yaml:2:3: a mapping key must be a name"):
        load_scenario(write(tmp_path, text))


def test_a_key_with_a_line_break_is_quoted_in_the_one_line_error(tmp_path: Path) -> None:
    text = GOOD.replace("discount: 0.9", '"disc\\nount": 0.9')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, text))
    assert "parties[0]['disc\\nount']" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["-_", "+__", "0x_", "-0b_", "0o_"])
def test_an_integer_without_digits_is_read_as_the_text_it_is(text: str, tmp_path: Path) -> None:
    # found by atheris: ruamel's integer pattern matches "-_", its constructor then fails
    assert parse_yaml(f"a: {text}\nb: [{text}]\n", "s.yaml").root == {"a": text, "b": [text]}
    named = GOOD.replace("name: price and delivery", f"name: {text}")
    assert load_scenario(write(tmp_path, named)).name == text
    priced = GOOD.replace("reservation: =base", f"reservation: {text}")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write(tmp_path, priced))
    assert str(caught.value).startswith(f"{tmp_path / 's.yaml'}:11:5: parties[0].reservation: ")
    assert str(caught.value).endswith(f"(got '{text}')")


@pytest.mark.parametrize(
    ("tagged", "problem"),
    [
        ("!!int -_", "'-_' is not a valid !!int value"),
        ("!!int abc", "'abc' is not a valid !!int value"),
        ("!!int 1.5", "'1.5' is not a valid !!int value"),
        ("!!float abc", "'abc' is not a valid !!float value"),
        ("!!bool maybe", "'maybe' is not a valid !!bool value"),
    ],
)
def test_a_value_not_of_its_explicit_tag_is_refused_where_it_stands(
    tagged: str, problem: str
) -> None:
    with pytest.raises(ScenarioError, match=rf"^s\.yaml:2:8: b\.c: {re.escape(problem)}$"):
        parse_yaml(f"a: 1\nb: {{c: {tagged}}}\n", "s.yaml")


def test_a_value_of_its_explicit_tag_is_read() -> None:
    text = 'a: !!int "12"\nb: !!float 1\nc: !!bool yes\nd: !!int 0x1F\ne: !!float 2.5\n'
    assert parse_yaml(text, "s.yaml").root == {"a": 12, "b": 1.0, "c": True, "d": 31, "e": 2.5}
