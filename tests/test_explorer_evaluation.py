"""A view's evaluation (the analysis at the view's values, cached) and the figures drawn from it."""

from __future__ import annotations

import pytest

from detente.analysis import analyze
from detente.experiments.scenario_text import ScenarioText
from detente.explorer import figures
from detente.explorer.evaluation import AGREEMENT, Evaluation, evaluate
from detente.labels import Labels
from tests.conftest import SCENARIOS

HANOI = SCENARIOS / "hanoi-2019.yaml"


@pytest.fixture(scope="module")
def text() -> ScenarioText:
    return ScenarioText.read(HANOI)


@pytest.fixture(scope="module")
def steep(text: ScenarioText) -> Evaluation:
    """Hanoi with the hard-liners' disvalue of relief raised to 3."""
    return evaluate(text, (("kappa_h", 3.0),))


def test_a_view_is_the_analysis_of_the_scenario_at_its_values(
    text: ScenarioText, steep: Evaluation
) -> None:
    document = analyze(text.build({"kappa_h": 3.0}))
    assert steep.error is None
    assert steep.claims == document["claims"]
    assert steep.document["intersection_size"] == document["intersection_size"]
    assert steep.claims["phased_deal_exists"] is False


def test_the_same_view_is_computed_once(text: ScenarioText, steep: Evaluation) -> None:
    assert evaluate(text, (("kappa_h", 3.0),)) is steep


def test_the_cloud_marks_the_win_sets_the_document_counts(steep: Evaluation) -> None:
    cloud, document = steep.cloud, steep.document
    assert cloud is not None and cloud.parties == ("us", "nk")
    assert cloud.size == document["n_outcomes"]
    assert int(cloud.common.sum()) == document["intersection_size"]
    for party in ("us", "nk"):
        assert int(cloud.in_win_set[party].sum()) == document["win_sets"][party]["size"]


def test_a_package_not_self_enforcing_is_shown_at_once_and_its_path_breaks(
    text: ScenarioText, steep: Evaluation
) -> None:
    base = evaluate(text, ())
    assert base.packages[AGREEMENT].designed and base.packages[AGREEMENT].path["completed"]
    assert (
        len(base.packages[AGREEMENT].schedule)
        == base.document["phasing"]["agreement"]["min_stages"]
    )
    agreement = steep.packages[AGREEMENT]
    assert not agreement.designed and len(agreement.schedule) == 1
    assert agreement.schedule[0] == steep.document["phasing"]["agreement"]["package"]
    broken = agreement.path["breaks"]
    assert (broken["stage"], broken["party"], broken["withholds"]) == (1, "nk", "declaration")
    assert set(steep.packages) == {AGREEMENT, "us_big_deal", "nk_hanoi_offer", "sk_preference"}


def test_an_invalid_view_reports_its_error_instead_of_failing(text: ScenarioText) -> None:
    broken = evaluate(text, (("hardliner_rule", "maybe"),))
    assert broken.error is not None and "maybe" in broken.error
    assert broken.claims == {} and broken.cloud is None


def test_the_schedule_chart_has_a_bar_per_amount_given_coloured_by_giver(
    steep: Evaluation,
) -> None:
    package = steep.packages[AGREEMENT]
    figure = figures.schedule_figure(package, steep.document["parties"], Labels())
    drawn = {
        (y, float(text))
        for trace in figure["data"]
        for y, text in zip(trace["y"], trace["text"], strict=True)
    }
    expected = {
        (f"{item.replace('_', ' ')} ({package.givers[item]})", round(amount, 3))
        for item, amount in package.schedule[0].items()
        if amount > figures.NOISE
    }
    assert drawn == expected
    assert [t["name"] for t in figure["data"]] == ["given by nk", "given by us"]
    assert figure["layout"]["shapes"][0]["x0"] == 0  # the break, in stage 1


