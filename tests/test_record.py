"""A case's ``date:`` and ``record:``, and dated, weighted trust records."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.record import Break, CaseRecord, Event, Outcome
from detente.scenariofile.loader import load_scenario
from detente.trust import BetaReputation, Record

FIXTURES = Path(__file__).parent / "fixtures"
LIBRARY = FIXTURES / "library"
SIX = FIXTURES / "record" / "partial-implementation.yaml"


def event(date: str, party: str, did: str, stage: int | None = None, **more: object) -> Event:
    return Event(date, party, did, "[@s]", stage=stage, **more)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ((), Outcome(True, 0, False, None)),
        (
            (event("2001-01-01", "B", "delivered", 1), event("2001-06-01", "B", "delivered", 2)),
            Outcome(True, 2, True, None),
        ),
        (  # the break's stage: one after the last delivery before it
            (event("2001-01-01", "B", "delivered", 1), event("2001-06-01", "A", "withdrew")),
            Outcome(True, 1, False, Break(2, "A", "2001-06-01", "withdrew")),
        ),
        (  # the first breaking event by date, whatever the file's order; its own stage wins
            (event("2003-01-01", "A", "halted"), event("2002-01-01", "B", "reneged", 1)),
            Outcome(True, 0, False, Break(1, "B", "2002-01-01", "reneged")),
        ),
        (  # a test breaks only when the event says so
            (event("2001-01-01", "B", "tested"), event("2001-02-01", "B", "tested", breaks=True)),
            Outcome(True, 0, False, Break(1, "B", "2001-02-01", "tested")),
        ),
    ],
)
def test_what_the_events_add_up_to(events: tuple[Event, ...], expected: Outcome) -> None:
    assert CaseRecord("deal", events).outcome(stages=2) == expected


def test_no_agreement_is_no_deal_whatever_happened() -> None:
    record = CaseRecord(None, (event("2001-01-01", "B", "halted"),))
    assert record.outcome(3) == Outcome(False, 0, False, None)


def test_the_record_is_read_and_checked_against_the_scenario() -> None:
    scenario = load_scenario(SIX)
    assert scenario.date == "2001-01-01"
    record = scenario.record
    assert record is not None and record.agreed == "deal"
    assert [(e.party, e.did, e.item, e.stage) for e in record.events[:3]] == [
        ("B", "signed", None, None),
        ("B", "delivered", "step_b1", 1),
        ("A", "delivered", "step_a", 1),
    ]
    assert record.outcome(3) == Outcome(True, 2, False, Break(3, "B", "2002-02-01", "halted"))


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "party: B, did: halted",
            "party: Z, did: halted",
            "record.events[5].party",
            "no party 'Z'",
        ),
        ("item: step_b3, source", "item: nope, source", "record.events[5].item", "no item 'nope'"),
        (
            "party: B, did: delivered, item: step_b1",
            "party: A, did: delivered, item: step_b1",
            "record.events[1].party",
            "A cannot deliver step_b1: its giver is B",
        ),
        (
            "item: step_b1, stage: 1",
            "item: step_b1, stage: 4",
            "record.events[1].stage",
            "has 3 stages",
        ),
        ("agreed: deal", "agreed: other", "record.agreed", "no position 'other'"),
        ("did: halted", "did: exploded", "record.events[5].did", "Input should be"),
        ('source: "[@ledger]"}', "note: x}", "record.events[1].source", "Field required"),
        (
            "date: 2001-02-01, party: B",
            "date: 2001-02-30, party: B",
            "record.events[1]",
            "not a date",
        ),
        ("\ndate: 2001-01-01\n", "\n", "record", "a record needs the case's date"),
    ],
)
def test_a_bad_record_is_a_located_error(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    text = SIX.read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "case.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(tmp_path / "case.yaml")
    shown = str(raised.value)
    assert shown.startswith(f"{tmp_path / 'case.yaml'}:"), shown
    assert where in shown and message in shown, shown


def test_each_case_uses_only_the_trust_records_dated_before_it() -> None:
    """The common file holds the whole timeline (1991, 1999, 2012); each case's Beta belief
    counts only the records before its date, each weighted."""
    used = {}
    for year in (1995, 2000, 2018):
        scenario = load_scenario(LIBRARY / f"case-{year}.yaml")
        assert scenario.date is not None
        evidence = scenario.trust_evidence
        assert all((e.date < scenario.date) == e.used for e in evidence if e.date)
        used[year] = [e.date for e in evidence if e.used]
        assert scenario.trust is not None
        model = scenario.trust.model("A", "B")
        assert isinstance(model, BetaReputation)
        used[year] = (used[year], model.posterior)
    assert used[1995] == (["1991-06-01"], (1.5, 1.0))
    assert used[2000] == (["1991-06-01", "1999-03-01"], (3.5, 1.0))
    assert used[2018] == (["1991-06-01", "1999-03-01", "2012-05-01"], (3.5, 2.0))


def test_a_later_trust_record_in_the_case_file_itself_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text(
        (LIBRARY / "common.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    case = (LIBRARY / "case-1995.yaml").read_text(encoding="utf-8")
    case += (
        "trust:\n  A:\n    B:\n      beta:\n        records:\n"
        "          - {date: 1996-01-01, honoured: 1}\n"
    )
    (tmp_path / "case.yaml").write_text(case, encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(tmp_path / "case.yaml")
    shown = str(raised.value)
    assert shown.startswith(f"{tmp_path / 'case.yaml'}:"), shown
    assert "trust.A.B.beta.records[0].date" in shown
    assert "dated 1996-01-01, not before the case's date 1995-03-01" in shown


def test_a_record_weight_scales_its_evidence() -> None:
    """Returning some remains (weight 0.2) counts for less than an eight-year freeze (3)."""
    light = BetaReputation(1, 1, (Record(1, 0, weight=0.2),))
    heavy = BetaReputation(1, 1, (Record(1, 0, weight=3), Record(0, 1, relevance=0.5, weight=2)))
    assert light.posterior == (1.2, 1.0)
    assert heavy.posterior == (4.0, 2.0)
