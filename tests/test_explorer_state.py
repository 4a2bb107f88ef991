"""The explorer's view state: controls from a scenario, the URL, the ``--set`` line, the YAML."""

from __future__ import annotations

import pytest

from detente.errors import DetenteError
from detente.experiments.scenario_text import ScenarioText
from detente.explorer.state import (
    Control,
    changed,
    controls,
    from_controls,
    from_query,
    nice_step,
    set_line,
    to_query,
)
from detente.labels import Labels
from detente.scenariofile.loader import parse_overrides, parse_yaml
from detente.scenariofile.locations import plain
from detente.scenariofile.writer import variant_yaml
from tests.conftest import SCENARIOS

HANOI = SCENARIOS / "hanoi-2019.yaml"


@pytest.fixture(scope="module")
def hanoi() -> tuple[Control, ...]:
    text = ScenarioText.read(HANOI)
    return controls(text.uncertain(), text.build({}).parameter_records, Labels())


def test_every_uncertain_parameter_gets_a_control_over_its_declared_range(
    hanoi: tuple[Control, ...],
) -> None:
    by_name = {c.name: c for c in hanoi}
    assert len(hanoi) == 50
    kappa_h = by_name["kappa_h"]
    assert (kappa_h.low, kappa_h.high, kappa_h.default, kappa_h.step) == (1, 4, 2.0, 0.02)
    assert "hard-liners' disvalue" in (kappa_h.source or "")
    assert by_name["L_det"].integer and by_name["L_det"].step == 1
    rule = by_name["hardliner_rule"]
    assert rule.choices == ("veto", "none") and rule.default == "veto"
    assert "how the US hard-liners take part" in rule.hover


def test_a_url_round_trips_through_the_controls(hanoi: tuple[Control, ...]) -> None:
    values = {c.name: c.default for c in hanoi} | {"kappa_h": 3.5, "hardliner_rule": "none"}
    query = to_query(hanoi, values)
    assert query == "?set=kappa_h=3.5&set=hardliner_rule=none"
    read, notices = from_query(query, hanoi)
    assert read == {"kappa_h": 3.5, "hardliner_rule": "none"} and notices == ()
    assert to_query(hanoi, {c.name: c.default for c in hanoi}) == ""


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?set=kappa_h=9", "kappa_h=9: outside its declared range [1, 4]"),
        ("?set=kappa_h=abc", "kappa_h=abc: not a number"),
        ("?set=kappa_h=nan", "kappa_h=nan: outside its declared range [1, 4]"),
        ("?set=hardliner_rule=maybe", "hardliner_rule=maybe: not one of its choices (veto, none)"),
        ("?set=den=3", "den=3: no such uncertain parameter"),
        ("?set=nonsense", "nonsense: no such uncertain parameter"),
    ],
)
def test_a_url_value_that_no_control_can_show_is_refused_with_a_notice(
    hanoi: tuple[Control, ...], query: str, notice: str
) -> None:
    read, notices = from_query(query + "&set=kappa_h=1.5&other=x", hanoi)
    assert notices == (notice,)
    assert read == {"kappa_h": 1.5}  # the valid value is kept, whatever came before it


def test_the_set_line_is_what_analyze_parses(hanoi: tuple[Control, ...]) -> None:
    values = {"kappa_h": 2.5, "L_det": 2.0, "first_mover": "us", "w_jcpoa": 0.5}
    line = set_line(hanoi, values)
    assert line == "--set kappa_h=2.5 --set L_det=2 --set first_mover=us"  # w_jcpoa unchanged
    pairs = line.replace("--set ", "").split()
    assert parse_overrides(pairs) == {"kappa_h": 2.5, "L_det": 2.0, "first_mover": "us"}


def test_the_yaml_copy_reads_back_as_the_values_set(hanoi: tuple[Control, ...]) -> None:
    sets = changed(hanoi, {"kappa_h": 2.5, "first_mover": "us"})
    text = variant_yaml("explored", sets, "a what-if: kappa_h and who moves first")
    read = plain(parse_yaml(text, "copy.yaml").root)
    assert read["variants"]["explored"]["set"] == {"kappa_h": 2.5, "first_mover": "us"}


def test_controls_left_empty_keep_the_file_value_and_numbers_stay_in_range(
    hanoi: tuple[Control, ...],
) -> None:
    raw: list[object] = [None] * len(hanoi)
    names = [c.name for c in hanoi]
    raw[names.index("kappa_h")] = 7
    raw[names.index("L_det")] = 1.4
    values = from_controls(hanoi, raw)
    assert values["kappa_h"] == 4 and values["L_det"] == 1.0
    assert values["hardliner_rule"] == "veto" and values["delta_us"] == 0.9


def test_a_control_checks_a_value_against_its_range_and_choices() -> None:
    share = Control("share", "share", 0.5, low=0.0, high=1.0, step=0.01)
    assert share.check(" 1 ") == 1.0
    with pytest.raises(DetenteError, match=r"outside its declared range \[0, 1\]"):
        share.check("-0.1")
    assert share.same(0.5 + 1e-12) and not share.same(0.51)


@pytest.mark.parametrize(
    ("width", "step"), [(0.0117, 0.01), (0.025, 0.02), (0.3, 0.2), (1.0, 1.0), (0.0, 1.0)]
)
def test_a_slider_step_is_a_round_number_within_a_hundredth_of_the_range(
    width: float, step: float
) -> None:
    assert nice_step(width) == step
