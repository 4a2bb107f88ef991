"""Spec strings and registries: safe parsing, typed parameters, third-party entries."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from detente.errors import DetenteError, UnknownNameError
from detente.registry import Entry, Parameter, Registry, parse_spec, split_specs
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


def test_the_strategy_reference_is_generated_from_the_registries() -> None:
    page = PAGE.read_text()
    for name in REGISTRIES:
        assert block(name) in page, "regenerate: PYTHONPATH=src python -m tests.docs_tables"
