"""The calendar through the command line: dated breaks, faction changes, breakdowns by date."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI, SCENARIOS, assert_one_line_error

CALENDAR = SCENARIOS / "theory" / "calendar.yaml"
PARTIAL = SCENARIOS / "theory" / "partial-implementation.yaml"
HALF_YEARS = [
    ("2019-01-01", "2019-07-01"),
    ("2019-07-01", "2020-01-01"),
    ("2020-01-01", "2020-07-01"),
]


def run_json(detente_cli: CLI, *args: str | Path) -> Any:
    done = detente_cli(*args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_phase_given_names_the_dates_of_the_stage_where_the_path_breaks(detente_cli: CLI) -> None:
    """The election in stage 3 makes B stop there: −3 + 3(1 − 0.3) < 0 (scenario header)."""
    document = run_json(detente_cli, "phase", CALENDAR, "--given")
    breaks = document["path"]["breaks"]
    assert (breaks["stage"], breaks["party"]) == (3, "B")
    assert (breaks["start"], breaks["end"]) == HALF_YEARS[2]
    assert breaks["slack"] == pytest.approx(-0.9)
    assert document["path"]["values"] == pytest.approx({"A": 0.18, "B": 0.09})
    assert [(s["start"], s["end"]) for s in document["stage_dates"]] == HALF_YEARS
    done = detente_cli("phase", CALENDAR, "--given")
    said = " ".join(done.stdout.split())
    assert "breaks in stage 3 (2020-01-01 to 2020-07-01) at Side B" in said
    calm = run_json(detente_cli, "phase", CALENDAR, "--given", "--set", "p_election=0")
    assert calm["path"]["completed"] is True
    assert calm["path"]["values"] == pytest.approx({"A": 4.878, "B": 0.09})


def test_a_faction_change_that_takes_the_package_out_of_the_win_set_makes_its_party_renege(
    detente_cli: CLI,
) -> None:
    """With the hawks at weight 3 the full deal leaves A's win-set from 2019-11-06 (stage 2):
    A reneges on every move from then on, known to B, who stops in stage 2 (−0.1 + 0 < 0).
    At weight 1 the deal stays in the win-set and nothing changes."""
    args = ("phase", CALENDAR, "--given", "--position", "full_deal", "--set", "p_election=0")
    out = run_json(detente_cli, *args)
    breaks = out["path"]["breaks"]
    assert (breaks["stage"], breaks["party"], breaks["start"]) == (2, "B", "2019-07-01")
    assert out["path"]["values"] == pytest.approx({"A": 0.0, "B": 0.0})
    assert out["completion_probability"] == 0.0
    (change,) = out["weight_changes"]
    assert (change["party"], change["faction"], change["stage"], change["in_win_set"]) == (
        "A",
        "hawks",
        2,
        False,
    )
    kept = run_json(detente_cli, *args, "--set", "w_hawks=1")
    assert kept["weight_changes"][0]["in_win_set"] is True
    plain = run_json(
        detente_cli, "phase", CALENDAR, "--given", "--set", "p_election=0", "--set", "w_hawks=1"
    )
    assert kept["path"] == plain["path"] and kept["slack"] == plain["slack"]
    assert kept["path"]["completed"] is True
    said = " ".join(detente_cli(*args).stdout.split())
    assert "takes the package out of Side A's win-set: Side A reneges" in said


def test_analyze_reports_the_stage_dates_events_and_faction_changes(detente_cli: CLI) -> None:
    phasing = run_json(detente_cli, "analyze", CALENDAR, "--set", "p_election=0")["phasing"]
    calendar = phasing["calendar"]
    assert calendar["start"] == "2019-01-01" and calendar["period"] == "6 months"
    assert [(s["start"], s["end"]) for s in calendar["stages"]][:3] == HALF_YEARS
    assert [(e["name"], e["kind"], e["stage"]) for e in calendar["events"]] == [
        ("A's election", "hazard", 3),
        ("A's midterms", "faction", 2),
    ]
    change = phasing["positions"]["full_deal"]["weight_changes"][0]
    assert change["in_win_set"] is False
    # A can deliver nothing from stage 2: the package is carried in stage 1 and B's rest after
    schedule = phasing["positions"]["full_deal"]["schedule"]
    assert schedule[0]["step_a"] == pytest.approx(3.0)
    assert all("step_a" not in stage for stage in schedule[1:])
    plain = run_json(detente_cli, "analyze", PARTIAL)["phasing"]
    assert "calendar" not in plain


def write_committed(tmp_path: Path) -> Path:
    """§3.1's exchange with committed types struck by hazards, uneven dated stages and a
    deadline in stage 4: sessions break in every stage, and the survivors lapse there."""
    text = (SCENARIOS / "theory" / "action-for-action.yaml").read_text()
    head = text.split("phasing:")[0]
    path = tmp_path / "committed.yaml"
    path.write_text(
        head
        + """phasing:
  order: [[A], [B]]
  links: [{source: a_step, target: b_step}]
  measure: [a_step]
  completion: {A: =G_A, B: =G_B}
  truth:
    A: {committed: 1, hazard: 0.1}
    B: {committed: 1, hazard: 0.15}
  schedule: [{a_step: 0.5, b_step: 0.5}, {a_step: 0.5, b_step: 0.5},
             {a_step: 0.5, b_step: 0.5}, {a_step: 0.5, b_step: 0.5}]
  calendar:
    start: 2019-03-01
    stages: [2019-04-01, 2019-10-01, 2020-01-01]
    period: {months: 1}
    events: [{date: 2020-02-15, name: end of the mandate, deadline: true}]
