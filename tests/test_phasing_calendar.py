"""The calendar: stage dates and lengths, uneven discounting, dated events, deadlines, delay."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.phasing import Deal, Item, Link, Schedule, Stake, check, design, implement
from detente.phasing.calendar import Calendar, Deadline, Duration, Strike, dated, interval
from detente.phasing.designer import Designer
from detente.phasing.enforcement import Valuation
from detente.phasing.items import party_values
from detente.phasing.path import equilibrium_path
from detente.phasing.schedule import aligned
from detente.phasing.truth import TrueType
from detente.scenariofile.loader import load_scenario
from detente.trust import Hazard, TrustTable
from tests.conftest import SCENARIOS
from tests.phasing_reference import small_deals
from tests.strategies import action_for_action_deals

START = date(2019, 1, 1)
HALF_YEARS = (Duration(6, "months"),)
UNITS = st.sampled_from(["days", "weeks", "months", "years"])


def dated_deal(
    deal: Deal,
    *events: Strike | Deadline,
    lengths: tuple[Duration, ...] = HALF_YEARS,
    period: Duration | None = None,
    delay: dict[str, float] | None = None,
) -> Deal:
    calendar = Calendar(START, lengths, period, events, party_values(delay))
    return replace(deal, calendar=calendar)


# --- stage dates ------------------------------------------------------------------------------


def test_stage_dates_add_calendar_months_and_repeat_the_last_length() -> None:
    months = Calendar(date(2019, 8, 31), (Duration(6, "months"),))
    assert [s.end for s in months.stages(2)] == [date(2020, 2, 29), date(2020, 8, 31)]
    assert months.periods(2).tolist() == [1.0, 1.0]  # six calendar months each, whatever their days
    # listed dates: whole months when they share the day of the month, else days; the last
    # interval repeats; a length in days counts in mean months (365.2425 / 12 days)
    listed = dated(date(2019, 8, 31), (date(2020, 2, 29), date(2020, 3, 29), date(2020, 4, 8)))
    assert [str(d) for d in listed] == ["182 days", "1 month", "10 days"]
    calendar = Calendar(date(2019, 8, 31), listed, Duration(1, "months"))
    assert [s.end for s in calendar.stages(5)][2:] == [
        date(2020, 4, 8),
        date(2020, 4, 18),
        date(2020, 4, 28),
    ]
    month = 365.2425 / 12
    assert calendar.periods(4).tolist() == pytest.approx([182 / month, 1.0, 10 / month, 10 / month])


def test_a_period_in_years_makes_quarters_a_quarter_of_a_period() -> None:
    calendar = Calendar(START, (Duration(3, "months"),), Duration(1, "years"))
    assert calendar.periods(4).tolist() == [0.25] * 4
    assert [str(s.start) for s in calendar.stages(3)] == ["2019-01-01", "2019-04-01", "2019-07-01"]


@settings(max_examples=60)
@given(st.lists(st.integers(1, 400), min_size=1, max_size=6), st.integers(1, 9))
def test_listed_stage_dates_are_reproduced_and_later_stages_repeat_the_last_interval(
    gaps: list[int], extra: int
) -> None:
    days = [START + timedelta(days=sum(gaps[: k + 1])) for k in range(len(gaps))]
    calendar = Calendar(START, dated(START, tuple(days)), Duration(1, "days"))
    bounds = calendar.boundaries(len(gaps) + extra)
    assert list(bounds[1 : len(gaps) + 1]) == days
    last = interval(days[-2] if len(days) > 1 else START, days[-1])
    later = [last.after(days[-1], j) for j in range(1, extra + 1)]
    assert list(bounds[len(gaps) + 1 :]) == later
    # a day belongs to the stage whose dates contain it; a boundary starts the later stage
    for k, start in enumerate(bounds[:-1]):
        assert calendar.stage_of(start, len(bounds) - 1) == k
        assert calendar.stage_of(start - timedelta(days=1), len(bounds) - 1) == max(k - 1, 0)
    assert calendar.stage_of(bounds[-1], len(bounds) - 1) == len(bounds) - 1


def test_uneven_stages_need_a_period_and_dates_must_increase() -> None:
    with pytest.raises(DetenteError, match="uneven"):
        Calendar(START, dated(START, (date(2019, 4, 1), date(2019, 10, 1))))
    with pytest.raises(DetenteError, match="must increase"):
        dated(START, (date(2019, 4, 1), date(2019, 4, 1)))
    assert Calendar(START, (Duration(1, "years"), Duration(12, "months"))).unit == Duration(
        1, "years"
    )


# --- the valuation over uneven stages ---------------------------------------------------------


def exchange(delta: float = 0.9, trust: TrustTable | None = None) -> Deal:
    """A gives x (cost 1, a flow of 0.3 to B per period), B answers with y (cost 0.5, 0.4 to A)."""
    return Deal(
        (Stake("A", delta, completion=1.0), Stake("B", delta, completion=0.5)),
        (
            Item("x", "A", cost=1.0, flow=party_values({"B": 0.3})),
            Item("y", "B", cost=0.5, flow=party_values({"A": 0.4})),
        ),
        (("A",), ("B",)),
        trust=trust or TrustTable({}),
    )


def test_a_long_stage_discounts_and_accumulates_its_flows_by_hand() -> None:
    """Stage 1 lasts 3 periods, stage 2 one; A gives 1 in stage 1, B answers 1 in stage 2.
    A's value: −1 then (1 − δ³)/(1 − δ) periods of nothing, then at δ³: B's flow 0.4 from
    stage 2 on forever (0.4/(1 − δ)) and the completion value 1."""
    d = 0.9
    deal = dated_deal(
        exchange(d),
        lengths=(Duration(3, "months"), Duration(1, "months")),
        period=Duration(1, "months"),
    )
    schedule = Schedule.from_stages(("x", "y"), [{"x": 1.0}, {"y": 1.0}])
    values = dict(check(deal, schedule).expected_values)
    assert values["A"] == pytest.approx(-1.0 + d**3 * (0.4 / (1 - d) + 1.0), abs=1e-12)
    # B receives 0.3 per period for the 3 periods of stage 1, then pays 0.5 and gets 0.3 forever
    b = 0.3 * (1 - d**3) / (1 - d) + d**3 * (-0.5 + 0.3 / (1 - d) + 0.5)
    assert values["B"] == pytest.approx(b, abs=1e-12)


def test_a_stage_at_delta_one_accumulates_its_delay_cost_per_period() -> None:
    """δ = 1 (no flows): a stage of d periods costs d times the delay cost per period."""
    deal = Deal(
        (Stake("A", completion=4.0), Stake("B")),
        (Item("x", "A", cost=1.0, value=party_values({"B": 1.0})),),
        (("A",),),
    )
    lengths = (Duration(5, "weeks"), Duration(1, "weeks"))
    delayed = dated_deal(deal, lengths=lengths, period=Duration(1, "weeks"), delay={"A": 0.25})
    schedule = Schedule.from_stages(("x",), [{"x": 1.0}, {"x": 1.0}])
    assert dict(check(delayed, schedule).expected_values)["A"] == pytest.approx(-2 + 4 - 5 * 0.25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_deals(), UNITS, st.integers(1, 30))
def test_one_period_stages_give_exactly_the_results_of_no_calendar(
    case: tuple[Deal, np.ndarray], unit: str, count: int
) -> None:
    deal, amounts = case
    length = Duration(count, unit)  # type: ignore[arg-type]
    timed = dated_deal(deal, lengths=(length,), period=length)
    schedule = Schedule.from_array(deal.item_names, amounts)
    assert check(timed, schedule) == check(deal, schedule)
    assert equilibrium_path(timed, schedule) == equilibrium_path(deal, schedule)
    X = aligned(deal, schedule)[None]
    plain, dated_ = Valuation(deal, schedule.stages), Valuation(timed, schedule.stages)
    assert np.array_equal(dated_.slacks(X), plain.slacks(X))
    assert np.array_equal(dated_.expected_values(X), plain.expected_values(X))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(action_for_action_deals(), st.integers(1, 4))
def test_one_period_stages_give_exactly_the_designs_of_no_calendar(deal: Deal, stages: int) -> None:
    timed = dated_deal(deal, lengths=(Duration(1, "years"),))
    assert design(timed, stages) == design(deal, stages)


def hazards_only(deal: Deal, seed: int) -> Deal:
    """The deal with a constant hazard belief for every ordered pair (beliefs that do not rise)."""
    rng = np.random.default_rng(seed)
    beliefs = {
        (a, b): Hazard(float(rng.uniform(0, 0.4)))
        for a in deal.parties
        for b in deal.parties
        if a != b
    }
    return replace(deal, trust=TrustTable(beliefs))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    small_deals(simultaneous=False),
    st.lists(st.integers(1, 4), min_size=3, max_size=3),
    st.integers(0, 2**31),
    st.floats(0.0, 0.5),
)
def test_a_stage_of_d_periods_is_d_one_period_stages_with_nothing_delivered_in_the_extra_ones(
    case: tuple[Deal, np.ndarray], lengths: list[int], seed: int, delay: float
) -> None:
    """Flows, discounting, leverage, reversibility and the cost of delay agree to 1e-9.

    Only with beliefs that do not rise: a Beta or two-type belief rises stage by stage along
    the compliance path, and the padded schedule has more stages for it to rise in (an empty
    stage counts as honoured), so those beliefs differ by construction.
    """
    deal, amounts = case
    deal = hazards_only(deal, seed)
    K = amounts.shape[1]
    months = [Duration(n, "months") for n in lengths[:K]]
    uneven = dated_deal(
        deal, lengths=tuple(months), period=Duration(1, "months"), delay={deal.parties[0]: delay}
    )
    one = dated_deal(deal, lengths=(Duration(1, "months"),), delay={deal.parties[0]: delay})
    where = np.concatenate([[0], np.cumsum(lengths[:K])[:-1]]).astype(int)  # stage → padded stage
    padded = np.zeros((amounts.shape[0], int(where[-1]) + 1))
    padded[:, where] = amounts
    short = Schedule.from_array(deal.item_names, amounts)
    long = Schedule.from_array(deal.item_names, padded)
    # trailing empty stages are dropped: compare over the stages the short schedule keeps
    kept = short.trimmed().stages
    a, b = check(uneven, short), check(one, long)
    assert dict(a.expected_values) == pytest.approx(dict(b.expected_values), abs=1e-9)
    assert a.completion_probability == pytest.approx(b.completion_probability, abs=1e-12)
    stage_of = {int(where[k]) + 1: k + 1 for k in range(kept)}

    def relabel(label: str) -> str:  # "stage 4: A[ withholds x]" → the short schedule's stage
        stage, rest = label.removeprefix("stage ").split(":", 1)
        return f"stage {stage_of[int(stage)]}:{rest}"

    assert dict(zip(a.labels, a.slacks, strict=True)) == pytest.approx(
        {relabel(label): s for label, s in zip(b.labels, b.slacks, strict=True)}, abs=1e-9
    )
    p, q = equilibrium_path(uneven, short), equilibrium_path(one, long)
    assert dict(p.values) == pytest.approx(dict(q.values), abs=1e-9)
    assert [(m.party, m.honours) for m in p.moves] == [(m.party, m.honours) for m in q.moves]
    assert [m.stage for m in q.moves] == [int(where[m.stage - 1]) + 1 for m in p.moves]


# --- dated events -----------------------------------------------------------------------------


PARTIAL = SCENARIOS / "theory" / "partial-implementation.yaml"


def partial(c_b3: float = 3.0) -> tuple[Deal, Schedule]:
    plan = load_scenario(PARTIAL, {"c_B3": c_b3}).phasing
    assert plan is not None and plan.schedule is not None
    return plan.deal, plan.schedule


@pytest.mark.parametrize(
    ("when", "p", "breaks", "values", "completion"),
    [
        (None, 0.0, None, {"A": 4.878, "B": 0.09}, 1.0),
        # stage 3: B, first, expects A's answer with 1 − p: honouring is worth −3 + 3(1 − p)
        (date(2020, 3, 3), 0.3, (3, "B", -0.9), {"A": 0.18, "B": 0.09}, 0.0),
        # stage 2: −0.1 + 0.2(1 − p) < 0 iff p > 0.5: B stops after stage 1
        (date(2019, 11, 6), 0.6, (2, "B", -0.02), {"A": 0.0, "B": 0.0}, 0.0),
        # p = 0.3: B goes on; A's second answer fails with 0.3, and then everything stops
        (date(2019, 11, 6), 0.3, None, {"A": 0.7 * 4.878, "B": 0.7 * 0.09 - 0.3 * 0.09}, 0.7),
        # after the last stage ends (2020-07-01): nothing changes
        (date(2020, 7, 1), 0.9, None, {"A": 4.878, "B": 0.09}, 1.0),
    ],
    ids=["none", "election-in-stage-3", "election-in-stage-2", "survivable", "after-the-end"],
)
def test_an_election_strikes_the_path_as_computed_by_hand(
    when: date | None,
    p: float,
    breaks: tuple[int, str, float] | None,
    values: dict[str, float],
    completion: float,
) -> None:
    """THEORY §6's schedule with c_B3 = 3 (completed, B indifferent in stage 3), six-month
    stages from 2019-01-01, and an election in A striking A's next move with probability p."""
    deal, schedule = partial()
    events = () if when is None else (Strike(when, "election", "A", p),)
    path = equilibrium_path(dated_deal(deal, *events), schedule)
    found = None if path.breaks is None else (path.breaks.stage, path.breaks.party)
    assert found == (None if breaks is None else breaks[:2])
    if breaks is not None and path.breaks is not None:
        assert path.breaks.slack == pytest.approx(breaks[2], abs=1e-12)
    assert dict(path.values) == pytest.approx(values, abs=1e-12)
    assert path.completion_probability == pytest.approx(completion, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(-400, 1200), st.floats(0.01, 1.0), st.sampled_from(["A", "B"]))
