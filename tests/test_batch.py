"""The batch engine reproduces the reference engine session by session."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.batch import BatchSession, Tally, unsupported
from detente.batch.forms import at_least, batch_form, py_max
from detente.batch.lockstep import ALL
from detente.batch.streams import Streams, next_doubles, pcg64_states, seed_words
from detente.errors import DetenteError
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.protocols import AlternatingOffers, SingleText, StackedAlternatingOffers
from detente.scenario import Scenario
from detente.session import Session, session_seeds, summarize
from detente.strategies import ACCEPTANCE, STRATEGIES
from detente.table import PartyView, Table
from detente.utility import LinearAdditive
from tests.strategies import batch_negotiations, batch_strategies

REACTIVE = tuple(e.name for e in STRATEGIES if e.vectorisable and e.bilateral_only)
"""Vectorisable strategies that react to their one opponent's offers (tit-for-tat)."""


def pie(slices: int = 10) -> Scenario:
    space = OutcomeSpace((Issue.integer("x", 0, slices),))
    a = Party("a", LinearAdditive((1.0,), (tuple(range(slices + 1)),)))
    b = Party("b", LinearAdditive((1.0,), (tuple(range(slices, -1, -1)),)))
    return Scenario("pie", space, (a, b))


def three() -> Scenario:
    space = OutcomeSpace((Issue.integer("p", 0, 4), Issue.integer("q", 0, 4)))
    ramp, down = (0, 1, 2, 3, 4), (4, 3, 2, 1, 0)
    return Scenario(
        "three",
        space,
        (
            Party("a", LinearAdditive((1.0, 0.2), (ramp, ramp)), reservation=0.5),
            Party("b", LinearAdditive((0.3, 1.0), (down, ramp)), reservation=0.5),
            Party("c", LinearAdditive((0.6, 0.6), (down, down)), reservation=0.5),
        ),
    )


def assert_identical(session: Session, n: int, seed: int, chunk: int | None = None) -> None:
    results = BatchSession.of(session).run(n, seed=seed, chunk=chunk)
    assert len(results) == n
    for k, child in enumerate(session_seeds(seed, n)):
        trace = session.run(child)
        assert results.result(k) == trace.result, (k, session.specs)
        assert results.payoffs(k) == trace.utilities, (k, session.specs)


@settings(max_examples=60, deadline=None)
@given(negotiation=batch_negotiations(), seed=st.integers(0, 2**32), chunk=st.integers(1, 9))
def test_batch_sessions_equal_reference_sessions(
    negotiation: tuple[Scenario, AlternatingOffers, list[str]], seed: int, chunk: int
) -> None:
    scenario, protocol, specs = negotiation
    assert_identical(Session.prepare(scenario, protocol, specs), 12, seed, chunk)


@settings(max_examples=25, deadline=None)
@given(
    negotiation=batch_negotiations(max_parties=2, names=("random", *REACTIVE), min_deadline=6),
    seed=st.integers(0, 2**32),
)
def test_history_dependent_strategies_against_random_offers_match_reference(
    negotiation: tuple[Scenario, AlternatingOffers, list[str]], seed: int
) -> None:
    scenario, protocol, specs = negotiation
    assert_identical(Session.prepare(scenario, protocol, specs), 30, seed)


@pytest.mark.parametrize("name", batch_strategies(2))
def test_every_vectorisable_strategy_matches_the_reference_with_its_defaults(name: str) -> None:
    session = Session.prepare(pie(12), AlternatingOffers(deadline=14), [name, "random"])
    assert_identical(session, 40, seed=9)
    if name in batch_strategies(3):
        session = Session.prepare(
            three(), StackedAlternatingOffers(deadline=9), ["random", name, name]
        )
        assert_identical(session, 20, seed=9)


@pytest.mark.parametrize("name", STRATEGIES.names())
def test_a_strategy_runs_on_the_batch_engine_exactly_when_registered_as_vectorisable(
    name: str,
) -> None:
    session = Session.prepare(pie(), AlternatingOffers(deadline=5), [name, name])
    assert (unsupported(session) is None) == STRATEGIES.entry(name).vectorisable


@pytest.mark.parametrize("name", ACCEPTANCE.names())
def test_an_acceptance_policy_has_a_batch_form_exactly_when_registered_as_vectorisable(
    name: str,
) -> None:
    table = Table.of(pie())
    prepared = ACCEPTANCE.load(name).prepare(table, 0, 5)
    assert (batch_form(prepared, table.views[0]) is not None) == ACCEPTANCE.entry(name).vectorisable


def test_tit_for_tat_reads_each_sessions_own_history() -> None:
    session = Session.prepare(
        pie(20), AlternatingOffers(deadline=30), ["random(p_accept=0.05)", "tit-for-tat"]
    )
    assert_identical(session, 60, seed=5)


