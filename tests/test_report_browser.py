"""The Hanoi report as a reader sees it, in headless Chromium: figures whose texts never
overlap, no raw citation or id in the prose, a first screen that states the answer with the
share the sweep's summary gives, and citations that lead to their sources.

The report is built once per module from the scenario and a small seeded sweep (the
"what would it take" and robust-deal analyses are left out: they have their own tests and
cost most of the report's time). Screenshots of each section and figure are kept in
``out/screenshots/`` (gitignored).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from detente.experiments import RunOptions, run_sweep
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.summary import summarize
from detente.experiments.sweep import scenario_sweep
from detente.labels import Labels
from detente.report import Report, gather
from detente.report import producers as report_producers
from detente.report.text import share
from detente.scenario import Scenario
from tests.browser import FIRST_SCREEN, OVERLAPS, SCREENSHOTS
from tests.conftest import SCENARIOS

HANOI = SCENARIOS / "hanoi-2019.yaml"
DRAWS = 6
"""Draws of the module's sweep (seeded): enough for shares, intervals and drivers."""
SLOW = ("whatif", "robust")
"""Producers left out of the module's report (each is tested on its own)."""


@pytest.fixture(scope="module")
def hanoi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    text = ScenarioText.read(HANOI)
    out = tmp_path_factory.mktemp("hanoi") / "sweep"
    run_sweep(scenario_sweep(text, DRAWS, seed=1), RunOptions(out, workers=1, progress=False))
    summary = summarize(out)
    scenario = text.build({})
    with pytest.MonkeyPatch.context() as patch:
        kept = {k: v for k, v in report_producers.REPORT_PRODUCERS.items() if k not in SLOW}
        patch.setattr(report_producers, "REPORT_PRODUCERS", kept)
        data = gather(scenario, sweep=summary, text=text)
    report = Report.build(data)
    folder = tmp_path_factory.mktemp("report")
    (folder / "hanoi.html").write_text(report.html(), encoding="utf-8")
    return {
        "scenario": scenario,
        "summary": summary,
        "data": data,
        "report": report,
        "path": folder / "hanoi.html",
    }


@pytest.fixture(scope="module")
def page(chromium: Any, hanoi: dict[str, Any]) -> Any:
    opened = chromium.new_page(viewport=FIRST_SCREEN)
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.goto(hanoi["path"].as_uri())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SCREENSHOTS / "report-first-screen.png"))
    yield opened
    opened.close()
    assert errors == [], errors


def test_no_two_texts_of_a_figure_overlap(page: Any, hanoi: dict[str, Any]) -> None:
    figures = page.locator("figure")
    names = [spec.name for spec in hanoi["report"].figures]
    assert figures.count() == len(names) >= 5
    for k, name in enumerate(names):
        figure = figures.nth(k)
        figure.scroll_into_view_if_needed()
        figure.screenshot(path=str(SCREENSHOTS / f"report-figure-{name}.png"))
        svg = figure.locator("svg")
        assert svg.locator("text").count() > 0, f"{name}: its text is not text"
        assert svg.evaluate(OVERLAPS) == [], name


def test_each_section_is_kept_as_a_screenshot(page: Any, hanoi: dict[str, Any]) -> None:
    keys = [s.key for s in hanoi["report"].sections]
    for key in keys:
        section = page.locator(f"section#{key}")
        assert section.count() == 1
        section.screenshot(path=str(SCREENSHOTS / f"report-section-{key}.png"))
    assert keys[0] == "synthesis" and "win_sets" in keys


def test_no_raw_citation_anywhere(page: Any, hanoi: dict[str, Any]) -> None:
    html = hanoi["path"].read_text(encoding="utf-8")
    assert "[@" not in html and "[@" not in page.inner_text("body")
    assert "[@" not in hanoi["report"].markdown("hanoi_files")