def test_a_strike_changes_the_truth_and_the_beliefs_exactly_at_its_stage(
    offset: int, p: float, party: str
) -> None:
    deal, schedule = partial()
    when = START + timedelta(days=offset)
    struck = dated_deal(deal, Strike(when, "election", party, p))
    plain_truth, plain_views = at_moves(dated_deal(deal), schedule)
    truth, views = at_moves(struck, schedule)
    k = min(max(0, (when.year - 2019) * 2 + (when.month > 6)), 3) if offset >= 0 else 0
    q, other = deal.party_index(party), 1 - deal.party_index(party)
    if k == 3:  # after the last stage: nothing changes
        assert np.array_equal(truth, plain_truth) and np.array_equal(views, plain_views)
        assert equilibrium_path(struck, schedule) == equilibrium_path(dated_deal(deal), schedule)
        return
    # before its stage the arrays are those without it, at its stage they differ, after it
    # they are equal again: the strike falls on one move (its party's next one); the path
    # changes from there (and earlier movers see it coming)
    for found, base in ((truth, plain_truth), (views, plain_views)):
        assert np.array_equal(found[..., :k], base[..., :k])
        assert np.array_equal(found[..., k + 1 :], base[..., k + 1 :])
    keep = 1.0 - p
    assert truth[q, k] == pytest.approx(plain_truth[q, k] * keep)
    assert views[other, q, k] == pytest.approx(plain_views[other, q, k] * keep)
    assert views[q, q, k] == 1.0  # a party knows its own plan
    assert truth[other, k] == plain_truth[other, k]


