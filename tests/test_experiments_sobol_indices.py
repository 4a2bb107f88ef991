"""Sobol' indices of a Saltelli sweep: the known indices of THEORY §8, and what breaks a design."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from detente.claims import Claim, Value
from detente.errors import DetenteError
from detente.experiments import RunOptions, Sweep, Uncertain, run_sweep, summarize
from detente.experiments.sobol_indices import whole_blocks
from detente.experiments.store import chunk_name, file_digest
from detente.experiments.summary import Questions
from detente.scenario import Scenario
from tests.conftest import CLI
from tests.experiment_toys import ToyModel

ROOT = Path(__file__).parents[1]
BASE = 2048
"""Saltelli base samples N of the §8 test (8,192 draws of a toy evaluation: about 2 s)."""

# THEORY §8: x, y ~ U(0, 1); the claim holds iff x < 0.3 and y > 0.6.
TRUTH = {"x": {"S1": 0.318182, "ST": 0.795455}, "y": {"S1": 0.204545, "ST": 0.681818}}


def box_results(scenario: Scenario) -> dict[str, Value]:
    """The §8 model's result fields: the drawn point, and fields of each kind the indices treat."""
    x, y = scenario.parameters["x"], scenario.parameters["y"]
    return {
        "x": x,
        "y": y,
        "product": x * y,
        "corner": x if x < 0.9 else None,  # null in some draws: skipped
        "above": y > 0.5,  # a boolean field: indices of its 0/1 values
        "constant": 1.0,  # never varies: no indices
    }


PARAMETERS = (Uncertain("x", 0.0, 1.0), Uncertain("y", 0.0, 1.0))
BOX = Claim.parse("box", "x < 0.3 and y > 0.6")


def box_sweep(base: int, seed: int = 11, design: str = "saltelli") -> Sweep:
    return Sweep(ToyModel(), PARAMETERS, box_results, base, (BOX,), seed, design)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def section8(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], list[str]]:
    out = tmp_path_factory.mktemp("s8") / "run"
    run_sweep(box_sweep(BASE), RunOptions(out, progress=False, chunk_size=1024))
    notes: list[str] = []
    return summarize(out, Questions(sensitivity=True), notify=notes.append), notes


def test_sobol_indices_of_the_section_8_box_match_theory(
    section8: tuple[dict[str, object], list[str]],
) -> None:
    """Tolerance: twice SALib's reported 95 % bootstrap half-width (about 4 standard errors),
    which itself must be below 0.1 at N = 2,048 so the test can fail."""
    box = section8[0]["sensitivity"]["box"]  # type: ignore[index]
    assert list(box) == ["x", "y"]  # ranked by total order: S_Tx > S_Ty
    for parameter, truth in TRUTH.items():
        for index, value in truth.items():
            conf = box[parameter][f"{index}_conf"]
            assert 0 < conf < 0.1
            assert abs(box[parameter][index] - value) <= 2 * conf, (parameter, index)


def test_fields_get_indices_too_and_what_has_none_is_said(
    section8: tuple[dict[str, object], list[str]],
) -> None:
    summary, notes = section8
    sensitivity = summary["sensitivity"]  # type: ignore[index]
    assert next(iter(sensitivity)) == "box"  # claims first, then fields
    assert set(sensitivity) == {"box", "x", "y", "product", "above"}
    x = sensitivity["x"]  # the field x is x itself: all of its variance is x's
    assert x["x"]["S1"] == pytest.approx(1.0, abs=0.02) and abs(x["y"]["ST"]) < 0.01
    product = sensitivity["product"]  # x·y on U(0,1)²: S1 = 3/7 each, ST = 4/7
    for parameter in ("x", "y"):
        assert product[parameter]["S1"] == pytest.approx(
            3 / 7, abs=2 * product[parameter]["S1_conf"]
        )
        assert product[parameter]["ST"] == pytest.approx(
            4 / 7, abs=2 * product[parameter]["ST_conf"]
        )
    above = sensitivity["above"]
    assert above["y"]["S1"] == pytest.approx(1.0, abs=0.02) and list(above) == ["y", "x"]
    assert notes == ["no Sobol' indices for result field corner: null in 820 of 8,192 draws"]


