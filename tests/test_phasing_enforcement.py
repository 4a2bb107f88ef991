"""The self-enforcement check against THEORY §3's closed forms, computed independently here."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.phasing import Deal, Item, Link, Schedule, Stake, check, party_values
from detente.phasing.enforcement import Valuation
from detente.phasing.schedule import aligned
from detente.trust import Hazard, TrustTable
from tests.phasing_reference import reference_slack, small_deals


def action_for_action(delta: float, h_a: float, h_b: float) -> Deal:
    """THEORY §3.1 with c_A = 1, v_A = 0.8, G_A = 6, c_B = 1, v_B = 1.5, G_B = 2."""
    return Deal(
        (Stake("A", delta, completion=6.0), Stake("B", delta, completion=2.0)),
        (
            Item("a", "A", cost=1.0, value=party_values({"B": 1.5})),
            Item("b", "B", cost=1.0, value=party_values({"A": 0.8})),
        ),
        (("A",), ("B",)),
        links=(Link("a", "b"),),
        trust=TrustTable({("A", "B"): Hazard(h_b), ("B", "A"): Hazard(h_a)}),
    )


def constraint_slacks(deal: Deal, schedule: Schedule) -> np.ndarray:
    """The designer's incentive constraints: every move checked, empty or not, with its hazard."""
    X = aligned(deal, schedule)[None]
    return Valuation(deal, schedule.stages).slacks(X)[0]


def theory_3_1_values(
    s: list[float], delta: float, h_a: float, h_b: float
) -> tuple[list[float], list[float]]:
    """W_A(j), W_B(j) by THEORY §3.1's recursions, written out independently of detente."""
    k = len(s)
    w_a = [0.0] * (k + 2)
    w_b = [0.0] * (k + 1)
    w_a[k + 1] = 6.0 / delta
    for j in range(k, 0, -1):
        w_a[j] = -1.0 * s[j - 1] + (1 - h_b) * (0.8 * s[j - 1] + delta * w_a[j + 1])
    w_b[k] = -1.0 * s[k - 1] + 2.0
    for j in range(k - 1, 0, -1):
        w_b[j] = -1.0 * s[j - 1] + delta * (1 - h_a) * (1.5 * s[j] + w_b[j + 1])
    return w_a[1 : k + 1], w_b[1 : k + 1]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.0, 10.0), min_size=1, max_size=6),
    st.floats(0.5, 1.0),
    st.floats(0.0, 0.5),
    st.floats(0.0, 0.5),
)
def test_slacks_are_theory_3_1_w_values(
    steps: list[float], delta: float, h_a: float, h_b: float
) -> None:
    """THEORY §3.1 [D]: IC_A(j) is W_A(j) ≥ 0 and IC_B(j) is W_B(j) ≥ 0 (reneging is worth 0)."""
    deal = action_for_action(delta, h_a, h_b)
    schedule = Schedule.from_stages(("a", "b"), [{"a": x, "b": x} for x in steps])
    slacks = constraint_slacks(deal, schedule).reshape(len(steps), 2)
    w_a, w_b = theory_3_1_values(steps, delta, h_a, h_b)
    assert slacks[:, 0] == pytest.approx(w_a, abs=1e-9)
    assert slacks[:, 1] == pytest.approx(w_b, abs=1e-9)


def lockwood_thomas(b: float, c: float, delta: float) -> Deal:
    return Deal(
        (Stake("A", delta), Stake("B", delta)),
        (
            Item("xa", "A", flow=party_values({"B": b}), flow_cost=c, total=(0, 1)),
            Item("xb", "B", flow=party_values({"A": b}), flow_cost=c, total=(0, 1)),
        ),
        (("A", "B"),),
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 0.16), min_size=1, max_size=6), st.floats(0.5, 0.95))
def test_slacks_are_lockwood_thomas_constraints(increments: list[float], delta: float) -> None:
    """THEORY §3.2: (b − c) Σ_{s≥t} δ^{s−t} x_s − (b x_t − c x_{t−1})/(1 − δ), path frozen after."""
    b, c = 2.0, 1.0
    x = np.cumsum(increments)
    k = len(x)
    schedule = Schedule.from_stages(("xa", "xb"), [{"xa": d, "xb": d} for d in increments])
    slacks = constraint_slacks(lockwood_thomas(b, c, delta), schedule).reshape(k, 2)
    for t in range(k):
        future = sum(delta ** (s - t) * x[s] for s in range(t, k))
        future += delta ** (k - t) * x[-1] / (1 - delta)
        before = x[t - 1] if t else 0.0
        expected = (b - c) * future - (b * x[t] - c * before) / (1 - delta)
        assert slacks[t] == pytest.approx([expected, expected], abs=1e-9)


def power_shift(delta: float = 0.9, kappa: float = 0.1, p0: float = 0.6, pk: float = 0.2) -> Deal:
    w0, wk = (p0 - kappa) / (1 - delta), (pk - kappa) / (1 - delta)
    return Deal(
        (Stake("D", delta, w0, delta * wk), Stake("R", delta, -w0, -delta * wk)),
        (
            Item("d", "D", leverage=party_values({"D": -1 / (1 - delta), "R": 1 / (1 - delta)})),
            Item("x", "R", cost=1.0, value=party_values({"D": 1.0}), per_stage=1.0),
        ),
        (("D",), ("R",)),
    )


