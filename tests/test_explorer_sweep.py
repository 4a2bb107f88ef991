"""A sweep as the explorer shows it: shares over the draws, brushed by parameter ranges."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.cli import main
from detente.errors import DetenteError
from detente.experiments.summary import summarize
from detente.explorer.sweep import SweepView, brush_of, labels_kept
from tests.conftest import SCENARIOS

DISCOVERY = SCENARIOS / "theory" / "discovery.yaml"


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "draws"
    main(["sweep", str(DISCOVERY), "--draws", "60", "--seed", "1", "--out", str(out)])
    return out


@pytest.fixture(scope="module")
def view(directory: Path) -> SweepView:
    return SweepView.read(directory)


def test_the_shares_over_every_draw_are_the_summary_s(view: SweepView, directory: Path) -> None:
    summary = summarize(directory)
    assert view.draws == summary["draws"] == 60
    assert view.numeric == ("x", "y") and view.categorical == ()
    for claim, entry in view.shares({}).items():
        assert entry["share"] == pytest.approx(summary["claims"][claim]["share"])
        assert entry["holds"] == summary["claims"][claim]["holds"]


def test_a_brush_keeps_the_draws_inside_every_range(view: SweepView) -> None:
    brush = {"x": (0.0, 0.3), "y": (0.6, 1.0)}
    x, y = view.values["x"], view.values["y"]
    inside = (x <= 0.3) & (y >= 0.6)
    assert view.inside(brush).tolist() == inside.tolist()
    shares = view.shares(brush)["box"]
    assert shares["draws"] == int(inside.sum()) > 0
    assert shares["holds"] == int(view.holds["box"][inside].sum())
    assert shares["share"] == pytest.approx(shares["holds"] / shares["draws"])


def test_a_brush_holding_no_draw_has_no_share(view: SweepView) -> None:
    assert view.shares({"x": (2.0, 3.0)})["box"] == {"holds": 0, "draws": 0, "share": None}


def test_a_brush_on_a_parameter_the_sweep_did_not_draw_is_an_error(view: SweepView) -> None:
    with pytest.raises(DetenteError, match="brush on z: the sweep drew no such parameter"):
        view.inside({"z": (0.0, 1.0)})


def test_the_discovered_boxes_are_summarize_s(view: SweepView, directory: Path) -> None:
    from detente.experiments.summary import Questions

    found = summarize(directory, Questions(discover=True))["discovery"]["box"]["boxes"]
    assert view.boxes("box") == found and len(found) >= 1
    assert view.discovery_reason("box") == ""
    assert "x ≤" in view.boxes("box")[0]["statement"]


def test_a_box_selection_is_a_brush_on_the_two_axes() -> None:
    selection = {"range": {"x": [0.5, 0.1], "y": [0.2, 0.9]}, "points": []}
    assert brush_of(selection, ("a", "b")) == {"a": (0.1, 0.5), "b": (0.2, 0.9)}
    assert brush_of({"points": []}, ("a", "b")) == {}


def test_a_categorical_parameter_is_brushed_by_its_labels(tmp_path: Path) -> None:
    view_of_labels = SweepView(
        str(tmp_path),
        ("c",),
        (),
        ("rule",),
        {"rule": np.array(["veto", "none", "veto"], dtype=object)},
        {"c": np.array([True, False, False])},
        {},
    )
    assert view_of_labels.shares({"rule": frozenset({"veto"})})["c"]["share"] == 0.5
    assert labels_kept(view_of_labels, [["veto", "none"]]) == {}  # every label: no restriction
    assert labels_kept(view_of_labels, [["none"]]) == {"rule": frozenset({"none"})}
    assert view_of_labels.shares(labels_kept(view_of_labels, [["none"]]))["c"]["holds"] == 0


def test_a_directory_that_holds_no_sweep_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DetenteError):
        SweepView.read(tmp_path)