def test_stacked_offers_with_three_random_parties_match_reference() -> None:
    session = Session.prepare(
        three(), StackedAlternatingOffers(deadline=15), ["random", "random(p_accept=0.3)", "linear"]
    )
    assert_identical(session, 40, seed=3)


def test_boulware_against_conceder_on_a_pie_agrees_like_the_reference() -> None:
    session = Session.prepare(pie(), AlternatingOffers(deadline=10), ["boulware", "conceder"])
    results = BatchSession.of(session).run(5, seed=1)
    trace = session.run(session_seeds(1, 5)[4])
    assert results.result(4) == trace.result
    assert trace.result.kind == "agreement"


def test_streamed_chunks_cover_every_session_once() -> None:
    session = Session.prepare(pie(), AlternatingOffers(deadline=6), ["random", "random"])
    chunks = list(BatchSession.of(session).stream(10, seed=2, chunk=4))
    assert [len(c) for c in chunks] == [4, 4, 2]
    assert [c.first for c in chunks] == [0, 4, 8]
    whole = BatchSession.of(session).run(10, seed=2)
    joined = np.concatenate([c.outcome for c in chunks])
    assert (joined == whole.outcome).all()


@pytest.mark.parametrize("chunk", [1, 3, 64])
def test_tally_gives_the_reference_summary_exactly(chunk: int) -> None:
    session = Session.prepare(
        three(),
        StackedAlternatingOffers(deadline=8),
        ["random", "conceder", "random(p_accept=0.8)"],
    )
    tally = Tally(session.table.scenario.party_ids)
    for part in BatchSession.of(session).stream(30, seed=4, chunk=chunk):
        tally.add(part)
    reference = summarize(session.run_many(30, 4))
    assert len(reference.agreements) > 1
    assert tally.summary(session.table.scenario.space) == reference


def test_single_text_is_not_vectorisable() -> None:
    session = Session.prepare(pie(), SingleText(deadline=5), ["linear"])
    assert "single-text" in (unsupported(session) or "")
    with pytest.raises(DetenteError, match="reference engine"):
        BatchSession.of(session)


def test_vectorisable_strategies_report_no_obstacle() -> None:
    session = Session.prepare(pie(), AlternatingOffers(deadline=5), ["tit-for-tat", "nash"])
    assert unsupported(session) is None


def test_negative_session_count_is_rejected() -> None:
    session = Session.prepare(pie(), AlternatingOffers(deadline=5), ["linear"])
    with pytest.raises(DetenteError, match="at least 0"):
        list(BatchSession.of(session).stream(-1))


def test_vectorised_search_matches_the_scalar_search() -> None:
    view = PartyView.of(0, "a", np.array([2.0, -np.inf, 1.0, 2.0, 5.0]), reservation=1.5)
    targets = np.array([-1.0, 1.0, 2.0, 2.0 + 1e-12, 4.0, 9.0, np.nan])
    assert at_least(view, targets).tolist() == [view.at_least(t) for t in targets]


def test_py_max_follows_python_max_with_nan_and_signed_zero() -> None:
    a = np.array([np.nan, -0.0, 1.0, -3.0])
    expected = np.array([max(float(x), 0.0) for x in a])
    got = py_max(a, 0.0)
    assert np.array_equal(got, expected, equal_nan=True)
    assert (np.signbit(got) == np.signbit(expected)).all()


@settings(max_examples=60, deadline=None)
@given(
    entropy=st.integers(0, 2**130),
    key=st.lists(st.integers(0, 2**40), max_size=2),
    first=st.integers(0, 2**32 - 8),
    party=st.integers(0, 5),
    draws=st.integers(1, 5),
)
def test_vectorised_streams_equal_numpy_generators(
    entropy: int, key: list[int], first: int, party: int, draws: int
) -> None:
    state = pcg64_states(seed_words(entropy, tuple(key), first, 4, party))
    got = np.stack([next_doubles(state) for _ in range(draws)], axis=1)
    for j in range(4):
        seed = np.random.SeedSequence(entropy, spawn_key=(*key, first + j, party))
        assert got[j].tolist() == np.random.default_rng(seed).random(draws).tolist()


def test_streams_advance_only_the_rows_asked() -> None:
    streams = Streams.of(11, (), 0, 3, (0,))
    streams.uniform(0, np.array([1]))
    second = streams.uniform(0, ALL)
    expected = [
        np.random.default_rng(np.random.SeedSequence(11, spawn_key=(k, 0))).random(2)
        for k in range(3)
    ]
    assert second.tolist() == [expected[0][0], expected[1][1], expected[2][0]]
