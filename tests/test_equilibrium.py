"""Subgame-perfect equilibrium by backward induction: THEORY.md §1 [Stahl1972] [Rubinstein1982]."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.equilibrium import subgame_perfect
from detente.errors import DetenteError

STAHL_09 = (1.0, 0.1, 0.91, 0.181, 0.8371, 0.24661, 0.778051, 0.2997541)
STAHL_09_08 = (1.0, 0.2, 0.92, 0.344, 0.8624, 0.44768, 0.820928, 0.5223296)

# T = 8 needs a pie of 10^7 slices for the exact value to lie on the grid: a few seconds.
ROUNDS = [*range(1, 8), pytest.param(8, marks=pytest.mark.slow)]


def _pie(slices: int) -> np.ndarray:
    return np.arange(slices + 1, dtype=np.float64) / slices


def _opener_share(deltas: tuple[float, float], rounds: int, slices: int) -> float:
    pie = _pie(slices)
    spe = subgame_perfect(pie, 1.0 - pie, deltas, rounds)
    assert spe.round == 0 and spe.outcome is not None
    return float(pie[spe.outcome])


@pytest.mark.parametrize("rounds", ROUNDS)
def test_stahl_finite_horizon_shares_at_equal_discounts_0_9(rounds: int) -> None:
    """THEORY §1: x1(T) = (1 - (-δ)^T) / (1 + δ), δ = 0.9, T = 1…8 [Stahl1972]."""
    slices = 10 ** max(rounds - 1, 1)
    share = _opener_share((0.9, 0.9), rounds, slices)
    assert share == pytest.approx(STAHL_09[rounds - 1], abs=1e-12)
    assert share == pytest.approx((1 - (-0.9) ** rounds) / 1.9, abs=1e-12)


@pytest.mark.parametrize("rounds", ROUNDS)
def test_stahl_finite_horizon_shares_at_discounts_0_9_and_0_8(rounds: int) -> None:
    """THEORY §1: s_T = 1, s_t = 1 - δ_resp(t) s_{t+1} with (δ1, δ2) = (0.9, 0.8)."""
    slices = 10 ** max(rounds - 1, 1)
    assert _opener_share((0.9, 0.8), rounds, slices) == pytest.approx(
        STAHL_09_08[rounds - 1], abs=1e-12
    )


@pytest.mark.parametrize(("deltas", "limit"), [((0.9, 0.9), 0.526316), ((0.9, 0.8), 0.714286)])
def test_rubinstein_limit_as_the_deadline_grows(deltas: tuple[float, float], limit: float) -> None:
    """THEORY §1: x1* = (1 - δ2) / (1 - δ1 δ2) within 1e-3 for a long deadline [Rubinstein1982]."""
    assert _opener_share(deltas, 200, 20_000) == pytest.approx(limit, abs=1e-3)


def test_a_deadline_long_enough_for_the_discount_to_underflow_keeps_the_rubinstein_share() -> None:
    """δ^t is exactly 0 beyond t ≈ 1,075 at δ = 0.5: later rounds are worth nothing, not an error."""
    assert 0.5**1100 == 0.0
    assert _opener_share((0.5, 0.5), 1500, 300) == pytest.approx(2 / 3, abs=1 / 300)


def test_second_mover_opening_mirrors_the_shares() -> None:
    pie = _pie(100)
    spe = subgame_perfect(pie, 1.0 - pie, (0.9, 0.9), 2, opener=1)
    assert spe.outcome is not None and float(pie[spe.outcome]) == pytest.approx(0.9)


def test_equilibrium_payoffs_are_discounted_to_the_agreement_round() -> None:
    # Player 2 needs at least 8 to agree now; the proposer would rather wait when it gains by it.
    u1 = np.array([10.0, 2.0])
    u2 = np.array([0.0, 8.0])
    spe = subgame_perfect(u1, u2, (0.5, 0.5), 2, disagreement=(0.0, 0.0))
    # Round 1: player 2 proposes outcome 1 (8 for it, 2 for player 1): values (1.0, 4.0).
    # Round 0: player 2 accepts outcome 0 (0 ≥ 4? no) only outcome 1 (8 ≥ 4): player 1 gets 2 > 1.
    assert (spe.outcome, spe.round, spe.utilities) == (1, 0, (2.0, 8.0))
    assert spe.values[1] == (1.0, 4.0)


def test_unacceptable_outcomes_are_never_agreed() -> None:
    u1 = np.array([5.0, 1.0])
    u2 = np.array([-np.inf, 1.0])
    spe = subgame_perfect(u1, u2, (1.0, 1.0), 1)
    assert spe.outcome == 1


def test_no_agreement_when_nothing_beats_disagreement() -> None:
    spe = subgame_perfect(np.array([1.0]), np.array([1.0]), (1.0, 1.0), 3, disagreement=(2.0, 0.0))
    assert spe.outcome is None and spe.round is None and spe.utilities == (2.0, 0.0)


def test_deadline_of_zero_is_refused() -> None:
    with pytest.raises(DetenteError, match="at least 1 round"):
        subgame_perfect(np.zeros(2), np.zeros(2), (0.9, 0.9), 0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 20), min_size=1, max_size=12),
    st.lists(st.integers(0, 20), min_size=12, max_size=12),
    st.floats(0.5, 1.0),
    st.floats(0.5, 1.0),
    st.integers(1, 6),
)
def test_equilibrium_agreement_is_individually_rational_and_immediate(
    a: list[int], b: list[int], d1: float, d2: float, rounds: int
) -> None:
    u1 = np.array(a, dtype=float)
    u2 = np.array(b[: len(a)], dtype=float)
    spe = subgame_perfect(u1, u2, (d1, d2), rounds)
    # With zero disagreement values and non-negative utilities, agreement comes in round 0.
    assert spe.round == 0 and spe.outcome is not None
    # The opener can always demand its best outcome in a one-round game.
    if rounds == 1:
        assert u1[spe.outcome] == u1.max()
    assert min(spe.utilities) >= 0.0
