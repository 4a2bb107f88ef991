"""Covert cheating during the schedule: does starting to cheat at stage ``t`` pay?

:mod:`detente.phasing.verification` judges covert cheating once the schedule is
carried out, where the problem is stationary. Here it is judged at every stage
``t`` from the cheating-prone item's first delivery on, along the schedule
carried out as planned (every overt move honoured; beliefs and hazards left
out): the giver ``c`` starts cheating at ``t`` and cheats until it is detected,
meanwhile delivering its own steps as planned. In stage ``s`` it gains
``g_s = covert_gain × S_s`` per period (``S_s`` the stock of the item delivered
up to and including ``s``), weighted over the stage as a flow is (``a_s``, 1
without a calendar), and is detected at the stage's end with probability ``q_s``,
the detection with the verification items delivered up to and including ``s`` (one
chance per stage, however many periods it lasts; the lag is in stages). ``L`` stages after detection the deal breaks down at the start of that stage (the
valuation's breakdown: :meth:`~detente.phasing.enforcement.Valuation.breakdowns`).
After the last stage every stage is one period and the problem is the stationary one
at completion.

With ``V_s`` the giver's honest value at the start of stage ``s``, ``B_s`` its
breakdown value there and ``D_s`` its discount across stage ``s``, the excess
of cheating from ``s`` over honouring, ``Δ_s = W_s − V_s``, is

    Δ_s = g_s a_s + D_s [(1 − q_s) Δ_{s+1} + q_s E_{s+1}],
    E_j = Σ_{i<L} D_j … D_{j+i−1} g_{j+i} a_{j+i} + D_j … D_{j+L−1} (B_{j+L} − V_{j+L}),

``E_j`` the excess (over honouring) of having been detected at the end of stage
``j − 1``. After the schedule ``B − V = −F/(1 − δ)`` (``F`` the stake,
:meth:`~detente.phasing.enforcement.Valuation.stakes`) and the recursion is
stationary: ``Δ_K = (g + δ q E_K)/(1 − δ(1 − q))``, which is the closed form at completion
(:func:`~detente.phasing.verification.min_detection`).
A deadline ends the deal at its stage ``h`` in a breakdown whatever the cheater
does: ``Δ_h = 0``, and nothing after it counts. The derivation is in
``docs/explanation/self-enforcement.md`` ("Cheating during the schedule").
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.polynomial import polynomial as P

from detente.phasing.deal import Deal
from detente.phasing.enforcement import MOVE_TOLERANCE, Valuation, violates
from detente.phasing.schedule import Schedule, aligned
from detente.utility import FloatArray


@dataclass(frozen=True, slots=True)
class Onset:
    """Starting to cheat covertly on one item at one stage (``stage`` counts from 1).

    ``gain`` is ``g`` per period in the stage, ``detection`` ``q`` in the stage,
    ``verifiers`` the verification items watching the item delivered in the stage,
    ``excess`` cheating's value less honouring's (``W − V``, at the stage's start),
    ``slack`` ``−(1 − δ)(1 − δ + δq̄) (W − V)``, ``q̄`` the detection in the last stage carried
    out (the scale of the completion's deterrence slack, so a one-period last stage agrees
    with :attr:`~detente.phasing.verification.Deterrence.slack`), and ``min_detection``
    the least detection probability that, held at every stage from this one on
    (and after the schedule), deters starting here (``None``: none up to 1 does).
    """

    stage: int
    gain: float
    detection: float
    verifiers: tuple[str, ...]
    excess: float
    slack: float
    min_detection: float | None

    @property
    def pays(self) -> bool:
        """Whether starting to cheat here pays (beyond the tolerance of every slack)."""
        return violates(self.slack)


@dataclass(frozen=True, slots=True)
class Covert:
    """Covert cheating on one cheating-prone item during one schedule: every stage from the
    item's first delivery on (none when the schedule does not deliver it, or a deadline cuts
    the schedule first)."""

    item: str
    giver: str
    onsets: tuple[Onset, ...]

    @property
    def paying(self) -> tuple[int, ...]:
        """The stages (from 1) at which starting to cheat pays."""
        return tuple(o.stage for o in self.onsets if o.pays)

    @property
    def pays_from(self) -> int | None:
        """The first stage at which starting to cheat pays, ``None`` if none does."""
        return self.paying[0] if self.paying else None


def during(
    deal: Deal, schedule: Schedule, valuation: Valuation | None = None
) -> tuple[Covert, ...]:
    """Whether covert cheating pays from each stage of ``schedule``, per cheating-prone item.

    ``valuation`` is the deal's over the schedule's stages, when the caller has it.
    The reference model's first row (``scenarios/theory/verification.yaml``) as a one-stage
    schedule: q* = 0.0556 > q = 0.05, so cheating pays from the first (and only) stage:

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> deal = Deal((Stake("A", 0.9), Stake("B", 0.9)),
    ...             (Item("freeze", "B", covert_gain=0.5, detection=0.05),
    ...              Item("relief", "A", flow=party_values({"B": 1}), reversibility=1)),
    ...             (("B",), ("A",)))
    >>> [freeze] = during(deal, Schedule.from_stages(("freeze", "relief"), [{"freeze": 1, "relief": 1}]))
    >>> freeze.pays_from, round(freeze.onsets[0].min_detection, 6)
    (1, 0.055556)
    """
    schedule = schedule.trimmed()
    if valuation is None or valuation.deal is not deal or valuation.stages != schedule.stages:
        valuation = Valuation(deal, schedule.stages)
    if not len(valuation.cheating):
        return ()
    stages = StageValues(valuation, aligned(deal, schedule)[None])
    return tuple(stages.covert(k) for k in range(len(valuation.cheating)))


class StageValues:
    """One schedule's values per stage for every party, and its detection per stage for every
    cheating-prone item: what the recursion of each item (:meth:`path`) reads."""

    def __init__(self, valuation: Valuation, X: FloatArray) -> None:
        self.valuation, self.amounts = valuation, X[0]
        self.cheating = cheating = valuation.cheating
        parties, K = len(valuation.deal.parties), valuation.stages
        G = len(valuation.groups)
        self.horizon = valuation.horizon
        honest = valuation.continuations(X, np.ones((parties, parties, K)))[0]
        everyone = frozenset(range(parties))
        self.gap = np.zeros((K, parties))
        """``[stage, party]``: ``B_s − V_s`` (0 from a deadline's stage on)."""
        for s in range(1, self.horizon):
            self.gap[s] = valuation.breakdowns(X, s * G, everyone)[0] - honest[s * G]
        self.stake = valuation.stakes(X)[0]
        delivered = np.cumsum(self.amounts[cheating.verifiers], axis=1) > 0.5
        self.new = delivered & ~np.pad(delivered, ((0, 0), (1, 0)))[:, :-1]
        """``[verifier, stage]``: the verification items delivered in each stage."""
        missed = np.where(delivered[:, None, :], 1.0 - cheating.watch[:, :, None], 1.0)
        self.detection = 1.0 - (1.0 - cheating.base)[:, None] * missed.prod(axis=0)
        """``[cheat, stage]``: ``q_s``, the verification items delivered up to ``s`` in place."""

    def covert(self, k: int) -> Covert:
        """The judgement of cheating-prone item ``k`` (its position in :attr:`cheating`)."""
        cheating, valuation = self.cheating, self.valuation
        stock = np.cumsum(self.amounts[cheating.index[k]])
        first = np.flatnonzero(np.abs(self.amounts[cheating.index[k]]) > MOVE_TOLERANCE)
        if not first.size or first[0] >= self.horizon:
            return Covert(cheating.names[k], cheating.givers[k], ())
        path = self.path(k, stock)
        excess, penalty = path.excess()
        polynomials = path.polynomials(penalty)
        q, delta = self.detection[k], path.delta
        scale = (1.0 - delta) * (1.0 - delta + delta * q[self.horizon - 1])
        names = valuation.deal.item_names
        watching = cheating.watch[:, k] > 0.0
        onsets = tuple(
            Onset(
                stage=t + 1,
                gain=float(cheating.rate[k] * stock[t]),
                detection=float(q[t]),
                verifiers=tuple(
                    names[i]
                    for v, i in enumerate(cheating.verifiers)
                    if self.new[v, t] and watching[v]
                ),
                excess=float(excess[t]),
                slack=float(-scale * excess[t]),
                min_detection=least_deterring(polynomials[t]),
            )
            for t in range(int(first[0]), self.horizon)
        )
        return Covert(cheating.names[k], cheating.givers[k], onsets)

    def path(self, k: int, stock: FloatArray) -> Recursion:
        """The recursion's arrays for cheating-prone item ``k`` (``stock`` its amounts to date)."""
        cheating, valuation, K = self.cheating, self.valuation, self.valuation.stages
        p = int(cheating.giver[k])
        delta = float(cheating.delta[k])
        lapses = self.horizon < K
        gain = cheating.rate[k] * stock
        return Recursion(
            gains=gain * valuation.annuity[p],
            discounts=valuation.discount[p],
            detection=self.detection[k],
            gaps=self.gap[:, p],
            lag=int(cheating.lag[k]),
            horizon=self.horizon,
            delta=delta,
            tail=None
            if lapses
            else (
                float(gain[-1]),
                float(self.detection[k, -1]),
                -float(self.stake[p]) / (1.0 - delta),
            ),
        )


@dataclass(frozen=True, slots=True)
class Recursion:
    """The recursion of one cheating-prone item over the stages, on arrays ``[stage]``.

    ``gains`` are ``g_s a_s`` (the covert gain over each stage), ``discounts`` ``D_s``,
    ``detection`` ``q_s``, ``gaps`` ``B_s − V_s`` (entry 0 unused), ``lag`` ``L``;
    stages from ``horizon`` on are not carried out (a deadline: the deal lapses there,
    in a breakdown whatever the cheater does). ``tail`` is ``(g, q, B − V)`` after the
    schedule (one period per stage, discount ``delta``), ``None`` when a deadline
    cuts the schedule.
    """

    gains: FloatArray
    discounts: FloatArray
    detection: FloatArray
    gaps: FloatArray
    lag: int
    horizon: int
    delta: float
    tail: tuple[float, float, float] | None

    def _extended(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``(gains, discounts, gaps)`` over the stages and ``lag + 1`` stages after them: the
        tail's after the schedule, nothing from a deadline's stage on."""
        h, more = self.horizon, self.lag + 1
        gains = np.zeros(h + more)
        gains[:h] = self.gains[:h]
        discounts = np.full(h + more, self.delta)
        discounts[:h] = self.discounts[:h]
        gaps = np.zeros(h + more)
        gaps[:h] = self.gaps[:h]
        if self.tail is not None:
            gains[h:], _, gaps[h:] = self.tail
        return gains, discounts, gaps

    def penalties(self) -> FloatArray:
        """``E_j`` for ``j = 0 … horizon`` (entry 0 unused): the excess, at the start of stage
        ``j``, of having been detected at the end of stage ``j − 1``."""
        gains, discounts, gaps = self._extended()
        j = np.arange(self.horizon + 1)
        found, reach = np.zeros(j.size), np.ones(j.size)
        for i in range(self.lag):
            found += reach * gains[j + i]
            reach = reach * discounts[j + i]
        return found + reach * gaps[j + self.lag]

    def excess(self) -> tuple[FloatArray, FloatArray]:
        """``(Δ, E)``: ``Δ_s`` for ``s = 0 … horizon`` (the last: after the schedule, or 0 at a
        deadline), and the penalties :meth:`penalties`."""
        E = self.penalties()
        h = self.horizon
        excess = np.zeros(h + 1)
        if self.tail is not None:
            g, q, _ = self.tail
            excess[h] = (g + self.delta * q * E[h]) / (1.0 - self.delta * (1.0 - q))
        for s in range(h - 1, -1, -1):
            q = self.detection[s]
            excess[s] = self.gains[s] + self.discounts[s] * (
                (1.0 - q) * excess[s + 1] + q * E[s + 1]
            )
        return excess, E

    def polynomials(self, penalties: FloatArray) -> FloatArray:
        """``[s, degree]``: coefficients (lowest degree first) of ``N_s(q) = (1 − δ + δq) Δ_s(q)``
        for ``s = 0 … horizon``, ``Δ_s(q)`` the excess from stage ``s`` when ``q`` is the detection
        at every stage from ``s`` on and after the schedule:
        ``N_s = m (g_s a_s + D_s q E_{s+1}) + D_s (1 − q) N_{s+1}``, ``m = 1 − δ + δq``, from
        ``N_K = g + δ q E_K`` (0 at a deadline); ``E`` does not depend on ``q``."""
        d, E, h = self.delta, penalties, self.horizon
        N = np.zeros((h + 1, h + 2))
        if self.tail is not None:
            N[h, :2] = self.tail[0], d * E[h]
        for s in range(h - 1, -1, -1):
            now = np.array([self.gains[s], self.discounts[s] * E[s + 1]])  # g a + D E q
            N[s, :2] += (1.0 - d) * now
            N[s, 1:3] += d * now
            N[s] += self.discounts[s] * N[s + 1]  # D (1 − q) N_{s+1}
            N[s, 1:] -= self.discounts[s] * N[s + 1, :-1]
        return N


def least_deterring(coefficients: FloatArray) -> float | None:
    """The least ``q`` in ``[0, 1]`` from which on the polynomial is ``≤ 0`` (ties deter), within
    a rounding tolerance; ``None`` when it is positive at ``q = 1``.

    >>> least_deterring(np.array([0.5, -1.0])), least_deterring(np.array([2.0, -1.0]))
    (0.5, None)
    >>> least_deterring(np.array([-1.0, 0.0]))
    0.0
    """
    scale = float(np.abs(coefficients).max(initial=0.0))
    if scale == 0.0:
        return 0.0
    tolerance = 1e-12 * scale
    kept = np.flatnonzero(np.abs(coefficients) > tolerance)
    c = coefficients[: kept[-1] + 1] if kept.size else coefficients[:1]
    if P.polyval(1.0, c) > tolerance:
        return None
    roots = P.polyroots(c) if c.size > 1 else np.zeros(0)
    real = roots.real[np.abs(roots.imag) <= 1e-9]
    slope = P.polyder(c)
    for _ in range(2):  # Newton steps: the companion matrix's roots are good to ~1e-12
        step = P.polyval(real, slope)
        real = np.where(
            step != 0.0, real - P.polyval(real, c) / np.where(step != 0.0, step, 1.0), real
        )
    points = sorted({0.0, 1.0, *(float(r) for r in real if 0.0 < r < 1.0)}, reverse=True)
    for high, low in pairwise(points):
        if P.polyval((high + low) / 2.0, c) > tolerance:
            return high
    return 0.0
