"""Formulas: a finite real number, or a one-line error saying which operation has none."""

from __future__ import annotations

import pytest

from detente.errors import DetenteError
from detente.scenariofile.formulas import (
    MAX_FORMULA_CHARS,
    MAX_FORMULA_DEPTH,
    FormulaError,
    evaluate,
    names_in,
)


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("=(1 - h) * G", 5.4),
        ("=2 ** -1", 0.5),
        ("=(-8) ** 2", 64.0),
        ("=sqrt(0)", 0.0),
        ("=max(h, 0.5, G)", 6.0),
        ("=round(2.5) + ceil(h) + floor(-h) + abs(-1)", 3.0),
        ("=1.7976931348623157e308", 1.7976931348623157e308),
        ("=" + "+".join(["1"] * 40), 40.0),
    ],
)
def test_formulas_evaluate_to_finite_numbers(formula: str, value: float) -> None:
    assert evaluate(formula, {"h": 0.1, "G": 6}) == pytest.approx(value)


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("=sqrt(-1)", "sqrt(-1) is not defined (math domain error)"),
        ("=log(0)", "log(0) is not defined"),
        (
            "=(-8) ** (1/3)",
            "(-8) ** 0.333333: a negative number to a fractional power is not a real",
        ),
        ("=(-h) ** 0.5", "(-0.1) ** 0.5: a negative number"),
        ("=10 ** 400", "10 ** 400: the result is too large for a number"),
        ("=1e308 * 10", "1e+308 * 10: the result is too large"),
        ("=exp(1000)", "exp(1000): the result is too large"),
        ("=1 / (h - h)", "1 / 0: division by zero"),
        ("=0 ** -1", "0 ** (-1): division by zero"),
        ("=1e999", "a number in the formula is too large"),
        ("=" + "9" * 400, "a number in the formula is too large"),
        ("=min()", "min(): min expected at least 1 argument"),
        ("=h.real", "formulas may use only numbers"),
        ("=true", "unknown parameter 'true'"),
        ("=True", "cannot contain true/false"),
        ("=1j", "formulas may use only"),
        ("=__import__('os')", "formulas may use only"),
        ("=1 +", "not valid arithmetic"),
        ("=a\x00", "not valid arithmetic"),
        ("=nope * 2", "unknown parameter 'nope'; parameters: G, h"),
    ],
)
def test_formulas_without_a_finite_real_value_are_one_line_errors(
    formula: str, message: str
) -> None:
    with pytest.raises(FormulaError) as caught:
        evaluate(formula, {"h": 0.1, "G": 6})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, DetenteError)


def test_a_formula_longer_than_the_limit_is_refused_before_it_is_parsed() -> None:
    formula = "=" + "1+" * (MAX_FORMULA_CHARS // 2) + "1"
    with pytest.raises(FormulaError, match=f"formulas may have at most {MAX_FORMULA_CHARS}"):
        names_in(formula)


@pytest.mark.parametrize(
    "formula",
    [
        "=" + "+".join(["1"] * (MAX_FORMULA_DEPTH + 1)),
        "=" + "-" * (MAX_FORMULA_DEPTH + 1) + "1",
        "=" + "abs(" * (MAX_FORMULA_DEPTH + 1) + "1" + ")" * (MAX_FORMULA_DEPTH + 1),
    ],
)
def test_a_formula_nested_deeper_than_the_limit_is_refused(formula: str) -> None:
    with pytest.raises(FormulaError, match=f"nested more than {MAX_FORMULA_DEPTH} operations"):
        evaluate(formula, {})


def test_the_depth_limit_admits_formulas_at_the_limit() -> None:
    formula = "=" + "-" * (MAX_FORMULA_DEPTH - 1) + "1"
    assert evaluate(formula, {}) == (-1.0) ** (MAX_FORMULA_DEPTH - 1)
