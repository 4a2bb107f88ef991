"""Partial compliance and proportional response: single-item deviations, declared responses."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.phasing import Deal, Schedule, check, design, implement
from detente.phasing import path as paths
from detente.phasing.enforcement import Valuation
from detente.phasing.path import equilibrium_path
from detente.phasing.responses import Response
from detente.scenariofile.loader import load_scenario
from detente.trust import Hazard, TrustTable, TwoTypes
from tests.conftest import CLI, SCENARIOS, assert_one_line_error, in_process
from tests.phasing_reference import (
    activity,
    believed,
    choices,
    consistent_plans,
    deviation_value,
    fresh,
    modify,
    responses_for,
    responsive_deals,
    withheld,
)
from tests.strategies import random_deal


def _plan(deal: Deal, path: paths.Path) -> dict[int, object]:
    """The path's choices by move group: honour, "all", or the withheld item's position."""
    G = len(deal.order)
    plan: dict[int, object] = {}
    for m in path.moves:
        n = (m.stage - 1) * G + deal.order.index((m.party,))
        plan[n] = (
            "honour"
            if m.honours
            else ("all" if m.withholds is None else deal.item_names.index(m.withholds))
        )
    return plan


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responsive_deals())
def test_the_path_is_one_of_the_plans_brute_force_finds_consistent(
    case: tuple[Deal, np.ndarray],
) -> None:
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts).trimmed()
    X = schedule.array()
    path = equilibrium_path(deal, schedule)
    play = fresh(X)
    plan = _plan(deal, path)
    assert plan in consistent_plans(deal, play)
    start = 0
    while path.then is not None:
        first = min(n for n, c in plan.items() if c != "honour")
        play = modify(deal, play, first, withheld(deal, play, first, plan[first]))
        path, start = path.then, first + 1
        plan = _plan(deal, path)
        assert plan in consistent_plans(deal, play, start)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responsive_deals(max_stages=3))
def test_every_slack_of_the_check_is_honouring_minus_a_forward_accounting_of_the_deviation(
    case: tuple[Deal, np.ndarray],
) -> None:
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts).trimmed()
    X = schedule.array()
    play = fresh(X)
    act = activity(deal, play)
    G = len(deal.order)
    expected = {}
    for n in range(X.shape[1] * G):
        (mover,) = deal.order[n % G]
        if not act[deal.parties.index(mover), n // G]:
            continue
        honour = believed(deal, play, mover, n, n, act, sure=True)
        for choice in choices(deal, play, n)[1:]:
            label = f"stage {n // G + 1}: {mover}"
            if choice != "all":
                label += f" withholds {deal.item_names[int(choice)]}"  # type: ignore[call-overload]
            expected[label] = honour - deviation_value(deal, play, mover, n, n, choice, act)
    found = check(deal, schedule)
    assert set(found.labels) <= set(expected)
    for label, slack in zip(found.labels, found.slacks, strict=True):
        assert slack == pytest.approx(expected[label], rel=1e-7, abs=1e-7)
    for label in set(expected) - set(found.labels):  # left out: dominated by reneging on everything
        mover = label.split(": ")[1].split(" ")[0]
        everything = expected[label.split(" withholds")[0]]
        assert " withholds " in label and expected[label] >= everything - 1e-7, (label, mover)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(3, 7), st.integers(1, 4), st.data())
def test_designed_schedules_with_responses_pass_the_check_with_the_same_slacks(
    seed: int, items: int, k: int, data: st.DataObject
) -> None:
    deal = data.draw(responses_for(random_deal(np.random.default_rng(seed), items, 2 + seed % 2)))
    result = design(deal, k, objective="surplus" if seed % 3 else "total")
    if result.schedule is None:
        return
    found = check(deal, result.schedule)
    assert found.self_enforcing
    assert result.enforcement is not None
    assert result.enforcement.labels == found.labels
    assert result.enforcement.slacks == pytest.approx(found.slacks, rel=1e-6, abs=1e-6)


# --- a proportional response deters, a mild one invites: scenarios/theory -----------------

PROPORTIONAL = SCENARIOS / "theory" / "proportional-response.yaml"
INSPECTIONS = ["d=0", "i=1", "a=1"]


def without_responses(tmp_path: Path) -> Path:
    """The theory scenario with its responses deleted: every withholding ends the deal."""
    text = PROPORTIONAL.read_text()
    kept = [line for line in text.splitlines() if "responses:" not in line and "- {to:" not in line]
    path = tmp_path / "breakdown-only.yaml"
    path.write_text("\n".join(kept) + "\n")
    return path


@pytest.mark.parametrize(
    ("sets", "responses", "self_enforcing", "slacks", "values"),
    [
        (
            [],
            True,
            True,
            {"stage 1: B": 6.0, "stage 1: B withholds dismantle": 6.0},
            {"A": 6.0, "B": 7.0},
        ),
        ([], False, False, {"stage 1: B": -1.0}, {"A": -0.5, "B": 8.0}),
        (
            INSPECTIONS,
            True,
            False,
            {"stage 1: B": 7.4, "stage 1: B withholds inspections": -1.6},
            {"A": 0.0, "B": 10.0},
        ),
        (INSPECTIONS, False, True, {"stage 1: B": 0.4}, {"A": 3.45, "B": 8.4}),
    ],
    ids=["snap-back-deters", "breakdown-does-not", "suspension-invites", "breakdown-deters"],
)
def test_the_declared_response_not_the_breakdown_decides_which_withholdings_pay(
    detente_cli: CLI,
    tmp_path: Path,
    sets: list[str],
    responses: bool,
    self_enforcing: bool,
    slacks: dict[str, float],
    values: dict[str, float],
) -> None:
    """The header of proportional-response.yaml: δ = 0.9, relief 1 per stage with ρ = 0.2."""
    scenario = PROPORTIONAL if responses else without_responses(tmp_path)
    options = [arg for s in sets for arg in ("--set", s)]
    done = detente_cli("phase", scenario, "--given", "--json", *options)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["self_enforcing"] is self_enforcing
    assert {k: document["slack"][k] for k in slacks} == pytest.approx(slacks, abs=1e-9)
    assert set(document["slack"]) == {"stage 1: A", *slacks, *(["stage 2: A"] if sets else [])}
    assert document["path"]["completed"] is self_enforcing
    assert document["path"]["values"] == pytest.approx(values, abs=1e-9)


def test_withholding_inspections_goes_on_with_the_aid_suspended(detente_cli: CLI) -> None:
    options = [arg for s in INSPECTIONS for arg in ("--set", s)]
    done = detente_cli("phase", PROPORTIONAL, "--given", "--json", *options)
    path = json.loads(done.stdout)["path"]
    assert path["breaks"]["withholds"] == "inspections" and path["breaks"]["goes_on"] is True
    assert path["breaks"]["answers"] == [{"item": "aid", "stage": 2, "share": 0.0}]
    assert path["then"]["completed"] is True
    said = " ".join(detente_cli("phase", PROPORTIONAL, "--given", *options).stdout.split())
    assert "withholding inspections is worth 1.6 more than honouring" in said
    assert "the others answer (aid suspended from stage 2) and the deal goes on" in said


@pytest.mark.parametrize("sets", [{}, {"d": 0.0, "i": 1.0, "a": 1.0}])
def test_in_process_responses_and_breakdown_disagree_in_both_directions(
    sets: dict[str, float],
) -> None:
    plan = load_scenario(PROPORTIONAL, sets).phasing
    assert plan is not None and plan.schedule is not None
    answered = check(plan.deal, plan.schedule)
    broken = check(replace(plan.deal, responses=()), plan.schedule)
    assert answered.self_enforcing is not broken.self_enforcing
    assert answered.self_enforcing is (not sets)
    if not sets:  # a snap-back of a tenth: B keeps 1 + 0.9 × 0.9 × 10 = 9.1 > 7, above 8
        tenth = (Response("dismantle", "snap_back", "relief", 0.1),)
        weak = check(replace(plan.deal, responses=tenth), plan.schedule)
        slacks = dict(zip(weak.labels, weak.slacks, strict=True))
        assert slacks["stage 1: B withholds dismantle"] == pytest.approx(7 - 9.1)
        assert slacks["stage 1: B"] == pytest.approx(7 - 8)  # inspections unanswered: it ends


# --- the file layer: one located line per mistake ----------------------------------------


@pytest.mark.parametrize(
    ("entry", "fragments"),
    [
        ("{to: zz, response: end}", ["phasing.responses[0].to", "unknown item 'zz'"]),
        (
            "{to: inspections, response: suspend, item: dismantle}",
            ["phasing.responses[0].item", "which B gives too"],
        ),
        (
            "{to: dismantle, response: snap_back, item: relief, fraction: 1.5}",
            ["phasing.responses[0].fraction", "must be in (0, 1], got 1.5"],
        ),
        (
            "{to: dismantle, response: snap_back, item: relief, fraction: 0}",
            ["phasing.responses[0].fraction", "must be in (0, 1], got 0"],
        ),
        (
            "{to: dismantle, response: end, item: relief}",
            ["phasing.responses[0].item", "ends everything: it names no item"],
        ),
        (
            "{to: dismantle, response: snap_back, item: relief}",
            ["phasing.responses[0].fraction", "needs the fraction"],
        ),
        ("{to: dismantle, response: halt}", ["phasing.responses[0].response"]),
    ],
    ids=[
        "unknown-item",
        "own-item",
        "fraction-above-1",
        "fraction-0",
        "end-with-target",
        "snap-back-without-fraction",
        "unknown-response",
    ],
)
def test_a_bad_response_is_one_located_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, entry: str, fragments: list[str]
) -> None:
    lines = PROPORTIONAL.read_text().splitlines()
    k = next(k for k, line in enumerate(lines) if line.strip().startswith("- {to: dismantle"))
    lines[k] = f"    - {entry}"
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(lines) + "\n")
    done = in_process(capsys, "phase", path, "--given")
    assert_one_line_error(done, f"bad.yaml:{k + 1}:", *fragments)


def test_a_response_declared_twice_is_one_located_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = PROPORTIONAL.read_text().replace(
        "  schedule:\n",
        "    - {to: inspections, response: suspend, item: aid}\n  schedule:\n",
    )
    path = tmp_path / "twice.yaml"
    path.write_text(text)
    line = text.splitlines().index("    - {to: inspections, response: suspend, item: aid}") + 1
    assert_one_line_error(
        in_process(capsys, "phase", path, "--given"),
        f"twice.yaml:{line}:",
        "phasing.responses[2]",
        "declare each once",
    )


# --- implement: opportunists withhold where the path has them withhold ---------------------


def test_implement_reports_the_withholding_and_the_sessions_that_went_on(detente_cli: CLI) -> None:
    options = [arg for s in INSPECTIONS for arg in ("--set", s)]
    done = detente_cli("implement", PROPORTIONAL, "--json", "--sessions", "500", *options)
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    assert run["deviations"] == [
        {"stage": 1, "party": "B", "item": "inspections", "goes_on": True, "sessions": 500}
    ]
    assert run["went_on"] == 500 and run["completion_rate"] == 0.0
    assert run["break_stage_histogram"] == [0, 0]
    assert run["expected_values"] == pytest.approx({"A": 0.0, "B": 10.0}, abs=1e-9)
    said = " ".join(
        detente_cli("implement", PROPORTIONAL, "--sessions", "500", *options).stdout.split()
    )
    assert "Side B withheld inspections in stage 1, the deal went on: 500 session(s)" in said


def uncertain(deal: Deal) -> Deal:
    """``deal`` with A unsure of B (two types) and B fearing a hazard at A's moves."""
    return replace(
        deal,
        trust=TrustTable({("A", "B"): TwoTypes(0.5, 1.0, 0.1), ("B", "A"): Hazard(0.1)}),
    )


