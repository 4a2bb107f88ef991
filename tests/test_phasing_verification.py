"""Verification: THEORY §7 from the shipped scenario, q* against value iteration, the stake of
a deal by hand, and the designer choosing verification items."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.phasing import Deal, Item, Schedule, Stake, check, design, party_values
from detente.phasing.designer import Designer
from detente.phasing.enforcement import Valuation
from detente.phasing.schedule import aligned
from detente.phasing.verification import (
    MAX_CHOICES,
    Branch,
    detection_probability,
    deterrence_slack,
    min_detection,
)
from detente.trust import TrustTable
from tests.conftest import CLI, SCENARIOS, assert_one_line_error, edited_copy
from tests.strategies import random_deal, random_verified_deal

VERIFICATION = SCENARIOS / "theory" / "verification.yaml"


# --- THEORY §7 through the command line ---------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "F", "g", "L", "expected"),
    [
        (0.9, 1, 0.5, 0, 0.055556),
        (0.9, 1, 0.5, 2, 0.077700),
        (0.9, 1, 3, 0, 0.333333),
        (0.8, 1, 0.5, 4, None),
    ],
)
def test_the_verification_scenario_reproduces_theory_7(
    detente_cli: CLI, delta: float, F: float, g: float, L: int, expected: float | None
) -> None:
    """THEORY §7 [D]: q* = g(1 − δ) / (δ [F δ^L − g(1 − δ^L)]), none when no q ≤ 1 deters."""
    sets = [f"delta={delta}", f"F={F}", f"g={g}", f"L={L}", "q=0.06"]
    options = [arg for s in sets for arg in ("--set", s)]
    done = detente_cli("analyze", VERIFICATION, "--json", *options)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["verification"]["item"]
    assert found["detection"] == 0.06
    assert found["schedule"] == "phasing.schedule"
    if expected is None:
        assert found["min_detection"] is None
        assert found["deterred"] is False
    else:
        assert found["min_detection"] == pytest.approx(expected, abs=1e-6)
        assert found["deterred"] is (expected <= 0.06)


def test_a_claim_reads_whether_cheating_is_deterred(detente_cli: CLI, tmp_path: object) -> None:
    text = VERIFICATION.read_text(encoding="utf-8") + (
        "claims:\n"
        "  deterred: {expr: verification.item.deterred}\n"
        "  needs: {expr: verification.item.min_detection > 0.05}\n"
    )
    path = tmp_path / "v.yaml"  # type: ignore[operator]
    path.write_text(text, encoding="utf-8")
    for q, deterred in (("0.1", True), ("0.05", False)):
        done = detente_cli("analyze", path, "--json", "--set", f"q={q}")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["claims"] == {"deterred": deterred, "needs": True}


def test_the_given_schedule_is_not_self_enforcing_when_cheating_pays(detente_cli: CLI) -> None:
    done = detente_cli("phase", VERIFICATION, "--given", "--json", "--set", "g=3")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["path"]["completed"] is True  # nobody reneges openly
    assert document["self_enforcing"] is False  # but cheating on the freeze pays
    assert document["verification"]["item"]["min_detection"] == pytest.approx(1 / 3)
    text = detente_cli("phase", VERIFICATION, "--given", "--set", "g=3").stdout
    assert "Covert cheating on item (by Side B) pays" in " ".join(text.split())


def test_the_designer_scales_a_cheating_prone_item_to_what_detection_deters(
    detente_cli: CLI,
) -> None:
    """g = 3 per unit, F = 1, δ = 0.9, L = 0, q = 0.1: an amount a gains 3a per stage and
    q* = 3a · 0.1 / (0.9 · 1), which is q at a = 0.3, the largest amount deterred."""
    done = detente_cli("phase", VERIFICATION, "--json", "--set", "g=3")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["schedule"] == [{"item": pytest.approx(0.3), "relief": 1.0}]
    entry = document["verification"]["item"]
    assert entry["deterred"] is True
    assert entry["min_detection"] == pytest.approx(0.1)
    assert entry["schedule"] == "designed"


# --- q* against value iteration -----------------------------------------------------------


def cheating_value(h: float, g: float, delta: float, q: float, lag: int, P: float) -> float:
    """``C``: cheating until detected, by value iteration ``C ← (h + g) + δ[(1 − q)C + qD]``,
    ``D`` the lag's cheating stages then the punishment value ``P``, summed stage by stage."""
    D = sum(delta**s * (h + g) for s in range(lag)) + delta**lag * P
    C = 0.0
    for _ in range(100_000):
        after = (h + g) + delta * ((1 - q) * C + q * D)
        if abs(after - C) <= 1e-14 * (1.0 + abs(C)):
            return after
        C = after
    return C


