"""Covert cheating during the schedule: the recursion against a forward sum over detection
stages, §7's closed form after the schedule, the least constant detection per stage, earlier
verification, the hand-computed example, calendars and deadlines."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from detente.phasing import Deal, Item, Schedule, Stake, check, party_values
from detente.phasing.calendar import Calendar, Deadline, Duration
from detente.phasing.covert import Recursion, StageValues, during, least_deterring
from detente.phasing.enforcement import Valuation
from detente.phasing.schedule import aligned
from detente.phasing.verification import detection_probability, deterrence_slack, min_detection
from detente.scenariofile.loader import load_scenario
from tests.conftest import CLI, SCENARIOS
from tests.phasing_reference import small_deals

COVERT = SCENARIOS / "theory" / "covert-schedule.yaml"
START = date(2019, 1, 1)
TAIL = 400
"""Stages after the schedule summed explicitly (δ ≤ 0.9 makes the rest negligible)."""


# --- an independent forward computation ----------------------------------------------------


def forward(
    deal: Deal, amounts: np.ndarray, item: int, periods: np.ndarray, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(V, W)`` at the start of every stage before ``horizon``: honouring, and starting to cheat
    on ``item`` there, as sums over the stage of first detection ``k`` of its probability times
    the value of the path detected then (stage by stage, with the breakdown ``L`` stages after
    ``k``), plus the path never detected. Written forward, from the items' definitions."""
    cheat = deal.items[item]
    party = cheat.giver
    stake = next(s for s in deal.stakes if s.party == party)
    delta, K = stake.discount, amounts.shape[1]
    lapses = horizon < K
    N = K + TAIL
    d = np.array([periods[s] if s < K else 1.0 for s in range(N + 1)])
    D = delta**d
    a = (1.0 - D) / (1.0 - delta)
    once = np.array([it.once(party) for it in deal.items])
    flow = np.array([it.per_stage_flow(party) for it in deal.items])
    lever = np.array([it.leverage_on(party) for it in deal.items])
    rho = np.array([it.reversibility for it in deal.items])
    delay = dict(deal.calendar.delay_cost).get(party, 0.0) if deal.calendar else 0.0

    def level(s: int) -> np.ndarray:  # delivered up to and including stage s
        return amounts[:, : min(s, K - 1) + 1].sum(axis=1)

    def breakdown(b: int) -> float:  # at the start of stage b: what was delivered before it
        before = amounts[:, : min(b, K)].sum(axis=1)
        kept = before * (1.0 - rho) @ flow / (1.0 - delta)
        return float(stake.outside + before @ lever + kept - (rho * before) @ np.maximum(once, 0))

    honest = np.zeros(N + 1)
    gain = np.zeros(N + 1)
    q = np.zeros(N + 1)
    watchers = [
        (i, dict(it.verifies)[cheat.name])
        for i, it in enumerate(deal.items)
        if cheat.name in dict(it.verifies)
    ]
    for s in range(N + 1):
        honest[s] = float(level(s) @ flow) * a[s]
        if s < K:
            honest[s] += float(amounts[:, s] @ once)
        if s < K - 1:
            honest[s] -= delay * a[s]
        if s == K - 1 and not lapses:
            honest[s] += stake.completion
        gain[s] = cheat.covert_gain * level(s)[item] * a[s]
        inspections = [qv for i, qv in watchers if amounts[i, : min(s, K - 1) + 1].sum() > 0.5]
        q[s] = detection_probability(cheat.detection, inspections)
    reach = np.concatenate([[1.0], np.cumprod(D)])  # from stage 0's start to stage s's
    plain = np.concatenate([[0.0], np.cumsum(reach[: N + 1] * honest)])
    cheated = np.concatenate([[0.0], np.cumsum(reach[: N + 1] * (honest + gain))])
    broken = np.array([breakdown(b) for b in range(N + 1)])
    end = horizon if lapses else N

    def path(t: int, b: int, cheating: bool) -> float:
        """Stages t … b − 1 as planned (with the covert gain if cheating), then the breakdown
        (at a deadline's stage at the latest; none within the sum's horizon N)."""
        stop = min(b, end)
        sums = cheated if cheating else plain
        value = sums[stop] - sums[t] + (reach[stop] * broken[stop] if stop < N else 0.0)
        return float(value / reach[t])

    V = np.array([path(t, end, False) for t in range(horizon)])
    W = np.zeros(horizon)
    lag = cheat.detection_lag
    for t in range(horizon):
        undetected = 1.0
        for k in range(t, end):
            W[t] += undetected * q[k] * path(t, k + 1 + lag, True)
            undetected *= 1.0 - q[k]
        W[t] += undetected * path(t, end, True)
    return V, W