def at_moves(deal: Deal, schedule: Schedule) -> tuple[np.ndarray, np.ndarray]:
    """The truth and the beliefs at the moves of ``schedule`` (what its path weighs)."""
    valuation = Valuation(deal, schedule.stages)
    active = valuation.active(aligned(deal, schedule)[None])
    return valuation.effective(valuation.truth, active), valuation.effective(
        valuation.views, active
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2), st.floats(0.05, 1.0))
def test_moving_an_event_across_a_stage_boundary_moves_its_effect_by_one_stage(
    k: int, p: float
) -> None:
    deal, schedule = partial()
    boundary = Calendar(START, HALF_YEARS).stages(3)[k].end
    before, _ = at_moves(
        dated_deal(deal, Strike(boundary - timedelta(days=1), "e", "A", p)), schedule
    )
    after, _ = at_moves(dated_deal(deal, Strike(boundary, "e", "A", p)), schedule)
    plain, _ = at_moves(dated_deal(deal), schedule)
    a = deal.party_index("A")
    assert before[a, k] < plain[a, k]
    assert (
        np.array_equal(after, np.roll(before, 1, axis=1)) if k < 2 else np.array_equal(after, plain)
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_deals(), st.integers(0, 3000), st.floats(0.0, 1.0), st.booleans())
def test_an_event_after_the_last_stage_changes_nothing(
    case: tuple[Deal, np.ndarray], days: int, p: float, deadline: bool
) -> None:
    deal, amounts = case
    schedule = Schedule.from_array(deal.item_names, amounts).trimmed()
    end = Calendar(START, HALF_YEARS).stages(schedule.stages)[-1].end
    when = end + timedelta(days=days)
    event = Deadline(when, "end") if deadline else Strike(when, "e", deal.parties[0], p)
    base, late = dated_deal(deal), dated_deal(deal, event)
    assert check(late, schedule) == check(base, schedule)
    assert equilibrium_path(late, schedule) == equilibrium_path(base, schedule)


