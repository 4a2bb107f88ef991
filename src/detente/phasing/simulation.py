"""Simulated implementation: carry a schedule out many times with seeded randomness.

Each session draws every party's true type (:mod:`detente.phasing.truth`):
committed with its probability, else an opportunist. At each non-empty move
the mover's hazard may strike; an opportunist also reneges wherever the
schedule's equilibrium path (:mod:`detente.phasing.path`) has it renege, a
committed party never does. An empty move cannot be reneged. The first
reneging ends the session; everyone then gets its breakdown value. A dated
strike (:mod:`detente.phasing.calendar`) adds its probability at the move it
falls on; a deadline ends every session still running there (a lapse). Beliefs
never decide what a party does, only what the others expect: that is what the
path is computed from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.phasing.deal import Deal
from detente.phasing.enforcement import Valuation
from detente.phasing.path import equilibrium_path
from detente.phasing.schedule import Schedule, aligned
from detente.utility import FloatArray


@dataclass(frozen=True, slots=True)
class Implementation:
    """What happened over many simulated sessions.

    ``break_stage_histogram[k]`` counts the sessions that broke down in stage
    ``k + 1``; ``completion_probability`` is the analytic probability that every
    move is honoured, over the true types (what the completion rate converges to).
    ``lapsed`` counts the sessions a deadline ended unfinished, with no one reneging
    (in the first stage it cuts off).
    """

    sessions: int
    completion_rate: float
    break_stage_histogram: tuple[int, ...]
    expected_values: tuple[tuple[str, float], ...]
    completion_probability: float
    reneged_by: tuple[tuple[str, int], ...]
    lapsed: int = 0


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
    schedule = schedule.trimmed()
    if sessions < 1:
        raise DetenteError(f"the number of sessions must be at least 1, got {sessions}")
    X = aligned(deal, schedule)[None]
    valuation = Valuation(deal, schedule.stages)
    path = equilibrium_path(deal, schedule, valuation)
    active = valuation.active(X)
    struck = valuation.strikes(active)
    committed = [rng.random(sessions) < t.committed for t in valuation.types]
    broke_at = np.full(sessions, -1)
    renegers = np.zeros(sessions, dtype=np.int64)
    G = len(valuation.groups)
    for n in range(valuation.n_groups):
        alive = broke_at < 0
        t = n // G
        for p in valuation.groups[n % G]:
            if not active[p, t]:
                continue  # nothing to withhold, nothing to strike
            reneges = rng.random(sessions) < _hazard(valuation.types[p].hazard, struck[p, t])
            if path.reneges(t + 1, deal.parties[p]):
                reneges |= ~committed[p]
            renegers[alive & reneges] |= 1 << p
        broke_at[alive & (renegers > 0)] = n
    return _summarise(valuation, X, broke_at, renegers, path.completion_probability)


def _hazard(own: float, spared: float) -> float:
    """A move's hazard: the mover's own, combined with the dated strikes that spare it with
    probability ``spared`` (``1 − (1 − h)(1 − p)``)."""
    return own if spared == 1.0 else 1.0 - (1.0 - own) * spared


def _summarise(
    valuation: Valuation,
    X: FloatArray,
    broke_at: np.ndarray,
    renegers: np.ndarray,
    completion_probability: float,
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
            discount = valuation.reach[p, n // G]
            after = valuation.breakdown(X, p, n, who)[0]
            values[rows, p] = full[p][0] + discount * (after - full[p][n])
        del count
    stages = valuation.stages
    histogram = np.bincount(broke_at[broke_at >= 0] // G, minlength=stages)
    blame = Counter(p for mask in renegers.tolist() for p in parties if mask >> p & 1)
    lapsed = int(np.sum(broke_at < 0)) if valuation.lapses else 0
    return Implementation(
        sessions=len(broke_at),
        completion_rate=0.0 if valuation.lapses else float(np.mean(broke_at < 0)),
        break_stage_histogram=tuple(int(c) for c in histogram),
        expected_values=tuple(
            zip(deal.parties, (float(v) for v in values.mean(axis=0)), strict=True)
        ),
        completion_probability=completion_probability,
        reneged_by=tuple((deal.parties[p], blame[p]) for p in parties),
        lapsed=lapsed,
    )
