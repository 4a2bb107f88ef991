"""``summarize --discover``, ``--given`` and what each solution contains, as a user runs them."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from detente.experiments import RunOptions, run_sweep
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.store import chunk_name
from detente.experiments.sweep import scenario_sweep
from tests.conftest import CLI, SCENARIOS, assert_one_line_error, in_process

DISCOVERY = SCENARIOS / "theory" / "discovery.yaml"
EXAMPLE = SCENARIOS / "theory" / "robustness-example.yaml"
DRAWS = 2000
X_CUT, Y_CUT = 0.3, 0.6


@pytest.fixture(scope="module")
def box_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The THEORY.md §8 scenario swept with 2,000 draws (about 3 s)."""
    out = tmp_path_factory.mktemp("discovery") / "run"
    sweep = scenario_sweep(ScenarioText.read(DISCOVERY), draws=DRAWS, seed=1)
    run_sweep(sweep, RunOptions(out, progress=False))
    return out


@pytest.fixture(scope="module")
def example_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The robustness example (d_A ~ U(0, 5)) swept with 300 draws."""
    out = tmp_path_factory.mktemp("example") / "run"
    sweep = scenario_sweep(ScenarioText.read(EXAMPLE), draws=300, seed=3)
    run_sweep(sweep, RunOptions(out, progress=False))
    return out


def test_discovery_recovers_the_box_of_theory_section_8(box_sweep: Path, detente_cli: CLI) -> None:
    done = detente_cli("summarize", box_sweep, "--json", "--discover")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["discovery"]["box"]
    assert set(found) == {"share", "boxes", "tradeoff"}
    box = found["boxes"][0]
    assert set(box["restrictions"]) == {"x", "y"}
    (x_low, x_high), (y_low, y_high) = box["restrictions"]["x"], box["restrictions"]["y"]
    assert x_low is None and y_high is None
    # A bound lies between the last draw inside the region and the first outside it (pasting
    # goes out to the last draw where the claim holds; the bound is written with the fewest
    # decimals between the two). A strip of width t along an edge of length w holds no draw
    # with probability (1 - w t)^n ≈ e^(-w t n): at 1e-6, t = ln(1e6) / (w n), so each bound is
    # within t of its cut (w = 0.4 along x = 0.3, w = 0.3 along y = 0.6).
    x_tolerance = math.log(1e6) / (0.4 * DRAWS)  # 0.017
    y_tolerance = math.log(1e6) / (0.3 * DRAWS)  # 0.023
    assert abs(x_high - X_CUT) <= x_tolerance
    assert abs(y_low - Y_CUT) <= y_tolerance
    # Draws where the claim holds outside the box lie in those strips: about ln(1e6) ≈ 14 each
    # at most, of 0.12 n = 240 where it holds, so the box covers at least 1 - 28/240 ≈ 0.88.
    assert box["coverage"] >= 1 - 2 * math.log(1e6) / (X_CUT * (1 - Y_CUT) * DRAWS)
    assert box["density"] == 1.0  # pasting stops before the first draw where it does not hold
    assert len(found["boxes"]) == 1  # nothing is left to cover


def test_the_statements_and_tradeoff_print_in_words(
    box_sweep: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = in_process(capsys, "summarize", box_sweep, "--discover", "--claim", "box")
    assert done.returncode == 0, done.stderr
    assert "box 1: holds on 100% of draws with x ≤ 0.3 and y ≥ 0.6;" in done.stdout
    assert "coverage against density" in done.stdout and "chosen" in done.stdout


def test_an_unknown_claim_or_condition_is_one_line_naming_what_there_is(
    box_sweep: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = in_process(capsys, "summarize", box_sweep, "--discover", "--claim", "bx")
    assert_one_line_error(unknown, "--claim bx", "its claims: box")
    typo = in_process(capsys, "summarize", box_sweep, "--given", "parameters.xx < 0.2")
    assert_one_line_error(typo, "'parameters.xx'", "did you mean parameters.x")
    never = in_process(capsys, "summarize", box_sweep, "--given", "parameters.x > 1")
    assert_one_line_error(never, "no draw of the 2,000 summarized meets it")
    alone = in_process(capsys, "summarize", box_sweep, "--claim", "box")
    assert_one_line_error(alone, "--claim", "--discover, --given or --sensitivity")
    boxes = in_process(capsys, "summarize", box_sweep, "--boxes", "2")
    assert_one_line_error(boxes, "--boxes 2 sets how many boxes --discover finds; add --discover")
    kinds = in_process(capsys, "summarize", box_sweep, "--given", "box > 1")
    assert_one_line_error(kinds, "cannot compare a boolean with a number")


def test_given_shares_match_a_hand_count_of_the_rows(
    example_sweep: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = pq.read_table(example_sweep).to_pandas()
    d_a = rows["parameter.d_A"].to_numpy()
    # closed form (robustness-example.yaml): several iff d_A <= 2, medium_is_nash iff d_A < 8/3
    assert (rows["claim.several"] == (d_a <= 2)).all()
    medium = d_a < 8 / 3
    done = in_process(capsys, "summarize", example_sweep, "--json", "--given", "medium_is_nash")
    given = json.loads(done.stdout)["given"]
    assert given["expr"] == "medium_is_nash" and given["draws"] == int(medium.sum())
    assert given["claims"]["several"]["holds"] == int((d_a[medium] <= 2).sum())
    assert given["claims"]["several"]["share"] == (d_a[medium] <= 2).mean()
    assert given["claims"]["medium_is_nash"]["share"] == 1.0
    low, high = given["claims"]["several"]["low"], given["claims"]["several"]["high"]
    assert low < given["claims"]["several"]["share"] < high
    condition = "parameters.d_A > 1 and not several and solutions.nash.outcome.deal == 'SmallDeal'"
    done = in_process(capsys, "summarize", example_sweep, "--json", "--given", condition)
    meets = (d_a > 1) & (d_a > 2) & ~medium
    assert json.loads(done.stdout)["given"]["draws"] == int(meets.sum()) > 0
    printed = in_process(capsys, "summarize", example_sweep, "--given", "medium_is_nash").stdout
    assert f"Given medium_is_nash ({int(medium.sum())} draws)" in printed


def test_contents_count_each_solutions_packages_across_draws(
    example_sweep: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = json.loads(in_process(capsys, "summarize", example_sweep, "--json").stdout)
    d_a = pq.read_table(example_sweep, columns=["parameter.d_A"]).column(0).to_numpy()
    medium = float((d_a < 8 / 3).mean())  # the Nash deal is MediumDeal, else SmallDeal
    nash = summary["contents"]["nash"]
    assert nash["issues"] == {
        "deal": pytest.approx({"MediumDeal": medium, "SmallDeal": 1 - medium})
    }
    expected = sorted([("MediumDeal", medium), ("SmallDeal", 1 - medium)], key=lambda p: -p[1])
    assert [p["outcome"]["deal"] for p in nash["packages"]] == [deal for deal, _ in expected]
    assert [p["share"] for p in nash["packages"]] == pytest.approx([s for _, s in expected])
    assert nash["missing"] == 0.0
    assert set(summary["contents"]) == {"nash", "kalai_smorodinsky", "egalitarian", "utilitarian"}


def test_a_sweep_without_solution_fields_says_it_has_no_contents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    sweep = scenario_sweep(ScenarioText.read(EXAMPLE), draws=5, seed=1, fields=("n_rational",))
    run_sweep(sweep, RunOptions(out, progress=False))
    assert json.loads(in_process(capsys, "summarize", out, "--json").stdout)["contents"] is None
    assert "stored no solution outcome" in in_process(capsys, "summarize", out).stdout


def test_a_condition_runs_row_by_row_fast_enough_on_ten_thousand_rows() -> None:
    import pyarrow as pa

    from detente.experiments.conditions import condition

    rng = np.random.default_rng(0)
    table = pa.table(
        {
            "parameter.delta": rng.random(10_000),
            "result.phasing.min_stages": rng.integers(1, 5, 10_000).astype(float),
            "claim.offer": rng.random(10_000) < 0.5,
        }
    )
    meets = condition(table, "offer and parameters.delta > 0.5 and phasing.min_stages <= 2")
    expected = (
        table.column("claim.offer").to_numpy(zero_copy_only=False)
        & (table.column("parameter.delta").to_numpy() > 0.5)
        & (table.column("result.phasing.min_stages").to_numpy() <= 2)
    )
    assert (meets == expected).all()


def test_claims_read_the_parameters_of_the_analysis(capsys: pytest.CaptureFixture[str]) -> None:
    inside = in_process(capsys, "analyze", DISCOVERY, "--json", "--set", "x=0.1", "--set", "y=0.9")
    document = json.loads(inside.stdout)
    assert document["parameters"] == {"x": 0.1, "y": 0.9, "x_cut": 0.3, "y_cut": 0.6}
    assert document["claims"] == {"box": True}
    edge = in_process(capsys, "analyze", DISCOVERY, "--json", "--set", "x=0.3", "--set", "y=0.9")
    assert json.loads(edge.stdout)["claims"] == {"box": False}  # x < x_cut is strict


def test_a_sweep_stores_the_parameters_once(box_sweep: Path) -> None:
    names = pq.read_schema(box_sweep / chunk_name(0)).names
    assert [n for n in names if "parameter" in n] == ["parameter.x", "parameter.y"]


def test_the_how_to_shows_what_the_command_prints(
    box_sweep: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # docs/how-to/scenario-discovery.md sweeps the same scenario with the same seed and draws
    page = (SCENARIOS.parent / "docs" / "how-to" / "scenario-discovery.md").read_text()
    summary = json.loads(
        in_process(
            capsys, "summarize", box_sweep, "--json", "--discover", "--given", "parameters.x < 0.3"
        ).stdout
    )
    box = summary["discovery"]["box"]["boxes"][0]
    assert f"box 1: {box['statement'].split(' where it')[0]}" in page
    chosen = next(r for r in summary["discovery"]["box"]["tradeoff"] if r["chosen"])
    assert f"{100 * chosen['coverage']:.1f}% │  {100 * chosen['density']:.1f}% │" in page
    given = summary["given"]
    assert f"Given parameters.x < 0.3 ({given['draws']} draws)" in page
    assert f"{100 * given['claims']['box']['share']:.1f}%" in page


def test_an_irrelevant_choice_does_not_hide_the_box(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The §8 file with a label that does not matter, drawn 70/30 (about 2 s): scored by
    # density alone, a peel removing label b won, the box fell under the least coverage and
    # discovery printed "no box of parameter values holds it more often than the whole range".
    text = DISCOVERY.read_text(encoding="utf-8")
    choice = '  mode: {value: a, choices: {a: 0.7, b: 0.3}, source: "assumption: test"}\n'
    marker = "issues:\n"
    scenario = tmp_path / "discovery-with-mode.yaml"
    scenario.write_text(text.replace(marker, choice + marker, 1), encoding="utf-8")
    out = tmp_path / "run"
    swept = in_process(capsys, "sweep", scenario, "--draws", "500", "--seed", "3", "--out", out)
    assert swept.returncode == 0, swept.stderr
    done = in_process(capsys, "summarize", out, "--json", "--discover")
    found = json.loads(done.stdout)["discovery"]["box"]
    assert "reason" not in found
    box = found["boxes"][0]
    assert set(box["restrictions"]) == {"x", "y"}
    assert box["coverage"] > 0.9 and box["density"] > 0.9
