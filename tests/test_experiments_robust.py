"""Robust deals over a scenario's draws: the samples, the design, its standing against the others."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.experiments.chunks import Chunk
from detente.experiments.draws import draw_values
from detente.experiments.robust import robust_document, sample
from detente.experiments.scenario_text import ScenarioText
from detente.phasing.robust import judge
from detente.phasing.schedule import Schedule

FIXTURE = Path(__file__).parents[1] / "scenarios" / "theory" / "robust-deal.yaml"


@pytest.fixture(scope="module")
def two_offers() -> ScenarioText:
    return ScenarioText.read(FIXTURE)


def test_the_evaluation_sample_is_the_next_draws_of_the_same_stream(
    two_offers: ScenarioText,
) -> None:
    """Training draws 0…N−1, evaluation N…2N−1: what a sweep of 2N draws with the seed draws."""
    training = sample(two_offers, 7, Chunk(0, 0, 5))
    evaluation = sample(two_offers, 7, Chunk(1, 5, 10))
    swept = draw_values(two_offers.uncertain(), 7, Chunk(0, 0, 10))["c_big"]
    costs = [
        w.scenario.parameter_records["c_big"].value for w in (*training.worlds, *evaluation.worlds)
    ]
    assert [w.draw for w in evaluation.worlds] == [5, 6, 7, 8, 9]
    assert np.allclose(costs, swept)
    assert len(set(costs)) == 10


def test_robust_deal_beats_the_point_design_where_they_differ(two_offers: ScenarioText) -> None:
    """The small step works in every draw; the big step (the point design) only where it costs
    A at most its completion value 1.2, counted here by hand from the drawn costs."""
    document = robust_document(two_offers, 12, 3, show=False)
    data = document.json()
    costs = draw_values(two_offers.uncertain(), 3, Chunk(0, 0, 24))["c_big"]
    by_hand = np.mean(costs[:12] <= 1.2), np.mean(costs[12:] <= 1.2)
    assert data["robust"]["package"] == {"small": 1.0}
    assert data["robust"]["training_share"] == data["robust"]["share"] == 1.0
    assert data["point_design"]["package"] == {"big": 1.0}
    assert (data["point_design"]["training_share"], data["point_design"]["share"]) == pytest.approx(
        by_hand
    )
    assert by_hand[0] < 1.0
    assert data["positions"]["a_offer"]["source"] == "designed"
    assert data["positions"]["a_offer"]["share"] == pytest.approx(by_hand[1])
    assert data["requirements"] == {"target": None, "floor": 1.0}
    assert data["robust"]["path_at_point"]["completed"] is True
    interval = data["robust"]["interval"]
    assert interval["high"] == 1.0 and 0.7 < interval["low"] < 1.0  # Clopper–Pearson, 12 of 12


def test_the_same_seed_gives_the_same_design_and_another_seed_other_draws(
    two_offers: ScenarioText,
) -> None:
    first = robust_document(two_offers, 6, 11, show=False).json()
    again = robust_document(two_offers, 6, 11, show=False).json()
    other = robust_document(two_offers, 6, 12, show=False).json()
    assert first == again
    assert first["robust"]["schedule"] == other["robust"]["schedule"]
    assert first["point_design"]["training_share"] != other["point_design"]["training_share"] or (
        first["point_design"]["share"] != other["point_design"]["share"]
    )


def test_hanoi_robust_deal_works_in_every_draw_it_counts_and_no_fewer_than_the_point_design() -> (
    None
):
    """Hanoi 2019 on 6 training draws: the program's count is the exact check's, and the
    robust deal works in at least as many training draws as the point design."""
    text = ScenarioText.read(Path(__file__).parents[1] / "scenarios" / "hanoi-2019.yaml")
    document = robust_document(text, 6, 0, show=False)
    design = document.design
    assert design.schedule is not None
    assert set(design.counted) <= set(design.satisfied)
    worlds = document.training.worlds
    assert design.satisfied == tuple(
        k for k, w in enumerate(worlds) if judge(w.deal, design.schedule).works
    )
    point = document.point_design
    assert point.candidate.schedule is not None
    assert document.robust.training.works >= point.training.works
    assert point.training.works == sum(
        judge(w.deal, point.candidate.schedule).works for w in worlds
    )
    assert sum(document.json()["robust"]["package"].values()) >= 7.44 - 1e-6  # the point total


def test_a_deal_with_nothing_uncertain_is_refused(tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(FIXTURE.read_text().replace("range: [0.5, 2], ", ""))
    with pytest.raises(DetenteError, match="no parameter has a range"):
        robust_document(ScenarioText.read(fixed), 3, 0, show=False)


def test_a_position_given_its_own_schedule_is_judged_on_it(tmp_path: Path) -> None:
    """``positions.NAME.schedule`` is the schedule judged, as ``phase --given --position``."""
    own = tmp_path / "own.yaml"
    own.write_text(
        FIXTURE.read_text().replace(
            "description: the big step}", "description: the big step, schedule: [{big: 1}]}"
        )
    )
    data = robust_document(ScenarioText.read(own), 4, 0, show=False).json()
    assert data["positions"]["a_offer"]["source"] == "given"
    assert (
        data["positions"]["a_offer"]["schedule"]
        == Schedule.from_stages(("big", "small"), [{"big": 1.0}]).as_dicts()
    )
