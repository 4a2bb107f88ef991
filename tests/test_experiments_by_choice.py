"""Sweeps of categorical parameters: string columns, the claims given each choice."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detente.errors import DetenteError
from detente.experiments import ResultStore, RunOptions, run_sweep
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.summary import share_interval, summarize
from detente.experiments.sweep import scenario_sweep
from tests.experiment_toys import CHOOSING


def choosing(tmp_path: Path, text: str = CHOOSING) -> Path:
    path = tmp_path / "choosing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def swept(
    tmp_path: Path, name: str, draws: int = 60, chunk_size: int = 7, **sets: float | str
) -> Path:
    out = tmp_path / name
    text = ScenarioText.read(choosing(tmp_path), sets)
    run_sweep(
        scenario_sweep(text, draws, seed=3), RunOptions(out, chunk_size=chunk_size, progress=False)
    )
    return out


def test_a_choice_is_a_string_column_in_every_chunk(tmp_path: Path) -> None:
    out = swept(tmp_path, "run", draws=20, chunk_size=1)
    schemas = [pq.read_schema(p).remove_metadata() for p in sorted(out.glob("*.parquet"))]
    assert len(schemas) == 20 and all(s.equals(schemas[0]) for s in schemas)
    schema = schemas[0]
    assert schema.field("parameter.rule").type == pa.string()
    assert schema.field("parameter.n").type == pa.string()
    assert schema.field("parameter.x").type == pa.float64()


def test_each_draw_builds_the_scenario_with_its_label(tmp_path: Path) -> None:
    table = ResultStore(swept(tmp_path, "run")).read()[1]
    rows = table.to_pylist()
    assert {r["parameter.rule"] for r in rows} == {"veto", "none"}
    for row in rows:
        hawk_refuses = row["parameter.x"] * float(row["parameter.n"]) < 2
        assert row["claim.vetoed"] is (row["parameter.rule"] == "veto" and hawk_refuses), row


def test_chunking_never_changes_the_labels(tmp_path: Path) -> None:
    one = ResultStore(swept(tmp_path, "one", chunk_size=60)).read()[1]
    many = ResultStore(swept(tmp_path, "many", chunk_size=4)).read()[1]
    assert one.equals(many)


@pytest.mark.slow
def test_local_workers_draw_the_same_labels(tmp_path: Path) -> None:
    here = ResultStore(swept(tmp_path, "here")).read()[1]
    out = tmp_path / "workers"
    text = ScenarioText.read(choosing(tmp_path))
    options = RunOptions(out, chunk_size=7, workers=2, progress=False)
    run_sweep(scenario_sweep(text, 60, seed=3), options)
    assert ResultStore(out).read()[1].equals(here)


def test_by_choice_is_the_hand_count(tmp_path: Path) -> None:
    out = swept(tmp_path, "run")
    rows = ResultStore(out).read()[1].to_pylist()
    summary = summarize(out)
    by_choice = summary["by_choice"]
    assert isinstance(by_choice, dict) and list(by_choice) == ["rule", "n"]
    assert list(by_choice["rule"]) == ["veto", "none"]  # the file's order
    assert list(by_choice["n"]) == ["1", "2", "3"]
    for name, labels in by_choice.items():
        for label, entry in labels.items():
            mine = [r for r in rows if r[f"parameter.{name}"] == label]
            holds = sum(bool(r["claim.vetoed"]) for r in mine)
            assert entry["draws"] == len(mine) > 0
            assert entry["claims"]["vetoed"] == share_interval(holds, len(mine))
    assert by_choice["rule"]["none"]["claims"]["vetoed"]["share"] == 0.0


def test_a_choice_s_sensitivity_is_the_share_per_label(tmp_path: Path) -> None:
    out = swept(tmp_path, "run")
    rows = ResultStore(out).read()[1].to_pylist()
    sensitivity = summarize(out)["claims"]["vetoed"]["sensitivity"]  # type: ignore[index]
    assert list(sensitivity) == ["x", "rule", "n"]  # numbers first, then the choices
    veto = [r for r in rows if r["parameter.rule"] == "veto"]
    assert sensitivity["rule"] == {
        "spearman": None,
        "terciles": [],
        "cuts": [],
        "labels": {
            label: sum(bool(r["claim.vetoed"]) for r in rows if r["parameter.rule"] == label)
            / sum(r["parameter.rule"] == label for r in rows)
            for label in dict.fromkeys(r["parameter.rule"] for r in rows)
        },
    }
    assert sensitivity["rule"]["labels"]["veto"] == pytest.approx(
        sum(bool(r["claim.vetoed"]) for r in veto) / len(veto)
    )


def test_a_label_never_drawn_is_listed_with_no_draws(tmp_path: Path) -> None:
    text = CHOOSING.replace("veto: 0.6, none: 0.4", "veto: 1, none: 0")
    out = tmp_path / "run"
    run_sweep(
        scenario_sweep(ScenarioText.read(choosing(tmp_path, text)), 10, seed=1),
        RunOptions(out, progress=False),
    )
    none = summarize(out)["by_choice"]["rule"]["none"]  # type: ignore[index]
    assert none == {"draws": 0, "claims": {"vetoed": {"share": None, "low": None, "high": None}}}


def test_a_choice_fixed_by_set_is_not_drawn(tmp_path: Path) -> None:
    out = swept(tmp_path, "run", draws=10, rule="none")
    table = ResultStore(out).read()[1]
    assert "parameter.rule" not in table.column_names
    assert not any(table.column("claim.vetoed").to_pylist())
    assert summarize(out)["sets"] == {"rule": "none"}


def test_resuming_requires_the_same_choices(tmp_path: Path) -> None:
    text = ScenarioText.read(choosing(tmp_path))
    drawn = scenario_sweep(text, 10, seed=3).identity()["parameters"]
    assert {
        "name": "rule",
        "labels": ["veto", "none"],
        "probabilities": [0.6, 0.4],
        "value": "veto",
    } in drawn  # type: ignore[operator]
    out = swept(tmp_path, "run", draws=10)
    changed = CHOOSING.replace("veto: 0.6, none: 0.4", "veto: 0.5, none: 0.5")
    text = ScenarioText.read(choosing(tmp_path, changed))
    with pytest.raises(DetenteError, match=r"cannot resume .*'probabilities': \[0.5, 0.5\]"):
        run_sweep(scenario_sweep(text, 10, seed=3), RunOptions(out, resume=True, progress=False))
