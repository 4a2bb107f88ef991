"""Claims over a calibrate posterior's draws (issue 18: a claim states a finding; its share over
the calibrated range is what is shown): ``retrodict --posterior --json``'s ``claims`` per case,
and ``report FILE --posterior``, on the synthetic library (tests/fixtures/library), whose later
case declares two claims: ``retrodicted`` and ``b_gains_much`` (B values the completed exchange
at more than 0.75, so when k is below about 2.73)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from detente.analysis.retrodiction import predict
from detente.experiments import retrodiction as rd
from detente.experiments.executors import open_executor
from detente.experiments.summary import share_interval
from tests.conftest import assert_one_line_error, in_process

LIBRARY = Path(__file__).parent / "fixtures" / "library"
LATE = LIBRARY / "case-2018.yaml"


@pytest.fixture(scope="module")
def posterior(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The posterior of the cases before 2010 (160 draws, seed 1: about 19 accepted, k in
    (2.5, 3])."""
    with open_executor() as executor:
        document = rd.calibrate(
            rd.load_cases(LIBRARY), "2010-01-01", 160, 1, 0, executor, lambda _: None
        )
    path = tmp_path_factory.mktemp("posterior") / "posterior.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def direct_count(posterior: Path) -> tuple[int, int]:
    """How many of the posterior's draws give B a value above 0.75 on the later case's path,
    counted directly (the case draws no parameter of its own, so a draw is its shared values)."""
    samples = json.loads(posterior.read_text(encoding="utf-8"))["samples"]
    case = rd.load_cases(LATE)[0]
    values = [
        predict(case.text.build({n: v for n, v in s.items() if n != "draw"})).values["B"]
        for s in samples
    ]
    return sum(v > 0.75 for v in values), len(values)


def test_each_claims_share_is_a_direct_count_over_the_posteriors_draws(
    posterior: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = in_process(capsys, "retrodict", LIBRARY, "--posterior", posterior, "--json")
    assert done.returncode == 0, done.stderr
    (case,) = json.loads(done.stdout)["cases"]
    holds, draws = direct_count(posterior)
    assert 0 < holds < draws
    assert case["claims"] == {
        "retrodicted": {"point": True, **share_interval(draws, draws), "draws": draws},
        "b_gains_much": {"point": True, **share_interval(holds, draws), "draws": draws},
    }
    text = in_process(capsys, "retrodict", LIBRARY, "--posterior", posterior)
    assert text.returncode == 0, text.stderr
    assert f"case-2018: claims over {draws} draws" in text.stdout
    row = next(line for line in text.stdout.splitlines() if "B gains much" in line)
    assert f"{100 * holds / draws:.0f}%" in row
    table = text.stdout.split("claims over", 1)[1].splitlines()
    assert max(len(line) for line in table) <= 80


def test_the_report_shows_each_claims_share_of_the_calibrated_draws(
    posterior: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.md"
    done = in_process(capsys, "report", LATE, "--posterior", posterior, "-o", out)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    holds, draws = direct_count(posterior)
    interval: dict[str, Any] = share_interval(holds, draws)
    low, high = (f"{100 * interval[k]:.0f}%" for k in ("low", "high"))
    record = text.split("## Model against the record", 1)[1].split("\n## ", 1)[0]
    assert (
        f"| B gains much | holds | holds in {100 * holds / draws:.0f}% of the {draws} "
        f"calibrated draws (95% interval {low}–{high}) |" in record
    )
    assert f"Over the {draws} draws calibrated on the cases before 2010-01-01" in record
    claims = text.split("## Claims and how robust they are", 1)[1].split("\n## ", 1)[0]
    assert f"“B gains much” holds in {100 * holds / draws:.0f}% of them" in claims
    brief = text.split("## Claims and how robust they are", 1)[0]  # the synthesis opens it
    assert "share of calibrated cases (95% interval)" in brief
    assert f"{100 * holds / draws:.0f}% ({low}–{high})" in brief
    assert "no sweep was given" not in brief


def test_a_posterior_of_another_library_is_refused_in_one_line(
    posterior: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Other shared parameters (a Korea case), or the same library's files in another folder."""
    korea = Path("scenarios/korea/singapore-2018.yaml")
    copy = tmp_path / "library"
    shutil.copytree(LIBRARY, copy)
    for file in (korea, copy / "case-2018.yaml"):
        done = in_process(capsys, "report", file, "--posterior", posterior, "-o", tmp_path / "r.md")
        assert_one_line_error(done, "a posterior of another library", str(file))
    done = in_process(
        capsys, "report", "scenarios/theory/worked-example.yaml", "--posterior", posterior
    )
    assert_one_line_error(done, "is not a case of a library")
    assert not (tmp_path / "r.md").exists()
