"""Verification: the detection probability that deters covert cheating.

Once the whole schedule is delivered, the giver of a *cheating-prone* item (one
with a ``covert_gain``) can cheat on it covertly, gaining ``g = covert_gain ×
amount`` per stage on top of what honouring brings. In every stage cheating is
detected with probability ``q``; ``L`` stages after detection it is punished by
the breakdown of the deal (:mod:`detente.phasing.enforcement`: the reversible
share of every item undone, the kept shares' flows going on, the outside option
shifted by leverage). With ``H`` the cheater's honest value of the completed deal
from a stage on and ``P`` its value of that breakdown, the *stake* per stage is
``F = (1 − δ)(H − P)``, and cheating does not pay iff

    q ≥ q* = g(1 − δ) / (δ [δ^L F − g(1 − δ^L)]),

no ``q ≤ 1`` deterring when the bracket is ``≤ 0`` or ``q* > 1``. With ``P = 0``
it is the reference model ``scenarios/theory/verification.yaml``. A verification
item (``verifies``: an inspection regime, binary) raises ``q`` to
``1 − (1 − q_0) Π (1 − q_v)`` over the verification items delivered. The derivation is in ``docs/explanation/self-enforcement.md``
("Verification").

The functions on numbers are the mathematics. :class:`Cheating` compiles a
deal's cheating-prone and verification items: the gains, detection
probabilities and deterrence slacks of a schedule's totals given the cheaters'
stakes (:meth:`detente.phasing.enforcement.Valuation.stakes`), and the
designer's :class:`Branch` programs. Once the verification items delivered are
fixed, so is every ``q``, and the deterrence condition
``δq[δ^L F − g(1 − δ^L)] − g(1 − δ) ≥ 0`` is linear in the amounts (``g`` and
``F`` are affine in them).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, product

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError
from detente.phasing.deal import Deal
from detente.utility import FloatArray

MAX_CHOICES = 8
"""Most choices the designer enumerates: free verification items plus cheating-prone items
that need a split (:meth:`Cheating.branches`), that is at most ``2 ** 8`` programs."""


def min_detection(delta: float, stake: float, gain: float, lag: int) -> float | None:
    """``q*``: the least detection probability per stage at which cheating does not pay.

    ``None`` when no probability up to 1 deters; 0 when there is nothing to gain.
    The reference model's table (``scenarios/theory/verification.yaml``):

    >>> [round(min_detection(*row), 6) for row in [(0.9, 1, 0.5, 0), (0.9, 1, 0.5, 2),
    ...                                              (0.9, 1, 3, 0)]]
    [0.055556, 0.0777, 0.333333]
    >>> min_detection(0.8, 1, 0.5, 4) is None
    True
    """
    _check_discount(delta)
    if gain <= 0.0:
        return 0.0
    bracket = delta**lag * stake - gain * (1.0 - delta**lag)
    needed, at_most = gain * (1.0 - delta), delta * bracket
    if at_most <= 0.0 or needed > at_most:  # (a tiny bracket can underflow to 0 here)
        return None
    return needed / at_most


def deterrence_slack(
    delta: float | FloatArray,
    stake: float | FloatArray,
    gain: float | FloatArray,
    lag: int | NDArray[np.int64],
    detection: float | FloatArray,
) -> FloatArray:
    """``δq[δ^L F − g(1 − δ^L)] − g(1 − δ)``: ``(1 − δ)(1 − δ(1 − q))`` times honouring's
    value less cheating's; ``≥ 0`` exactly when cheating does not pay (elementwise).

    >>> float(deterrence_slack(0.9, 1.0, 0.5, 0, 0.5)) > 0 > float(deterrence_slack(0.9, 1.0, 0.5, 0, 0.05))
    True
    """
    a, b = weights(delta, lag, detection)
    return np.asarray(a * stake - b * gain, dtype=np.float64)


def weights(
    delta: float | FloatArray, lag: int | NDArray[np.int64], detection: float | FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``(a, b)`` with the deterrence slack ``a F − b g``: ``a = δ q δ^L``,
    ``b = δ q (1 − δ^L) + 1 − δ``."""
    d = np.asarray(delta, dtype=np.float64)
    q = np.asarray(detection, dtype=np.float64)
    later = d ** np.asarray(lag, dtype=np.float64)
    return d * q * later, d * q * (1.0 - later) + 1.0 - d


