"""Spec strings and registries: safe parsing, typed parameters, third-party entries."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import EntryPoint
from typing import Annotated

import pytest

from detente.errors import DetenteError, UnknownNameError
from detente.registry import (
    NON_NEGATIVE,
    UNIT,
    Entry,
    Parameter,
    Range,
    Registry,
    parse_spec,
    split_specs,
)
from detente.strategies import STRATEGIES, load_strategy
from detente.strategies.acceptance import AcceptAtDeadline
from detente.strategies.base import Composite
from detente.strategies.concession import Aspiration
from tests.docs_tables import PAGE, REGISTRIES, block


def test_specs_parse_positional_and_keyword_literals() -> None:
    spec = parse_spec(" boulware ( 3, accept='deadline' ) ")
    assert (spec.name, spec.args, spec.kwargs) == ("boulware", (3,), (("accept", "deadline"),))
    assert load_strategy("boulware(3)") == load_strategy("boulware(exponent=3.0)")


@pytest.mark.parametrize(
    "text",
    [
        "boulware(exponent=1+1)",
        "boulware(open('x'))",
        "boulware(**{'a': 1})",
        "1boulware",
        "b(x=y)",
    ],
)
def test_specs_never_evaluate_code(text: str) -> None:
    with pytest.raises(DetenteError):
        parse_spec(text)


def test_split_respects_brackets_and_quotes() -> None:
    assert split_specs("a(x='1,2'), b({'k': [1, 2]}) ,c") == ["a(x='1,2')", "b({'k': [1, 2]})", "c"]


def test_parameters_are_type_checked() -> None:
    parameter = Parameter("n", int, 3)
    assert parameter.coerce("x", 4) == 4
    for bad in (True, 2.5, "4"):
        with pytest.raises(DetenteError, match="must be of type int"):
            parameter.coerce("x", bad)
    assert Parameter("f", float, 1.0).coerce("x", 2) == 2.0


def test_too_many_or_repeated_arguments_are_refused() -> None:
    with pytest.raises(DetenteError, match="at most 4 arguments"):
        load_strategy("boulware(1, 'next', 'none', 0.1, 3)")
    with pytest.raises(DetenteError, match="given twice"):
        load_strategy("boulware(2, exponent=3)")


def test_unknown_names_list_the_registered_ones() -> None:
    with pytest.raises(UnknownNameError, match="registered: boulware, conceder, hardline"):
        STRATEGIES.entry("bogus")


def _deadline_only(accept: str = "deadline") -> Composite:
    return Composite("deadline-only", Aspiration(1.0), AcceptAtDeadline())


PLUGIN = Entry("deadline-only", _deadline_only, "a third-party strategy")


def test_third_party_strategies_arrive_through_entry_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    point = EntryPoint("deadline-only", "tests.test_registry:PLUGIN", "detente.strategies")
    registry: Registry[object] = Registry("strategy", "detente.strategies")
    monkeypatch.setattr(
        "detente.registry.entry_points",
        lambda group: [point] if group == "detente.strategies" else [],
    )
    assert "deadline-only" in registry.names()
    assert registry.load("deadline-only") == _deadline_only()


def test_entry_points_must_load_to_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    point = EntryPoint("bad", "tests.test_registry:_deadline_only", "detente.strategies")
    monkeypatch.setattr("detente.registry.entry_points", lambda group: [point])
    with pytest.raises(DetenteError, match=r"must load to a detente\.registry\.Entry"):
        Registry("strategy", "detente.strategies").names()


def test_a_name_registers_once() -> None:
    registry: Registry[object] = Registry("thing")
    registry.register(PLUGIN)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="already registered"):
        registry.register(PLUGIN)  # type: ignore[arg-type]


def test_declaring_a_name_twice_is_refused() -> None:
    registry: Registry[object] = Registry("strategy")
    registry.declare("deadline-only", _deadline_only, "a third-party strategy")
    with pytest.raises(ValueError, match=r"^strategy 'deadline-only' is already registered$"):
        registry.declare("deadline-only", _deadline_only, "the same name again")


def _share(
    level: Annotated[float, UNIT, "how far up"] = 0.5,
    label: Annotated[str | None, "what to call it"] = None,
    strict: Annotated[bool, "no tolerance"] = False,
    cache: int = 0,
) -> tuple[float, str | None, bool, int]:
    return level, label, strict, cache


def test_parameters_come_from_the_signature_and_its_annotations() -> None:
    entry = Entry.of("share", _share, "a share", kind="thing")
    assert entry.parameters == (
        Parameter("level", float, 0.5, "how far up", UNIT),
        Parameter("label", str, None, "what to call it"),
        Parameter("strict", bool, False, "no tolerance"),
    )
    assert entry.build((1,), {"strict": True}) == (1.0, None, True, 0)
    with pytest.raises(UnknownNameError, match="thing 'share' has no parameter 'cache'"):
        entry.build((), {"cache": 3})


@dataclass(frozen=True, slots=True)
class _Policy:
    p: Annotated[float, NON_NEGATIVE, "rate"] = 2.0
    prepared: float = 0.0


def test_a_class_declares_its_settable_fields_and_keeps_the_others() -> None:
    registry: Registry[_Policy] = Registry("policy")
    entry = registry.declare("rated", _Policy, "a policy")
    assert [p.name for p in entry.parameters] == ["p"]
    assert registry.load("rated(p=3)") == _Policy(3.0)
    with pytest.raises(
        DetenteError, match=r"^policy 'rated': parameter 'p' must be >= 0\.0, got -1\.0$"
    ):
        registry.load("rated(-1)")


def test_annotations_can_be_given_for_a_factory_that_cannot_carry_them() -> None:
    entry = Entry.of("policy", _Policy, "a policy", annotations={"prepared": Annotated[float, "x"]})
    assert entry.parameters == (Parameter("prepared", float, 0.0, "x"),)
    with pytest.raises(ValueError, match="factory has no parameter 'speed' to annotate"):
        Entry.of("policy", _Policy, "a policy", annotations={"speed": Annotated[float, "x"]})


def _no_default(level: Annotated[float, UNIT, "how far up"]) -> float:
    return level


def _no_default_fixed(table: object) -> object:
    return table


def _default_out_of_range(p: Annotated[float, UNIT, "probability"] = 2.0) -> float:
    return p


def _default_of_another_type(
    p: Annotated[float, "probability"] = "half",  # type: ignore[assignment]
) -> float:
    return p


def _none_not_admitted(
    label: Annotated[str, "name"] = None,  # type: ignore[assignment]  # noqa: RUF013
) -> str:
    return label


def _unsupported_type(values: Annotated[list[int], "values"] = []) -> list[int]:  # noqa: B006
    return values


def _range_on_text(label: Annotated[str, Range(0, 1), "name"] = "a") -> str:
    return label


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (_no_default, "toy 'x': parameter 'level' has no default; a spec may leave out any"),
        (_no_default_fixed, "toy 'x': parameter 'table' has no default"),
        (
            _default_out_of_range,
            "toy 'x': parameter 'p' must be between 0.0 and 1.0, got 2.0 as its default",
        ),
        (
            _default_of_another_type,
            "toy 'x': parameter 'p' must be of type float, got 'half' as its default",
        ),
        (
            _none_not_admitted,
            "toy 'x': spec parameter 'label' defaults to None, which its type str does not admit",
        ),
        (_unsupported_type, "toy 'x': spec parameter 'values' is annotated list"),
        (_range_on_text, "toy 'x': spec parameter 'label' has a range but is not a number"),
    ],
)
def test_a_declaration_the_registry_cannot_honour_is_refused_with_the_reason(
    factory: Callable[..., object], message: str
) -> None:
    registry: Registry[object] = Registry("toy")
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        registry.declare("x", factory, "a toy")
    assert "x" not in registry


def test_the_strategy_reference_is_generated_from_the_registries() -> None:
    page = PAGE.read_text()
    for name in REGISTRIES:
        assert block(name) in page, "regenerate: PYTHONPATH=src python -m tests.docs_tables"


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("boulware(exponent=-1)", "'exponent' must be > 0.0"),
        ("conceder(exponent=0)", "'exponent' must be > 0.0"),
        ("boulware(window=-0.5)", "'window' must be between 0.0 and 1.0"),
        ("tit-for-tat(reciprocity=-3)", "'reciprocity' must be >= 0.0"),
        ("random(p_accept=2)", "'p_accept' must be between 0.0 and 1.0"),
        ("boulware(accept='threshold(level=5)')", "'level' must be between 0.0 and 1.0"),
        ("linear(accept='probability(p=-0.1)')", "'p' must be between 0.0 and 1.0"),
    ],
)
def test_out_of_range_parameters_are_refused_with_the_range(spec: str, fragment: str) -> None:
    with pytest.raises(DetenteError, match=fragment.replace("(", r"\(")):
        load_strategy(spec)


def test_parameters_at_their_bounds_are_accepted() -> None:
    assert load_strategy("random(p_accept=1)").spec == "random(p_accept=1.0)"
    assert "level=0" in load_strategy("nash(accept='threshold(level=0)')").spec


def test_an_unquoted_word_is_named_without_python_internals() -> None:
    with pytest.raises(DetenteError, match="'abc' is not a literal; quote text") as caught:
        parse_spec("boulware(exponent=abc)")
    assert "ast." not in str(caught.value)