def smallest_deterring(h: float, g: float, delta: float, lag: int, P: float) -> float | None:
    """The least q with ``C ≤ H`` (``H = h / (1 − δ)``) by bisection; ``None`` if q = 1 fails."""
    H = h / (1 - delta)

    def deters(q: float) -> bool:
        return cheating_value(h, g, delta, q, lag, P) <= H

    if not deters(1.0):
        return None
    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (low, middle) if deters(middle) else (middle, high)
    return high


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.5, 0.95),
    st.floats(0.0, 3.0),
    st.floats(0.01, 3.0),
    st.integers(0, 5),
    st.floats(-5.0, 5.0),
)
def test_min_detection_equals_value_iteration(
    delta: float, h: float, g: float, lag: int, P: float
) -> None:
    """With honest flow h per stage and punishment value P, the stake is F = h − (1 − δ)P."""
    stake = h - (1 - delta) * P
    closed = min_detection(delta, stake, g, lag)
    bracket = delta**lag * stake - g * (1 - delta**lag)
    # q* within rounding of 1 is on the knife edge between "q = 1 deters" and "none does"
    assume(abs(bracket) > 1e-3 and abs(g * (1 - delta) / (delta * bracket) - 1.0) > 1e-3)
    if closed is None:  # the bracket's sign or q* > 1 says none deters
        assert bracket <= 0 or g * (1 - delta) / (delta * bracket) > 1
    searched = smallest_deterring(h, g, delta, lag, P)
    if closed is None:
        assert searched is None
    else:
        assert searched == pytest.approx(closed, abs=1e-6)
        assert deterrence_slack(delta, stake, g, lag, closed) == pytest.approx(0.0, abs=1e-12)


def test_min_detection_edges() -> None:
    assert min_detection(0.9, -1.0, 0.0, 3) == 0.0  # nothing to gain: nothing to deter
    assert min_detection(0.9, 0.0, 0.1, 0) is None  # nothing at stake
    with pytest.raises(DetenteError, match="discount in"):
        min_detection(1.0, 1.0, 0.5, 0)
    assert detection_probability(0.2, [0.5, 0.5]) == pytest.approx(1 - 0.8 * 0.25)


# --- the stake of a deal ------------------------------------------------------------------


def stake_deal(outside_b: float = 1.0, lag: int = 1) -> Deal:
    """A's relief gives B a flow and a one-time value, partly reversible; B's freeze costs it a
    flow, is half reversible and lowers its outside option."""
    relief = Item(
        "relief",
        "A",
        cost=0.5,
        value=party_values({"B": 2.0}),
        flow=party_values({"B": 1.0}),
        reversibility=0.6,
    )
    freeze = Item(
        "freeze",
        "B",
        flow=party_values({"A": 1.0}),
        flow_cost=0.2,
        reversibility=0.5,
        leverage=party_values({"B": -0.3}),
        covert_gain=0.4,
        detection=0.05,
        detection_lag=lag,
    )
    inspections = Item("inspections", "B", cost=0.1, binary=True, verifies=(("freeze", 0.2),))
    stakes = (Stake("A", 0.9), Stake("B", 0.9, outside=outside_b))
    return Deal(stakes, (relief, freeze, inspections), (("A",), ("B",)))