def test_a_strike_on_an_empty_move_falls_on_the_partys_next_non_empty_move() -> None:
    deal, _ = partial()
    skip = Schedule.from_stages(
        deal.item_names, [{"step_b1": 1, "step_a": 1}, {"step_b2": 1}, {"step_b3": 1, "step_a": 1}]
    )
    struck = dated_deal(deal, Strike(date(2019, 8, 1), "election", "A", 0.4))
    valuation = Valuation(struck, 3)
    active = valuation.active(aligned(struck, skip)[None])
    a, b = deal.party_index("A"), deal.party_index("B")
    assert not active[a, 1] and active[a, 2]
    truth = valuation.effective(valuation.truth, active)
    assert truth[a].tolist() == [1.0, 1.0, 0.6]  # moved from the empty stage-2 move to stage 3
    views = valuation.effective(valuation.views, active)
    assert views[b, a].tolist() == [1.0, 1.0, 0.6] and views[a, a].tolist() == [1.0] * 3
    assert check(struck, skip).completion_probability == pytest.approx(0.6)


def test_a_certain_strike_keeps_the_designer_from_the_partys_later_deliveries() -> None:
    """From stage 2 A reneges on any move (hazard 1): the designer gives it nothing to do
    there, and a given schedule with an A move in stage 2 breaks where B sees it coming."""
    deal, _ = partial()
    deal = replace(deal, items=tuple(replace(it, total=(0.0, 1.0)) for it in deal.items))
    struck = dated_deal(deal, Strike(date(2019, 11, 6), "midterms", "A", 1.0))
    found = design(struck, 3, "surplus")
    assert found.schedule is not None
    amounts = aligned(struck, found.schedule)
    assert not amounts[struck.item_index("step_a"), 1:].any()
    assert check(struck, found.schedule).completion_probability == pytest.approx(1.0)
    # the given schedule has A answer in stage 2: B, moving first there, knows A will renege
    # (−0.1 + 0 < 0) and stops; in stage 1 both are indifferent (−0.1 + 0.1, −0.2 + 0.2)
    original, given_ = partial()
    path = equilibrium_path(dated_deal(original, *struck.calendar.events), given_)  # type: ignore[union-attr]
    assert path.breaks is not None and (path.breaks.stage, path.breaks.party) == (2, "B")
    assert dict(path.values) == pytest.approx({"A": 0.0, "B": 0.0})


