"""The claims language: parsing, evaluation, errors, and fuzzing for clean failures only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.analysis import analyze
from detente.claims import Claim, ClaimError, evaluate_claims, parse
from detente.errors import DetenteError, UnknownNameError
from detente.scenariofile.loader import load_scenario
from tests.conftest import CLI, assert_one_line_error

RESULTS = {
    "one_shot": {"feasible": False, "value": 2.0},
    "min_stages": 3,
    "agreement": None,
    "deal": "SmallDeal",
    "stages": [1.5, 2.5],
    "stakeholders": {"south_korea": {"nash": 1.0, "utilitarian": 4.0}},
    "solutions": {"nash": {"value": 12.0}, "kalai_smorodinsky": {"value": 10.0}},
}


def truth(text: str) -> object:
    return Claim.parse("c", text).value(RESULTS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("one_shot.feasible == false", True),
        ("not one_shot.feasible", True),
        ("min_stages <= 4 and agreement != null", False),
        ("min_stages <= 4 and agreement == null", True),
        ("stakeholders.south_korea.nash < stakeholders.south_korea.utilitarian", True),
        ("solutions.nash.value - solutions.kalai_smorodinsky.value == 2", True),
        ("2 * one_shot.value + 1 > 4.5", True),
        ("-min_stages < -2.5", True),
        ("1 < min_stages <= 3", True),
        ("1 < min_stages < 3", False),
        ('deal == "SmallDeal"', True),
        ("deal == 'BigDeal' or min_stages == 3", True),
        ("stages[1] > stages[0]", True),
        ("stages[-1] == 2.5", True),
        ('stakeholders["south_korea"].nash == 1', True),
        ("len(stages) == 2", True),
        ("max(stages[0], stages[1], 2) == 2.5 and min(1, 3) == 1 and abs(-2) == 2", True),
        ("(min_stages + 1) * 2 == 8", True),
        ("min_stages / 0 > 1", None),
        ("1e3 > 999.5 and .5 == 0.5", True),
    ],
)
def test_claims_evaluate_to_the_expected_truth(text: str, expected: object) -> None:
    assert truth(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Kleene logic: unknown (a comparison with null) only decides nothing.
        ("agreement > 1", None),
        ("not (agreement > 1)", None),
        ("agreement > 1 and false", False),
        ("agreement > 1 or true", True),
        ("agreement > 1 or false", None),
        ("agreement + 1 == null", True),
        ("agreement.outcome == null", True),
        ("stages[5] == null", True),
    ],
)
def test_null_is_unknown_and_never_holds(text: str, expected: object) -> None:
    assert truth(text) == expected
    assert Claim.parse("c", text).holds(RESULTS) is (expected is True)


def test_numpy_scalars_in_results_behave_as_numbers_and_booleans() -> None:
    results = {"x": np.float64(0.5), "n": np.int64(3), "ok": np.bool_(True)}
    assert evaluate_claims([Claim.parse("a", "x < n and ok")], results) == {"a": True}


def test_an_unknown_field_names_close_matches_first() -> None:
    with pytest.raises(UnknownNameError) as caught:
        truth("solutions.nahs.value > 1")
    message = str(caught.value)
    assert message.startswith("claims.c: unknown field 'solutions.nahs'; valid fields are:")
    assert message.index("solutions.nash") < message.index("solutions.kalai_smorodinsky")
    assert "\n" not in message


def test_an_unknown_field_behind_a_short_circuit_is_still_caught_by_check() -> None:
    claim = Claim.parse("c", "true or missing > 1")
    assert claim.holds(RESULTS)
    with pytest.raises(UnknownNameError, match="unknown field 'missing'"):
        claim.check(RESULTS)


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("min_stages <= ", 15),
        ("min_stages <= 4 and", 20),
        ("(min_stages", 12),
        ("min_stages $ 3", 12),
        ("a..b", 3),
        ("a[x]", 3),
        ("foo(1)", 1),
        ("1 2", 3),
        ('"unterminated', 1),
    ],
)
def test_syntax_errors_point_at_the_column(text: str, column: int) -> None:
    with pytest.raises(ClaimError, match=f"syntax error at column {column}:"):
        Claim.parse("c", text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("deal < 3", "cannot compare a string with a number"),
        ("one_shot.feasible == 0", "cannot compare a boolean with a number"),
        ("deal[0] == 1", "deal is a string; it has no index \\[0\\]"),
        ("min_stages and true", "'and' needs true, false or null, got a number"),
        ("deal + 1 > 0", "'\\+' needs numbers, got a string"),
        ("min_stages + 1", "a claim must be true or false"),
        ("min_stages.x == 1", "min_stages is a number; it has no field 'x'"),
    ],
)
def test_type_errors_are_one_line_claim_errors(text: str, message: str) -> None:
    with pytest.raises(ClaimError, match=message):
        truth(text)


def test_deep_nesting_is_refused_cleanly() -> None:
    with pytest.raises(ClaimError, match="nested deeper"):
        parse("(" * 500 + "1" + ")" * 500)
    with pytest.raises(ClaimError, match="nested deeper"):
        parse("not " * 500 + "true")


# Fuzzing: arbitrary text, and text built from the language's own tokens (which parses far
# more often), either parses or raises a DetenteError; evaluation likewise.
TOKENS = st.sampled_from(
    [
        "one_shot", "feasible", "min_stages", "agreement", "deal", "stages", "x",
        ".", "[", "]", "(", ")", ",", "0", "1", "-1", "2.5", "1e400", '"a"',
        "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/",
        "and", "or", "not", "true", "false", "null", "abs", "min", "len", " ",
    ]
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parse(text)
    except DetenteError as error:
        assert "\n" not in str(error)


@settings(max_examples=100, deadline=None)
@given(st.lists(TOKENS, max_size=25).map("".join))
def test_token_soup_parses_and_evaluates_or_fails_cleanly(text: str) -> None:
    try:
        Claim.parse("c", text).holds(RESULTS)
    except DetenteError as error:
        assert "\n" not in str(error)


# Claims in scenario files, reported by `detente analyze`.

SCENARIO = """\
name: worked example with claims
parameters:
  d_A: {value: 0, range: [0, 5]}
