"""``detente phase`` and ``detente implement`` as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import CLI, PHASABLE_OFFER, SCENARIOS, assert_one_line_error

THEORY = SCENARIOS / "theory"
A4A = THEORY / "action-for-action.yaml"
HANOI = SCENARIOS / "hanoi-2019.yaml"
BARE_DASH = re.compile(r"(?<![\w.])[-–—](?![\w.])")
"""A dash standing alone for a missing value (a negative number or a hyphenated word is not)."""


def with_units(tmp_path: Path) -> Path:
    """Action for action with A's steps in kt HFO, B's without a unit, and a binary freeze by B."""
    text = A4A.read_text().replace(
        "{name: a_step, giver: A, cost: =c_A, value: {B: =v_B}}",
        "{name: a_step, giver: A, cost: =c_A, value: {B: =v_B}, unit: kt HFO}",
    )
    freeze = "  - {name: freeze, giver: B, binary: true, cost: 0.1, value: {A: 0.5}}\n"
    text = text.replace("trust:\n", freeze + "trust:\n", 1)
    path = tmp_path / "units.yaml"
    path.write_text(text)
    return path


def run_json(detente_cli: CLI, *args: str | Path) -> dict[str, object]:
    done = detente_cli(*args, "--json")
    assert done.returncode == 0, done.stderr
    document: dict[str, object] = json.loads(done.stdout)
    return document


def test_phase_reproduces_the_theory_3_1_table_entry(detente_cli: CLI) -> None:
    """THEORY §3.1: δ = 0.9, k = 4 gives X*(4) = 13.2658."""
    document = run_json(detente_cli, "phase", A4A, "--stages", "4", "--set", "delta=0.9")
    assert document["max_total"] == pytest.approx(13.26575, abs=1e-9)
    assert document["stages"] == 4 and document["objective"] == "total"
    assert document["one_shot"] == {"feasible": True, "max_total": pytest.approx(2.0)}
    schedule = document["schedule"]
    assert isinstance(schedule, list) and len(schedule) == 4
    assert sum(stage["a_step"] for stage in schedule) == pytest.approx(13.26575)
    assert "stage 4: B" in document["binding"]  # type: ignore[operator]


def test_phase_min_stages_reproduces_theory_3_1(detente_cli: CLI) -> None:
    """THEORY §3.1: a target of 8 at δ = 0.9, h_B = 0 needs 3 stages; one-shot fails."""
    document = run_json(
        detente_cli, "phase", A4A, "--set", "delta=0.9", "--target", "8", "--min-stages"
    )
    assert document["min_stages"] == 3
    assert document["stages"] == 3
    assert document["one_shot"]["feasible"] is False  # type: ignore[index]


def test_phase_min_stages_says_why_none_suffice(detente_cli: CLI) -> None:
    document = run_json(
        detente_cli,
        "phase",
        A4A,
        "--set",
        "delta=0.9",
        "--set",
        "h_B=0.5",
        "--target",
        "8",
        "--min-stages",
        "--max-stages",
        "8",
    )
    assert document["min_stages"] is None
    assert "up to 8" in str(document["reason"])
    assert "below the target 8" in str(document["reason"])


def test_phase_power_shift_free_and_equal_steps(detente_cli: CLI) -> None:
    """THEORY §3.3: 6 stages with free steps; k* = 8 with equal steps."""
    power = THEORY / "power-shift.yaml"
    assert run_json(detente_cli, "phase", power, "--min-stages")["min_stages"] == 6
    equal = run_json(detente_cli, "phase", power, "--min-stages", "--equal-steps", "disarm")
    assert equal["min_stages"] == 8


def test_phase_gradualism_gives_the_maximal_path(detente_cli: CLI) -> None:
    """THEORY §3.2: the first five levels of the maximal path."""
    document = run_json(detente_cli, "phase", THEORY / "gradualism.yaml")
    assert document["objective"] == "surplus"
    levels = [stage["a_level"] for stage in document["cumulative"][:5]]  # type: ignore[index]
    assert levels == pytest.approx([0.444444, 0.691358, 0.828532, 0.904740, 0.947078], abs=1e-6)


def test_phase_reports_an_infeasible_target_as_a_result(detente_cli: CLI) -> None:
    document = run_json(detente_cli, "phase", A4A, "--stages", "1", "--target", "5")
    assert document["status"] == "infeasible"
    assert document["max_total"] is None and document["schedule"] is None
    assert "largest self-enforcing total is 2" in str(document["reason"])


def test_phase_prints_a_readable_schedule(detente_cli: CLI) -> None:
    done = detente_cli("phase", A4A, "--stages", "3")
    assert done.returncode == 0, done.stderr
    assert "Schedule" in done.stdout and "a step" in done.stdout and "binding" in done.stdout


def test_implement_reports_completion_breaks_and_values(detente_cli: CLI) -> None:
    document = run_json(
        detente_cli,
        "implement",
        A4A,
        "--stages",
        "3",
        "--sessions",
        "4000",
        "--seed",
        "7",
        "--set",
        "h_B=0.1",
    )
    assert document["completion_probability"] == pytest.approx(0.9**3)
    assert abs(document["completion_rate"] - 0.9**3) < 0.03  # type: ignore[operator]
    histogram = document["break_stage_histogram"]
    assert isinstance(histogram, list) and len(histogram) == 3
    assert set(document["expected_values"]) == {"A", "B"}  # type: ignore[arg-type]


def test_analyze_json_has_the_trust_key(detente_cli: CLI) -> None:
    document = run_json(detente_cli, "analyze", THEORY / "reputation.yaml")
    assert document["trust"]["A"]["B"] == pytest.approx(0.588235, abs=1e-6)  # type: ignore[index]


def test_phase_prints_amounts_in_their_units_and_totals_in_the_measure_unit(
    detente_cli: CLI, tmp_path: Path
) -> None:
    done = detente_cli("phase", with_units(tmp_path), "--stages", "3", "--objective", "surplus")
    assert done.returncode == 0, done.stderr
    assert "total 9.4 kt HFO;" in done.stdout
    assert "largest one-shot total 2 kt HFO" in done.stdout
    # a unit after a divisible amount, a plain number without one, a binary item by name alone
    assert "│     1 │ a step 4.4 kt HFO, b step 4.4, freeze │" in done.stdout
    assert "│     2 │ a step 3 kt HFO, b step 3 " in done.stdout
    assert not BARE_DASH.search(done.stdout), done.stdout


def test_a_package_total_names_the_items_it_sums(detente_cli: CLI) -> None:
    done = detente_cli(
        "phase", HANOI, "--position", "nk_hanoi_offer", "--max-stages", "10", *PHASABLE_OFFER
    )
    assert done.returncode == 0, done.stderr
    words = " ".join(done.stdout.split())
    assert "total 3 (Yongbyon dismantled, Test halt, UN sanctions relief);" in words
    cells = " ".join(re.sub(r"[│┃]", " ", done.stdout).split())  # a cell the table may wrap
    shares = re.findall(
        r"UN sanctions relief (\S+) share of the five UN resolutions' relief", cells
    )
    assert [float(share) for share in shares] == [0.007813, 0.9922]  # stage 1, stage 8 (4 digits)
    assert float(shares[0]) == pytest.approx(1 / 128, rel=1e-4)
    assert re.search(r"│ 2 │ 2020-03-01 to 2021-03-01 │ nothing", words)  # an empty, dated stage
    assert not BARE_DASH.search(done.stdout), done.stdout


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            [A4A, "--stages", "1", "--target", "5"],
            ["1 stage(s): infeasible; total none (no self-enforcing schedule)"],
        ),
        (
            [A4A, "--set", "h_B=0.5", "--target", "8", "--min-stages", "--max-stages", "3"],
            ["fewest stages: none", "no number of stages suffices: infeasible"],
        ),
        (
            [HANOI, "--position", "nk_hanoi_offer"],
            [
                "total none (no self-enforcing schedule)",
                "largest one-shot total none (no one-shot exchange is self-enforcing)",
            ],
        ),
    ],
)
def test_phase_says_in_words_what_there_is_none_of(
    detente_cli: CLI, args: list[str | Path], said: list[str]
) -> None:
    done = detente_cli("phase", *args)
    assert done.returncode == 0, done.stderr
    words = " ".join(done.stdout.split())
    for phrase in said:
        assert phrase in words, words
    assert not BARE_DASH.search(done.stdout), done.stdout


def test_json_documents_carry_the_units_of_their_schedules(
    detente_cli: CLI, tmp_path: Path
) -> None:
    path = with_units(tmp_path)
    units = {"a_step": "kt HFO", "b_step": None, "freeze": None}
    phased = run_json(detente_cli, "phase", path)
    assert phased["units"] == units
    assert list(phased).index("units") == list(phased).index("cumulative") + 1
    assert run_json(detente_cli, "implement", path, "--sessions", "10")["units"] == units
    analysed = run_json(detente_cli, "analyze", path)
    assert analysed["phasing"]["units"] == units  # type: ignore[index]
    given = run_json(detente_cli, "phase", THEORY / "partial-implementation.yaml", "--given")
    assert set(given["units"]) == {"step_a", "step_b1", "step_b2", "step_b3"}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["phase", A4A, "--objective", "fastest"], ["--objective 'fastest'"]),
        (["phase", A4A, "--min-stages"], ["needs a target"]),
        (["phase", A4A, "--equal-steps", "zz"], ["unknown item 'zz'"]),
        (["phase", A4A, "--set", "h_B=1.5"], ["trust.A.B.hazard"]),
        (["phase", THEORY / "worked-example.yaml"], ["no items: section"]),
    ],
)
def test_bad_input_is_one_line_exit_2(
    detente_cli: CLI, args: list[str | Path], fragments: list[str]
) -> None:
    assert_one_line_error(detente_cli(*args), *fragments)


def test_an_out_of_range_set_warns_and_an_infeasible_schedule_is_then_one_error_line(
    detente_cli: CLI,
) -> None:
    done = detente_cli("implement", A4A, "--stages", "1", "--set", "G_A=-50")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    warning, error = done.stderr.strip().splitlines()
    assert warning.startswith("warning: --set G_A=-50 is outside the declared range [0, 12]")
    assert error.startswith("error: no schedule to implement")


def test_a_link_cycle_in_a_file_is_one_line_exit_2(detente_cli: CLI, tmp_path: Path) -> None:
    text = A4A.read_text().replace(
        "links: [{source: a_step, target: b_step, rate: 1}]",
        "links: [{source: a_step, target: b_step}, {source: b_step, target: a_step}]",
    )
    path = tmp_path / "cycle.yaml"
    path.write_text(text)
    assert_one_line_error(detente_cli("phase", path), "cycle")
