"""Categorical parameters in scenario files: checks with locations, `=NAME`, `select`, `--set`,
variants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from detente.errors import DetenteError, ScenarioError, UnknownNameError
from detente.scenariofile.loader import load_scenario, parse_overrides
from detente.scenariofile.model import ChoiceSpec
from tests.experiment_toys import CHOOSING


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "choosing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(tmp_path: Path, old: str, new: str) -> Path:
    assert old in CHOOSING, old
    return write(tmp_path, CHOOSING.replace(old, new, 1))


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of ``fragment`` in ``text``."""
    return next(k for k, line in enumerate(text.splitlines(), start=1) if fragment in line)


# --------------------------------------------------------------------------- records


def test_a_choice_is_recorded_with_its_label_and_probabilities(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, CHOOSING))
    rule = scenario.parameter_records["rule"]
    assert rule.value == "veto" and rule.choices == (("veto", 0.6), ("none", 0.4))
    assert rule.range is None
    assert scenario.parameter_records["n"].choices == tuple((k, 1 / 3) for k in ("1", "2", "3"))
    assert scenario.parameters["n"] == "2"


def test_a_list_of_choices_has_equal_probabilities() -> None:
    spec = ChoiceSpec.model_validate({"value": "b", "choices": ["a", "b", "c", "d"]})
    assert spec.choices == {"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}


# --------------------------------------------------------------------------- substitution


def test_select_takes_the_case_of_the_chosen_label(tmp_path: Path) -> None:
    path = write(tmp_path, CHOOSING)
    vetoed = load_scenario(path).party("a").domestic
    free = load_scenario(path, {"rule": "none"}).party("a").domestic
    assert vetoed is not None and type(vetoed.rule).__name__ == "Veto"
    assert free is not None and type(free.rule).__name__ == "NoRatification"


def test_equals_name_takes_the_label_in_a_field_of_names(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        "ratification: {select: rule, cases: {veto: {rule: veto, players: [hawk]}, none: none}}",
        "ratification: {rule: =kind}",
    )
    text = path.read_text().replace(
        "  x: {value: 0.5",
        "  kind: {value: unanimity, choices: [unanimity, none]}\n  x: {value: 0.5",
    )
    path.write_text(text)
    assert type(load_scenario(path).party("a").domestic.rule).__name__ == "Unanimity"  # type: ignore[union-attr]
    chosen = load_scenario(path, {"kind": "none"}).party("a").domestic
    assert type(chosen.rule).__name__ == "NoRatification"  # type: ignore[union-attr]


def test_a_numeric_label_is_a_number_in_formulas(tmp_path: Path) -> None:
    path = write(tmp_path, CHOOSING)
    # y = x * n: the hawk's intercept follows the chosen label.
    assert load_scenario(path).parameters["y"] == pytest.approx(0.5 * 2)
    assert load_scenario(path, {"n": 3}).parameters["y"] == pytest.approx(1.5)
    assert load_scenario(path, {"n": "1"}).parameters["y"] == pytest.approx(0.5)


def test_a_formula_using_a_named_label_says_so(tmp_path: Path) -> None:
    path = edited(tmp_path, "intercept: =y}", "intercept: =2 * rule}")
    with pytest.raises(ScenarioError, match="rule is categorical and its label 'veto'"):
        load_scenario(path)


def test_the_point_estimate_is_the_file_written_with_its_case(tmp_path: Path) -> None:
    chosen = load_scenario(write(tmp_path, CHOOSING))
    plain = CHOOSING.replace(
        "ratification: {select: rule, cases: {veto: {rule: veto, players: [hawk]}, none: none}}",
        "ratification: {rule: veto, players: [hawk]}",
    )
    written = load_scenario(write(tmp_path, plain))
    assert chosen.party("a").domestic == written.party("a").domestic
    assert chosen.utility_matrix().tolist() == written.utility_matrix().tolist()


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("old", "new", "at", "place", "message"),
    [
        (
            "veto: 0.6, none: 0.4",
            "veto: 0.6, none: 0.3",
            "rule: {value",
            "parameters.rule.choices",
            "the probabilities of the choices sum to 0.9; they must sum to 1",
        ),
        (
            "veto: 0.6, none: 0.4",
            "veto: 1.2, none: -0.2",
            "rule: {value",
            "parameters.rule.choices.none",
            "the probability of 'none' is -0.2; it must be at least 0",
        ),
        (
            "rule: {value: veto,",
            "rule: {value: majority,",
            "rule: {value",
            "parameters.rule.value",
            "value 'majority' is not one of the choices: veto, none",
        ),
        (
            "choices: [1, 2, 3]}",
            "choices: [1, 2, 3], range: [1, 3]}",
            "n: {value",
            "parameters.n.range",
            "`range` does not apply to a categorical parameter",
        ),
        (
            "n: {value: 2, choices: [1, 2, 3]}",
            "n: {value: 2, choices: [2]}",
            "n: {value",
            "parameters.n.choices",
            "needs at least two labels, got 1",
        ),
        (
            "n: {value: 2, choices: [1, 2, 3]}",
            "n: {value: 2, choices: [1, 2, 2]}",
            "n: {value",
            "parameters.n.choices",
            "label '2' is listed twice",
        ),
        (
            "select: rule,",
            "select: rules,",
            "ratification:",
            "parties[0].ratification.select",
            "select: 'rules' is not a categorical parameter; categorical parameters: n, rule",
        ),
        (
            ", none: none}}",
            "}}",
            "ratification:",
            "parties[0].ratification.cases",
            "no case for none: every label of rule needs one (veto, none)",
        ),
        (
            ", none: none}}",
            ", none: none, maybe: none}}",
            "ratification:",
            "parties[0].ratification.cases.maybe",
            "case 'maybe' is not a label of rule",
        ),
        (
            "intercept: =y}",
            "intercept: =rulez}",
            "id: hawk",
            "parties[0].factions[1].utility.values.r.intercept",
            "unknown parameter 'rulez'; parameters: n, rule, x, y",
        ),
        (
            "set: {rule: none}",
            "set: {rule: nobody}",
            "free:",
            "variants.free.set.rule",
            "'nobody' is not a label of the categorical parameter rule; labels: veto, none",
        ),
        (
            "set: {rule: none}",
            "set: {rulers: none}",
            "free:",
            "variants.free.set.rulers",
            "no parameter 'rulers'; parameters: rule, n, x, y",
        ),
        (
            "set: {rule: none}",
            "set: {x: high}",
            "free:",
            "variants.free.set.x",
            "parameter x is a number; got 'high'",
        ),
    ],
)
def test_every_mistake_is_one_located_line(
    tmp_path: Path, old: str, new: str, at: str, place: str, message: str
) -> None:
    """Each error names the file, the line of the entry ``at`` starts, the field and the fix."""
    path = edited(tmp_path, old, new)
    with pytest.raises(DetenteError) as raised:
        load_scenario(path)
    text = str(raised.value)
    match = re.match(r"^(.+?):(\d+):(\d+): (\S+): (.*)$", text)
    assert match is not None and "\n" not in text, text
    assert (match[1], match[4]) == (str(path), place), text
    assert int(match[2]) == line_of(path.read_text(), at), text
    assert message in match[5], text