def test_the_outcome_scatter_counts_every_outcome_and_draws_fewer_points(
    steep: Evaluation,
) -> None:
    cloud = steep.cloud
    assert cloud is not None
    figure = figures.outcome_figure(cloud, steep.document, Labels())
    layers = figure["data"][:4]
    counts = [int(t["name"].rsplit(": ", 1)[1].replace(",", "")) for t in layers]
    assert sum(counts) == cloud.size
    assert counts[3] == steep.document["intersection_size"]
    drawn = sum(len(t["x"]) for t in layers)
    assert 0 < drawn < cloud.size
    names = [t["name"] for t in figure["data"][4:]]
    assert names == ["no deal", "agreement", "us big deal", "nk hanoi offer", "sk preference"]


def test_values_give_each_party_and_the_ally_at_no_deal_the_agreement_and_the_path(
    steep: Evaluation,
) -> None:
    package = steep.packages[AGREEMENT]
    rows = figures.value_rows(steep, package)
    assert [(r["party"], r["role"]) for r in rows] == [
        ("us", "signatory"),
        ("nk", "signatory"),
        ("sk", "stakeholder"),
    ]
    assert [r["agreement"] for r in rows] == steep.document["agreement"]["utilities"]
    assert [r["path"] for r in rows] == [package.path["values"][p] for p in ("us", "nk", "sk")]
    figure = figures.values_figure(rows, Labels(), "the agreement")
    assert [t["name"] for t in figure["data"]] == [
        "no deal",
        "the agreement",
        "path of the agreement",
    ]


def test_a_break_is_said_in_words() -> None:
    path = {
        "completed": False,
        "breaks": {
            "stage": 2,
            "party": "nk",
            "withholds": "un_relief",
            "goes_on": True,
            "shortfall": 0.5,
        },
    }
    labels = Labels(
        {"items": {"un_relief": "UN sanctions relief"}, "parties": {"nk": "North Korea"}}
    )
    assert figures.break_text(path, labels) == (
        "breaks in stage 2: North Korea withholds UN sanctions relief (short by 0.5); "
        "the others answer in proportion and it goes on"
    )


def test_what_the_how_to_says_moving_the_hardliners_and_the_trust_does(
    text: ScenarioText,
) -> None:
    """docs/how-to/explore.md, sections 2 and 3."""
    page = (SCENARIOS.parent / "docs" / "how-to" / "explore.md").read_text(encoding="utf-8")

    def view(**values: float | str) -> Evaluation:
        return evaluate(text, tuple(sorted(values.items())))

    def flipped(evaluation: Evaluation) -> set[str]:
        base = view().claims
        return {name for name, holds in evaluation.claims.items() if holds != base[name]}

    steep, mild, no_veto = view(kappa_h=4.0), view(kappa_h=1.0), view(hardliner_rule="none")
    assert flipped(steep) == {"phased_deal_exists"} and flipped(mild) == {"offer_vetoed_at_home"}
    assert flipped(no_veto) == {"offer_vetoed_at_home"}
    sizes = [e.document["intersection_size"] for e in (view(), steep, mild, no_veto)]
    assert sizes == [318, 109, 741, 1110]
    assert "from 318 to 109" in page and "741 outcomes" in page and "1,110" in page
    broken = steep.packages[AGREEMENT].path["breaks"]
    assert (broken["stage"], broken["withholds"], broken["goes_on"]) == (1, "declaration", True)
    assert [a["item"] for a in broken["answers"]] == ["un_relief"]
    crossing = [
        view(kappa_h=2.69).claims["phased_deal_exists"],
        view(kappa_h=2.72).claims["phased_deal_exists"],
    ]
    assert crossing == [True, False] and "near `kappa_h` = 2.7" in page
    trust = [round(view(w_jcpoa=w).document["trust"]["nk"]["us"], 2) for w in (0.0, 1.0)]
    assert trust == [0.6, 0.5] and "from 0.60 (irrelevant) to 0.50" in page
    assert not flipped(view(w_jcpoa=0.0)) and not flipped(view(w_jcpoa=1.0))
    sceptical = view(prior_b=3.0)
    trusts = [round(sceptical.document["trust"][a][b], 2) for a, b in (("nk", "us"), ("us", "nk"))]
    assert trusts == [0.4, 0.43] and "0.40 and 0.43" in page
    assert flipped(sceptical) == {"phased_deal_exists"}