def test_power_shift_slacks_are_theory_3_3_constraints() -> None:
    """THEORY §3.3: D's slack is x_t + δ V_{t+1} − W_t; R's is W_t − V_t (with lagged leverage)."""
    delta, kappa = 0.9, 0.1
    steps = np.array([0.05, 0.1, 0.25])
    transfers = np.array([0.8, 1.0, 0.3])
    p = 0.6 - np.concatenate([[0.0], np.cumsum(steps)])
    w = (p - kappa) / (1 - delta)
    value = np.zeros(4)
    value[3] = w[3]
    for t in (2, 1, 0):
        value[t] = transfers[t] + delta * value[t + 1]
    schedule = Schedule.from_stages(
        ("d", "x"), [{"d": s, "x": x} for s, x in zip(steps, transfers, strict=True)]
    )
    slacks = np.array(check(power_shift(pk=p[3]), schedule).slacks).reshape(3, 2)
    assert slacks[:, 0] == pytest.approx(value[:3] - w[:3])
    assert slacks[:, 1] == pytest.approx(w[:3] - value[:3])


def test_reversibility_makes_reneging_cost_the_clawed_back_share() -> None:
    def deal(rho: float) -> Deal:
        return Deal(
            (Stake("A"), Stake("B")),
            (
                Item("a", "A", cost=1.0, value=party_values({"B": 2.0}), reversibility=rho),
                Item("b", "B", cost=1.0, value=party_values({"A": 2.0})),
            ),
            (("A",), ("B",)),
        )

    schedule = Schedule.from_stages(("a", "b"), [{"a": 1.0, "b": 1.0}])
    plain = check(deal(0.0), schedule).slacks
    snap = check(deal(0.75), schedule).slacks
    assert snap[1] - plain[1] == pytest.approx(0.75 * 2.0)
    assert snap[0] == plain[0]


def test_a_stakeholder_has_expected_values_but_no_constraints() -> None:
    deal = Deal(
        (Stake("A", completion=1.0), Stake("B"), Stake("C")),
        (Item("a", "A", cost=0.5, value=party_values({"B": 1.0, "C": 3.0})),),
        (("A",),),
        trust=TrustTable({("B", "A"): Hazard(0.5)}),
    )
    result = check(deal, Schedule.from_stages(("a",), [{"a": 1.0}]))
    assert result.labels == ("stage 1: A",)
    assert dict(result.expected_values)["C"] == pytest.approx(0.5 * 3.0)
    assert result.completion_probability == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ([{"zz": 1.0}], "unknown item 'zz'"),
        ([{"a": -1.0, "b": -1.0}], ">= 0"),
        ([{"a": 1.0, "b": 2.0}], "link a -> b"),
        ([{"a": 30.0, "b": 30.0}], "outside its bounds"),
    ],
)
def test_bad_schedules_are_one_line_errors(stages: list[dict[str, float]], message: str) -> None:
    deal = Deal(
        (Stake("A"), Stake("B")),
        (Item("a", "A", total=(0.0, 20.0)), Item("b", "B")),
        (("A",), ("B",)),
        links=(Link("a", "b"),),
    )
    with pytest.raises(DetenteError, match=message) as raised:
        check(deal, Schedule(tuple(stages[0]), (tuple(stages[0].values()),)))
    assert "\n" not in str(raised.value)


def test_binary_items_cannot_be_split() -> None:
    deal = Deal((Stake("A"), Stake("B")), (Item("a", "A", binary=True),), (("A",),))
    with pytest.raises(DetenteError, match="delivered whole"):
        check(deal, Schedule.from_stages(("a",), [{"a": 0.5}, {"a": 0.5}]))


def test_unequal_steps_are_refused_where_equal_steps_are_required() -> None:
    deal = Deal((Stake("A"), Stake("B")), (Item("a", "A"),), (("A",),), equal_steps=("a",))
    with pytest.raises(DetenteError, match="equal steps"):
        check(deal, Schedule.from_stages(("a",), [{"a": 0.5}, {"a": 1.0}]))


def test_flows_need_a_discount_below_1() -> None:
    deal = Deal(
        (Stake("A"), Stake("B")), (Item("a", "A", flow=party_values({"B": 1.0})),), (("A",),)
    )
    with pytest.raises(DetenteError, match="discount below 1"):
        check(deal, Schedule.from_stages(("a",), [{"a": 1.0}]))


@settings(max_examples=30, deadline=None)
@given(small_deals())
def test_slacks_match_a_forward_path_by_path_evaluation(case: tuple[Deal, np.ndarray]) -> None:
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts)
    groups = len(deal.order)
    expected = [
        reference_slack(deal, amounts, party, n)
        for n in range(amounts.shape[1] * groups)
        for party in deal.order[n % groups]
    ]
    assert constraint_slacks(deal, schedule).tolist() == pytest.approx(expected, abs=1e-7, rel=1e-7)