def _shown_ids(scenario: Scenario, labels: Labels) -> dict[str, str]:
    """The ids a reader must never see, with their display names (ids shown as themselves
    are words already: ``yongbyon``)."""
    ids = {
        **{name: labels.parameter(name) for name in scenario.parameter_records},
        **{issue.name: labels.item(issue.name) for issue in scenario.space.issues},
        **{name: labels.position(name) for name in scenario.positions},
        **{claim.name: labels.claim(claim.name) for claim in scenario.claims},
    }
    return {k: v for k, v in ids.items() if v != k}


def test_the_prose_shows_display_names_never_ids(page: Any, hanoi: dict[str, Any]) -> None:
    text = page.inner_text("main")
    data = hanoi["data"]
    shown = _shown_ids(hanoi["scenario"], Labels.of(data.analysis))
    assert "un_relief" in shown and "max_stages" not in text
    # an id that is an ordinary word (``declaration``) may be said in prose, never as a label
    coded = [i for i in shown if not (i.isalpha() and i.islower())]
    leaks = [i for i in coded if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert leaks == []
    first_cells = page.eval_on_selector_all(
        "main table tbody tr", "rows => rows.map(r => r.cells[0].innerText.trim())"
    )
    assert [cell for cell in first_cells if cell in shown] == []
    relief = Labels.of(data.analysis).item("un_relief")
    concessions = page.locator("section#setting table", has_text="concession")
    assert relief in concessions.inner_text()


def test_the_first_screen_states_the_answer_with_the_summarys_share(
    page: Any, hanoi: dict[str, Any]
) -> None:
    summary = hanoi["summary"]
    answer = summary["claims"]["phased_deal_exists"]  # the first claim about the agreement
    said = (
        f"holds in {share(answer['share'])} of {summary['draws']} plausible cases (95% interval "
        f"{share(answer['low'])}–{share(answer['high'])})"
    )
    paragraph = page.locator("section#synthesis p", has_text="The answer:")
    assert said in paragraph.inner_text()
    assert (
        paragraph.bounding_box()["y"] + paragraph.bounding_box()["height"] <= FIRST_SCREEN["height"]
    )
    robust = sum(1 for v in summary["claims"].values() if v["share"] > 0.5)
    assert f"{robust} hold in more than half of {summary['draws']} plausible cases" in (
        page.inner_text("section#synthesis")
    )


def test_every_citation_leads_to_its_source(page: Any, hanoi: dict[str, Any]) -> None:
    references = hanoi["scenario"].references
    links = page.eval_on_selector_all("a.cite", "els => els.map(e => e.getAttribute('href'))")
    assert links, "the report cites its sources"
    entries = {
        e["id"]: e
        for e in page.eval_on_selector_all(
            "ol.bibliography li",
            "els => els.map(e => ({id: e.id, text: e.innerText, "
            "urls: [...e.querySelectorAll('a')].map(a => a.getAttribute('href'))}))",
        )
    }
    for link in set(links):
        assert link.startswith("#") and link[1:] in entries, link
    for entry in hanoi["report"].bibliography:
        shown = entries[entry.anchor]
        source = references[entry.key]
        assert source.title in shown["text"]
        assert shown["urls"] == ([source.url] if source.url else [])
        if source.date:
            assert f"({source.date})" in shown["text"]


def test_the_markdown_links_each_citation_to_its_entry(hanoi: dict[str, Any]) -> None:
    text = hanoi["report"].markdown("hanoi_files")
    cited = set(re.findall(r"\]\(#(ref-\d+)\)", text))
    anchors = set(re.findall(r'<a id="(ref-\d+)"></a>', text))
    assert cited and cited <= anchors
    assert "## Sources" in text


def test_the_factions_section_says_who_vetoes_what_in_the_units_of_relief(
    page: Any, hanoi: dict[str, Any]
) -> None:
    labels = Labels.of(hanoi["data"].analysis)
    text = page.inner_text("section#win_sets")
    offer = labels.position("nk_hanoi_offer")
    assert f"“{offer}”: every signatory's negotiator prefers it to no deal, but the" in text
    assert "hard-liners veto it" in text
    assert f"of {labels.issue('un_relief')}" in text and "at most" in text
    assert "Against the counterfactual in which" in text
