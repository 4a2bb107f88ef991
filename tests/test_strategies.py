"""Strategies: a contract every registered strategy meets, and each strategy's own behaviour."""

from __future__ import annotations

import pickle
from itertools import product
from typing import Annotated

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError, UnknownNameError
from detente.parties import Party
from detente.protocols import (
    AlternatingOffers,
    Move,
    NegotiationProtocol,
    Offer,
    SingleText,
    StackedAlternatingOffers,
)
from detente.registry import POSITIVE, Parameter, Registry, parse_spec
from detente.scenario import Scenario
from detente.session import Session
from detente.strategies import STRATEGIES, Composite, Negotiator, StrategySpec, load_strategy
from detente.strategies.acceptance import Accept, AcceptAbove, AnyOf, load_acceptance
from detente.strategies.base import spec_string
from detente.strategies.concession import Aspiration
from detente.table import Table
from detente.trace import Trace
from detente.utility import TableUtility
from tests.strategies import outcome_spaces, pie_scenario, stakeholder_scenario, trade_scenario

NAMES = STRATEGIES.names()
VARIANTS = (
    "boulware(exponent=2, accept='threshold(level=0.6)|deadline')",
    "conceder(accept='deadline')",
    "random(p_accept=0.9)",
    "hardline(package={'relief': 'some'})",
    "linear(accept='threshold(level=0.3, below_reservation=True)')",
    "boulware(model='oracle')",
    "conceder(model='oracle', window=0.5)",
)
"""Parameter settings of registered strategies that the contract also covers."""
SEEDS = (0, 1)

# A toy strategy, declared once, here (in its own registry, so that the package's
# registry and its generated docs stay as they are): the contract runs over it too.
TOYS: Registry[StrategySpec] = Registry("strategy")


def stubborn(
    exponent: Annotated[float, POSITIVE, "aspiration curve exponent"] = 8.0,
    accept: Accept = "deadline",
) -> StrategySpec:
    """Concede very late; accept only in the last round."""
    spec = spec_string("stubborn", exponent=exponent, accept=accept)
    return Composite(spec, Aspiration(exponent), load_acceptance(accept))


TOYS.declare("stubborn", stubborn, "concede very late, accept at the deadline", vectorisable=True)

Case = tuple[Registry[StrategySpec], str]


def contract_cases(registry: Registry[StrategySpec], variants: tuple[str, ...] = ()) -> list[Case]:
    """Every strategy registered in ``registry`` (and ``variants``), for the contract tests."""
    return [(registry, spec) for spec in (*registry.names(), *variants)]


CASES = contract_cases(STRATEGIES, VARIANTS) + contract_cases(TOYS)
IDS = [spec for _, spec in CASES]


def _settings(
    registry: Registry[StrategySpec], spec: str
) -> list[tuple[Scenario, NegotiationProtocol, int]]:
    """Scenarios and protocols a strategy spec can play (bilateral-only ones skip three parties)."""
    trade = trade_scenario()
    cases: list[tuple[Scenario, NegotiationProtocol, int]] = [
        (trade, AlternatingOffers(deadline=12), 2),
        (trade, SingleText(deadline=15), 2),
    ]
    if "package" not in spec:
        cases.append((pie_scenario(), AlternatingOffers(deadline=9, opener="b"), 2))
    entry = registry.entry(parse_spec(spec).name)
    if not entry.bilateral_only and "package" not in spec:
        three = stakeholder_scenario()
        cases += [
            (three, StackedAlternatingOffers(deadline=10), 3),
            (three, SingleText(deadline=12), 3),
        ]
    return cases


def _sessions(registry: Registry[StrategySpec], spec: str) -> list[tuple[Session, int]]:
    """Sessions of ``spec`` against every registered strategy, in every seat."""
    subject = registry.load(spec)
    out = []
    for scenario, protocol, n in _settings(registry, spec):
        opponents = [o for o in NAMES if n == 2 or not STRATEGIES.entry(o).bilateral_only]
        for opponent in opponents:
            for seat in range(n):
                specs: list[str | StrategySpec] = [opponent] * n
                specs[seat] = subject
                out.append((Session.prepare(scenario, protocol, specs), seat))
    return out


def _accepted_offers(trace: Trace) -> list[tuple[int, int]]:
    """(party index, outcome) for every acceptance in a trace."""
    offer, accepted = -1, []
    for event in trace.events:
        if event.kind == "offer":
            offer = event.outcome if event.outcome is not None else -1
        elif event.kind == "accept":
            accepted.append((event.actor, offer))
    return accepted


