"""The printed JSON Schema accepts what the loader accepts: every shipped scenario validates."""

from __future__ import annotations

import contextlib
import datetime
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from detente.cli import main
from detente.scenariofile.model import ScenarioFile
from tests.conftest import SCENARIOS

# Every shipped scenario; a case library's common file is included by its cases, not one.
SHIPPED = sorted(p for p in SCENARIOS.rglob("*.yaml") if p.name != "common.yaml")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """A validator of the schema ``detente schema`` prints."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        main(["schema"])
    schema = json.loads(printed.getvalue())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def data(path: Path) -> Any:
    """A file parsed as plain data, as an editor's schema checker sees it (YAML 1.2 has no
    timestamps: a date such as ``2019-02-27`` is the text it is)."""
    return as_text_dates(YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")))


def as_text_dates(node: Any) -> Any:
    """``node`` with every date read back as its ISO text."""
    if isinstance(node, dict):
        return {k: as_text_dates(v) for k, v in node.items()}
    if isinstance(node, list):
        return [as_text_dates(v) for v in node]
    return node.isoformat() if isinstance(node, datetime.date) else node


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_shipped_scenario_validates_against_the_printed_schema(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data(path))]
    assert problems == []


def test_a_schema_of_bare_numbers_would_refuse_the_formulas_of_a_shipped_scenario() -> None:
    plain = jsonschema.Draft202012Validator(ScenarioFile.model_json_schema())
    refused = list(plain.iter_errors(data(SCENARIOS / "hanoi-2019.yaml")))
    assert len(refused) == 11  # the formulas, and the selection of the hard-liners' rule
    assert list(refused[3].absolute_path) == ["parties", 0, "ratification"]
    assert refused[1].instance == "=delta_us" and list(refused[1].absolute_path) == [
        "parties",
        0,
        "discount",
    ]


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("discount", "=delta ** 2", True),
        ("discount", 0.5, True),
        ("discount", "high", False),
        ("discount", 1.5, False),
        ("reservation", "=c_A", True),
    ],
)
def test_numbers_take_numbers_or_formulas_and_nothing_else(
    validator: jsonschema.Draft202012Validator, field: str, value: object, valid: bool
) -> None:
    scenario = data(SCENARIOS / "theory" / "worked-example.yaml")
    scenario["parties"][0][field] = value
    assert validator.is_valid(scenario) is valid


def test_a_parameter_may_be_a_bare_number_or_formula(
    validator: jsonschema.Draft202012Validator,
) -> None:
    scenario = data(SCENARIOS / "theory" / "worked-example.yaml")
    scenario["parameters"] = {"a": 0.5, "b": "=a * 2", "c": {"value": "=b"}}
    assert validator.is_valid(scenario)
    scenario["parameters"]["d"] = "half"
    assert not validator.is_valid(scenario)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ({"select": "rule", "cases": {"veto": "veto", "none": "none"}}, True),
        ({"select": "rule", "cases": {}, "other": 1}, False),
        ({"rule": "=hardliner_rule", "players": ["h"]}, True),
        ({"rule": "elect"}, False),
    ],
)
def test_values_may_be_selections_and_fixed_names_may_be_choice_labels(
    validator: jsonschema.Draft202012Validator, value: object, valid: bool
) -> None:
    schema = {"$ref": "#/$defs/PartySpec", "$defs": validator.schema["$defs"]}
    party = {"id": "a", "factions": [{"id": "h", "utility": {}}], "ratification": value}
    assert jsonschema.Draft202012Validator(schema).is_valid(party) == valid


@pytest.mark.parametrize(
    ("parameter", "valid"),
    [
        ({"value": "veto", "choices": {"veto": 0.7, "none": 0.3}}, True),
        ({"value": 2, "choices": [1, 2, 3]}, True),
        ({"value": "nk", "choices": ["nk", "us"], "source": "assumption"}, True),
        ({"value": "nk", "choices": {"nk": -1, "us": 2}}, False),
        ({"value": "nk", "choices": ["nk", "us"], "range": [0, 1]}, False),
    ],
)
def test_a_categorical_parameter_is_in_the_schema(
    validator: jsonschema.Draft202012Validator, parameter: dict[str, object], valid: bool
) -> None:
    scenario = {
        "name": "s",
        "parameters": {"p": parameter},
        "issues": [{"name": "x", "values": [1]}],
        "parties": [{"id": "a", "utility": {}}, {"id": "b", "utility": {}}],
    }
    assert validator.is_valid(scenario) == valid
