"""The report's "model against the record" section (src/detente/report/record.py)."""

from __future__ import annotations

from pathlib import Path

from detente.analysis.pipeline import analyze
from detente.report.data import ReportData
from detente.report.figures import render_png
from detente.report.record import record_section
from detente.report.sections import REPORT_SECTIONS, ReportTable, Section
from detente.scenariofile.loader import load_scenario

FIXTURES = Path(__file__).parent / "fixtures"


def section_of(path: Path, **sets: float) -> Section | None:
    data = ReportData.from_documents("t", {"analysis": analyze(load_scenario(path, sets))})
    return record_section(data, Section, ReportTable)


def test_the_section_says_what_the_record_and_the_model_say() -> None:
    section = section_of(FIXTURES / "library" / "case-2000.yaml")
    assert section is not None and section.key == "record"
    assert section.sentences == (
        "The model retrodicts the record of Exchange of 2000: whether the deal formed, the stage "
        "it broke at and who broke it.",
        "In the record the deal formed, 2 stages were carried out, and Side B broke it in stage "
        "3 (2002-02-20).",
        "On the model's path the deal forms, 2 stages are carried out, and Side B breaks it in "
        "stage 3 (2002-01-15).",
        "The trust beliefs use 2 dated records before 2000-01-15; 1 later record of the common "
        "timeline is left out.",
    )
    (table,) = section.tables
    assert table.rows[-1][:4] == ("2002-02-20", "Side B", "halted step b3", "")
    (figure,) = section.figures
    assert render_png(figure)[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_mismatch_is_said_and_a_case_without_record_has_no_section() -> None:
    section = section_of(FIXTURES / "record" / "partial-implementation.yaml", c_B3=3)
    assert section is not None
    assert section.sentences[0].startswith("The model does not retrodict the record")
    assert "the deal forms and 3 stages are carried out in full" in section.sentences[2]
    plain = ReportData.from_documents(
        "t", {"analysis": analyze(load_scenario("scenarios/theory/partial-implementation.yaml"))}
    )
    assert record_section(plain, Section, ReportTable) is None
    assert any(getattr(b, "func", None) is record_section for b in REPORT_SECTIONS)


def test_a_record_without_an_agreed_position_beside_a_ratifiable_agreement() -> None:
    section = section_of(Path("scenarios/korea/hanoi-2019.yaml"))
    assert section is not None
    assert section.sentences[0].startswith("The model does not retrodict the record of Hanoi")
    assert section.sentences[1] == "In the record no deal formed."
    assert section.sentences[2].startswith(
        "On the model's side a ratifiable agreement exists (the model predicts a deal), while "
        "the record has none"
    )
    assert not any("0 stages" in s or "nobody breaks" in s for s in section.sentences)