issues:
  - name: deal
    values: [FreezeForFreeze, SmallDeal, MediumDeal, BigDeal]
parties:
  - id: A
    reservation: =d_A
    utility: {type: linear, values: {deal: {FreezeForFreeze: 2, SmallDeal: 6, MediumDeal: 4, BigDeal: 1}}}
  - id: B
    utility: {type: linear, values: {deal: {FreezeForFreeze: 1, SmallDeal: 2, MediumDeal: 5, BigDeal: 9}}}
claims:
  medium: solutions.nash.outcome.deal == "MediumDeal"
  several:
    expr: n_rational >= 3
    description: at least three deals beat no deal for both sides
"""


def write_scenario(tmp_path: Path, text: str = SCENARIO) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(text)
    return path


def test_a_scenario_file_declares_claims_in_short_and_long_form(tmp_path: Path) -> None:
    scenario = load_scenario(write_scenario(tmp_path))
    assert [(c.name, c.text, c.description) for c in scenario.claims] == [
        ("medium", 'solutions.nash.outcome.deal == "MediumDeal"', ""),
        ("several", "n_rational >= 3", "at least three deals beat no deal for both sides"),
    ]


def test_analyze_reports_each_claims_truth_on_the_point_estimate(tmp_path: Path) -> None:
    path = write_scenario(tmp_path)
    assert analyze(load_scenario(path))["claims"] == {"medium": True, "several": True}
    # With no deal worth 5 to A only SmallDeal (6) remains rational for A.
    assert analyze(load_scenario(path, {"d_A": 5}))["claims"] == {
        "medium": False,
        "several": False,
    }


def test_analyze_on_the_command_line_prints_and_emits_claims(
    tmp_path: Path, detente_cli: CLI
) -> None:
    path = write_scenario(tmp_path)
    done = detente_cli("analyze", path, "--json")
    assert json.loads(done.stdout)["claims"] == {"medium": True, "several": True}
    printed = detente_cli("analyze", path, "--set", "d_A=5").stdout
    for name in ("medium", "several"):  # a row of the claims table: name, holds, statement
        assert re.search(rf"{name}\s+│\s+false\s+│", printed), printed


def test_a_misspelt_field_is_a_located_one_line_error(tmp_path: Path, detente_cli: CLI) -> None:
    path = write_scenario(tmp_path, SCENARIO.replace("n_rational >= 3", "n_rationl >= 3"))
    done = detente_cli("analyze", path)
    assert_one_line_error(
        done, "claims.yaml:16:5: claims.several.expr: unknown field 'n_rationl'", "n_rational"
    )


def test_a_claim_syntax_error_is_located_in_the_file_and_the_expression(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, SCENARIO.replace("n_rational >= 3", "n_rational >= (3"))
    with pytest.raises(
        ClaimError, match=r"claims.yaml:16:5: claims.several.expr: syntax error at column 17"
    ):
        load_scenario(path)


def test_a_claim_name_must_be_an_identifier(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, SCENARIO.replace("  medium:", "  two words:"))
    with pytest.raises(DetenteError, match="claims"):
        load_scenario(path)