# --- deadlines --------------------------------------------------------------------------------


def action_for_action(delta: float = 1.0) -> Deal:
    """THEORY §3.1: c_A = 1, v_A = 0.8, G_A = 6, c_B = 1, v_B = 1.5, G_B = 2 (X*(k) at δ = 1:
    2, 5, 9.5, 16.25, …)."""
    return Deal(
        (Stake("A", delta, completion=6.0), Stake("B", delta, completion=2.0)),
        (
            Item("a", "A", cost=1.0, value=party_values({"B": 1.5}), total=(0.0, 50.0)),
            Item("b", "B", cost=1.0, value=party_values({"A": 0.8})),
        ),
        (("A",), ("B",)),
        links=(Link("a", "b"),),
        measure=("a",),
    )


def test_a_deadline_cuts_the_schedule_and_the_designer_uses_no_stage_after_it() -> None:
    deal = dated_deal(action_for_action(), Deadline(date(2020, 2, 1), "end of term"))
    assert Calendar(START, HALF_YEARS, events=deal.calendar.events).horizon(8) == 2  # type: ignore[union-attr]
    best = design(deal, 8)
    assert best.total == pytest.approx(5.0) and best.schedule is not None
    assert best.schedule.stages <= 2
    designer = Designer(deal, 60.0)
    assert designer.min_stages(5.0, 8).stages == 2
    search = designer.min_stages(9.5, 8)  # needs three stages: the deadline leaves two
    assert search.stages is None and "'end of term'" in search.reason
    assert design(action_for_action(), 8).total == pytest.approx(30.0)  # without it


