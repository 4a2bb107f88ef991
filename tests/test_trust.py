"""Trust models: Beta reputation, two types, hazards (THEORY §3.4, §5)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.trust import (
    BetaReputation,
    Hazard,
    Record,
    TrustTable,
    TwoTypes,
    compliance_path,
    cooperation_threshold,
)


def test_beta_reputation_reproduces_theory_section_5() -> None:
    """THEORY §5 [Josang2002]: Beta(2, 2) + 3 honoured + 1 reneged + 0.5 x 1 third-party reneging."""
    reputation = BetaReputation(2, 2, (Record(3, 1), Record(0, 1, relevance=0.5)))
    assert reputation.posterior == (5.0, 3.5)
    assert reputation.honour_probability() == pytest.approx(0.588235, abs=1e-6)


def test_two_types_posterior_reproduces_theory_section_3_4() -> None:
    """THEORY §3.4 [Kydd2000]: P(opportunist) 0.3 -> 0.3 / (0.3 + 0.07) after one reneging."""
    belief = TwoTypes(0.3, renege_opportunist=1.0, renege_trustworthy=0.1).after(False)
    assert belief.opportunist == pytest.approx(0.810811, abs=1e-6)
    assert belief.opportunist == pytest.approx(0.3 / 0.37)


def test_cooperation_threshold_reproduces_theory_section_3_4() -> None:
    """THEORY §3.4: R = 2, T_g = 1, S = -2, P = 0 gives pi* = 2/3."""
    assert cooperation_threshold(reward=2, sucker=-2, punishment=0, temptation=1) == pytest.approx(
        2 / 3
    )


def test_forgetting_factor_decays_the_evidence_not_the_prior() -> None:
    reputation = BetaReputation(1, 1, (Record(4, 2),), forgetting=0.5).after(True)
    assert reputation.posterior == (1 + 0.5 * 4 + 1, 1 + 0.5 * 2)


def test_without_forgetting_updating_counts_observations() -> None:
    reputation = BetaReputation(2, 2).after(True).after(True).after(False)
    assert reputation.posterior == (4.0, 3.0)


def test_honouring_raises_and_reneging_lowers_two_type_trust() -> None:
    belief = TwoTypes(0.5, 0.8, 0.1)
    assert belief.after(True).honour_probability() > belief.honour_probability()
    assert belief.after(False).honour_probability() < belief.honour_probability()


def test_hazard_does_not_learn() -> None:
    assert compliance_path(Hazard(0.25), 3) == (0.75, 0.75, 0.75)


def test_compliance_path_of_beta_is_the_predictive_along_honoured_steps() -> None:
    assert compliance_path(BetaReputation(1, 1), 3) == pytest.approx((1 / 2, 2 / 3, 3 / 4))


def test_trust_table_trusts_fully_where_nothing_is_said() -> None:
    table = TrustTable({("A", "B"): Hazard(0.2)})
    assert table.matrix(("A", "B")) == {"A": {"B": 0.8}, "B": {"A": 1.0}}


@pytest.mark.parametrize(
    "build",
    [
        lambda: Hazard(1.5),
        lambda: TwoTypes(-0.1),
        lambda: TwoTypes(0.5, renege_trustworthy=2.0),
        lambda: Record(1, 1, relevance=1.2),
        lambda: BetaReputation(0, 1),
        lambda: BetaReputation(1, 1, forgetting=1.5),
        lambda: Record(-1, 0),
    ],
)
def test_probabilities_outside_the_unit_interval_are_refused(build: object) -> None:
    with pytest.raises(DetenteError):
        build()  # type: ignore[operator]


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
    st.lists(st.booleans(), max_size=6),
)
def test_two_type_beliefs_stay_probabilities(
    prior: float, opp: float, good: float, history: list[bool]
) -> None:
    belief = TwoTypes(prior, opp, good)
    for honoured in history:
        belief = belief.after(honoured)
        assert 0.0 <= belief.opportunist <= 1.0
        assert 0.0 <= belief.honour_probability() <= 1.0 + 1e-12


@settings(max_examples=60, deadline=None)
@given(st.floats(0.1, 10), st.floats(0.1, 10), st.floats(0.0, 1.0), st.integers(0, 5))
def test_more_third_party_renegings_never_raise_trust(
    alpha: float, beta: float, weight: float, renegings: int
) -> None:
    base = BetaReputation(alpha, beta, (Record(0, renegings, weight),))
    worse = BetaReputation(alpha, beta, (Record(0, renegings + 1, weight),))
    assert worse.honour_probability() <= base.honour_probability()