def test_the_stake_of_a_deal_equals_a_hand_computation() -> None:
    """relief 2 (flow 1 to B, once 2, ρ 0.6), freeze 1 (flow cost 0.2, ρ 0.5, leverage −0.3
    on B), O_B = 1, δ = 0.9: H = (2 − 0.2)/0.1 = 18; P = O_B − 0.3 + kept flows
    (2·0.4·1 − 0.5·0.2)/0.1 − clawed back 0.6·2·2 = 0.7 + 7 − 2.4 = 5.3; F = 0.1 (18 − 5.3)."""
    deal = stake_deal()
    schedule = Schedule.from_stages(
        deal.item_names, [{"relief": 1, "freeze": 1}, {"relief": 1, "inspections": 1}]
    )
    found = check(deal, schedule).verification
    assert len(found) == 1
    freeze = found[0]
    assert (freeze.item, freeze.giver, freeze.lag) == ("freeze", "B", 1)
    assert freeze.stake == pytest.approx(1.27, abs=1e-12)
    assert freeze.gain == pytest.approx(0.4)
    assert freeze.detection == pytest.approx(1 - 0.95 * 0.8)  # base 0.05, inspections 0.2
    # q* = g(1 − δ) / (δ[δ F − g(1 − δ)]) = 0.04 / (0.9 (1.143 − 0.04))
    assert freeze.min_detection == pytest.approx(0.04 / (0.9 * 1.103), abs=1e-12)
    assert freeze.deterred
    X = aligned(deal, schedule)[None]
    assert Valuation(deal, 2).stakes(X)[0, 1] == pytest.approx(1.27, abs=1e-12)


def test_a_stake_below_zero_deters_nothing_and_nothing_delivered_needs_nothing() -> None:
    """O_B = 20: P = 20 − 0.3 + 7 − 2.4 = 24.3 > H = 18, F = −0.63: no q deters."""
    deal = stake_deal(outside_b=20.0)
    delivered = Schedule.from_stages(deal.item_names, [{"relief": 2, "freeze": 1}])
    freeze = check(deal, delivered).verification[0]
    assert freeze.stake == pytest.approx(-0.63, abs=1e-12)
    assert freeze.min_detection is None and not freeze.deterred
    assert check(deal, delivered).undeterred == ("freeze",)
    withheld = Schedule.from_stages(deal.item_names, [{"relief": 2}])
    freeze = check(deal, withheld).verification[0]
    assert freeze.gain == 0.0 and freeze.min_detection == 0.0 and freeze.deterred


def test_a_deal_without_covert_gains_reports_no_verification() -> None:
    deal = random_deal(np.random.default_rng(5), 6)
    schedule = design(deal, 2, "surplus").schedule
    assert schedule is not None
    assert check(deal, schedule).verification == ()
    assert Designer(deal, 60.0).program(2).branches() == [Branch()]


def test_a_cheating_prone_item_of_an_undiscounted_giver_is_refused() -> None:
    deal = Deal(
        (Stake("A"), Stake("B")),
        (Item("freeze", "B", covert_gain=0.1),),
        (("B",),),
    )
    with pytest.raises(DetenteError, match="discount 1"):
        check(deal, Schedule.from_stages(("freeze",), [{"freeze": 1}]))


# --- the designer chooses verification items ----------------------------------------------


def inspected_deal(cost: float, base: float) -> Deal:
    """B freezes (a flow of 1 to A, a covert gain of 0.5 per stage) against A's relief (cost
    0.5, a flow of 1 to B, stopped by a breakdown); B may accept inspections (detection 0.5) at
    a cost. δ = 0.9: q* = 0.05 / (0.9 · 1) = 0.0556."""
    return Deal(
        (Stake("A", 0.9), Stake("B", 0.9)),
        (
            Item(
                "freeze",
                "B",
                flow=party_values({"A": 1.0}),
                reversibility=1.0,
                total=(0.0, 1.0),
                covert_gain=0.5,
                detection=base,
            ),
            Item("relief", "A", cost=0.5, flow=party_values({"B": 1.0}), reversibility=1.0),
            Item("inspections", "B", cost=cost, binary=True, verifies=(("freeze", 0.5),)),
        ),
        (("A",), ("B",)),
        links=(),
    )


def capped(deal: Deal) -> Deal:
    return replace(
        deal,
        items=tuple(
            replace(it, total=(0.0, 1.0)) if it.name == "relief" else it for it in deal.items
        ),
    )