def test_a_given_schedule_past_the_deadline_lapses_there_as_a_breakdown() -> None:
    """Three stages of 1, the deadline in stage 3: only stages 1 and 2 can be carried out, then
    the deal lapses. A lapse is a breakdown with nothing delivered: no completion value,
    reversible items withdrawn (none here), so A's value is −1 + 0.8 − 1 + 0.8 and B's
    1.5 − 1 + 1.5 − 1. Without the completion value B will not answer in stage 2, so A does
    not move at all; committed types carry the two stages out and meet the deadline."""
    deal = dated_deal(action_for_action(), Deadline(date(2020, 2, 1), "end of term"))
    steps = Schedule.from_stages(("a", "b"), [{"a": 1, "b": 1}] * 3)
    assert dict(check(deal, steps).expected_values) == pytest.approx({"A": -0.4, "B": 1.0})
    assert check(deal, steps).completion_probability == 0.0
    path = equilibrium_path(deal, steps)
    assert path.lapses == 3 and not path.completed
    assert path.breaks is not None and (path.breaks.stage, path.breaks.party) == (1, "A")
    assert path.carried_out == 0 and path.completion_probability == 0.0
    committed = (("A", TrueType(1.0)), ("B", TrueType(1.0)))
    deal = replace(deal, truth=committed)
    path = equilibrium_path(deal, steps)
    assert dict(path.values) == pytest.approx({"A": -0.4, "B": 1.0})
    run = implement(deal, steps, 500, np.random.default_rng(0))
    assert run.lapsed == 500 and run.completion_rate == 0.0
    assert run.break_stage_histogram == (0, 0, 0)
    assert dict(run.expected_values) == pytest.approx({"A": -0.4, "B": 1.0})


# --- the cost of delay ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cost", "stages", "total"),
    [(0.0, 2, 5.0), (5.2, 2, 4.0), (5.8, 1, 2.0)],
)
def test_the_designer_moves_to_fewer_stages_as_the_cost_of_delay_rises(
    cost: float, stages: int, total: float
) -> None:
    """THEORY §3.1 at δ = 1 with two stages and A paying c per stage the deal outlasts: A's
    first step is worth −0.2 s₁ − c − 0.2 s₂ + 6 ≥ 0, B's s₂ ≤ 2, s₁ ≤ 2 + s₂/2. Two stages
    carry min(5, 30 − 5c), one stage 2 (no delay): two stages while 30 − 5c > 2, c < 5.6."""
    deal = dated_deal(action_for_action(), delay={"A": cost})
    best = design(deal, 2)
    assert best.schedule is not None
    assert (best.schedule.stages, best.total) == (stages, pytest.approx(total))
    assert best.enforcement is not None and best.enforcement.self_enforcing


def test_a_cost_of_delay_lowers_the_value_of_every_stage_but_the_last() -> None:
    deal = dated_deal(action_for_action(), delay={"A": 0.5, "B": 0.25})
    steps = Schedule.from_stages(("a", "b"), [{"a": 1, "b": 1}] * 3)
    plain = dict(check(action_for_action(), steps).expected_values)
    delayed = dict(check(deal, steps).expected_values)
    assert delayed["A"] == pytest.approx(plain["A"] - 2 * 0.5)
    assert delayed["B"] == pytest.approx(plain["B"] - 2 * 0.25)


# --- simulation -------------------------------------------------------------------------------


@settings(max_examples=8, deadline=None)
@given(st.floats(0.0, 0.6), st.integers(0, 2**31))
def test_simulated_strikes_converge_to_the_analytic_completion(p: float, seed: int) -> None:
    deal, schedule = partial()
    struck = dated_deal(deal, Strike(date(2019, 11, 6), "election", "A", p))
    path = equilibrium_path(struck, schedule)
    run = implement(struck, schedule, 20_000, np.random.default_rng(seed))
    expected = path.completion_probability
    assert expected == pytest.approx(0.0 if p > 0.5 else 1 - p)
    assert (
        abs(run.completion_rate - expected) < 5 * np.sqrt(expected * (1 - expected) / 20_000) + 1e-9
    )


def test_a_strike_in_a_stage_the_design_need_not_reach_does_not_hold_it_back() -> None:
    """§3.1 at δ = 1 carries 5 in two stages and 9.5 in three; an election striking B's third
    answer with probability 0.9 makes a third stage hardly worth it, but never worse than
    stopping after two: a three-stage design is the best of the programs of 1…3 stages."""
    struck = dated_deal(action_for_action(), Strike(date(2020, 3, 1), "election", "B", 0.9))
    three = design(struck, 3)
    assert three.total is not None and 5.0 - 1e-9 <= three.total < 9.5
    assert three.total == pytest.approx(max(design(struck, k).total or 0.0 for k in (1, 2, 3)))
