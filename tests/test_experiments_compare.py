"""Counterfactuals side by side: each case computed, and the changes said in sentences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from detente.analysis import analyze
from detente.errors import DetenteError
from detente.experiments.compare import compare, parse_variant
from detente.experiments.scenario_text import ScenarioText
from detente.scenario import Variant
from detente.scenariofile.loader import load_scenario
from tests.conftest import SCENARIOS, edited_copy
from tests.experiment_toys import CHOOSING

HANOI = SCENARIOS / "hanoi-2019.yaml"


@pytest.fixture
def small(tmp_path: Path) -> ScenarioText:
    path = tmp_path / "choosing.yaml"
    path.write_text(CHOOSING, encoding="utf-8")
    return ScenarioText.read(path)


@pytest.fixture(scope="module")
def hanoi() -> dict[str, Any]:
    text = ScenarioText.read(HANOI)
    return compare(text.build, {}, list(text.build({}).variants.values()))


def test_a_small_comparison_is_computed_case_by_case(small: ScenarioText) -> None:
    # A gets r and B 4 - r; the hawk accepts r <= x * n = 1 and holds a veto in the base case.
    document = compare(small.build, {}, list(small.build({}).variants.values()))
    base, (free,) = document["base"], document["variants"]
    assert document["scenario"] == "a choice of ratification rule"
    assert base["agreement"] == {"r": 1} and free["agreement"] == {"r": 2}
    assert base["positions"]["p"] == {
        "rational": True,
        "ratifiable": False,
        "one_shot": None,
        "min_stages": None,
    }
    assert free["positions"]["p"]["ratifiable"] is True
    assert base["claims"] == {"vetoed": True} and free["claims"] == {"vetoed": False}
    assert base["gains"]["a"] == {
        "name": "Side A",
        "signatory": True,
        "utility": 1.0,
        "gain": 1.0,
        "change": None,
    }
    assert free["gains"]["a"]["change"] == 1.0 and free["gains"]["b"]["change"] == -1.0
    assert (free["name"], free["sets"], free["description"]) == (
        "free",
        {"rule": "none"},
        "no veto",
    )
    assert free["changes"] == [
        "agreement: r 1 → 2",
        "Side A: 1 → 2",
        "Side B: 3 → 2",
        "p: ratifiable no → yes",
        "claim vetoed: yes → no",
    ]
    assert base["schedule"] is None and base["path"] is None


def test_a_variant_applies_on_top_of_the_base_sets(small: ScenarioText) -> None:
    document = compare(small.build, {"x": 1.0}, [Variant("two", (("n", "1"),))])
    # base: the hawk accepts r <= 2, so p is not vetoed; with n = 1 it accepts r <= 1 only.
    assert document["base"]["sets"] == {"x": 1.0}
    assert document["base"]["claims"]["vetoed"] is False
    assert document["variants"][0]["claims"]["vetoed"] is True


def test_an_unchanged_variant_says_nothing_changes(small: ScenarioText) -> None:
    document = compare(small.build, {}, [Variant("same", (("rule", "veto"),))])
    assert document["variants"][0]["changes"] == []


def test_variant_mistakes_are_one_line(small: ScenarioText) -> None:
    with pytest.raises(DetenteError, match="variant bad: --set rulers: no such parameter"):
        compare(small.build, {}, [Variant("bad", (("rulers", "none"),))])
    with pytest.raises(DetenteError, match="variant bad: --set rule=nobody: not a label"):
        compare(small.build, {}, [Variant("bad", (("rule", "nobody"),))])
    with pytest.raises(DetenteError, match="variant 'v' is given twice"):
        compare(small.build, {}, [Variant("v", (("rule", "none"),))] * 2)


@pytest.mark.parametrize("text", ["novalue", "=rule=none", "v=", "v=rule", "v=rule=none,x"])
def test_a_malformed_variant_is_refused(text: str) -> None:
    with pytest.raises(DetenteError, match="expected NAME=PARAMETER=VALUE"):
        parse_variant(text)


def test_variant_values_parse_as_set_does() -> None:
    assert parse_variant("v=rule=none, x=0.5").sets == (("rule", "none"), ("x", 0.5))


# --------------------------------------------------------------------------- Hanoi


def test_without_the_veto_the_hanoi_deal_moves_and_south_korea_loses(
    hanoi: dict[str, Any],
) -> None:
    no_veto = next(v for v in hanoi["variants"] if v["name"] == "no_veto")
    base = hanoi["base"]
    assert no_veto["positions"]["nk_hanoi_offer"]["ratifiable"] is True
    assert base["positions"]["nk_hanoi_offer"]["ratifiable"] is False
    moved = {k: v for k, v in no_veto["agreement"].items() if base["agreement"][k] != v}
    assert moved == {"un_relief": 1, "inter_korean": 0}
    sk_before, sk_after = base["gains"]["sk"]["utility"], no_veto["gains"]["sk"]["utility"]
    assert (round(sk_before, 1), round(sk_after, 1)) == (17.2, 12.2)
    assert "South Korea: 17.2 → 12.2" in no_veto["changes"]
    assert no_veto["claims"]["offer_vetoed_at_home"] is False


def test_us_first_keeps_the_hanoi_deal_in_more_stages(hanoi: dict[str, Any]) -> None:
    us_first = next(v for v in hanoi["variants"] if v["name"] == "us_first")
    assert us_first["agreement"] == hanoi["base"]["agreement"]
    assert (hanoi["base"]["min_stages"], us_first["min_stages"]) == (2, 3)
    assert len(us_first["schedule"]) == 3 and us_first["path"]["completed"] is True
    assert us_first["changes"] == ["agreement's fewest stages: 2 → 3"]


def test_each_case_is_what_analyze_computes_with_its_values(hanoi: dict[str, Any]) -> None:
    for case in [hanoi["base"], *hanoi["variants"]]:
        document = analyze(load_scenario(HANOI, case["sets"]))
        assert case["claims"] == document["claims"]
        assert case["agreement"] == document["agreement"]["outcome"]
        assert case["schedule"] == document["phasing"]["agreement"]["schedule"]
        sk = case["gains"]["sk"]["utility"]
        assert sk == document["stakeholders"]["sk"]["nash"]


def test_the_hanoi_point_estimate_is_the_file_written_with_its_cases(tmp_path: Path) -> None:
    """Choosing by `select` changes nothing at the point estimate: the analysis is the one of
    the file written with the chosen cases."""
    once = edited_copy(
        HANOI,
        tmp_path,
        """    ratification:
      select: hardliner_rule
      cases: {veto: {rule: veto, players: [hardliners]}, none: none}""",
        "    ratification: {rule: veto, players: [hardliners]}",
    )
    (tmp_path / "w").mkdir()
    written = edited_copy(
        once,
        tmp_path / "w",
        "order: {select: first_mover, cases: {nk: [[nk], [us]], us: [[us], [nk]]}}",
        "order: [[nk], [us]]",
    )
    chosen = json.dumps(analyze(load_scenario(HANOI)), sort_keys=True)
    assert json.dumps(analyze(load_scenario(written)), sort_keys=True) == chosen
