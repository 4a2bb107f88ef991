"""``detente serve`` in a real browser: Debian's Chromium driven by Playwright.

The Hanoi 2019 explorer is served once for the module; each test moves its controls (or loads
a shared URL) and checks the claims the page shows against ``detente analyze --set … --json``
for the same settings. Screenshots are kept in ``out/screenshots/``; a console error fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from detente.experiments.scenario_text import ScenarioText
from detente.explorer.app import Explorer, create_app
from detente.explorer.sweep import SweepView
from tests.browser import claims_shown, served, settle
from tests.conftest import SCENARIOS, in_process

HANOI = SCENARIOS / "hanoi-2019.yaml"


@pytest.fixture(scope="module")
def hanoi_url() -> Iterator[str]:
    explorer = Explorer.of(ScenarioText.read(HANOI))
    with served(create_app(explorer)) as url:
        yield url


def analyzed_claims(capsys: pytest.CaptureFixture[str], *sets: str) -> dict[str, bool]:
    """The claims ``detente analyze FILE --set … --json`` reports (its command line, run in
    this process)."""
    options = [part for value in sets for part in ("--set", value)]
    done = in_process(capsys, "analyze", HANOI, *options, "--json")
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout)["claims"])


def slider(web_page: Any, name: str) -> Any:
    return web_page.locator(f'[data-parameter="{name}"] [role=slider]')


def test_moving_the_hardliners_weight_flips_the_claims_analyze_gives(
    web_page: Any, hanoi_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    web_page.goto(hanoi_url)
    settle(web_page, "")
    names = web_page.locator("[data-parameter]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.parameter)"
    )
    assert names == [d.name for d in ScenarioText.read(HANOI).uncertain()]
    hover = web_page.locator('[data-parameter="kappa_h"]').get_attribute("title")
    assert hover is not None and "hard-liners' disvalue" in hover
    file_values = claims_shown(web_page)
    slider(web_page, "kappa_h").press("End")  # the hard-liners' disvalue of relief at its maximum
    settle(web_page, "?set=kappa_h=4")
    moved = claims_shown(web_page)
    assert moved == analyzed_claims(capsys, "kappa_h=4")
    flipped = {name for name in moved if moved[name] != file_values[name]}
    assert flipped == {"phased_deal_exists"}
    marked = web_page.locator('[data-claim][data-flipped="true"]').evaluate_all(
        "nodes => nodes.map(n => n.dataset.claim)"
    )
    assert marked == ["phased_deal_exists"]
    assert "breaks in stage 1" in web_page.get_by_test_id("schedule-break").inner_text()


def test_flipping_the_hardliner_rule_to_none_lifts_the_veto(
    web_page: Any, hanoi_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    web_page.goto(hanoi_url)
    settle(web_page, "")
    web_page.locator('[data-parameter="hardliner_rule"] label', has_text="none").click()
    settle(web_page, "?set=hardliner_rule=none")
    shown = claims_shown(web_page)
    assert shown == analyzed_claims(capsys, "hardliner_rule=none")
    assert shown["offer_vetoed_at_home"] is False
    solutions = web_page.locator("[data-solution]").evaluate_all(
        "nodes => nodes.map(n => n.dataset.solution)"
    )
    assert solutions == ["nash", "kalai_smorodinsky", "egalitarian", "utilitarian"]
    positions = web_page.locator('[data-position="nk_hanoi_offer"] td').all_inner_texts()
    assert positions[1:3] == ["yes", "yes"]  # rational and, with no veto, ratifiable


def test_a_shared_url_sets_the_controls_and_the_claims(
    web_page: Any, hanoi_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "?set=kappa_h=1&set=prior_b=3&set=first_mover=us"
    web_page.goto(hanoi_url + query + "&set=nonesuch=1&set=w_jcpoa=7")
    web_page.wait_for_function(
        "q => document.querySelector('[data-testid=status]')?.dataset.query === q", arg=query
    )
    assert slider(web_page, "kappa_h").get_attribute("aria-valuenow") == "1"
    assert slider(web_page, "prior_b").get_attribute("aria-valuenow") == "3"
    assert slider(web_page, "w_jcpoa").get_attribute("aria-valuenow") == "0.5"  # 7 is refused
    checked = web_page.locator('[data-parameter="first_mover"] input:checked').get_attribute(
        "value"
    )
    assert checked == "us"
    notices = web_page.get_by_test_id("notices").inner_text()
    assert "nonesuch=1: no such uncertain parameter" in notices
    assert "w_jcpoa=7: outside its declared range [0, 1]" in notices
    expected = analyzed_claims(capsys, "kappa_h=1", "prior_b=3", "first_mover=us")
    assert claims_shown(web_page) == expected


def test_export_gives_the_set_line_and_the_yaml_of_the_view(web_page: Any, hanoi_url: str) -> None:
    web_page.goto(hanoi_url + "?set=kappa_h=2.5")
    settle(web_page, "?set=kappa_h=2.5")
    assert not web_page.get_by_test_id("export").is_visible()
    web_page.get_by_test_id("export-button").click()
    line = web_page.get_by_test_id("export-set").inner_text()
    assert line == f"detente analyze {HANOI} --set kappa_h=2.5"
    yaml = web_page.get_by_test_id("export-yaml").inner_text()
    assert "set: {kappa_h: 2.5}" in yaml


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, SweepView]]:
    from detente.cli import main

    scenario = SCENARIOS / "theory" / "discovery.yaml"
    directory = tmp_path_factory.mktemp("sweep") / "draws"
    main(["sweep", str(scenario), "--draws", "60", "--seed", "1", "--out", str(directory)])
    view = SweepView.read(directory)
    explorer = Explorer.of(ScenarioText.read(scenario), view)
    with served(create_app(explorer)) as url:
        yield url, view


def test_brushing_the_sweep_gives_the_shares_inside_the_box(
    web_page: Any, swept: tuple[str, SweepView]
) -> None:
    url, view = swept
    web_page.goto(url)
    settle(web_page, "")
    count = web_page.get_by_test_id("sweep-count")
    assert count.get_attribute("data-draws") == "60"
    plot = web_page.locator("[data-testid=sweep] .nsewdrag").first
    box = plot.bounding_box()
    assert box is not None
    web_page.mouse.move(box["x"] + 2, box["y"] + 2)
    web_page.mouse.down()
    web_page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5, steps=8)
    web_page.mouse.up()
    web_page.wait_for_function(
        "() => document.querySelector('[data-testid=sweep-count]').dataset.draws !== '60'"
    )
    inside = int(count.get_attribute("data-draws") or "0")
    assert 0 < inside < 60
    brush = {
        n: (low, high)
        for n, (low, high) in json.loads(count.get_attribute("data-brush") or "{}").items()
    }
    assert set(brush) == {"x", "y"}
    assert int(view.inside(brush).sum()) == inside
    shown = web_page.locator('[data-testid=sweep-shares] [data-claim="box"]').get_attribute(
        "data-share"
    )
    expected = view.shares(brush)["box"]["share"]
    assert shown == ("" if expected is None else f"{expected:.6g}")