@st.composite
def covert_deals(
    draw: st.DrawFn, calendars: bool = True
) -> tuple[Deal, np.ndarray, np.ndarray, int]:
    """A small deal whose first item is cheating-prone, with 0-2 inspection regimes delivered in
    some stage (or not at all); with ``calendars``, maybe stages of 1-3 months at a period of
    1 or 2 months, a cost of delay and a deadline. Returns the deal, the (trimmed) amounts, the
    stages' lengths in periods and the number of stages carried out."""
    deal, amounts = draw(small_deals())
    cheat = replace(
        deal.items[0],
        covert_gain=draw(st.floats(0.05, 2.0)),
        detection=draw(st.floats(0.0, 0.3)),
        detection_lag=draw(st.integers(0, 2)),
    )
    K = amounts.shape[1]
    items, rows = [cheat, *deal.items[1:]], list(amounts)
    for v in range(draw(st.integers(0, 2))):
        items.append(
            Item(
                f"inspect{v}",
                draw(st.sampled_from([p for group in deal.order for p in group])),
                cost=draw(st.floats(0.0, 1.0)),
                flow=party_values({p: draw(st.floats(-0.2, 0.2)) for p in deal.parties}),
                reversibility=draw(st.floats(0.0, 1.0)),
                binary=True,
                verifies=((cheat.name, draw(st.floats(0.1, 0.9))),),
            )
        )
        when = draw(st.integers(0, K))  # K: never delivered
        rows.append(np.array([1.0 if s == when else 0.0 for s in range(K)]))
    deal = replace(deal, items=tuple(items))
    amounts = Schedule.from_array(deal.item_names, np.array(rows)).trimmed().array()
    K = amounts.shape[1]
    periods, horizon = np.ones(K), K
    if calendars and draw(st.booleans()):
        months = draw(st.lists(st.integers(1, 3), min_size=K, max_size=K))
        period = draw(st.integers(1, 2))
        lapse = draw(st.integers(1, K)) if K > 1 else K  # K: no deadline
        events = ()
        calendar = Calendar(
            START, tuple(Duration(m, "months") for m in months), Duration(period, "months")
        )
        if lapse < K:
            events = (Deadline(calendar.boundaries(K)[lapse] + timedelta(days=1), "deadline"),)
            horizon = lapse
        delay = party_values({cheat.giver: draw(st.floats(0.0, 0.3))})
        deal = replace(deal, calendar=replace(calendar, events=events, delay_cost=delay))
        periods = np.array(months, dtype=np.float64) / period
    return deal, amounts, periods, horizon