"""
    )
    return path


def test_implement_reports_breakdowns_by_date_as_the_stage_histogram_counts_them(
    detente_cli: CLI, tmp_path: Path
) -> None:
    path = write_committed(tmp_path)
    out = run_json(detente_cli, "implement", path, "--sessions", "4000", "--seed", "7")
    histogram, by_date = out["break_stage_histogram"], out["break_dates"]
    assert [row["breakdowns"] for row in by_date] == histogram
    assert [(row["stage"], row["start"], row["end"]) for row in by_date] == [
        (1, "2019-03-01", "2019-04-01"),
        (2, "2019-04-01", "2019-10-01"),
        (3, "2019-10-01", "2020-01-01"),
        (4, "2020-01-01", "2020-04-01"),
    ]
    assert all(count > 0 for count in histogram[:3]) and histogram[3] == 0
    # every session breaks down or lapses at the deadline, which falls in stage 4
    assert sum(histogram) + out["lapsed"] == out["sessions"] and out["completion_rate"] == 0.0
    assert out["lapsed"] / 4000 == pytest.approx((0.9 * 0.85) ** 3, abs=0.03)
    assert out["stages"] == 4  # an existing key keeps its meaning
    said = " ".join(
        detente_cli("implement", path, "--sessions", "4000", "--seed", "7").stdout.split()
    )
    assert f"1 (2019-03-01 to 2019-04-01): {histogram[0]}" in said
    assert (
        f"lapsed unfinished at the deadline 'end of the mandate' (2020-02-15): {out['lapsed']}"
        in said
    )


def test_without_a_calendar_no_document_gains_a_key(detente_cli: CLI) -> None:
    given = run_json(detente_cli, "phase", PARTIAL, "--given")
    assert "stage_dates" not in given and set(given["path"]["breaks"]) == {
        "stage",
        "party",
        "slack",
        "shortfall",
        "withholds",
        "goes_on",
        "answers",
    }
    assert "stage_dates" not in run_json(detente_cli, "phase", PARTIAL)
    assert "break_dates" not in run_json(detente_cli, "implement", PARTIAL, "--sessions", "10")


def test_a_bad_date_is_one_located_line(detente_cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(CALENDAR.read_text().replace("date: 2020-03-03", "date: 2020-02-30"))
    assert_one_line_error(
        detente_cli("phase", path, "--given"),
        f"{path}:",
        "events[0].date",
        "'2020-02-30' is not a date",
    )


@pytest.mark.parametrize("length", ["{years: 5000}", "{days: 999999999}"])
def test_a_calendar_past_the_year_9999_is_one_line(
    detente_cli: CLI, tmp_path: Path, length: str
) -> None:
    text = CALENDAR.read_text(encoding="utf-8")
    assert "stage_length: {months: 6}" in text
    path = tmp_path / "far.yaml"
    path.write_text(text.replace("stage_length: {months: 6}", f"stage_length: {length}"), "utf-8")
    for command in ("validate", "analyze"):
        done = detente_cli(command, path)
        assert_one_line_error(done, "runs past the last date it can hold (9999-12-31)")
