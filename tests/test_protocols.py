"""Protocols: who acts when, what ends a session, what each party is paid."""

from __future__ import annotations

import pytest

from detente.errors import DetenteError
from detente.protocols import (
    MEDIATOR,
    PROTOCOLS,
    AlternatingOffers,
    IllegalActionError,
    Move,
    Offer,
    Phase,
    Result,
    SingleText,
    StackedAlternatingOffers,
    State,
    load_protocol,
    step,
)
from detente.table import Table
from tests.strategies import pie_scenario, stakeholder_scenario

PIE = Table.of(pie_scenario(10))
THREE = Table.of(stakeholder_scenario())


def _play(state: State, *actions: Offer | Move) -> State:
    for action in actions:
        state = step(state, action)
    return state


def test_alternating_offers_alternate_after_each_rejection() -> None:
    state = _play(AlternatingOffers(deadline=5).start(PIE), Offer(7), Move.REJECT)
    assert (state.round, state.phase, state.actor) == (1, Phase.PROPOSE, 1)
    state = _play(state, Offer(3), Move.REJECT)
    assert (state.round, state.actor) == (2, 0)
    assert state.first_offers == (7, 3) and state.last_offers == (7, 3)


def test_acceptance_ends_in_agreement_in_that_round() -> None:
    state = _play(
        AlternatingOffers(deadline=5).start(PIE), Offer(7), Move.REJECT, Offer(4), Move.ACCEPT
    )
    assert state.result == Result("agreement", 1, 4)
    assert [e.kind for e in state.events] == ["offer", "reject", "offer", "accept"]


def test_a_rejection_in_the_last_round_is_a_timeout() -> None:
    state = _play(
        AlternatingOffers(deadline=2).start(PIE), Offer(9), Move.REJECT, Offer(1), Move.REJECT
    )
    assert state.result == Result("timeout", 1)


@pytest.mark.parametrize("phase_actions", [(), (Offer(5),)])
def test_walking_away_is_a_breakdown_by_the_walker(phase_actions: tuple[Offer, ...]) -> None:
    state = _play(AlternatingOffers(deadline=3).start(PIE), *phase_actions, Move.WALK)
    assert state.result is not None
    assert state.result.kind == "breakdown" and state.result.by == len(phase_actions)


def test_the_opener_can_be_named_by_id() -> None:
    assert AlternatingOffers(deadline=3, opener="b").start(PIE).actor == 1


@pytest.mark.parametrize(
    ("action", "message"),
    [(Move.ACCEPT, "must propose"), (Offer(11), "outside 0..10"), (Offer(-1), "outside")],
)
def test_illegal_actions_are_refused(action: Offer | Move, message: str) -> None:
    with pytest.raises(IllegalActionError, match=message):
        step(AlternatingOffers(deadline=3).start(PIE), action)


def test_no_action_after_the_end() -> None:
    state = _play(AlternatingOffers(deadline=3).start(PIE), Move.WALK)
    with pytest.raises(IllegalActionError, match="ended"):
        step(state, Offer(1))


def test_a_deadline_of_zero_is_refused() -> None:
    for protocol in (AlternatingOffers, StackedAlternatingOffers, SingleText):
        with pytest.raises(DetenteError, match="at least 1 round"):
            protocol(deadline=0)


def test_bilateral_and_multilateral_protocols_check_the_number_of_signatories() -> None:
    with pytest.raises(DetenteError, match=r"exactly 2 signatories.*stacked"):
        AlternatingOffers().start(THREE)
    with pytest.raises(DetenteError, match="at least 3 signatories"):
        StackedAlternatingOffers().start(PIE)


def test_stacked_offers_need_every_other_signatory_and_never_ask_stakeholders() -> None:
    state = StackedAlternatingOffers(deadline=4).start(THREE)
    state = _play(state, Offer(12), Move.ACCEPT)
    assert state.result is None and state.actor == 2  # c is asked; s (index 3) never is
    state = step(state, Move.ACCEPT)
    assert state.result == Result("agreement", 0, 12)
    assert {e.actor for e in state.events} == {0, 1, 2}


def test_stacked_offers_rejecter_proposes_next() -> None:
    state = _play(
        StackedAlternatingOffers(deadline=4).start(THREE), Offer(12), Move.ACCEPT, Move.REJECT
    )
    assert (state.round, state.phase, state.actor) == (1, Phase.PROPOSE, 2)
    state = step(state, Offer(3))
    assert state.actor == 0  # turn order wraps past the stakeholder


def test_single_text_mediator_proposes_and_improves_the_text() -> None:
    state = SingleText(deadline=3).start(THREE)
    assert state.actor == MEDIATOR
    state = _play(state, Offer(5), Move.ACCEPT, Move.REJECT, Move.REJECT)
    assert (state.text, state.support, state.round, state.actor) == (5, 1, 1, MEDIATOR)
    state = _play(state, Offer(6), Move.REJECT, Move.REJECT, Move.REJECT)
    assert (state.text, state.support) == (5, 1)  # fewer votes: the working text stays
    state = _play(state, Offer(7), Move.ACCEPT, Move.ACCEPT, Move.ACCEPT)
    assert state.result == Result("agreement", 2, 7)


def test_payoffs_discount_agreements_and_pay_reservations_otherwise() -> None:
    scenario = pie_scenario(10, reservations=(0.25, 0.5))
    discounted = scenario.__class__(
        scenario.name,
        scenario.space,
        tuple(
            p.__class__(p.id, p.utility, reservation=p.reservation, discount=0.5)
            for p in scenario.parties
        ),
    )
    table = Table.of(discounted)
    protocol = AlternatingOffers(deadline=3)
    assert protocol.payoffs(table, Result("agreement", 2, 8)) == pytest.approx((0.2, 0.05))
    assert protocol.payoffs(table, Result("timeout", 2)) == (0.25, 0.5)
    undiscounted = AlternatingOffers(deadline=3, discounting=False)
    assert undiscounted.payoffs(table, Result("agreement", 2, 8)) == pytest.approx((0.8, 0.2))


def test_protocols_register_by_name_with_metadata() -> None:
    assert set(PROTOCOLS.names()) == {
        "alternating-offers",
        "stacked-alternating-offers",
        "single-text",
    }
    assert PROTOCOLS.entry("alternating-offers").bilateral_only
    assert PROTOCOLS.entry("single-text").stochastic
    assert load_protocol(
        "stacked-alternating-offers(deadline=7, opener='b')"
    ) == StackedAlternatingOffers(deadline=7, opener="b")
    assert load_protocol("single-text").with_deadline(9).deadline == 9


@pytest.mark.parametrize("name", PROTOCOLS.names())
def test_a_protocols_spec_defaults_are_its_class_defaults(name: str) -> None:
    entry = PROTOCOLS.entry(name)
    assert load_protocol(name) == entry.factory()
    for parameter in entry.parameters:
        assert getattr(entry.factory(), parameter.name) == parameter.default
