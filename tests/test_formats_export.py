"""Export to GENIUS and GeniusWeb, and the detente YAML writer: everything loads back identically."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.formats import load_domain
from detente.formats.export import export_domain
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.scenario import Scenario
from detente.scenariofile.loader import load_scenario
from detente.scenariofile.writer import to_scenario_yaml
from detente.utility import LinearAdditive, TableUtility

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
ALL = [
    "genius_index",
    "genius_integer",
    "genius_real",
    "genius_rectangles",
    "genius_capped",
    "geniusweb",
    "negolog",
]
LINEAR = [f for f in ALL if f not in ("genius_rectangles", "genius_capped")]


def same(a: Scenario, b: Scenario) -> None:
    assert a.party_ids == b.party_ids
    np.testing.assert_allclose(a.utility_matrix(), b.utility_matrix(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("folder", ALL)
def test_genius_export_loads_back_to_identical_utilities(folder: str, tmp_path: Path) -> None:
    original = load_domain(FIXTURES / folder, real_steps=5)
    assert export_domain(original, "genius", tmp_path) == ()
    again = load_domain(tmp_path, real_steps=5)
    same(original, again)
    assert again.reservations.tolist() == original.reservations.tolist()
    assert again.origin is not None and original.origin is not None
    assert again.origin.discount_factors == original.origin.discount_factors


def test_genius_export_keeps_integer_and_real_issues_with_linear_evaluators(tmp_path: Path) -> None:
    export_domain(load_domain(FIXTURES / "genius_integer"), "genius", tmp_path)
    assert load_domain(tmp_path).space.issue("price").kind == "integer"
    export_domain(load_domain(FIXTURES / "genius_real", real_steps=5), "genius", tmp_path / "r")
    kinds = [i.kind for i in load_domain(tmp_path / "r", real_steps=5).space.issues]
    assert kinds == ["values", "real"]  # the triangular quality becomes a discrete issue


@pytest.mark.parametrize("folder", LINEAR)
def test_geniusweb_export_loads_back_to_identical_utilities(folder: str, tmp_path: Path) -> None:
    original = load_domain(FIXTURES / folder, real_steps=5)
    export_domain(original, "geniusweb", tmp_path)
    same(original, load_domain(tmp_path))


def test_geniusweb_reservation_becomes_a_bid_with_that_utility(tmp_path: Path) -> None:
    original = load_domain(FIXTURES / "geniusweb")
    assert export_domain(original, "geniusweb", tmp_path) == ()
    assert load_domain(tmp_path).reservations.tolist() == original.reservations.tolist()


def test_geniusweb_warns_when_no_bid_has_the_reservation_value(tmp_path: Path) -> None:
    warnings = export_domain(load_domain(FIXTURES / "genius_index"), "geniusweb", tmp_path)
    assert len(warnings) == 1 and warnings[0].startswith("a: no outcome has utility 0.3")


def test_geniusweb_refuses_what_it_cannot_express(tmp_path: Path) -> None:
    with pytest.raises(DetenteError, match="'a' exactly: its utility is a Capped"):
        export_domain(load_domain(FIXTURES / "genius_capped"), "geniusweb", tmp_path)


def _scenario(utility: LinearAdditive | TableUtility) -> Scenario:
    space = OutcomeSpace((Issue("deal", ("small", "big")),))
    other = LinearAdditive((1.0,), ((0.0, 1.0),))
    return Scenario("s", space, (Party("a", utility), Party("b", other)))


@pytest.mark.parametrize(
    ("utility", "reason"),
    [
        (LinearAdditive((1.0,), ((0.0, 1.0),), offset=0.5), "offset"),
        (LinearAdditive((1.0,), ((-1.0, 1.0),)), "negative"),
        (LinearAdditive((2.0,), ((0.0, 1.0),)), "caps utilities at 1"),
        (TableUtility((1,), (1.0,)), "TableUtility"),
    ],
)
def test_genius_export_refuses_what_genius_cannot_express(
    utility: LinearAdditive | TableUtility, reason: str, tmp_path: Path
) -> None:
    with pytest.raises(DetenteError, match=reason):
        export_domain(_scenario(utility), "genius", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_tables_not_normalised_to_one_are_rescaled_into_the_weight(tmp_path: Path) -> None:
    original = _scenario(LinearAdditive((0.1,), ((2.0, 5.0),)))
    export_domain(original, "genius", tmp_path)
    same(original, load_domain(tmp_path))


@pytest.mark.parametrize("folder", ALL)
def test_yaml_import_analyses_to_identical_numbers(folder: str, tmp_path: Path) -> None:
    original = load_domain(FIXTURES / folder, real_steps=5)
    path = tmp_path / "s.yaml"
    path.write_text(to_scenario_yaml(original))
    again = load_scenario(path)
    same(original, again)
    assert again.reservations.tolist() == original.reservations.tolist()


def test_yaml_writes_the_genius_cap_as_a_ceiling_and_boxes_as_rectangles() -> None:
    text = to_scenario_yaml(load_domain(FIXTURES / "genius_capped"))
    assert "ceiling: 1.0" in text
    text = to_scenario_yaml(load_domain(FIXTURES / "genius_rectangles"))
    assert "type: rectangles" in text and "scale: 20.0" in text


def test_yaml_rewrites_party_ids_detente_does_not_accept(tmp_path: Path) -> None:
    space = OutcomeSpace((Issue("deal", ("small", "big")),))
    u = LinearAdditive((1.0,), ((0.0, 1.0),))
    scenario = Scenario("s", space, (Party("1st party", u), Party("b.c", u)))
    path = tmp_path / "s.yaml"
    path.write_text(to_scenario_yaml(scenario))
    again = load_scenario(path)
    assert again.party_ids == ("p_1st_party", "b_c")
    assert [p.name for p in again.parties] == ["1st party", "b.c"]


def test_export_writes_no_temporary_files(tmp_path: Path) -> None:
    export_domain(load_domain(FIXTURES / "negolog"), "genius", tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "negolog_domain.xml",
        "profileA.xml",
        "profileB.xml",
    ]