def test_simulated_values_converge_to_the_path_values_when_the_deal_goes_on() -> None:
    plan = load_scenario(PROPORTIONAL, {"d": 0.0, "i": 1.0, "a": 1.0, "O_A": -0.2}).phasing
    assert plan is not None and plan.schedule is not None
    deal = uncertain(plan.deal)
    path = equilibrium_path(deal, plan.schedule)
    assert path.breaks is not None and path.breaks.goes_on  # B withholds inspections
    run = implement(deal, plan.schedule, 200_000, np.random.default_rng(7))
    assert run.completion_probability == pytest.approx(path.completion_probability)
    assert dict(run.expected_values) == pytest.approx(dict(path.values), abs=0.05)
    p = path.completion_probability
    assert abs(run.completion_rate - p) < 5 * np.sqrt(p * (1 - p) / 200_000)
    ((stage, party, item, goes_on, count),) = run.deviations
    assert (stage, party, item, goes_on) == (1, "B", "inspections", True)
    # B is an opportunist (0.5), A's move and B's are not struck by their hazards (0.9 each)
    assert count / 200_000 == pytest.approx(0.5 * 0.9 * 0.9, abs=0.005)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(responsive_deals(max_stages=3), responsive_deals(simultaneous=True)),
    st.integers(0, 2**31),
)
def test_the_completion_rate_converges_with_responses_declared(
    case: tuple[Deal, np.ndarray], seed: int
) -> None:
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts)
    run = implement(deal, schedule, 20_000, np.random.default_rng(seed))
    p = equilibrium_path(deal, schedule).completion_probability
    assert run.completion_probability == pytest.approx(p)
    assert abs(run.completion_rate - p) < 5 * np.sqrt(p * (1 - p) / 20_000) + 1e-9
    assert sum(dict(run.reneged_by).values()) >= sum(run.break_stage_histogram)