@pytest.mark.parametrize(("registry", "spec"), CASES, ids=IDS)
def test_contract_every_session_ends_legally_by_the_deadline(
    registry: Registry[StrategySpec], spec: str
) -> None:
    for session, _ in _sessions(registry, spec):
        for seed in SEEDS:
            trace = session.run(seed)
            assert trace.result.round < session.protocol.deadline
            assert trace.result.kind in {"agreement", "breakdown", "timeout"}
            for event in trace.events:
                if event.kind == "offer":
                    assert event.outcome is not None and 0 <= event.outcome < session.table.size


@pytest.mark.parametrize(("registry", "spec"), CASES, ids=IDS)
def test_contract_offers_are_rational_and_never_unacceptable_for_the_proposer(
    registry: Registry[StrategySpec], spec: str
) -> None:
    for session, seat in _sessions(registry, spec):
        party = session.table.signatories[seat]
        view = session.table.views[party]
        for seed in SEEDS:
            for event in session.run(seed).events:
                if event.kind == "offer" and event.actor == party:
                    assert event.outcome is not None
                    assert view.acceptable(float(view.utilities[event.outcome]))


@pytest.mark.parametrize(("registry", "spec"), CASES, ids=IDS)
def test_contract_never_accepts_below_reservation_unless_its_policy_says_so(
    registry: Registry[StrategySpec], spec: str
) -> None:
    for session, seat in _sessions(registry, spec):
        party = session.table.signatories[seat]
        view = session.table.views[party]
        negotiator = session.strategies[party]
        assert isinstance(negotiator, Negotiator)
        may = negotiator.acceptance.below_reservation
        for seed in SEEDS:
            for actor, outcome in _accepted_offers(session.run(seed)):
                if actor == party:
                    utility = float(view.utilities[outcome])
                    assert utility > -np.inf
                    assert may or utility >= view.reservation


@pytest.mark.parametrize(("registry", "spec"), CASES, ids=IDS)
def test_contract_responses_to_every_outcome_are_legal(
    registry: Registry[StrategySpec], spec: str
) -> None:
    table = Table.of(trade_scenario())
    session = Session.prepare(table, AlternatingOffers(deadline=6), [registry.load(spec), "linear"])
    strategy = session.strategies[0]
    assert strategy is not None
    bound = strategy.bind(np.random.default_rng(0))
    state = session.initial
    assert isinstance(bound.propose(state), Offer | Move)
    view = table.views[0]
    for outcome in range(table.size):
        action = bound.respond(state, outcome)
        assert action in (Move.ACCEPT, Move.REJECT, Move.WALK)
        if action is Move.ACCEPT:
            assert view.utilities[outcome] > -np.inf


@pytest.mark.parametrize(("registry", "spec"), CASES, ids=IDS)
def test_contract_reproducible_under_a_seed(registry: Registry[StrategySpec], spec: str) -> None:
    for session, _ in _sessions(registry, spec)[:6]:
        assert session.run(11) == session.run(11)
        assert list(session.run_many(3, seed=5)) == list(session.run_many(3, seed=5))


@pytest.mark.parametrize(("registry", "spec"), CASES, ids=IDS)
def test_contract_pickles_as_spec_prepared_and_bound(
    registry: Registry[StrategySpec], spec: str
) -> None:
    loaded = registry.load(spec)
    assert pickle.loads(pickle.dumps(loaded)) == loaded
    assert parse_spec(loaded.spec).name == parse_spec(spec).name
    assert registry.load(loaded.spec) == loaded
    table = Table.of(trade_scenario())
    prepared = loaded.prepare(table, 0, 10)
    assert isinstance(prepared, Negotiator)
    clone = pickle.loads(pickle.dumps(prepared.bind(np.random.default_rng(3))))
    original = prepared.bind(np.random.default_rng(3))
    session = Session.prepare(table, AlternatingOffers(deadline=10), [loaded, "linear"])
    state = session.initial
    assert [clone.propose(state) for _ in range(3)] == [original.propose(state) for _ in range(3)]


def test_a_strategy_declared_in_a_test_module_is_picked_up_by_the_contract() -> None:
    assert (TOYS, "stubborn") in CASES
    assert all((STRATEGIES, name) in CASES for name in NAMES)


def test_a_declared_strategys_parameters_come_from_its_signature() -> None:
    entry = TOYS.entry("stubborn")
    assert entry.factory is stubborn and entry.vectorisable and not entry.stochastic
    assert entry.parameters == (
        Parameter("exponent", float, 8.0, "aspiration curve exponent", POSITIVE),
        Parameter(
            "accept", str, "deadline", "acceptance policies joined by | (next, threshold, …)"
        ),
    )
    assert TOYS.load("stubborn(6)") == stubborn(6.0)
    with pytest.raises(DetenteError, match=r"parameter 'exponent' must be > 0\.0, got 0\.0"):
        TOYS.load("stubborn(exponent=0)")


