"""Sweeps: the same seed gives the same rows on every executor and for any chunking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detente.claims import Claim, Value
from detente.errors import DetenteError, UnknownNameError
from detente.experiments import ResultStore, RunOptions, Sweep, run_sweep
from detente.experiments.chunks import Chunk
from detente.experiments.executors import InProcess, LocalWorkers
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.sweep import scenario_sweep
from detente.scenario import Scenario
from tests.experiment_toys import BREAKS, CLAIMS, ToyModel, toy_sweep


def sweep_table(out: Path, sweep: Sweep, **options: object) -> pa.Table:
    run_sweep(sweep, RunOptions(out, progress=False, **options))  # type: ignore[arg-type]
    return ResultStore(out).read()[1]


def test_rows_hold_the_drawn_parameters_results_and_claims(tmp_path: Path) -> None:
    table = sweep_table(tmp_path / "run", toy_sweep(20), chunk_size=7)
    rows = table.to_pylist()
    assert [r["draw"] for r in rows] == list(range(20))
    assert table.column_names[:5] == [
        "draw",
        "invalid",
        "parameter.x",
        "parameter.y",
        "parameter.z",
    ]
    assert table.column_names[-1] == "extra"
    for row in rows:
        assert row["invalid"] is None and row["extra"] is None
        x, y = row["parameter.x"], row["parameter.y"]
        assert 0 <= x <= 1 and 2 <= y <= 4
        assert row["result.solutions.nash.value"] == pytest.approx(x * y)
        assert row["claim.big"] is (x > 0.3)
        assert row["result.stages"] == [x, y][: 1 + int(x > 0.5)]
        assert row["result.agreement.value"] == (None if x < 0.2 else row["parameter.z"])


def test_chunking_never_changes_the_rows(tmp_path: Path) -> None:
    reference = sweep_table(tmp_path / "one", toy_sweep(30), chunk_size=30)
    for size in (1, 4, 13):
        assert sweep_table(tmp_path / f"c{size}", toy_sweep(30), chunk_size=size).equals(reference)


def test_latin_hypercube_rows_do_not_depend_on_chunking_and_are_stratified(tmp_path: Path) -> None:
    reference = sweep_table(tmp_path / "one", toy_sweep(40, design="lhs"), chunk_size=40)
    chunked = sweep_table(tmp_path / "many", toy_sweep(40, design="lhs"), chunk_size=3)
    assert chunked.equals(reference)
    x = reference.column("parameter.x").to_numpy()
    assert sorted(np.floor(x * 40).astype(int).tolist()) == list(range(40))


def test_different_seeds_give_different_draws(tmp_path: Path) -> None:
    a = sweep_table(tmp_path / "a", toy_sweep(5, seed=1))
    b = sweep_table(tmp_path / "b", toy_sweep(5, seed=2))
    assert a.column("parameter.x") != b.column("parameter.x")


@pytest.mark.slow
def test_local_workers_give_the_same_rows_as_in_process(tmp_path: Path) -> None:
    reference = sweep_table(tmp_path / "here", toy_sweep(60), chunk_size=5)
    assert sweep_table(tmp_path / "w2", toy_sweep(60), chunk_size=5, workers=2).equals(reference)


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_rows_as_in_process(
    tmp_path: Path, dask_address: str
) -> None:
    reference = sweep_table(tmp_path / "here", toy_sweep(60), chunk_size=5)
    on_dask = sweep_table(tmp_path / "dask", toy_sweep(60), chunk_size=5, scheduler=dask_address)
    assert on_dask.equals(reference)


@pytest.mark.slow
def test_executors_yield_every_result_once() -> None:
    items = list(range(10))
    assert sorted(LocalWorkers(2).map_unordered(pow, 2, items)) == [2**i for i in items]
    assert list(InProcess().map_unordered(pow, 2, items)) == [2**i for i in items]


def test_a_claim_naming_an_unknown_field_fails_before_anything_is_written(tmp_path: Path) -> None:
    sweep = toy_sweep(5)
    bad = Sweep(
        sweep.model,
        sweep.parameters,
        sweep.evaluate,
        5,
        (Claim.parse("c", "solutions.nsh.value > 1"),),
        1,
    )
    with pytest.raises(UnknownNameError, match=r"unknown field 'solutions.nsh'.*solutions.nash"):
        run_sweep(bad, RunOptions(tmp_path / "run", progress=False))
    assert not (tmp_path / "run").exists()


def test_a_sweep_without_uncertain_parameters_is_refused() -> None:
    sweep = toy_sweep(5)
    with pytest.raises(DetenteError, match="no parameter has a range"):
        Sweep(sweep.model, (), sweep.evaluate, 5)


def test_a_chunk_is_a_pure_function_of_the_sweep_and_its_draws() -> None:
    sweep = toy_sweep(10)
    assert sweep.run_chunk(Chunk(0, 3, 6)).equals(sweep.run_chunk(Chunk(9, 3, 6)))


def test_every_chunk_has_the_runs_schema_whatever_its_draws(tmp_path: Path) -> None:
    out = tmp_path / "run"
    sweep_table(out, toy_sweep(20), chunk_size=1)
    schemas = {pq.read_schema(path).remove_metadata() for path in out.glob("chunk-*.parquet")}
    assert len(schemas) == 1
    agreements = [
        pq.read_table(path).column("result.agreement.value").null_count
        for path in sorted(out.glob("chunk-*.parquet"))
    ]
    assert 0 in agreements and 1 in agreements  # chunks of different content, one schema


def test_a_results_directory_reads_as_one_dataset(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    import pyarrow.dataset as ds

    scenario = tmp_path / "breaks.yaml"
    scenario.write_text(BREAKS)
    out = tmp_path / "run"
    sweep = scenario_sweep(ScenarioText.read(scenario), draws=30, seed=2)
    table = sweep_table(out, sweep, chunk_size=3)
    invalid = table.column("invalid").to_pylist()
    assert 0 < sum(v is not None for v in invalid) < 30
    frame = pandas.read_parquet(out)
    assert len(frame) == 30 and str(frame["parameter.delta"].dtype) == "float64"
    dataset = ds.dataset(out).to_table()
    assert dataset.num_rows == 30 and dataset.schema.remove_metadata() == table.schema
    for source in (out, f"{out}/*.parquet"):  # the directory itself, or its Parquet files
        assert duckdb.sql(f"select count(*) from read_parquet('{source}')").fetchall() == [(30,)]
    rows = {r["draw"]: r for r in table.to_pylist()}
    for draw, why in enumerate(invalid):
        if why is not None:
            assert "discount" in why and rows[draw]["parameter.delta"] > 1
            assert rows[draw]["claim.several"] is None
            assert rows[draw]["result.n_outcomes"] is None


def dataset_results(scenario: Scenario) -> dict[str, Value]:
    """Results whose shape varies across draws the way real ones do."""
    x, y, z = (scenario.parameters[k] for k in ("x", "y", "z"))
    return {
        "x": x,
        "label": "low" if x < 0.5 else "high",  # a categorical-like string column
        "agreement": None if x < 0.5 else {"value": z},  # null in every row of some chunks
        "schedule": [{"deal": x}],  # a list of mappings: a JSON text column
        **({"surprise": y} if x > 0.7 else {}),  # not in the point estimate's results: extra
    }


def test_chunks_of_different_contents_read_back_as_one_dataset_everywhere(tmp_path: Path) -> None:
    """pandas, pyarrow.dataset and DuckDB read the directory itself: same rows, same types."""
    pandas = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    import pyarrow.dataset as ds

    out = tmp_path / "run"
    model = ToyModel()
    sweep = Sweep(model, model.uncertain(), dataset_results, 12, CLAIMS[:1], 3)
    table = sweep_table(out, sweep, chunk_size=2)
    chunks = [pq.read_table(p) for p in sorted(out.glob("chunk-*.parquet"))]
    nulls = [c.column("result.agreement.value").null_count for c in chunks]
    assert 2 in nulls and 0 in nulls  # all null in one chunk, all set in another
    assert table.column("extra").null_count < 12 and table.column("extra").null_count > 0
    assert table.schema.field("result.schedule").type == pa.string()

    dataset = ds.dataset(out).to_table().sort_by("draw")
    assert dataset.schema.remove_metadata() == table.schema.remove_metadata()
    assert dataset.to_pylist() == table.to_pylist()

    frame = pandas.read_parquet(out).sort_values("draw").reset_index(drop=True)
    expected = table.to_pandas()
    assert list(frame.columns) == list(expected.columns)
    assert dict(frame.dtypes) == dict(expected.dtypes)
    assert frame.equals(expected)

    query = f"select * from read_parquet('{out}/*.parquet') order by draw"
    relation = duckdb.sql(query)
    types = dict(zip(relation.columns, map(str, relation.types), strict=True))
    assert types["result.agreement.value"] == "DOUBLE" and types["result.label"] == "VARCHAR"
    assert types["extra"] == "VARCHAR" and types["claim.big"] == "BOOLEAN"
    assert [tuple(row.values()) for row in table.to_pylist()] == relation.fetchall()