def detection_probability(base: float, verifiers: Sequence[float]) -> float:
    """``1 − (1 − q_0) Π (1 − q_v)``: detection per stage, each verification item delivered
    detecting independently.

    >>> round(detection_probability(0.1, [0.5, 0.2]), 12), detection_probability(0.1, [])
    (0.64, 0.1)
    """
    if not verifiers:
        return base
    missed = 1.0 - base
    for q in verifiers:
        missed *= 1.0 - q
    return 1.0 - missed


def _check_discount(delta: float) -> None:
    if not 0.0 < delta < 1.0:
        raise DetenteError(
            f"covert cheating needs a discount in (0, 1): a gain per stage forever is worth "
            f"infinitely much at discount {delta}"
        )


@dataclass(frozen=True, slots=True)
class Deterrence:
    """Whether covert cheating on one item pays, at the end of one schedule.

    ``gain`` is ``g`` (covert gain per stage at the amount delivered), ``stake``
    the giver's ``F``, ``detection`` the probability per stage with the
    verification items the schedule delivers, ``min_detection`` ``q*`` (``None``:
    no probability deters), ``slack`` the deterrence slack
    (:func:`deterrence_slack`), ``deterred`` its verdict (nothing delivered:
    nothing to deter).
    """

    item: str
    giver: str
    gain: float
    stake: float
    lag: int
    detection: float
    min_detection: float | None
    slack: float
    deterred: bool


@dataclass(frozen=True, slots=True)
class Branch:
    """One program of the designer: a choice of verification items, and how each
    cheating-prone item is kept honest.

    ``delivered`` are the verification items delivered (their totals fixed at 1),
    ``withheld`` the items held at 0 (the other verification items, and
    cheating-prone items left out), ``rows`` the positions (in
    :attr:`Cheating.names`) of the cheating-prone items whose deterrence condition
    is a constraint, at the detection probabilities ``detection``.
    """

    delivered: tuple[int, ...] = ()
    withheld: tuple[int, ...] = ()
    rows: tuple[int, ...] = ()
    detection: tuple[float, ...] = ()