def test_every_required_strategy_is_registered_with_metadata() -> None:
    assert {"boulware", "linear", "conceder", "tit-for-tat", "hardline", "nash", "random"} <= set(
        NAMES
    )
    assert STRATEGIES.entry("tit-for-tat").bilateral_only
    assert STRATEGIES.entry("random").stochastic
    assert not STRATEGIES.entry("boulware").stochastic
    exponents = {
        n: STRATEGIES.entry(n).parameters[0].default for n in ("boulware", "linear", "conceder")
    }
    assert exponents == {"boulware": 4.0, "linear": 1.0, "conceder": 0.25}


def _pie_session(specs: list[str], deadline: int = 11) -> Session:
    return Session.prepare(pie_scenario(10), AlternatingOffers(deadline=deadline), specs)


def _own_offers(trace: Trace, party: int) -> list[int | None]:
    return [e.outcome for e in trace.events if e.kind == "offer" and e.actor == party]


def test_time_based_strategies_follow_their_aspiration_curves() -> None:
    # Pie of 10 slices, 11 rounds: round t has time t/10. Party a offers in even rounds.
    trace = _pie_session(["linear", "hardline"]).run(0)
    assert _own_offers(trace, 0) == [10, 8, 6, 4, 2]
    assert trace.result.round == 9 and trace.agreement == (0,)  # AC_next at the final time
    trace = _pie_session(["boulware", "hardline"]).run(0)
    # 10 (1 - t^4) at t = 0, .2, .4, .6, .8 → 10, 9.984, 9.744, 8.704, 5.904.
    assert _own_offers(trace, 0) == [10, 10, 10, 9, 6]
    trace = _pie_session(["conceder", "hardline"]).run(0)
    assert _own_offers(trace, 0)[:3] == [10, 4, 3]


def test_boulware_concedes_later_than_conceder() -> None:
    boulware = _own_offers(_pie_session(["boulware", "hardline"]).run(0), 0)
    conceder = _own_offers(_pie_session(["conceder", "hardline"]).run(0), 0)
    assert all(
        b >= c for b, c in zip(boulware, conceder, strict=True) if b is not None and c is not None
    )
    assert sum(map(float, boulware)) > sum(map(float, conceder))  # type: ignore[arg-type]


def test_hardline_accepts_only_its_demand_or_better() -> None:
    table = Table.of(pie_scenario(10))
    session = Session.prepare(table, AlternatingOffers(deadline=5), ["linear", "hardline"])
    hardline = session.strategies[1]
    assert hardline is not None
    bound = hardline.bind(np.random.default_rng(0))
    responses = [bound.respond(session.initial, x) for x in range(11)]
    assert responses == [Move.ACCEPT] + [Move.REJECT] * 10
    assert bound.propose(session.initial) == Offer(0)


def test_hardline_with_a_partial_package_demands_its_best_matching_outcome() -> None:
    table = Table.of(trade_scenario())
    negotiator = load_strategy("hardline(package={'relief': 'some'})").prepare(table, 0, 5)
    demand = negotiator.bind(np.random.default_rng(0)).propose(
        Session.prepare(table, AlternatingOffers(deadline=5), ["linear", "linear"]).initial
    )
    assert isinstance(demand, Offer)
    assert table.scenario.space.to_outcome(demand.outcome) == (9, "some")


def test_hardline_against_tit_for_tat_times_out() -> None:
    """The all-or-nothing negotiator meets a reciprocator: nobody moves, no deal."""
    trace = _pie_session(["hardline", "tit-for-tat"]).run(0)
    assert trace.result.kind == "timeout"


def test_tit_for_tat_concedes_as_much_as_its_opponent() -> None:
    trace = _pie_session(["linear", "tit-for-tat"]).run(0)
    a_offers = _own_offers(trace, 0)
    b_offers = _own_offers(trace, 1)
    # a concedes 2 slices per own offer; b answers each with the same concession (b's utility).
    for k in range(1, len(b_offers)):
        conceded_by_a = 10 - a_offers[k]  # type: ignore[operator]
        assert b_offers[k] == conceded_by_a


def test_nash_seeker_proposes_the_nash_point_and_accepts_it() -> None:
    session = Session.prepare(trade_scenario(), AlternatingOffers(deadline=6), ["nash", "nash"])
    trace = session.run(0)
    assert trace.result.kind == "agreement" and trace.result.round == 0
    u = session.table.matrix[trace.result.outcome] - session.table.scenario.reservations
    rational = np.all(session.table.matrix >= session.table.scenario.reservations, axis=1)
    products = np.prod(session.table.matrix - session.table.scenario.reservations, axis=1)
    assert np.prod(u) == pytest.approx(products[rational].max())


def test_random_strategy_draws_only_from_its_generator() -> None:
    session = _pie_session(["random", "random"])
    traces = {session.run(seed).events for seed in range(6)}
    assert len(traces) > 1
    assert session.run(3) == session.run(3)