def excess_of(deal: Deal, amounts: np.ndarray) -> tuple[Recursion, np.ndarray]:
    """The recursion of the deal's first item and its ``Δ`` (over the stages and after them)."""
    valuation = Valuation(deal, amounts.shape[1])
    values = StageValues(
        valuation, aligned(deal, Schedule.from_array(deal.item_names, amounts))[None]
    )
    path = values.path(0, np.cumsum(amounts[0]))
    return path, path.excess()[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(covert_deals())
def test_the_recursion_equals_a_forward_sum_over_detection_stages(
    case: tuple[Deal, np.ndarray, np.ndarray, int],
) -> None:
    deal, amounts, periods, horizon = case
    V, W = forward(deal, amounts, 0, periods, horizon)
    _, excess = excess_of(deal, amounts)
    scale = 1.0 + np.abs(V).max()
    assert excess[:horizon] == pytest.approx(W - V, abs=1e-9 * scale)
    [found] = during(deal, Schedule.from_array(deal.item_names, amounts))
    first = int(np.flatnonzero(amounts[0] > 1e-9)[0]) if (amounts[0] > 1e-9).any() else horizon
    assert [o.stage for o in found.onsets] == list(range(first + 1, horizon + 1))
    assert [o.excess for o in found.onsets] == pytest.approx(list(W - V)[first:], abs=1e-9 * scale)


@settings(max_examples=100, deadline=None)
@given(covert_deals(calendars=False))
def test_after_the_schedule_the_recursion_is_theory_7s_closed_form_with_the_stake(
    case: tuple[Deal, np.ndarray, np.ndarray, int],
) -> None:
    """Δ after the schedule is −slack / ((1 − δ)(1 − δ + δq)), the completion's slack at the
    stake F of the check; a one-period last stage is like every later stage; its least
    deterring detection is the closed form's q*."""
    deal, amounts, _, _ = case
    assume(amounts[0].sum() > 1e-6)
    schedule = Schedule.from_array(deal.item_names, amounts)
    [done] = check(deal, schedule).verification
    path, excess = excess_of(deal, amounts)
    K, delta, q = amounts.shape[1], path.delta, done.detection
    slack = deterrence_slack(delta, done.stake, done.gain, done.lag, q)
    scale = (1.0 - delta) * (1.0 - delta + delta * q)
    assert excess[K] * scale == pytest.approx(-float(slack), abs=1e-9 * (1 + abs(done.stake)))
    assert excess[K - 1] == pytest.approx(excess[K], abs=1e-9 * (1 + abs(excess[K])))
    [found] = during(deal, schedule)
    last = found.onsets[-1]
    assert last.pays is not done.deterred or abs(last.slack) < 1e-6
    bracket = delta**done.lag * done.stake - done.gain * (1 - delta**done.lag)
    assume(abs(bracket) > 1e-6 and abs(done.gain * (1 - delta) / (delta * bracket) - 1) > 1e-6)
    if done.min_detection is None:
        assert last.min_detection is None
    else:
        assert last.min_detection == pytest.approx(done.min_detection, abs=1e-9)


def constant(path: Recursion, t: int, q: float) -> float:
    """``Δ_t`` when the detection is ``q`` at every stage from ``t`` on and after the schedule."""
    detection = np.where(np.arange(path.detection.size) >= t, q, path.detection)
    tail = None if path.tail is None else (path.tail[0], q, path.tail[2])
    return float(replace(path, detection=detection, tail=tail).excess()[0][t])


@settings(max_examples=100, deadline=None)
@given(covert_deals())
def test_the_least_deterring_detection_of_a_stage_is_where_constant_detection_stops_paying(
    case: tuple[Deal, np.ndarray, np.ndarray, int],
) -> None:
    deal, amounts, _, horizon = case
    path, _ = excess_of(deal, amounts)
    polynomials = path.polynomials(path.penalties())
    for t in range(horizon):
        found = least_deterring(polynomials[t])
        grid = np.linspace(0.0, 1.0, 41)
        values = np.array([constant(path, t, float(q)) for q in grid])
        scale = 1e-7 * (1.0 + np.abs(values).max())
        if found is None:
            assert constant(path, t, 1.0) > -scale
            continue
        assert (values[grid >= found] <= scale).all()
        if found > 0.0:
            assert constant(path, t, found) == pytest.approx(0.0, abs=scale)
            assert constant(path, t, max(found - 1e-4, 0.0)) > -scale


# --- earlier verification -----------------------------------------------------------------


@st.composite
def inspected_deals(draw: st.DrawFn) -> tuple[Deal, np.ndarray, int, int]:
    """B cheats on its freeze; A's relief and B's steps in every stage; an inspection regime
    given by A (worth nothing to B, so moving it changes only B's detection) delivered in
    stage ``late``, to be moved to ``early``."""
    K = draw(st.integers(2, 5))
    num = st.floats(0.0, 1.0)
    items = (
        Item(
            "freeze",
            "B",
            cost=draw(st.floats(0.0, 0.2)),
            flow=party_values({"A": draw(num)}),
            flow_cost=draw(st.floats(0.0, 0.1)),
            reversibility=draw(num),
            covert_gain=draw(st.floats(0.05, 3.0)),
            detection=draw(st.floats(0.0, 0.2)),
            detection_lag=draw(st.integers(0, 2)),
        ),
        Item(
            "relief",
            "A",
            cost=draw(num),
            value=party_values({"B": draw(num)}),
            flow=party_values({"B": draw(st.floats(0.05, 1.0))}),
            reversibility=draw(num),
        ),
        Item(
            "inspections",
            "A",
            cost=draw(num),
            binary=True,
            verifies=(("freeze", draw(st.floats(0.1, 0.9))),),
        ),
    )
    stakes = (
        Stake("A", draw(st.floats(0.6, 0.9))),
        Stake("B", draw(st.floats(0.6, 0.9)), draw(st.floats(0.0, 1.0)), draw(st.floats(0.0, 3.0))),
    )
    deal = Deal(stakes, items, (("B",), ("A",)))
    late = draw(st.integers(1, K - 1))
    early = draw(st.integers(0, late - 1))
    positive = st.floats(0.1, 2.0)
    amounts = np.array(
        [
            [draw(positive) for _ in range(K)],
            [draw(positive) for _ in range(K)],
            [1.0 if s == late else 0.0 for s in range(K)],
        ]
    )
    return deal, amounts, early, late


def breakdown_later_is_worth_it(deal: Deal, amounts: np.ndarray) -> bool:
    """Whether delaying a breakdown by a stage is always worth it to the cheater B (its stake
    ``V_s − B_s`` shrinks by at least the discount each stage, and ``F ≥ 0``): then being
    detected is never better than going on undetected, so more detection never helps it."""
    path, _ = excess_of(deal, amounts)
    stakes = -path.gaps[1:]
    K = amounts.shape[1]
    after = [*stakes, -path.tail[2]] if path.tail is not None else stakes
    return (
        path.tail is not None
        and -path.tail[2] >= 0
        and all(after[s] >= path.discounts[s + 1] * after[s + 1] - 1e-12 for s in range(K - 1))
    )


@settings(max_examples=150, deadline=None)
@given(inspected_deals())
def test_moving_a_verification_item_earlier_never_makes_cheating_pay_earlier(
    case: tuple[Deal, np.ndarray, int, int],
) -> None:
    """With breakdowns later always worth it to the cheater (detection never helps it, the
    docs' condition), an inspection regime delivered earlier raises the detection of some
    stages and changes nothing else: starting to cheat pays at no stage it did not pay at."""
    deal, amounts, early, _ = case
    assume(breakdown_later_is_worth_it(deal, amounts))
    moved = amounts.copy()
    moved[2] = [1.0 if s == early else 0.0 for s in range(amounts.shape[1])]
    names = deal.item_names
    [before] = during(deal, Schedule.from_array(names, amounts))
    [after] = during(deal, Schedule.from_array(names, moved))
    assert set(after.paying) <= set(before.paying)
    if before.pays_from is None:
        assert after.pays_from is None
    elif after.pays_from is not None:
        assert after.pays_from >= before.pays_from
    for b, a in zip(before.onsets, after.onsets, strict=True):
        assert a.excess <= b.excess + 1e-9 * (1 + abs(b.excess))


# --- the hand-computed example ------------------------------------------------------------


def hand_example(inspected: int) -> tuple[Deal, Schedule]:
    plan = load_scenario(COVERT, {"s_inspect": inspected}).phasing
    assert plan is not None and plan.schedule is not None
    return plan.deal, plan.schedule


@pytest.mark.parametrize(
    ("inspected", "paying", "excess"),
    [
        (1, (), [-30, -30, -30, -30]),
        (2, (1,), [6, -30, -30, -30]),
        (3, (1, 2), [38.4, 6, -30, -30]),
        (4, (1, 2, 3), [67.56, 38.4, 6, -30]),
    ],
    ids=["inspections-first", "in-stage-2", "in-stage-3", "in-stage-4"],
)
def test_the_hand_computed_example_pays_exactly_before_the_inspections(
    inspected: int, paying: tuple[int, ...], excess: list[float]
) -> None:
    """δ = 0.9, F = 1 (B's relief, reversible, its only stake), g = 3, no detection without the
    inspections (0.5), L = 0. With them, Δ = (g − δqF/(1 − δ)) / (1 − δ + δq) = −30/11 at every
    stage (§7's q* = 1/3 < 0.5); each stage before them adds g + δΔ: 6/11, 38.4/11, 67.56/11."""
    deal, schedule = hand_example(inspected)
    [freeze] = during(deal, schedule)
    assert freeze.paying == paying
    assert freeze.pays_from == (paying[0] if paying else None)
    assert [o.excess for o in freeze.onsets] == pytest.approx([x / 11 for x in excess], abs=1e-12)
    assert [o.min_detection for o in freeze.onsets] == pytest.approx([1 / 3] * 4, abs=1e-12)
    assert [o.detection for o in freeze.onsets] == [0.0] * (inspected - 1) + [0.5] * (5 - inspected)
    assert [o.verifiers for o in freeze.onsets][inspected - 1] == ("inspections",)
    assert check(deal, schedule).verification[0].deterred  # at completion, whatever the timing


def test_a_stage_of_two_periods_gains_and_discounts_as_flows_do() -> None:
    """The example with inspections in stage 3 and a first stage of two months (a period of one):
    stage 1 gains 3(1 + δ) and discounts by δ², with one detection chance (the stage's)."""
    deal, schedule = hand_example(3)
    months = (Duration(2, "months"), Duration(1, "months"))
    deal = replace(deal, calendar=Calendar(START, months, Duration(1, "months")))
    [freeze] = during(deal, schedule)
    second = 6 / 11
    assert freeze.onsets[1].excess == pytest.approx(second, abs=1e-12)
    assert freeze.onsets[0].excess == pytest.approx(3 * 1.9 + 0.81 * second, abs=1e-12)
    one_period = replace(deal, calendar=Calendar(START, (Duration(1, "months"),)))
    assert [o.excess for o in during(one_period, schedule)[0].onsets] == [
        o.excess for o in during(hand_example(3)[0], schedule)[0].onsets
    ]


def test_a_deadline_leaves_nothing_at_stake_from_its_stage() -> None:
    """The deal lapses at stage 3 in a breakdown, cheating or not: Δ_3 = 0, so starting in
    stage 2 gains g = 3 for nothing, and in stage 1 g + δ·3 (no detection before stage 3)."""
    deal, schedule = hand_example(3)
    calendar = Calendar(START, (Duration(1, "months"),))
    cut = calendar.boundaries(4)[2] + timedelta(days=1)
    deal = replace(deal, calendar=replace(calendar, events=(Deadline(cut, "deadline"),)))
    [freeze] = during(deal, schedule)
    assert [o.stage for o in freeze.onsets] == [1, 2]
    assert [o.excess for o in freeze.onsets] == pytest.approx([3 + 0.9 * 3, 3], abs=1e-12)


def test_an_item_the_schedule_does_not_deliver_has_no_onset() -> None:
    deal, _ = hand_example(3)
    schedule = Schedule.from_stages(deal.item_names, [{"relief": 1}, {"inspections": 1}])
    [freeze] = during(deal, schedule)
    assert freeze.onsets == () and freeze.pays_from is None
    assert (
        during(
            replace(deal, items=deal.items[1:2]), Schedule.from_stages(("relief",), [{"relief": 1}])
        )
        == ()
    )


def test_the_least_deterring_detection_of_a_polynomial() -> None:
    # (q − 0.2)(q − 0.6) > 0 between 0.6 and 1 is not deterred; deterred on [0.2, 0.6] only
    assert least_deterring(np.array([0.12, -0.8, 1.0])) is None
    # −(q − 0.2)(q − 0.6): positive on (0.2, 0.6), deterred from 0.6 on
    assert least_deterring(np.array([-0.12, 0.8, -1.0])) == pytest.approx(0.6, abs=1e-12)
    assert least_deterring(np.zeros(3)) == 0.0
    assert min_detection(0.9, 1.0, 3.0, 0) == pytest.approx(1 / 3)


# --- through the command line -------------------------------------------------------------

VERIFICATION = SCENARIOS / "theory" / "verification.yaml"


@pytest.mark.parametrize(
    ("delta", "g", "L", "q", "deterred"),
    [
        (0.9, 0.5, 0, 0.06, True),  # q* = 0.055556
        (0.9, 0.5, 2, 0.06, False),  # q* = 0.077700
        (0.9, 0.5, 2, 0.08, True),
        (0.9, 3, 0, 0.06, False),  # q* = 1/3
        (0.8, 0.5, 4, 0.06, False),  # none deters
    ],
)
def test_a_one_stage_schedule_pays_from_its_stage_exactly_when_completion_is_not_deterred(
    detente_cli: CLI, delta: float, g: float, L: int, q: float, deterred: bool
) -> None:
    """THEORY §7's rows: the one stage is every later stage (§7 is stationary)."""
    sets = [f"delta={delta}", f"g={g}", f"L={L}", f"q={q}"]
    done = detente_cli("analyze", VERIFICATION, "--json", *[a for s in sets for a in ("--set", s)])
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)["verification"]["item"]
    assert entry["deterred"] is deterred
    assert entry["pays_from"] == (None if deterred else 1)
    [stage] = entry["stages"]
    assert stage["stage"] == 1 and stage["pays"] is not deterred
    assert stage["min_detection"] == entry["min_detection"] or (
        stage["min_detection"] == pytest.approx(entry["min_detection"], abs=1e-12)
    )


