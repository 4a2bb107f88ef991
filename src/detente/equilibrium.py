"""Subgame-perfect equilibrium of finite bilateral alternating offers, by backward induction.

The game [Stahl1972] [Rubinstein1982]: rounds ``t = 0 … T-1``; the opener
proposes in even rounds, the other party in odd rounds; the responder accepts
(the game ends with payoffs ``δ_i^t u_i(x)``), rejects (next round) or walks
away. Disagreement — a walk-out, or a rejection in round ``T-1`` — pays each
party its disagreement value ``d_i`` (the reservation value by default,
undiscounted). Outcomes are the scenario's discrete outcomes; each round is
one vectorised pass over them.

Tie-breaking (part of the definition):

* the responder accepts when indifferent between accepting and its
  continuation value (comparisons use a relative tolerance of 1e-9);
* the proposer proposes an agreement when indifferent between agreeing now and
  the continuation; among acceptable outcomes it picks the best for itself,
  then the best for the responder, then the lowest outcome index;
* outcomes of ``-inf`` utility to either party are never agreed.

Under these rules the equilibrium path is unique: the first round in which the
proposer prefers agreeing, with the outcome chosen there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.protocols import Result, discounted_payoffs
from detente.table import TOLERANCE, Table
from detente.utility import FloatArray


@dataclass(frozen=True, slots=True)
class Equilibrium:
    """The SPE path: ``outcome`` agreed in ``round`` (``None`` for disagreement).

    ``utilities`` are the two parties' payoffs (discounted to round 0 terms:
    ``δ_i^round u_i``); ``values[t]`` is the pair of continuation values at the
    start of round ``t`` (``values[T]`` is the disagreement point) and
    ``proposals[t]`` the outcome proposed in round ``t`` if reached (-1 when the
    proposer prefers to delay).
    """

    outcome: int | None
    round: int | None
    utilities: tuple[float, float]
    values: tuple[tuple[float, float], ...]
    proposals: tuple[int, ...]


def _slack(value: float) -> float:
    return value - TOLERANCE * max(1.0, abs(value))


def _round(
    utilities: tuple[FloatArray, FloatArray],
    factors: tuple[float, float],
    proposer: int,
    continuation: tuple[float, float],
) -> tuple[tuple[float, float], int]:
    """One round of backward induction: the proposer's choice and the round's values.

    Works in undiscounted utilities (thresholds are divided by the round's
    discount factors), in a handful of vectorised passes over the outcomes.
    """
    responder = 1 - proposer
    u_p, u_r = utilities[proposer], utilities[responder]
    threshold = _slack(continuation[responder])
    if factors[responder] > 0:
        acceptable = u_r >= threshold / factors[responder]
    else:  # discounted to nothing (δ^t underflows): any outcome is worth 0 to the responder
        acceptable = np.full(u_r.shape, threshold <= 0.0) & np.isfinite(u_r)
    own = np.where(acceptable, u_p, -np.inf)
    top = float(own.max())
    if top == -np.inf or top * factors[proposer] < _slack(continuation[proposer]):
        return continuation, -1
    tied = own >= top - TOLERANCE * max(1.0, abs(top))
    choice = int(np.argmax(np.where(tied, u_r, -np.inf)))
    values = [0.0, 0.0]
    values[proposer] = top * factors[proposer]
    values[responder] = float(u_r[choice]) * factors[responder]
    return (values[0], values[1]), choice


def subgame_perfect(
    u1: FloatArray,
    u2: FloatArray,
    discounts: tuple[float, float],
    deadline: int,
    opener: int = 0,
    disagreement: tuple[float, float] = (0.0, 0.0),
) -> Equilibrium:
    """The SPE of the ``deadline``-round alternating-offers game over outcomes with
    utilities ``u1``, ``u2`` (party 0 and party 1; ``opener`` proposes first).

    Ståhl's three-round game at δ = 0.9 on a pie cut in tenths gives the opener 0.91:

    >>> pie = np.linspace(0.0, 1.0, 101)
    >>> spe = subgame_perfect(pie, 1.0 - pie, (0.9, 0.9), deadline=3)
    >>> round(float(pie[spe.outcome]), 6), spe.round
    (0.91, 0)
    """
    if deadline < 1:
        raise DetenteError(f"the deadline must be at least 1 round, got {deadline}")
    if opener not in (0, 1):
        raise DetenteError(f"the opener must be party 0 or 1, got {opener}")
    utilities = (np.asarray(u1, dtype=np.float64), np.asarray(u2, dtype=np.float64))
    values: list[tuple[float, float]] = [(float(disagreement[0]), float(disagreement[1]))]
    proposals: list[int] = []
    for t in range(deadline - 1, -1, -1):  # built from the deadline back, reversed below
        factors = (discounts[0] ** t, discounts[1] ** t)
        proposer = opener if t % 2 == 0 else 1 - opener
        value, proposal = _round(utilities, factors, proposer, values[-1])
        values.append(value)
        proposals.append(proposal)
    values.reverse()
    proposals.reverse()
    agreed = next((t for t, x in enumerate(proposals) if x >= 0), None)
    outcome = None if agreed is None else proposals[agreed]
    return Equilibrium(outcome, agreed, values[0], tuple(values), tuple(proposals))


def equilibrium(table: Table, deadline: int, opener: int | str | None = None) -> Equilibrium:
    """The SPE of alternating offers between a table's two signatories.

    Discounts are the parties' ``discount``; the disagreement point is their
    reservation values; ``opener`` (index or id) defaults to the first signatory.
    ``Equilibrium.utilities`` are the two signatories' payoffs; every party's
    payoff (stakeholders included) is :func:`payoffs`.
    """
    if len(table.signatories) != 2:
        raise DetenteError(
            "the subgame-perfect equilibrium is computed for exactly two signatories, "
            f"the scenario has {len(table.signatories)}"
        )
    first, second = table.signatories
    ids = table.scenario.party_ids
    chosen = (
        first
        if opener is None
        else (ids.index(opener) if isinstance(opener, str) and opener in ids else opener)
    )
    if chosen not in (first, second):
        raise DetenteError(
            f"the opener must be one of the signatories {ids[first]!r}, {ids[second]!r}"
        )
    views = table.views
    return subgame_perfect(
        views[first].utilities,
        views[second].utilities,
        (table.discounts[first], table.discounts[second]),
        deadline,
        opener=0 if chosen == first else 1,
        disagreement=(views[first].reservation, views[second].reservation),
    )


def payoffs(table: Table, spe: Equilibrium) -> tuple[float, ...]:
    """Every party's payoff on the equilibrium path (``δ_i^t u_i(x)``, or the reservation)."""
    if spe.outcome is None or spe.round is None:
        return discounted_payoffs(table, Result("timeout", 0))
    return discounted_payoffs(table, Result("agreement", spe.round, spe.outcome))