def test_unknown_select_lists_the_known_choices_as_an_unknown_name(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="categorical parameters: n, rule"):
        load_scenario(edited(tmp_path, "select: rule,", "select: nobody,"))


# --------------------------------------------------------------------------- --set


def test_set_takes_a_label_or_a_number() -> None:
    assert parse_overrides(["rule=none", "n=3", "delta=0.5"]) == {
        "rule": "none",
        "n": 3.0,
        "delta": 0.5,
    }
    with pytest.raises(DetenteError, match="NAME=LABEL"):
        parse_overrides(["rule="])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            {"rule": "majority"},
            "--set rule=majority: not a label of the categorical parameter "
            "rule; labels: veto, none",
        ),
        ({"n": 4.0}, "--set n=4: not a label of the categorical parameter n; labels: 1, 2, 3"),
        ({"x": "high"}, "--set x=high: parameter x is a number, not a choice"),
    ],
)
def test_set_refuses_what_is_not_a_label(
    tmp_path: Path, override: dict[str, float | str], message: str
) -> None:
    with pytest.raises(DetenteError) as raised:
        load_scenario(write(tmp_path, CHOOSING), override)
    assert str(raised.value).startswith(message)


def test_variants_are_recorded_with_their_labels(tmp_path: Path) -> None:
    text = CHOOSING.replace("set: {rule: none}", "set: {rule: none, n: 3, x: 0.25}")
    variant = load_scenario(write(tmp_path, text)).variants["free"]
    assert variant.sets == (("rule", "none"), ("n", "3"), ("x", 0.25))
    assert variant.description == "no veto"


def test_a_numeric_parameter_may_select_its_value_or_formula(tmp_path: Path) -> None:
    path = edited(
        tmp_path, "  y: =x * n", "  y: {value: {select: rule, cases: {veto: =x * n, none: 3}}}"
    )
    assert load_scenario(path).parameters["y"] == pytest.approx(1.0)
    assert load_scenario(path, {"rule": "none"}).parameters["y"] == 3.0
    assert load_scenario(path, {"rule": "none", "x": 0.9}).parameters["y"] == 3.0
    assert load_scenario(path, {"x": 0.9}).parameters["y"] == pytest.approx(1.8)
    assert load_scenario(path, {"y": 0.25}).parameters["y"] == 0.25