def test_phase_given_reports_the_stages_at_which_cheating_pays(detente_cli: CLI) -> None:
    done = detente_cli("phase", COVERT, "--given", "--json")
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stdout)["verification"]["freeze"]
    assert entry["deterred"] is True and entry["pays_from"] == 1
    assert [s["pays"] for s in entry["stages"]] == [True, True, False, False]
    assert [s["verifiers"] for s in entry["stages"]] == [[], [], ["inspections"], []]
    assert entry["stages"][1]["excess"] == pytest.approx(6 / 11, abs=1e-12)
    text = " ".join(detente_cli("phase", COVERT, "--given").stdout.split())
    assert (
        "Covert cheating on freeze (by Side B) does not pay: it is detected with probability 0.5 per "
        "stage, at least 0.333333 is needed. Started during the schedule, it would pay from "
        "stage 1 to stage 2, before the inspections of stage 3." in text
    )
    early = detente_cli("phase", COVERT, "--given", "--json", "--set", "s_inspect=1")
    assert json.loads(early.stdout)["verification"]["freeze"]["pays_from"] is None
    assert (
        "Started during"
        not in detente_cli("phase", COVERT, "--given", "--set", "s_inspect=1").stdout
    )


def test_analyze_and_the_designed_schedule_report_cheating_during_the_schedule(
    detente_cli: CLI,
) -> None:
    analysed = detente_cli("analyze", COVERT, "--set", "s_inspect=4")
    assert analysed.returncode == 0, analysed.stderr
    assert (
        "Started during the schedule, it would pay from stage 1 to stage 3, before the "
        "inspections of stage 4." in " ".join(analysed.stdout.split())
    )
    designed = detente_cli("phase", COVERT, "--json")
    assert designed.returncode == 0, designed.stderr
    entry = json.loads(designed.stdout)["verification"]["freeze"]
    assert entry["schedule"] == "designed"
    schedule = json.loads(designed.stdout)["schedule"]
    first = next(k for k, stage in enumerate(schedule) if stage.get("freeze", 0) > 0)
    assert [s["stage"] for s in entry["stages"]] == list(range(first + 1, len(schedule) + 1))
    assert entry["pays_from"] is None  # the designer puts the inspections first here


