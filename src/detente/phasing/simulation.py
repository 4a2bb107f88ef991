"""Simulated implementation: carry a schedule out many times with seeded randomness.

Each session draws every mover's type from the belief taken as the truth about
it (:meth:`~detente.phasing.enforcement.Valuation.true_model`): a two-type
trustee is an opportunist or trustworthy, a Beta trustee gets a compliance
probability ``θ``, a hazard is a hazard. At each move the mover reneges with
its type's probability, and an opportunist (or a party with no type model)
also reneges whenever it pays: where its incentive constraint, under the
beliefs it holds after the steps observed so far, has negative slack. The
first reneging ends the session; everyone then gets its breakdown value.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.phasing.deal import Deal
from detente.phasing.enforcement import Valuation, violates
from detente.phasing.schedule import Schedule, aligned
from detente.trust import BetaReputation, TrustModel, TwoTypes, compliance_path
from detente.utility import FloatArray


@dataclass(frozen=True, slots=True)
class Implementation:
    """What happened over many simulated sessions.

    ``break_stage_histogram[k]`` counts the sessions that broke down in stage
    ``k + 1``; ``completion_probability`` is the analytic probability that no
    exogenous reneging happens (equal to the expected completion rate when
    the schedule is self-enforcing).
    """

    sessions: int
    completion_rate: float
    break_stage_histogram: tuple[int, ...]
    expected_values: tuple[tuple[str, float], ...]
    completion_probability: float
    reneged_by: tuple[tuple[str, int], ...]


def _renege_probabilities(
    model: TrustModel | None, sessions: int, stages: int, rng: np.random.Generator
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """``[session, stage]`` reneging probabilities and whether the session's type is strategic."""
    if model is None:
        return np.zeros((sessions, stages)), np.ones(sessions, dtype=bool)
    if isinstance(model, TwoTypes):
        opportunist = rng.random(sessions) < model.opportunist
        rate = np.where(opportunist, model.renege_opportunist, model.renege_trustworthy)
        return np.repeat(rate[:, None], stages, axis=1), opportunist
    if isinstance(model, BetaReputation) and model.forgetting == 1.0:
        theta = rng.beta(*model.posterior, size=sessions)
        return np.repeat(1.0 - theta[:, None], stages, axis=1), np.ones(sessions, dtype=bool)
    path = 1.0 - np.asarray(compliance_path(model, stages))
    return np.repeat(path[None, :], sessions, axis=0), np.ones(sessions, dtype=bool)


def implement(
    deal: Deal, schedule: Schedule, sessions: int, rng: np.random.Generator
) -> Implementation:
    """Carry ``schedule`` out ``sessions`` times.

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> from detente.trust import Hazard, TrustTable
    >>> deal = Deal((Stake("A"), Stake("B")),
    ...             (Item("x", "A", value=party_values({"B": 1})),), (("A",),),
    ...             trust=TrustTable({("B", "A"): Hazard(0.5)}))
    >>> run = implement(deal, Schedule(("x",), ((1.0,), (1.0,))), 4000, np.random.default_rng(1))
    >>> run.completion_probability, abs(run.completion_rate - 0.25) < 0.02
    (0.25, True)
    """
    if sessions < 1:
        raise DetenteError(f"the number of sessions must be at least 1, got {sessions}")
    X = aligned(deal, schedule)[None]
    valuation = Valuation(deal, schedule.stages)
    draws = {
        p: _renege_probabilities(valuation.true_model(party), sessions, schedule.stages, rng)
        for p, party in enumerate(deal.parties)
    }
    tempted = {
        (n, p)
        for (n, p, _), s in zip(valuation.moves(), valuation.slacks(X)[0], strict=True)
        if violates(s)
    }
    broke_at = np.full(sessions, -1)
    renegers = np.zeros(sessions, dtype=np.int64)
    G = len(valuation.groups)
    for n in range(valuation.n_groups):
        alive = broke_at < 0
        for p in valuation.groups[n % G]:
            rate, strategic = draws[p]
            reneges = rng.random(sessions) < rate[:, n // G]
            if (n, p) in tempted:
                reneges |= strategic
            hit = alive & reneges
            renegers[hit] |= 1 << p
        broke_at[alive & (renegers > 0)] = n
    return _summarise(valuation, X, broke_at, renegers)


def _summarise(
    valuation: Valuation, X: FloatArray, broke_at: np.ndarray, renegers: np.ndarray
) -> Implementation:
    deal, G = valuation.deal, len(valuation.groups)
    parties = range(len(deal.parties))
    full = [valuation.continuation(X, p, np.ones_like(valuation.truth))[0] for p in parties]
    values = np.tile([v[0] for v in full], (len(broke_at), 1))
    for (n, mask), count in Counter(zip(broke_at.tolist(), renegers.tolist(), strict=True)).items():
        if n < 0:
            continue
        who = frozenset(p for p in parties if mask >> p & 1)
        rows = (broke_at == n) & (renegers == mask)
        for p in parties:
            discount = valuation.delta[p] ** (n // G)
            after = valuation.breakdown(X, p, n, who)[0]
            values[rows, p] = full[p][0] + discount * (after - full[p][n])
        del count
    stages = valuation.stages
    histogram = np.bincount(broke_at[broke_at >= 0] // G, minlength=stages)
    blame = Counter(p for mask in renegers.tolist() for p in parties if mask >> p & 1)
    return Implementation(
        sessions=len(broke_at),
        completion_rate=float(np.mean(broke_at < 0)),
        break_stage_histogram=tuple(int(c) for c in histogram),
        expected_values=tuple(
            zip(deal.parties, (float(v) for v in values.mean(axis=0)), strict=True)
        ),
        completion_probability=valuation.completion_probability(),
        reneged_by=tuple((deal.parties[p], blame[p]) for p in parties),
    )
