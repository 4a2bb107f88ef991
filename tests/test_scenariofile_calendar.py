"""The phasing.calendar section of scenario files: what it builds, and its one-line errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from detente.phasing.calendar import Deadline, Duration, Reweighting, Strike
from detente.scenariofile.loader import load_scenario
from tests.conftest import in_process

HEAD = """name: t
issues: [{name: x, type: item}]
parties:
  - id: A
    discount: 0.9
    utility: {type: linear, values: {x: 1}}
    factions:
      - {id: doves, utility: {type: linear, values: {x: 1}}}
      - {id: hawks, utility: {type: linear, values: {x: -1}}}
    ratification: {rule: majority, threshold: 0.5}
  - {id: B, discount: 0.9, utility: {type: linear, values: {x: 1}}}
items:
  - {name: x, giver: A, cost: 1, value: {B: 1.5}}
phasing:
  calendar:
"""

CALENDAR = """    start: 2019-03-01
    stages: [2019-09-01, 2020-06-01]
    period: {months: 3}
    events:
      - {date: 2019-11-05, name: election, party: B, hazard: 0.2, source: "assumption"}
      - {date: 2021-01-01, name: lapse, deadline: true}
      - {date: 2019-01-03, name: congress, party: A, faction: hawks, weight: 2}
    delay_cost: {A: 0.1}
"""


def write(tmp_path: Path, calendar: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + calendar)
    return path


def test_the_section_builds_the_calendar_of_the_deal(tmp_path: Path) -> None:
    plan = load_scenario(write(tmp_path, CALENDAR)).phasing
    assert plan is not None and plan.deal.calendar is not None
    calendar = plan.deal.calendar
    assert calendar.start == date(2019, 3, 1)
    assert calendar.lengths == (Duration(6, "months"), Duration(9, "months"))
    assert calendar.periods(4).tolist() == [2.0, 3.0, 3.0, 3.0]
    assert calendar.events == (
        Strike(date(2019, 11, 5), "election", "B", 0.2, "assumption"),
        Deadline(date(2021, 1, 1), "lapse"),
        Reweighting(date(2019, 1, 3), "congress", "A", "hawks", 2.0),
    )
    assert calendar.delay_cost == (("A", 0.1),)
    assert calendar.horizon(9) == 2  # 2021-01-01 falls in stage 3 (2020-06-01 to 2021-03-01)


def test_a_stage_length_needs_no_period_and_quoted_dates_read_alike(tmp_path: Path) -> None:
    text = '    start: "2019-03-01"\n    stage_length: {weeks: 2}\n'
    plan = load_scenario(write(tmp_path, text)).phasing
    assert plan is not None and plan.deal.calendar is not None
    assert plan.deal.calendar.unit == Duration(2, "weeks")
    assert [str(s.end) for s in plan.deal.calendar.stages(2)] == ["2019-03-15", "2019-03-29"]


@pytest.mark.parametrize(
    ("replace", "by", "fragments"),
    [
        ("2019-11-05", "2019-11-31", ("s.yaml:", "events[0].date", "'2019-11-31' is not a date")),
        ("start: 2019-03-01", "start: 20190301", ("calendar.start", "YYYY-MM-DD")),
        (
            "[2019-09-01, 2020-06-01]",
            "[2019-09-01, 2019-06-01]",
            ("calendar.stages[1]", "must increase: 2019-06-01 does not come after 2019-09-01"),
        ),
        ("party: B, hazard", "party: C, hazard", ("events[0].party", "unknown party 'C'")),
        ("faction: hawks", "faction: owls", ("events[2].faction", "no faction 'owls'", "doves")),
        ("party: A, faction", "party: B, faction", ("events[2].faction", "'B' has no factions")),
        (
            "    period: {months: 3}\n",
            "",
            ("calendar.stages", "uneven (6 months, 9 months)", "period"),
        ),
        ("delay_cost: {A: 0.1}", "delay_cost: {Q: 0.1}", ("delay_cost.Q", "unknown party 'Q'")),
        ("delay_cost: {A: 0.1}", "delay_cost: {A: -1}", ("delay_cost.A", ">= 0")),
        ("2021-01-01", "2019-05-01", ("events[1].date", "before the first stage ends")),
        ("hazard: 0.2,", "hazard: 0.2, deadline: true,", ("events[0]", "one of")),
        ("hazard: 0.2", "hazard: 1.5", ("events[0].hazard", "less than or equal to 1")),
        (
            "faction: hawks, weight: 2",
            "faction: hawks, weight: 0}\n      - {date: 2020-01-01, "
            "name: purge, party: A, faction: doves, weight: 0",
            ("events[3].weight", "all zero"),
        ),
        ("period: {months: 3}", "period: {months: 3, days: 2}", ("calendar.period", "one of")),
        ("period: {months: 3}", "period: {months: 0}", ("calendar.period.months",)),
        (
            "    stages: [2019-09-01, 2020-06-01]\n",
            "    stages: [2019-09-01, 2020-06-01]\n    stage_length: {months: 1}\n",
            ("calendar", "one of stage_length or stages"),
        ),
    ],
    ids=[
        "bad-date",
        "number-as-date",
        "decreasing",
        "unknown-party",
        "unknown-faction",
        "no-factions",
        "uneven-without-period",
        "delay-unknown-party",
        "negative-delay",
        "deadline-in-first-stage",
        "two-kinds",
        "hazard-above-1",
        "no-weight-left",
        "two-units",
        "zero-length",
        "both-lengths",
    ],
)
def test_calendar_errors_are_one_located_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    replace: str,
    by: str,
    fragments: tuple[str, ...],
) -> None:
    assert replace in CALENDAR
    path = write(tmp_path, CALENDAR.replace(replace, by))
    done = in_process(capsys, "validate", path)
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert f"{path}:" in lines[0]  # file:line:col
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