@pytest.mark.parametrize(
    ("cost", "base", "inspected", "surplus"),
    [
        (5.0, 0.0, True, 9.5 + 10 - 5),  # needed (no detection without it), and worth it
        (25.0, 0.0, False, 0.0),  # needed, but it costs B more than the deal gives it
        (5.0, 0.1, False, 9.5 + 10),  # not needed: detection 0.1 >= 0.0556 already
    ],
    ids=["needed-and-worth-it", "needed-but-too-costly", "not-needed"],
)
def test_the_designer_chooses_a_verification_item_exactly_when_deterrence_needs_it(
    cost: float, base: float, inspected: bool, surplus: float
) -> None:
    deal = capped(inspected_deal(cost, base))
    result = design(deal, 1, "surplus")
    assert result.feasible and result.schedule is not None and result.enforcement is not None
    totals = result.schedule.totals()
    assert (totals["inspections"] == 1.0) is inspected
    assert totals["freeze"] == (1.0 if surplus else 0.0)
    assert result.value == pytest.approx(surplus, abs=1e-6)
    assert result.enforcement.self_enforcing
    freeze = result.enforcement.verification[0]
    assert freeze.deterred
    assert freeze.detection == pytest.approx(1 - (1 - base) * (0.5 if inspected else 1.0))


def test_a_cheater_better_off_without_the_deal_can_still_deliver_other_items() -> None:
    """B's outside option makes its stake negative: delivering the freeze is never deterred, but
    A's talks (worth 2 to B, paid for by A's completion value; B's completion value keeps it in)
    are still a deal. The designer
    leaves the freeze out rather than asking B's stake to be >= 0 with nothing to deter."""
    deal = Deal(
        (Stake("A", 0.9, completion=1.0), Stake("B", 0.9, outside=1.0, completion=20.0)),
        (
            Item("talks", "A", cost=0.1, value=party_values({"B": 2.0}), total=(0.0, 1.0)),
            Item("freeze", "B", total=(0.0, 1.0), covert_gain=0.3, detection=0.5),
        ),
        (("A",), ("B",)),
    )
    branches = Designer(deal, 60.0).program(2).branches()
    assert [(b.withheld, b.rows) for b in branches] == [((), (0,)), ((1,), ())]
    result = design(deal, 2, "surplus")
    assert result.schedule is not None
    assert result.schedule.totals() == {"talks": 1.0, "freeze": 0.0}
    assert result.enforcement is not None and result.enforcement.self_enforcing
    assert result.enforcement.verification[0].stake == pytest.approx(-0.1)


def test_an_undeterrable_deal_says_why() -> None:
    result = design(capped(inspected_deal(cost=5.0, base=0.0)), 1, "total")
    assert result.feasible  # the total objective delivers the inspections to deter
    deal = capped(inspected_deal(cost=50.0, base=0.0))
    deal = replace(
        deal,
        items=tuple(
            replace(it, total=(1.0, 1.0)) if it.name == "freeze" else it for it in deal.items
        ),
    )
    found = design(deal, 1, "surplus")
    assert not found.feasible
    assert "deters" in found.reason or "no-deal value" in found.reason


def test_too_many_verification_choices_are_refused() -> None:
    deal = random_verified_deal(np.random.default_rng(1), 14, cheating=3, verifiers=MAX_CHOICES + 1)
    with pytest.raises(DetenteError, match="fix some verification items"):
        design(deal, 2, "surplus")


@settings(max_examples=30, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(4, 8),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(0, 2),
    st.sampled_from(["total", "surplus"]),
)
def test_designed_schedules_deter_cheating_and_beat_every_fixed_choice(
    seed: int, items: int, k: int, cheating: int, verifiers: int, objective: str
) -> None:
    """On random deals with covert gains: the design passes the check (every move and every
    cheating-prone item), and no fixed choice of verification items does better. (Without
    hazards, so that a design's value is its program's objective even where a move is empty.)"""
    rng = np.random.default_rng(seed)
    deal = random_verified_deal(rng, items, min(cheating, items - verifiers), verifiers)
    deal = replace(deal, trust=TrustTable({}))
    result = design(deal, k, objective)  # type: ignore[arg-type]
    if not result.feasible:
        return
    assert result.schedule is not None and result.value is not None
    checked = check(deal, result.schedule)
    assert checked.self_enforcing, (checked.violated, checked.undeterred)
    assert all(d.deterred for d in checked.verification)
    inspections = [it.name for it in deal.items if it.verifies]
    for mask in range(2 ** len(inspections)):
        fixed = {name: float(mask >> b & 1) for b, name in enumerate(inspections)}
        items_fixed = tuple(
            replace(it, total=(fixed[it.name], fixed[it.name])) if it.name in fixed else it
            for it in deal.items
        )
        other = design(replace(deal, items=items_fixed), k, objective)  # type: ignore[arg-type]
        if other.feasible and other.value is not None:
            assert other.value <= result.value + 1e-6 * (1 + abs(result.value))