# --- deals without responses ----------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 8), st.integers(1, 4))
def test_when_no_giver_values_its_own_items_only_reneging_on_everything_is_checked(
    seed: int, items: int, k: int
) -> None:
    """No responses and no item its giver values: the single-item deviations are dominated,
    so the check's constraints are the original model's, one per non-empty move."""
    rng = np.random.default_rng(seed)
    deal = random_deal(rng, items, parties=2 + seed % 2)
    amounts = rng.uniform(0.0, 1.0 / k, (items, k)) * (rng.random((items, k)) < 0.7)
    amounts[[i for i, item in enumerate(deal.items) if item.binary]] = 0.0
    schedule = Schedule.from_array(deal.item_names, amounts)
    found = check(deal, schedule)
    assert not any("withholds" in label for label in found.labels)
    X = schedule.trimmed().array()[None]
    valuation = Valuation(deal, X.shape[2])
    G = len(deal.order)
    expected = [
        label
        for n, p, label in valuation.moves()
        if (
            X[0, [i for i, it in enumerate(deal.items) if it.giver == deal.parties[p]], n // G]
            > 1e-9
        ).any()
    ]
    assert list(found.labels) == expected


def test_singapore_the_united_states_would_make_the_statements_and_withhold_the_guarantees() -> (
    None
):
    """A finding of the single-item deviations: the US values the relations and the peace
    regime it gives, so delivering them and withholding the security guarantees pays
    2 (v_words − c_words) more than reneging on everything."""
    scenario = load_scenario(SCENARIOS / "singapore-2018.yaml")
    plan = scenario.phasing
    assert plan is not None
    parameters = scenario.parameters
    own = parameters["v_words"] - parameters["c_words"]
    statement = {"new_relations", "peace_regime", "security_guarantees"}
    schedule = Schedule.from_stages(
        plan.deal.item_names, [{name: 1.0 for name in (*statement, "denuclearization_pledge")}]
    )
    found = check(plan.deal, schedule)
    slacks = dict(zip(found.labels, found.slacks, strict=True))
    everything = slacks["stage 1: us"]
    assert everything > 0  # the original model: self-enforcing
    assert slacks["stage 1: us withholds security_guarantees"] == pytest.approx(
        everything - 2 * own
    )
    assert slacks["stage 1: us withholds security_guarantees"] < 0
