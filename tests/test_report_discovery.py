"""The report's "Where the claims hold" and "What the solutions contain" sections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from detente.analysis.documents import IssueFacts
from detente.experiments import RunOptions, run_sweep
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.sweep import scenario_sweep
from detente.report import ReportData, build_sections
from detente.report.data import read_sweep
from detente.report.sections import contents_section, discovery_section
from tests.conftest import SCENARIOS


def sweep(**extra: Any) -> dict[str, Any]:
    claims = {"offer_works": {"share": 0.23, "low": 0.2, "high": 0.26, "holds": 230}}
    return {"draws": 1000, "claims": claims, **extra}


BOX = {
    "restrictions": {"trust_nk": [0.8, None], "first_mover": ["us"]},
    "coverage": 0.88,
    "density": 0.94,
    "mass": 0.2,
    "statement": "holds on 94% of draws with trust_nk ≥ 0.8 and first_mover is us; these cover "
    "88% of the draws where it holds",
}


def test_the_discovered_boxes_are_stated_in_words_with_their_numbers() -> None:
    discovery = {
        "offer_works": {"share": 0.23, "boxes": [BOX], "tradeoff": []},
        "never": {"share": 0.0, "boxes": [], "tradeoff": [], "reason": "it holds on no draw"},
    }
    section = discovery_section(
        ReportData.from_documents("t", {"sweep": sweep(discovery=discovery)})
    )
    assert section is not None and section.title == "Where the claims hold"
    assert section.sentences[0] == (
        "“offer works” holds on 94% of draws with trust nk ≥ 0.8 and first mover is us; these "
        "cover 88% of the draws where it holds."
    )
    assert section.sentences[1] == "“never” has no box: it holds on no draw."
    assert section.tables[0].rows == (
        ("offer works", "1", "trust nk ≥ 0.8, first mover is us", "94%", "88%", "20%"),
    )


def test_the_contents_list_each_solutions_packages_with_their_shares() -> None:
    contents = {
        "nash": {
            "packages": [{"outcome": {"relief": "full"}, "share": 0.1}],
            "issues": {"relief": {"full": 0.1, "none": 0.6}},
            "missing": 0.3,
        }
    }
    data = ReportData.from_documents(
        "t",
        {"sweep": sweep(contents=contents)},
        issues=(IssueFacts("relief", "values", 2, None),),
    )
    section = contents_section(data)
    assert section is not None
    assert "varies across the 1,000 draws" in section.sentences[0]
    assert "appears in 10% of draws" in section.sentences[1]
    assert section.tables[0].rows[-1] == ("Nash", "no such solution", "30%")


def test_sections_are_left_out_without_discovery_or_contents() -> None:
    keys = [s.key for s in build_sections(ReportData.from_documents("t", {"sweep": sweep()}))]
    assert "discovery" not in keys and "contents" not in keys


def test_a_report_of_a_sweep_directory_describes_where_its_claims_hold(tmp_path: Path) -> None:
    path = SCENARIOS / "theory" / "discovery.yaml"
    run_sweep(scenario_sweep(ScenarioText.read(path), 400, seed=2), RunOptions(tmp_path / "r"))
    data = ReportData.from_documents("t", {"sweep": read_sweep(tmp_path / "r")})
    section = discovery_section(data)
    assert section is not None
    where = section.tables[0].rows[0][2]
    assert where.startswith("x ≤ 0.") and ", y ≥ 0." in where
