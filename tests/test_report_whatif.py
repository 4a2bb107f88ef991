"""The report's "What would it take" section: its document, its sentences and its figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.experiments import thresholds as th
from detente.experiments.scenario_text import ScenarioText
from detente.report import Report, build_sections, whatif
from detente.report.data import ReportData
from detente.report.figures import render_png
from detente.report.names import document_labels
from detente.report.producers import setting_document
from detente.report.text import number
from tests.conftest import SCENARIOS

BREAK_EVEN = Path(__file__).parent / "fixtures" / "thresholds" / "break-even.yaml"
"""Nash picks MediumDeal iff 5m > max(12, 9k); BigDeal iff 9k > max(12, 5m) (see the file)."""


def section_of(path: Path, overrides: dict[str, float] | None = None, with_labels: bool = False):  # type: ignore[no-untyped-def]
    text = ScenarioText.read(path, overrides)
    scenario = text.build({})
    document = whatif.whatif_document(scenario, text)
    assert document is not None
    data = ReportData.from_documents(
        scenario.name, {"whatif": document, "setting": setting_document_of(scenario)}
    )
    [section] = [s for s in build_sections(data) if s.key == "whatif"]
    if with_labels:
        return document, section, document_labels(data)
    return document, section


def setting_document_of(scenario):  # type: ignore[no-untyped-def]
    from detente.analysis.pipeline import analysis_of
    from detente.analysis.solutions import Bargaining
    from detente.report.producers import GatherContext

    bargaining = Bargaining.of(scenario)
    return setting_document(scenario, GatherContext(bargaining, analysis_of(scenario, bargaining)))


def test_the_section_bisects_each_flip_the_tornado_shows_to_the_hand_derived_thresholds() -> None:
    document, section = section_of(BREAK_EVEN)
    found = {(t["claim"], t["parameter"]): t for t in document["thresholds"]}
    # m = 0 gives SmallDeal (MediumDeal's product 0 < 12); k = 6 gives BigDeal (54 > 20)
    assert set(found) == {("nash_medium", "m"), ("nash_medium", "k"), ("nash_big", "k")}
    m = found[("nash_medium", "m")]
    assert m["tolerance"] == pytest.approx(8 * whatif.TOLERANCE)
    [crossing] = m["crossings"]
    assert crossing["value"] == pytest.approx(2.4, abs=m["tolerance"] / 2)
    assert found[("nash_big", "k")]["crossings"] == [{"value": 3, "below": False, "above": True}]
    assert found[("nash_medium", "k")]["crossings"] == [{"value": 3, "below": True, "above": False}]
    caption = section.caption
    assert f"m ≤ {number(crossing['value'])} (point estimate 4; test)" in caption
    assert (
        "“nash big” (the Nash solution is BigDeal) does not hold at the point estimate" in caption
    )
    assert "it would hold with k ≥ 3" in caption


def test_the_report_threshold_agrees_with_the_threshold_command() -> None:
    document, _ = section_of(BREAK_EVEN)
    text = ScenarioText.read(BREAK_EVEN)
    evaluations = th.Evaluations(text)
    mine = next(t for t in document["thresholds"] if t["parameter"] == "m")
    command = th.threshold(
        evaluations,
        th.claim_target(text.claims, "nash_medium", text.file),
        th.OneWay.of(evaluations.records["m"], th.DEFAULT_GRID, None),
    )
    [a], [b] = mine["crossings"], command["crossings"]
    assert abs(a["value"] - b["value"]) <= mine["tolerance"]
    assert (a["below"], a["above"]) == (b["below"], b["above"])


def test_the_map_is_of_the_first_claim_two_parameters_flip_over_the_two_that_flip_it_most() -> None:
    document, section = section_of(BREAK_EVEN)
    grid = document["map"]
    assert grid["claim"] == "nash_medium"
    # k flips it on half its range ([3, 6] of [0, 6]), m on 0.3 ([0, 2.4] of [0, 8])
    assert grid["parameters"] == ["k", "m"]
    for j, m in enumerate(grid["grid"]["m"]):
        for i, k in enumerate(grid["grid"]["k"]):
            assert grid["holds"][j][i] is (5 * m > max(12, 9 * k))
    held = sum(v for row in grid["holds"] for v in row)
    assert f"it holds in {held} of {whatif.MAP_GRID**2} grid points" in section.caption
    assert {spec.name for spec in section.figures} == {
        "whatif-claims",
        "whatif-map",
        "whatif-tornado",
    }
    for spec in section.figures:
        assert render_png(spec)[:4] == b"\x89PNG"


def test_a_scenario_without_claims_or_ranges_has_no_section() -> None:
    text = ScenarioText.read(SCENARIOS / "theory" / "worked-example.yaml")
    assert whatif.whatif_document(text.build({}), text) is None
    data = ReportData.from_documents("x", {})
    assert [s.key for s in build_sections(data)] == []


def test_the_report_command_gives_the_section_at_its_set_values(tmp_path: Path) -> None:
    from detente.cli import main

    out = tmp_path / "r.md"
    main(["report", str(BREAK_EVEN), "--set", "k=2", "-o", str(out)])
    report = out.read_text(encoding="utf-8")
    assert "## What would it take" in report
    # at k = 2 Nash is MediumDeal while 5m > 18: the threshold moves from 2.4 to 3.6
    line = next(x for x in report.splitlines() if x.startswith("| nash medium | m |"))
    assert abs(float(line.split("|")[5]) - 3.6) <= 8 * whatif.TOLERANCE / 2


@pytest.mark.slow
def test_hanoi_has_the_section_with_the_numbers_the_threshold_command_prints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chosen = ("rho_un",)  # (one parameter keeps the test short; the map is tested above)
    swung = th.swung_parameters
    monkeypatch.setattr(
        th,
        "swung_parameters",
        lambda text: [r for r in swung(text) if r.name in chosen],
    )
    monkeypatch.setattr(whatif, "WORKERS", 1)
    document, section, labels = section_of(SCENARIOS / "hanoi-2019.yaml", with_labels=True)
    covert = next(
        t
        for t in document["thresholds"]
        if (t["claim"], t["parameter"]) == ("offer_invites_covert_replacement", "rho_un")
    )
    [crossing] = covert["crossings"]
    assert (crossing["below"], crossing["above"]) == (True, False)
    assert (
        f"{labels.parameter('rho_un')} ≥ {number(crossing['value'])} (point estimate 0.2; "
        "assumption [@unsc-veto])" in section.caption
    )
    text = ScenarioText.read(SCENARIOS / "hanoi-2019.yaml")
    evaluations = th.Evaluations(text)
    command = th.threshold(
        evaluations,
        th.claim_target(text.claims, "offer_invites_covert_replacement", text.file),
        th.OneWay.of(evaluations.records["rho_un"], 3, covert["tolerance"]),
    )
    [expected] = command["crossings"]
    assert abs(expected["value"] - crossing["value"]) <= covert["tolerance"]
    assert Report.build(ReportData.from_documents("Hanoi", {"whatif": document})).sections


def test_the_section_says_which_labels_of_a_categorical_parameter_a_claim_holds_with(
    tmp_path: Path,
) -> None:
    from tests.test_experiments_thresholds import with_a_choice

    document, section = section_of(with_a_choice(tmp_path))
    assert document["choices"] == [
        {
            "claim": "nash_medium",
            "parameter": "rule",
            "at": "usual",
            "holds": {"usual": True, "big": False},
        },
        {
            "claim": "nash_big",
            "parameter": "rule",
            "at": "usual",
            "holds": {"usual": False, "big": True},
        },
    ]
    assert all(t["parameter"] != "rule" for t in document["thresholds"])
    caption = section.caption
    assert (
        "“nash medium” holds with rule = usual and not with big (point estimate usual; test)"
        in caption
    )
    assert "“nash big” holds with rule = big and not with usual" in caption
    assert "(the categorical one to each of its labels)" in caption
    for spec in section.figures:
        assert render_png(spec)[:4] == b"\x89PNG"