def test_the_same_directory_gives_the_same_intervals(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run_sweep(box_sweep(64), RunOptions(out, progress=False))
    assert summarize(out, Questions(sensitivity=True)) == summarize(
        out, Questions(sensitivity=True)
    )


def test_a_base_sample_with_an_invalid_draw_is_dropped_whole(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run_sweep(box_sweep(64), RunOptions(out, progress=False, chunk_size=256))
    path = out / chunk_name(0)
    table = pq.read_table(path)
    invalid = [None] * table.num_rows
    invalid[5] = invalid[6] = invalid[9] = "broken"  # blocks of 4 rows: base samples 1 and 2
    broken = table.set_column(1, "invalid", pa.array(invalid, pa.string()))
    kept, dropped = whole_blocks(broken, 4, 64)
    assert dropped == 2 and kept.num_rows == 62 * 4
    assert 5 not in kept.column("draw").to_pylist() and 4 not in kept.column("draw").to_pylist()


def test_whole_blocks_drops_base_samples_not_yet_computed() -> None:
    table = pa.table({"draw": [*range(8), 9], "invalid": [None] * 9})
    kept, dropped = whole_blocks(table, 4, 3)
    assert kept.column("draw").to_pylist() == list(range(8)) and dropped == 1


def test_indices_of_a_sweep_that_is_not_saltelli_are_refused_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run_sweep(box_sweep(32, design="sobol"), RunOptions(out, progress=False))
    with pytest.raises(
        DetenteError, match=r"this sweep's is sobol; sweep again with --design saltelli$"
    ):
        summarize(out, Questions(sensitivity=True))


def test_a_saltelli_design_needs_a_power_of_two_base_samples() -> None:
    with pytest.raises(DetenteError, match=r"power of two .* use --draws 64 or --draws 128"):
        box_sweep(100)


def test_the_shipped_section_8_scenario_gives_the_theory_indices(
    tmp_path: Path, detente_cli: CLI
) -> None:
    out = tmp_path / "run"
    scenario = ROOT / "scenarios/theory/discovery.yaml"
    args = ("--design", "saltelli", "--draws", BASE, "--seed", 11, "-o", out)
    done = detente_cli("sweep", scenario, *args)
    assert done.returncode == 0, done.stderr
    summary = detente_cli("summarize", out, "--sensitivity", "--json")
    box: Mapping[str, Mapping[str, float]] = json.loads(summary.stdout)["sensitivity"]["box"]
    for parameter, truth in TRUTH.items():
        for index, value in truth.items():
            assert abs(box[parameter][index] - value) <= 2 * box[parameter][f"{index}_conf"]


def test_the_report_shows_each_claims_indices_from_a_saltelli_sweep_directory(
    tmp_path: Path,
) -> None:
    from detente.report import ReportData, build_sections
    from detente.report.data import read_sweep

    out = tmp_path / "run"
    run_sweep(box_sweep(256), RunOptions(out, progress=False))
    data = ReportData.from_documents("Box", {"sweep": read_sweep(out)})
    section = next(s for s in build_sections(data) if s.key == "sensitivity")
    assert section.sentences[0].startswith("Whether “box” holds depends most on x: alone it")
    assert [row[:2] for row in section.tables[0].rows] == [("box", "x"), ("box", "y")]
    plain = ReportData.from_documents("Box", {"sweep": {**read_sweep(out), "sensitivity": {}}})
    assert all(s.key != "sensitivity" for s in build_sections(plain))


@pytest.fixture
def flat_ends(tmp_path: Path) -> Path:
    """A Saltelli sweep whose claim holds only in the rows that take x from B (row 1 of each
    block of 4): constant over the A and B rows, which SALib warns of."""
    out = tmp_path / "run"
    run_sweep(box_sweep(64), RunOptions(out, progress=False, chunk_size=256))
    path = out / chunk_name(0)
    table = pq.read_table(path)
    holds = [draw % 4 == 1 for draw in table.column("draw").to_pylist()]
    index = table.column_names.index("claim.box")
    pq.write_table(table.set_column(index, "claim.box", pa.array(holds)), path)
    manifest = json.loads((out / "_manifest.json").read_text())  # (the chunk as if run so)
    manifest["chunks"]["0"].update(size=path.stat().st_size, sha256=file_digest(path))
    (out / "_manifest.json").write_text(json.dumps(manifest))
    return out


SALIB_NOTE = (
    "Sobol' indices of claim box: SALib warns: Constant values encountered, indicating model "
    "evaluations (or subset of evaluations) produced identical values."
)


def test_what_salib_warns_of_is_one_note_per_output_and_not_printed(
    flat_ends: Path, recwarn: pytest.WarningsRecorder
) -> None:
    notes: list[str] = []
    summary = summarize(flat_ends, Questions(sensitivity=True), notify=notes.append)
    assert "box" in summary["sensitivity"]  # type: ignore[operator]
    assert [n for n in notes if "SALib" in n] == [SALIB_NOTE]
    assert not [w for w in recwarn if "Constant values" in str(w.message)]


def test_claim_restricts_the_indices_to_those_claims_and_no_field(flat_ends: Path) -> None:
    every = summarize(flat_ends, Questions(sensitivity=True))
    assert set(every["sensitivity"]) == {"box", "x", "y", "product", "above"}  # type: ignore[arg-type]
    one = summarize(flat_ends, Questions(claims=("box",), sensitivity=True))
    assert set(one["sensitivity"]) == {"box"}  # type: ignore[arg-type]
    with pytest.raises(DetenteError, match=r"--claim bx: no such claim in this sweep"):
        summarize(flat_ends, Questions(claims=("bx",), sensitivity=True))


def test_summarize_claim_sensitivity_and_the_reports_notes_on_stderr(
    flat_ends: Path, detente_cli: CLI
) -> None:
    done = detente_cli("summarize", flat_ends, "--claim", "box", "--sensitivity", "--json")
    assert done.returncode == 0, done.stderr
    assert list(json.loads(done.stdout)["sensitivity"]) == ["box"]
    assert done.stderr.splitlines() == [f"note: {SALIB_NOTE}"]
    from detente.report.data import read_sweep

    notes: list[str] = []
    read_sweep(flat_ends, notify=notes.append)
    assert SALIB_NOTE in notes
