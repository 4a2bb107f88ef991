"""Summaries: claim shares with intervals that cover analytically known truths, and sensitivity."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from detente.experiments import ResultsError, RunOptions, run_sweep, summarize
from detente.experiments.designs import DesignKind
from detente.experiments.summary import share_interval
from tests.experiment_toys import X, Y, toy_sweep


def summary_of(tmp_path: Path, draws: int, design: DesignKind = "random") -> dict[str, object]:
    sweep = toy_sweep(draws, seed=3, design=design, parameters=(X, Y))
    run_sweep(sweep, RunOptions(tmp_path, progress=False))
    return summarize(tmp_path)


def test_the_share_of_a_claim_with_a_known_truth_is_covered_by_its_interval(
    tmp_path: Path,
) -> None:
    summary = summary_of(tmp_path, 600)
    assert summary["draws"] == 600 and summary["complete"] is True
    big = summary["claims"]["big"]  # type: ignore[index]
    # x ~ U[0, 1], claim x > 0.3: true share 0.7.
    assert big["low"] <= 0.7 <= big["high"]
    assert big["high"] - big["low"] < 0.1
    assert big["share"] == big["holds"] / 600


def test_latin_hypercube_puts_a_threshold_claims_share_within_one_draw_of_the_truth(
    tmp_path: Path,
) -> None:
    big = summary_of(tmp_path, 200, design="lhs")["claims"]["big"]  # type: ignore[index]
    assert abs(big["share"] - 0.7) <= 1 / 200


def test_sensitivity_ranks_the_parameter_a_claim_depends_on_first(tmp_path: Path) -> None:
    big = summary_of(tmp_path, 300)["claims"]["big"]  # type: ignore[index]
    ranked = list(big["sensitivity"])
    assert ranked == ["x", "y"]
    x = big["sensitivity"]["x"]
    # x > 0.3 is false in about 0.9 of the lowest tercile of x and always true above it.
    assert x["terciles"][0] == pytest.approx(0.1, abs=0.1)
    assert x["terciles"][1:] == [1.0, 1.0]
    assert x["spearman"] > 0.5
    assert abs(big["sensitivity"]["y"]["spearman"]) < 0.2


def test_share_interval_is_exact_at_the_extremes() -> None:
    assert share_interval(0, 10)["low"] == 0.0
    assert share_interval(10, 10)["high"] == 1.0
    assert share_interval(10, 10)["low"] == pytest.approx(
        0.025 ** (1 / 10), rel=1e-9
    )  # (alpha / 2)^(1/n)


def test_summarizing_a_directory_without_results_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="holds no detente results"):
        summarize(tmp_path)


def test_a_tournament_ranking_is_computed_seat_by_seat() -> None:
    from detente.experiments import Manifest
    from detente.experiments.summary import summarize_tournament

    table = pa.table(
        {
            "session": [0, 1, 2],
            "scenario": ["s", "s", "t"],
            "strategies": [["a", "b"], ["b", "a"], ["a", "a"]],
            "utilities": [[1.0, 0.0], [3.0, 2.0], [4.0, 5.0]],
            "reservations": [[0.5, 0.0], [0.0, 0.5], [1.0, 1.0]],
            "agreement": [True, False, True],
            "nash_distance": [0.5, None, 1.0],
        }
    )
    summary = summarize_tournament(Manifest("tournament", "session", 3, 3, {}), table)
    assert summary["sessions"] == 3 and summary["scenarios"] == ["s", "t"]
    first, second = summary["ranking"]  # type: ignore[misc]
    # a sat in seats with utilities 1, 2, 4, 5 (mean 3); b in 0, 3 (mean 1.5).
    assert (first["rank"], first["strategy"], first["seats"]) == (1, "a", 4)
    assert first["mean_utility"]["mean"] == pytest.approx(3.0)
    assert first["advantage"]["mean"] == pytest.approx((0.5 + 1.5 + 3.0 + 4.0) / 4)
    assert first["agreement_rate"]["share"] == pytest.approx(3 / 4)
    assert first["nash_distance"]["mean"] == pytest.approx((0.5 + 1.0 + 1.0) / 3)
    assert (second["strategy"], second["seats"]) == ("b", 2)
    assert second["mean_utility"]["mean"] == pytest.approx(1.5)
    assert second["nash_distance"] == {"mean": 0.5, "low": None, "high": None, "n": 1}
