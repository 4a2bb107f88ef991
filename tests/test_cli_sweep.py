"""``detente sweep`` and ``detente summarize`` as a user runs them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.experiments import ResultStore, RunOptions, run_sweep, summarize
from detente.experiments.executors import open_executor
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.sweep import scenario_sweep
from tests.conftest import CLI, SCENARIOS, assert_one_line_error, in_process

EXAMPLE = SCENARIOS / "theory" / "robustness-example.yaml"


@pytest.mark.slow
def test_a_sweep_estimates_claim_shares_known_in_closed_form(
    tmp_path: Path, detente_cli: CLI
) -> None:
    out = tmp_path / "run"
    done = detente_cli("sweep", EXAMPLE, "--draws", "400", "--seed", "1", "--out", out)
    assert done.returncode == 0, done.stderr
    assert "400 draws" in done.stdout
    summary = json.loads(detente_cli("summarize", out, "--json").stdout)
    assert summary["draws"] == 400
    for claim, truth in (("several", 2 / 5), ("medium_is_nash", 8 / 15)):
        entry = summary["claims"][claim]
        assert entry["low"] <= truth <= entry["high"], (claim, entry)
        assert list(entry["sensitivity"]) == ["d_A"]
        assert entry["sensitivity"]["d_A"]["spearman"] < -0.5


def test_a_rerun_into_the_same_directory_needs_resume_and_the_same_arguments(
    tmp_path: Path, detente_cli: CLI
) -> None:
    out = tmp_path / "run"
    args = ("sweep", EXAMPLE, "--draws", "20", "--seed", "1", "--out", out)
    assert detente_cli(*args).returncode == 0
    assert_one_line_error(detente_cli(*args), "already holds a sweep", "--resume")
    printed = detente_cli("summarize", out).stdout
    assert "sweep: 20 draws" in printed and "several" in printed and "95% interval" in printed
    changed = detente_cli(
        "sweep", EXAMPLE, "--draws", "20", "--seed", "2", "--out", out, "--resume"
    )
    assert_one_line_error(changed, "cannot resume", "seed=1", "seed=2")


def test_set_fixes_a_parameter_so_it_is_not_drawn(tmp_path: Path, detente_cli: CLI) -> None:
    out = tmp_path / "run"
    done = detente_cli("sweep", EXAMPLE, "--draws", "5", "--out", out, "--set", "d_A=1")
    assert_one_line_error(done, "nothing to sweep")


@pytest.mark.slow
def test_the_dask_how_to_runs_a_sweep_on_a_cluster_with_identical_results(
    tmp_path: Path, detente_cli: CLI, dask_address: str
) -> None:
    # docs/how-to/dask-cluster.md, with a LocalCluster standing in for `dask scheduler` + workers.
    args = ("--draws", "60", "--seed", "9", "--chunk-size", "10", "--out", tmp_path / "cluster")
    done = detente_cli("sweep", EXAMPLE, *args, "--scheduler", dask_address)
    assert done.returncode == 0, done.stderr
    sweep = scenario_sweep(ScenarioText.read(EXAMPLE), draws=60, seed=9)
    run_sweep(sweep, RunOptions(tmp_path / "laptop", chunk_size=7, progress=False))
    laptop = ResultStore(tmp_path / "laptop").read()[1]
    assert ResultStore(tmp_path / "cluster").read()[1].equals(laptop)


def test_a_missing_dask_is_a_clean_error_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with (
        pytest.raises(DetenteError, match=r"pip install 'detente\[cluster\]'"),
        open_executor(scheduler="tcp://127.0.0.1:8786"),
    ):
        pass


def test_sweep_takes_the_same_output_flag_as_other_commands(
    tmp_path: Path, detente_cli: CLI
) -> None:
    done = detente_cli("sweep", EXAMPLE, "--draws", "3", "--seed", "1", "-o", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "run" / "_manifest.json").is_file()


# Every shipped scenario; a case library's common file is included by its cases, not one.
SHIPPED = sorted(p for p in SCENARIOS.rglob("*.yaml") if p.name != "common.yaml")


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_scenario_sweeps_and_summarizes(path: Path, tmp_path: Path) -> None:
    coarse = (
        {"slices": 100.0} if path.stem == "split-the-pie" else {}
    )  # 10⁶ outcomes a draw is slow
    sweep = scenario_sweep(ScenarioText.read(path, coarse), draws=3, seed=5)
    run_sweep(sweep, RunOptions(tmp_path / "run", progress=False))
    summary = summarize(tmp_path / "run")
    assert summary["draws"] == 3
    claims = summary["claims"]
    assert isinstance(claims, dict)
    for share in claims.values():
        assert 0.0 <= share["share"] <= 1.0


def test_fields_choose_which_results_are_stored(tmp_path: Path, detente_cli: CLI) -> None:
    def columns(out: Path) -> list[str]:
        return ResultStore(out).read()[1].column_names

    base = ("sweep", EXAMPLE, "--draws", "12", "--seed", "3")
    assert detente_cli(*base, "--out", tmp_path / "all").returncode == 0
    chosen = detente_cli(*base, "--out", tmp_path / "some", "--fields", "solutions.nash, n_*")
    assert chosen.returncode == 0, chosen.stderr
    every, some = columns(tmp_path / "all"), columns(tmp_path / "some")
    stored = [c for c in some if c.startswith("result.")]
    assert stored == [
        c
        for c in every
        if c.startswith(("result.solutions.nash.", "result.n_")) or c == "result.solutions.nash"
    ]
    assert {"result.n_outcomes", "result.n_rational", "result.solutions.nash.utilities"} <= set(
        stored
    )
    claims = [c for c in every if not c.startswith("result.")]
    assert claims[:2] == ["draw", "invalid"] and claims[-1] == "extra"
    assert [c for c in some if not c.startswith("result.")] == claims
    # the stored values are the full run's
    full, part = ResultStore(tmp_path / "all").read()[1], ResultStore(tmp_path / "some").read()[1]
    assert part.select(stored).equals(full.select(stored))
    bare = detente_cli(*base, "--out", tmp_path / "none", "--fields", "none")
    assert bare.returncode == 0 and not any(
        c.startswith("result.") for c in columns(tmp_path / "none")
    )


def test_a_fields_typo_is_one_line_naming_the_fields(tmp_path: Path, detente_cli: CLI) -> None:
    done = detente_cli(
        "sweep", EXAMPLE, "--draws", "5", "--out", tmp_path / "x", "--fields", "solution.nash"
    )
    assert_one_line_error(done, "--fields solution.nash", "did you mean", "solutions")
    assert not (tmp_path / "x").exists()


def test_schedules_read_back_the_same_whatever_the_chunk_size(
    tmp_path: Path, detente_cli: CLI
) -> None:
    """A schedule is a list of mappings: stored as JSON text, chunks of any size join."""
    scenario = SCENARIOS / "theory" / "action-for-action.yaml"
    args = ("sweep", scenario, "--draws", "30", "--seed", "5")
    for size in ("10", "30"):
        done = detente_cli(*args, "--chunk-size", size, "--out", tmp_path / size)
        assert done.returncode == 0, done.stderr
    small, whole = ResultStore(tmp_path / "10").read()[1], ResultStore(tmp_path / "30").read()[1]
    assert small.equals(whole)
    schedules = [s for s in small.column("result.phasing.schedule").to_pylist() if s]
    assert schedules and all(isinstance(json.loads(s), list) for s in schedules)
    summary = detente_cli("summarize", tmp_path / "10", "--json")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["draws"] == 30


def test_older_results_with_mixed_column_types_still_join() -> None:
    import pyarrow as pa

    from detente.experiments.table import concatenate

    typed = pa.table({"draw": [0], "result.schedule": pa.array([[{"x": 1.0}]])})
    text = pa.table({"draw": [1], "result.schedule": pa.array(["[{}]"])})
    joined = concatenate([typed, text], ["draw"])
    assert joined.column("result.schedule").to_pylist() == ['[{"x": 1.0}]', "[{}]"]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--design", "halton", "--draws", "8"], ["--design halton", "choose one of random"]),
        (["--lhs", "--design", "sobol", "--draws", "8"], ["--lhs is --design lhs"]),
        (["--design", "saltelli", "--draws", "100"], ["power of two", "--draws 64"]),
        (["--draws", "8", "--precision", "0.01"], ["give --draws N, or --precision E"]),
        ([], ["give --draws N, or --precision E"]),
        (["--draws", "8", "--max-draws", "100"], ["--max-draws caps a --precision run"]),
        (["--precision", "0.01", "--design", "lhs"], ["lhs design cannot grow"]),
        (["--precision", "0.7"], ["--precision 0.7", "between 0 and 0.5"]),
    ],
)
def test_design_and_precision_mistakes_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragments: list[str]
) -> None:
    done = in_process(capsys, "sweep", EXAMPLE, "--out", tmp_path / "run", *args)
    assert_one_line_error(done, *fragments)
    assert not (tmp_path / "run").exists()


def test_lhs_is_an_alias_of_design_lhs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for flags, out in ((["--lhs"], "a"), (["--design", "lhs"], "b")):
        done = in_process(
            capsys, "sweep", EXAMPLE, "--draws", "12", "--seed", "3", "-o", tmp_path / out, *flags
        )
        assert done.returncode == 0, done.stderr
    assert ResultStore(tmp_path / "a").read()[1].equals(ResultStore(tmp_path / "b").read()[1])


def test_a_saltelli_sweep_says_its_rows_and_sensitivity_needs_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    done = in_process(capsys, "sweep", EXAMPLE, "--design", "saltelli", "--draws", "64", "-o", out)
    assert done.returncode == 0, done.stderr
    assert "64 base samples of 3 draws: 192 draws" in done.stderr  # one parameter, d_A
    printed = in_process(capsys, "summarize", out, "--sensitivity")
    assert "Sobol' indices of claim several" in printed.stdout and "d A" in printed.stdout
    indices = json.loads(in_process(capsys, "summarize", out, "--sensitivity", "--json").stdout)
    several = indices["sensitivity"]["several"]["d_A"]  # the only parameter: all the variance
    for index in ("S1", "ST"):  # within twice the reported 95 % half-width
        assert abs(several[index] - 1.0) <= 2 * several[f"{index}_conf"] < 1.0
    random = tmp_path / "random"
    assert in_process(capsys, "sweep", EXAMPLE, "--draws", "8", "-o", random).returncode == 0
    assert_one_line_error(
        in_process(capsys, "summarize", random, "--sensitivity"),
        "this sweep's is random; sweep again with --design saltelli",
    )


def test_a_precision_sweep_prints_the_draws_used_and_every_interval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    done = in_process(capsys, "sweep", EXAMPLE, "--precision", "0.05", "--seed", "2", "-o", out)
    assert done.returncode == 0, done.stderr
    assert "widest 95% interval" in done.stderr and "target ±0.05" in done.stderr
    summary = summarize(out)
    for name, claim in summary["claims"].items():  # type: ignore[attr-defined]
        assert claim["interval_method"] == "replicates"
        assert claim["high"] - claim["low"] <= 0.1
        shown = name.replace("_", " ")  # the claim by its display name (it declares no label)
        assert f"{claim['low']:.4f}–{claim['high']:.4f}" in done.stdout and shown in done.stdout
    assert f"{summary['draws']:,} draws in" in done.stdout