class Cheating:
    """A deal's cheating-prone items and the verification items that watch them, as arrays.

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> deal = Deal((Stake("A", 0.9), Stake("B", 0.9)),
    ...             (Item("freeze", "B", covert_gain=0.5, detection=0.1),
    ...              Item("inspections", "B", binary=True, verifies=(("freeze", 0.5),)),
    ...              Item("relief", "A", flow=party_values({"B": 1}), reversibility=1)),
    ...             (("A",), ("B",)))
    >>> cheating = Cheating(deal)
    >>> cheating.names, cheating.detection(np.array([1.0, 1.0, 1.0])).round(12).tolist()
    (('freeze',), [0.55])
    """

    def __init__(self, deal: Deal) -> None:
        items = deal.items
        self.index = np.array([i for i, it in enumerate(items) if it.covert_gain > 0], np.int64)
        """Deal item index of every cheating-prone item."""
        cheats = [items[i] for i in self.index]
        self.names = tuple(item.name for item in cheats)
        self.givers = tuple(item.giver for item in cheats)
        self.giver = np.array([deal.party_index(p) for p in self.givers], dtype=np.int64)
        self.rate = np.array([item.covert_gain for item in cheats], dtype=np.float64)
        self.base = np.array([item.detection for item in cheats], dtype=np.float64)
        self.lag = np.array([item.detection_lag for item in cheats], dtype=np.int64)
        self.delta = np.array([deal.stakes[p].discount for p in self.giver], dtype=np.float64)
        for item, delta in zip(cheats, self.delta, strict=True):
            if delta >= 1.0:
                raise DetenteError(
                    f"item {item.name!r}: its giver {item.giver!r} gains from covert cheating "
                    "per stage but has discount 1: a gain forever is worth infinitely much; "
                    "give it a discount below 1"
                )
        self.verifiers = np.array([i for i, it in enumerate(items) if it.verifies], np.int64)
        """Deal item index of every verification item."""
        self.watch = np.zeros((len(self.verifiers), len(cheats)))
        """``[verifier, cheat]``: the detection probability each verification item adds."""
        position = {name: k for k, name in enumerate(self.names)}
        for v, i in enumerate(self.verifiers):
            for name, q in items[i].verifies:
                if name in position:
                    self.watch[v, position[name]] = q

    def __len__(self) -> int:
        return len(self.names)

    def gains(self, totals: FloatArray) -> FloatArray:
        """``[..., cheat]``: ``g`` of every cheating-prone item, from item totals ``[..., item]``."""
        found: FloatArray = totals[..., self.index] * self.rate
        return found

    def detection(self, totals: FloatArray) -> FloatArray:
        """``[cheat]``: detection per stage with the verification items ``totals`` delivers
        (a binary item is delivered when its total is 1)."""
        return self.detection_with(np.flatnonzero(totals[self.verifiers] > 0.5))

    def detection_with(self, delivered: Sequence[int] | NDArray[np.int64]) -> FloatArray:
        """``[cheat]``: detection per stage with the verification items at positions
        ``delivered`` (of :attr:`verifiers`) in place."""
        if len(delivered) == 0:
            return self.base.copy()
        missed = 1.0 - self.base
        for v in delivered:
            missed = missed * (1.0 - self.watch[v])
        found: FloatArray = 1.0 - missed
        return found

    def slacks(self, stakes: FloatArray, gains: FloatArray, detection: FloatArray) -> FloatArray:
        """``[..., cheat]``: the deterrence slack of every cheating-prone item."""
        return deterrence_slack(self.delta, stakes, gains, self.lag, detection)

    def thresholds(self, stakes: FloatArray, gains: FloatArray) -> list[float | None]:
        """``q*`` of every cheating-prone item (one schedule)."""
        return [
            min_detection(float(d), float(f), float(g), int(lag))
            for d, f, g, lag in zip(self.delta, stakes, gains, self.lag, strict=True)
        ]

    def branches(self, low: FloatArray, high: FloatArray, split: NDArray[np.bool_]) -> list[Branch]:
        """The designer's programs: every choice of the free verification items, and for each
        cheating-prone item it may deliver, a constraint, or also a program without it.

        ``low`` and ``high`` are every item's total bounds. A verification item whose
        total is held at 1 (or at 0) is always (never) delivered; the others are free.
        A cheating-prone item that no verification choice lets be detected must be
        left out (``g(1 − δ) ≤ 0``). The condition at ``g = 0`` reads ``F ≥ 0``
        (when ``q > 0``), which is no condition at all when nothing is delivered: for a
        cheating-prone item whose stake can fall below 0 (``split``) the item is
        either left out (one program) or delivered under the constraint (another),
        so the best of all programs is exact. Refuses more than :data:`MAX_CHOICES`
        choices.
        """
        whole = [v for v, i in enumerate(self.verifiers) if low[i] >= 1.0]
        free = [v for v, i in enumerate(self.verifiers) if low[i] < 1.0 <= high[i]]
        deliverable = [k for k, i in enumerate(self.index) if high[i] > 0.0]
        splits = [k for k in deliverable if split[k] and low[self.index[k]] <= 0.0]
        if len(free) + len(splits) > MAX_CHOICES:
            raise DetenteError(
                f"the designer would enumerate {len(free)} free verification item(s) and "
                f"{len(splits)} cheating-prone item(s) whose stake can fall below 0, "
                f"2^{len(free) + len(splits)} programs (at most 2^{MAX_CHOICES}); "
                "fix some verification items (min: 1 to require one, max: 0 to rule it out)"
            )
        found: list[Branch] = []
        for size in range(len(free) + 1):
            for chosen in combinations(free, size):
                found.extend(self._within(sorted([*whole, *chosen]), deliverable, splits))
        return found

    def _within(
        self, delivered: list[int], deliverable: list[int], splits: list[int]
    ) -> Iterator[Branch]:
        """The programs of one choice of verification items."""
        q = self.detection_with(delivered)
        off = {int(i) for v, i in enumerate(self.verifiers) if v not in delivered}
        dropped = [k for k in range(len(self)) if k not in deliverable or q[k] <= 0.0]
        checked = [k for k in deliverable if q[k] > 0.0]
        either = [k for k in checked if k in splits]
        for keep in product((True, False), repeat=len(either)):
            out = {k for k, kept in zip(either, keep, strict=True) if not kept}
            yield Branch(
                delivered=tuple(int(self.verifiers[v]) for v in delivered),
                withheld=tuple(sorted(off | {int(self.index[k]) for k in [*dropped, *out]})),
                rows=tuple(k for k in checked if k not in out),
                detection=tuple(float(x) for x in q),
            )
