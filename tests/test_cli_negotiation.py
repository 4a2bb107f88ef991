"""``detente simulate`` and ``detente spe`` as a user runs them, including bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.trace import read_traces
from tests.conftest import CLI, SCENARIOS, assert_one_line_error

PIE = SCENARIOS / "theory" / "split-the-pie.yaml"
WORKED = SCENARIOS / "theory" / "worked-example.yaml"

THREE = """
name: three signatories
issues:
  - {name: p, range: [0, 4]}
parties:
  - {id: a, utility: {values: {p: {slope: 1}}}}
  - {id: b, utility: {values: {p: {slope: -1, intercept: 4}}}}
  - {id: c, utility: {values: {p: [0, 2, 4, 2, 0]}}}
  - {id: s, signatory: false, utility: {values: {p: {slope: 2}}}}
"""


@pytest.fixture
def three(tmp_path: Path) -> Path:
    path = tmp_path / "three.yaml"
    path.write_text(THREE)
    return path


def test_spe_reproduces_stahl_with_parameter_overrides(detente_cli: CLI) -> None:
    """THEORY §1: (δ1, δ2) = (0.9, 0.8), T = 7 gives the opener 0.820928."""
    done = detente_cli("spe", PIE, "--json", "--set", "delta_2=0.8", "--set", "rounds=7")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["outcome"] == {"share": 820928}
    assert document["round"] == 0
    assert document["utilities"] == pytest.approx([0.820928, 0.179072], abs=1e-9)


def test_spe_default_parameters_give_the_five_round_value(detente_cli: CLI) -> None:
    done = detente_cli("spe", PIE, "--json", "--set", "slices=10000")
    assert json.loads(done.stdout)["utilities"][0] == pytest.approx(0.8371)


def test_spe_prints_a_readable_summary(detente_cli: CLI) -> None:
    done = detente_cli("spe", WORKED, "--rounds", "1")
    assert done.returncode == 0, done.stderr
    assert "deal = SmallDeal in round 0" in done.stdout


def test_simulate_json_has_the_documented_keys(detente_cli: CLI) -> None:
    done = detente_cli(
        "simulate", WORKED, "--strategies", "boulware,conceder", "--sessions", "4", "--json"
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert {"sessions", "agreement_rate", "mean_rounds", "mean_utilities", "agreements"} <= set(
        document
    )
    assert document["sessions"] == 4
    assert set(document["mean_utilities"]) == {"A", "B"}
    assert sum(document["agreements"].values()) == round(4 * document["agreement_rate"])


def test_simulate_is_reproducible_and_seeds_matter(detente_cli: CLI) -> None:
    args = ("simulate", WORKED, "--strategies", "random,random", "--sessions", "30", "--json")
    first = json.loads(detente_cli(*args, "--seed", "3").stdout)
    again = json.loads(detente_cli(*args, "--seed", "3").stdout)
    other = json.loads(detente_cli(*args, "--seed", "4").stdout)
    assert first == again
    assert first != other


def test_simulate_writes_traces_that_load_back(detente_cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "traces.jsonl"
    done = detente_cli(
        "simulate", PIE, "--sessions", "3", "--set", "slices=100", "--trace-out", out, "--json"
    )
    assert done.returncode == 0, done.stderr
    traces = list(read_traces(out))
    assert len(traces) == 3
    assert [t.spawn_key for t in traces] == [(0,), (1,), (2,)]
    assert traces[0].strategies == (
        "boulware(exponent=4.0, accept='next')",
        "conceder(exponent=0.25, accept='next')",
    )


def test_simulate_runs_a_multilateral_protocol(detente_cli: CLI, three: Path) -> None:
    done = detente_cli("simulate", three, "--strategies", "linear", "--sessions", "2", "--json")
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)["mean_utilities"]) == {"a", "b", "c", "s"}


def test_simulate_prints_a_readable_summary(detente_cli: CLI) -> None:
    done = detente_cli("simulate", WORKED, "--strategies", "nash,nash", "--sessions", "3")
    assert done.returncode == 0, done.stderr
    assert "agreement rate 1" in done.stdout and "deal = MediumDeal" in done.stdout
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--strategies", "boulware,ultimatum"), ("unknown strategy 'ultimatum'", "tit-for-tat")),
        (("--strategies", "boulware(speed=3),linear"), ("no parameter 'speed'", "exponent")),
        (("--strategies", "boulware(exponent='x'),linear"), ("must be of type float",)),
        (("--strategies", "boulware", "--rounds", "0"), ("at least 1",)),
        (("--strategies", "a,b,c"), ("unknown strategy 'a'",)),
        (("--strategies", "linear,linear,linear"), ("3 strategies given for 2 signatories",)),
        (
            ("--protocol", "single-text(deadline=0)", "--strategies", "linear"),
            ("at least 1 round",),
        ),
    ],
)
def test_simulate_bad_input_is_a_one_line_error(
    detente_cli: CLI, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    assert_one_line_error(detente_cli("simulate", WORKED, *args), *fragments)


def test_bilateral_only_strategy_in_a_multilateral_negotiation(
    detente_cli: CLI, three: Path
) -> None:
    done = detente_cli("simulate", three, "--strategies", "tit-for-tat,linear,linear")
    assert_one_line_error(done, "'tit-for-tat' is bilateral only", "3 signatories")


def test_missing_strategies_name_the_signatories(detente_cli: CLI, three: Path) -> None:
    assert_one_line_error(detente_cli("simulate", three), "no strategy for a, b, c", "--strategies")


def test_spe_needs_two_signatories(detente_cli: CLI, three: Path) -> None:
    assert_one_line_error(detente_cli("spe", three), "exactly two signatories")


def test_a_deadline_of_zero_in_the_scenario_is_located(detente_cli: CLI) -> None:
    done = detente_cli("spe", PIE, "--set", "rounds=0", "--set", "slices=10")
    assert done.returncode == 2
    assert "protocol" in done.stderr and "deadline" in done.stderr


def test_scenario_protocol_section_is_checked(detente_cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(PIE.read_text().replace("P2: conceder", "P2: ultimatum"))
    assert_one_line_error(
        detente_cli("validate", path, "--set", "slices=10"),
        "bad.yaml:",
        "unknown strategy 'ultimatum'",
    )
    path.write_text(PIE.read_text().replace("kind: alternating-offers", "kind: auction"))
    assert_one_line_error(
        detente_cli("validate", path, "--set", "slices=10"), "unknown protocol 'auction'"
    )


def test_simulate_out_of_range_strategy_parameter_is_one_line(detente_cli: CLI) -> None:
    done = detente_cli("simulate", WORKED, "--strategies", "boulware(exponent=-1)")
    assert_one_line_error(done, "exponent", "> 0.0")


def test_simulate_negative_seed_is_one_line(detente_cli: CLI) -> None:
    done = detente_cli("simulate", WORKED, "--strategies", "nash", "--seed", "-1")
    assert_one_line_error(done, "--seed")