def test_a_verification_item_naming_an_unknown_item_is_one_located_line(
    detente_cli: CLI, tmp_path: object
) -> None:
    text = VERIFICATION.read_text(encoding="utf-8").replace(
        "  - {name: relief, giver: A,",
        "  - {name: inspections, giver: B, binary: true, verifies: {itme: 0.5}}\n"
        "  - {name: relief, giver: A,",
    )
    path = tmp_path / "v.yaml"  # type: ignore[operator]
    path.write_text(text, encoding="utf-8")
    done = detente_cli("analyze", path, "--json")
    assert_one_line_error(done, f"{path}:", "items[1].verifies.itme", "unknown item 'itme'")
    assert done.stdout == ""


def test_phase_and_analyze_say_whether_covert_cheating_pays(detente_cli: CLI) -> None:
    designed = detente_cli("phase", VERIFICATION)
    assert designed.returncode == 0, designed.stderr
    assert (
        "Covert cheating on item (by Side B) does not pay: it is detected with probability 0.1 per "
        "stage, at least 0.0555556 is needed." in " ".join(designed.stdout.split())
    )
    analysed = detente_cli("analyze", VERIFICATION, "--set", "delta=0.8", "--set", "L=4")
    assert analysed.returncode == 0, analysed.stderr
    text = " ".join(analysed.stdout.split())
    assert "Verification (on the scenario's schedule)" in text
    assert (
        "Covert cheating on item (by Side B) pays whatever the detection: its gain of 0.5 per stage "
        "outweighs its stake of 1 when punished 4 stages after detection." in text
    )


def _verification_file(tmp_path: Path, old: str, new: str) -> Path:
    return edited_copy(VERIFICATION, tmp_path, old, new)


def test_deliveries_a_deadline_cuts_off_are_no_stake_in_the_completed_deal(
    detente_cli: CLI, tmp_path: Path
) -> None:
    """A second unit of relief due after the deal lapses raises nothing: the stake is the
    flow delivered before the deadline (F = 1, as without it), and q = 0.04 < q* = 0.0556."""
    path = _verification_file(
        tmp_path,
        "  - {name: relief, giver: A, max: 1, flow: {B: =F}, reversibility: 1}\n"
        "phasing:\n  order: [[B], [A]]\n  stages: 1\n  schedule:\n    - {item: 1, relief: 1}\n",
        "  - {name: relief, giver: A, max: 2, flow: {B: =F}, reversibility: 1}\n"
        "phasing:\n  order: [[B], [A]]\n  stages: 3\n  schedule:\n    - {item: 1, relief: 1}\n"
        "    - {}\n    - {relief: 1}\n"
        "  calendar:\n    start: 2019-01-01\n    stage_length: {months: 6}\n"
        "    events:\n      - {date: 2019-08-01, name: sunset, deadline: true}\n",
    )
    done = detente_cli("phase", path, "--given", "--json", "--set", "q=0.04")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    verdict = document["verification"]["item"]
    assert verdict["stake"] == pytest.approx(1.0)
    assert verdict["min_detection"] == pytest.approx(0.05 / 0.9)
    assert verdict["deterred"] is False and document["self_enforcing"] is False


def test_verifying_an_item_without_a_covert_gain_is_one_located_line(
    detente_cli: CLI, tmp_path: Path
) -> None:
    path = _verification_file(
        tmp_path,
        "  - {name: relief, giver: A,",
        "  - {name: inspections, giver: B, binary: true, verifies: {relief: 0.5}}\n"
        "  - {name: relief, giver: A,",
    )
    done = detente_cli("analyze", path, "--json")
    assert_one_line_error(done, f"{path}:", "items[1].verifies.relief", "declares no covert_gain")
    assert done.stdout == ""


def test_a_vanishing_stake_deters_nothing_instead_of_dividing_by_zero() -> None:
    """A stake of one subnormal unit: δ × bracket underflows to 0 (hypothesis found it)."""
    assert min_detection(0.5, 5e-324, 1.0, 0) is None
    assert min_detection(0.5, 1e-300, 1e-310, 0) == pytest.approx(1e-310 * 0.5 / (0.5 * 1e-300))