def test_earlier_inspections_can_make_cheating_pay_when_being_caught_helps_the_cheater() -> None:
    """The reverse, without the condition: B's dismantlement costs it 5 in stage 2 against a
    relief flow of 0.1, so a breakdown before stage 2 is worth 4 more to B than the plan. With
    A's inspections (detection 0.9) in stage 1, cheating from stage 1 is likely caught at its
    end, ending the deal before the dismantlement: it pays; with them in stage 2 it does not."""
    deal = Deal(
        (Stake("A", 0.9), Stake("B", 0.9)),
        (
            Item("freeze", "B", flow=party_values({"A": 1.0}), covert_gain=0.05),
            Item("relief", "A", flow=party_values({"B": 0.1}), reversibility=1.0),
            Item("dismantle", "B", cost=5.0),
            Item("inspections", "A", binary=True, verifies=(("freeze", 0.9),)),
        ),
        (("B",), ("A",)),
    )

    def judged(when: int) -> tuple[int, ...]:
        stages: list[dict[str, float]] = [{"freeze": 1, "relief": 1}, {"dismantle": 1}]
        stages[when - 1]["inspections"] = 1
        return during(deal, Schedule.from_stages(deal.item_names, stages))[0].paying

    assert judged(2) == ()
    assert judged(1) == (1,)
    # by hand, inspections in stage 1: Δ_2 = 0.05 + 0.9(0.1 Δ_T − 0.9 · 1), Δ_T the tail's
    q, g, F = 0.9, 0.05, 0.1
    tail = (g - 0.9 * q * F / 0.1) / (1 - 0.9 * (1 - q))
    second = g + 0.9 * ((1 - q) * tail + q * (-F / 0.1))
    assert tail == pytest.approx(second)  # the last stage is like every later one
    caught = 0.0 - (-5.0 + F / 0.1)  # E_2 = B_2 − V_2: the breakdown spares the dismantlement
    first = g + 0.9 * ((1 - q) * second + q * caught)
    stages = [{"freeze": 1.0, "relief": 1.0, "inspections": 1.0}, {"dismantle": 1.0}]
    [freeze] = during(deal, Schedule.from_stages(deal.item_names, stages))
    assert [o.excess for o in freeze.onsets] == pytest.approx([first, second], abs=1e-12)


def test_a_claim_reads_where_cheating_pays_during_the_schedule(
    detente_cli: CLI, tmp_path: Path
) -> None:
    text = COVERT.read_text(encoding="utf-8") + (
        "claims:\n"
        "  open_early: {expr: verification.freeze.pays_from == 1}\n"
        '  closed_at_3: {expr: "verification.freeze.stages[2].pays == false"}\n'
    )
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    for inspected, claims in ((3, [True, True]), (1, [False, True])):
        done = detente_cli("analyze", path, "--json", "--set", f"s_inspect={inspected}")
        assert done.returncode == 0, done.stderr
        found = json.loads(done.stdout)["claims"]
        assert [found["open_early"], found["closed_at_3"]] == claims