def test_a_party_without_rational_outcomes_walks_away() -> None:
    session = Session.prepare(
        pie_scenario(10, reservations=(2.0, 0.0)),
        AlternatingOffers(deadline=5),
        ["boulware", "linear"],
    )
    trace = session.run(0)
    assert trace.result.kind == "breakdown" and trace.result.by == 0
    assert trace.utilities == (2.0, 0.0)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("threshold(level=0.5)", [False] * 5 + [True] * 6), ("deadline", [True] * 11)],
)
def test_acceptance_policies_compose_with_offering(accept: str, expected: list[bool]) -> None:
    session = _pie_session([f"boulware(accept={accept!r})", "linear"], deadline=1)
    strategy = session.strategies[0]
    assert strategy is not None
    bound = strategy.bind(np.random.default_rng(0))
    assert [bound.respond(session.initial, x) is Move.ACCEPT for x in range(11)] == expected


def test_any_of_acceptance_accepts_when_one_policy_does() -> None:
    spec = load_strategy("linear(accept='threshold(level=0.9)|deadline')")
    assert isinstance(spec.acceptance, AnyOf)  # type: ignore[attr-defined]
    assert isinstance(spec.acceptance.policies[0], AcceptAbove)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("boulware(exponent='x')", "must be of type float"),
        ("boulware(speed=2)", "has no parameter 'speed'"),
        ("bogus", "registered: boulware"),
        ("linear(accept='sometimes')", "unknown acceptance policy 'sometimes'"),
        ("boulware(exponent=__import__('os'))", "arguments must be literals"),
    ],
)
def test_bad_specs_are_one_line_errors(spec: str, message: str) -> None:
    with pytest.raises(DetenteError, match=message.replace("(", r"\(")):
        load_strategy(spec)


def test_unknown_strategy_lists_the_registered_ones() -> None:
    with pytest.raises(UnknownNameError) as info:
        load_strategy("ultimatum")
    assert all(name in str(info.value) for name in NAMES)


def test_strategy_specs_load_by_every_combination_of_name_and_acceptance() -> None:
    for name, accept in product(
        ("boulware", "linear", "conceder", "nash", "tit-for-tat"), ("next", "deadline")
    ):
        assert load_strategy(f"{name}(accept={accept!r})").spec.startswith(name)


@st.composite
def _random_tables(draw: st.DrawFn) -> Table:
    """Small random bilateral scenarios with ties, unacceptable outcomes and reservations."""
    space = draw(outcome_spaces(max_issues=3, max_values=4))
    parties = []
    for name in ("a", "b"):
        values = draw(
            st.lists(
                st.integers(-1, 5).map(lambda k: -np.inf if k < 0 else float(k)),
                min_size=space.size,
                max_size=space.size,
            )
        )
        utility = TableUtility(tuple(range(space.size)), tuple(values))
        parties.append(Party(name, utility, reservation=draw(st.sampled_from([0.0, 1.0, 2.5]))))
    return Table.of(Scenario("random", space, tuple(parties)))


@settings(max_examples=60, deadline=None)
@given(_random_tables(), st.sampled_from(NAMES), st.sampled_from(NAMES), st.integers(1, 8))
def test_contract_holds_on_random_scenarios(
    table: Table, first: str, second: str, deadline: int
) -> None:
    session = Session.prepare(table, AlternatingOffers(deadline=deadline), [first, second])
    trace = session.run(0)
    assert trace.result.round < deadline
    for party, outcome in _accepted_offers(trace):
        view = table.views[party]
        assert view.acceptable(float(view.utilities[outcome]))
    for event in trace.events:
        if event.kind == "offer":
            view = table.views[event.actor]
            assert event.outcome is not None and view.acceptable(
                float(view.utilities[event.outcome])
            )
    if trace.agreed:
        assert all(u >= v.reservation for u, v in zip(trace.utilities, table.views, strict=True))


def test_an_oracle_model_offers_what_the_others_prefer_at_the_same_aspiration() -> None:
    table = Table.of(trade_scenario())
    plain = load_strategy("linear").prepare(table, 0, 5)
    informed = load_strategy("linear(model='oracle', window=0.3)").prepare(table, 0, 5)
    view, other = table.views[0], table.views[1]
    for before, after in zip(plain.offering.offers, informed.offering.offers, strict=True):  # type: ignore[attr-defined]
        assert view.utilities[after] >= view.utilities[before] - 1e-12
        assert view.utilities[after] <= view.utilities[before] + 0.3 * view.scale + 1e-12
        assert other.utilities[after] >= other.utilities[before]
    assert plain.offering.offers != informed.offering.offers  # type: ignore[attr-defined]


def test_unknown_opponent_model_lists_the_models() -> None:
    with pytest.raises(UnknownNameError, match="registered: none, oracle"):
        load_strategy("boulware(model='psychic')")
