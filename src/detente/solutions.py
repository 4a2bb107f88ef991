"""Bargaining solutions on a finite outcome set.

Pure functions of the utility matrix ``U[outcome, party]`` (float64, at least
two parties, ``-inf`` for an outcome a party cannot accept) and the
disagreement point ``d`` (the parties' reservation values), following
``docs/explanation/bargaining-solutions.md``: the individually rational set, the Pareto frontier, and the
Nash [Nash1950], Kalai–Smorodinsky [KalaiSmorodinsky1975], egalitarian
[Kalai1977] and utilitarian solutions, on pure outcomes and, for two parties,
over lotteries (the convex hull).

Ties and tolerance
------------------
*Pareto frontier.* Two utilities of one party count as equal when a chain of
that party's utilities (over the outcomes considered) links them with every
step at most ``tol × range``, ``range`` being the spread of the party's
utilities (1 if they are all equal). This makes equality an equivalence
relation, so dominance stays transitive: frontier outcomes never dominate one
another and every dropped outcome is dominated by a frontier outcome. Outcomes
with identical or near-identical utility vectors (within ``tol × range`` for
every party, e.g. floating-point noise) are *all* kept. A chain needs one
outcome per step, so values more than ``(n - 1) × tol × range`` apart are never
merged. ``tol=0`` compares exactly. The result does not change when a party's
utilities are rescaled by a positive affine map.

*Solutions* are computed among the Pareto-optimal rational outcomes (every
rule here has a Pareto-optimal optimum over the rational outcomes, so this
only drops dominated ties). An outcome ties with the best one when its
objective is within ``tol`` of the best in the rule's own units: relative for
the Nash product, on the normalised gains for Kalai–Smorodinsky, relative to
the largest ideal gain for the egalitarian rule and to the larger of the total
ideal gain and the best sum for the utilitarian rule. All tied outcomes are reported (``Solution.indices``, in
frontier order); ``Solution.index`` is the first of them.

Parties that cannot gain anything over ``d`` (their best rational utility
equals their reservation value) are left out of the Nash product and of the
Kalai–Smorodinsky ratios, as is standard; they are indifferent over the
rational set.

Algorithms
----------
Each party's utilities are sorted once (to find the tolerance levels); a few
pivot outcomes (maximisers of weighted sums) then discard, in chunked numpy
sweeps, every outcome they dominate, which for typical utilities leaves a
small fraction. The survivors' levels are compared exactly: for two parties
by a sorted staircase (suffix maximum and binary search, O(n log n)); for more
by one lexicographic sort and a divide-and-conquer pass whose merge step is a
lower-dimensional dominance query [Kung1975], O(n log^(p-1) n) for p parties.
No Python loop runs over outcomes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

TOL = 1e-9
"""Default relative tolerance for ties (see the module docstring)."""

SOLUTION_NAMES = ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian")
"""The solutions :func:`solve_all` computes, in the order it returns them."""

_BRUTE_FORCE_PAIRS = 1 << 16
"""Point-query pairs below which a dominance query is answered by broadcasting."""

_FEW = 256
"""Stop pre-filtering with pivots once this few candidates remain."""

_CHUNK = 1 << 18
"""Rows per block in full sweeps over the utility matrix (keeps temporaries small)."""

_WALK_LIMIT = 32
"""Steps of walking along a chain of near-equal values before switching to a full scan."""


@dataclass(frozen=True, slots=True)
class Solution:
    """A bargaining solution: all tied optimal outcomes, and the reported one's utilities.

    >>> s = Solution("nash", (3, 7), (4.0, 5.0), 20.0)
    >>> s.index, s.ties
    (3, 2)
    """

    name: str
    indices: tuple[int, ...]
    utilities: tuple[float, ...]
    value: float

    @property
    def index(self) -> int:
        """The reported outcome (the first of the tied ones, in frontier order)."""
        return self.indices[0]

    @property
    def ties(self) -> int:
        """How many outcomes are optimal (1 when the solution is unique)."""
        return len(self.indices)


@dataclass(frozen=True, slots=True)
class NoSolution:
    """A rule that has no answer here, and why (e.g. no individually rational outcome)."""

    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Lottery:
    """A solution over lotteries: a mixture of one or two outcomes.

    ``probabilities[k]`` is the chance of ``outcomes[k]``; ``utilities`` are the
    expected utilities and ``value`` the rule's objective there.
    """

    name: str
    outcomes: tuple[int, ...]
    probabilities: tuple[float, ...]
    utilities: tuple[float, ...]
    value: float


# ----------------------------------------------------------------------------- validation


def _checked_matrix(U: ArrayLike) -> FloatArray:
    matrix = np.asarray(U, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        raise ValueError(
            "U must be a 2-D array U[outcome, party] with at least 2 parties; "
            f"got shape {matrix.shape}"
        )
    if not (matrix < np.inf).all():
        if np.isnan(matrix).any():
            raise ValueError("U contains NaN; use -inf for an outcome a party cannot accept")
        raise ValueError("U contains +inf; utilities must be finite, or -inf for unacceptable")
    return matrix


def _checked_point(d: ArrayLike, n_parties: int) -> FloatArray:
    point = np.asarray(d, dtype=np.float64)
    if point.shape != (n_parties,):
        raise ValueError(
            f"d must hold one reservation value per party ({n_parties}); got shape {point.shape}"
        )
    if not np.isfinite(point).all():
        raise ValueError(f"d must be finite reservation values; got {point.tolist()}")
    return point


def _checked_tol(tol: float) -> float:
    if not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol must be a finite number >= 0; got {tol}")
    return float(tol)


def _checked_mask(mask: ArrayLike | None, n_outcomes: int) -> BoolArray | None:
    if mask is None:
        return None
    array = np.asarray(mask)
    if array.shape != (n_outcomes,) or array.dtype != np.bool_:
        raise ValueError(
            f"mask must be a boolean array of length {n_outcomes}; "
            f"got {array.dtype} of shape {array.shape}"
        )
    return array


# ----------------------------------------------------------------------------- rational set


def rational_mask(U: ArrayLike, d: ArrayLike) -> BoolArray:
    """Outcomes acceptable to every party and worth at least its reservation value.

    >>> rational_mask([[2.0, 1.0], [6.0, 2.0], [-np.inf, 9.0]], [1.5, 1.5]).tolist()
    [False, True, False]
    """
    matrix = _checked_matrix(U)
    return _rational(matrix, _checked_point(d, matrix.shape[1]))


def _acceptable(U: FloatArray) -> BoolArray:
    """Rows without ``-inf`` (the only non-finite value a checked matrix holds)."""
    return _rational(U, np.full(U.shape[1], -np.inf))


def _rational(U: FloatArray, d: FloatArray) -> BoolArray:
    mask: BoolArray = U[:, 0] > d[0] if d[0] == -np.inf else U[:, 0] >= d[0]
    for party in range(1, U.shape[1]):
        mask &= U[:, party] > d[party] if d[party] == -np.inf else U[:, party] >= d[party]
    return mask


# ----------------------------------------------------------------------------- Pareto frontier


def pareto_frontier(U: ArrayLike, mask: ArrayLike | None = None, tol: float = TOL) -> IndexArray:
    """Indices of the non-dominated outcomes among the finite rows (and ``mask``).

    Sorted by the first party's utility descending, then the second's, …, then
    index. Outcomes with equal utility vectors (within ``tol``, see the module
    docstring) are all kept. O(n log n) for two parties, O(n log^(p-1) n) for
    p parties (see the module docstring).

    >>> U = np.array([[2, 1], [6, 2], [4, 5], [1, 9], [4, 5], [-np.inf, 10]])
    >>> pareto_frontier(U).tolist()
    [1, 2, 4, 3]
    """
    matrix = _checked_matrix(U)
    tol = _checked_tol(tol)
    usable = _acceptable(matrix)
    chosen = _checked_mask(mask, len(matrix))
    if chosen is not None:
        usable &= chosen
    return _sorted_descending(matrix, _frontier(*_subset(matrix, usable), tol))


def _subset(U: FloatArray, rows: BoolArray) -> tuple[FloatArray, IndexArray | None]:
    """The selected rows and their indices (``None``: all rows, no copy made)."""
    if rows.all():
        return U, None
    chosen = np.flatnonzero(rows)
    return np.take(U, chosen, axis=0), chosen


def _frontier(V: FloatArray, rows: IndexArray | None, tol: float) -> IndexArray:
    """Indices (``rows[k]`` for row ``k``) of the non-dominated rows of finite ``V``, any order."""
    if len(V) == 0:
        return np.empty(0, dtype=np.int64)
    levels = [_Levels.of(V[:, party], tol) for party in range(V.shape[1])]
    alive = _prefilter(V, levels)
    survivors = np.take(V, alive, axis=0)
    ranks = np.column_stack([lv.ranks(survivors[:, p]) for p, lv in enumerate(levels)])
    kept = alive[~_dominated(ranks)]
    return kept if rows is None else rows[kept]


@dataclass(frozen=True, slots=True, eq=False)
class _Levels:
    """One party's utilities grouped into levels of values equal within tolerance.

    A level is a maximal run of the sorted values whose consecutive gaps are at
    most ``step`` (``tol × range``). A value's level is labelled by the position
    of the level's first value in ``ordered``; labels are found by walking from
    the value over small gaps, so no per-value table is built. ``ordered`` is
    ``None`` for exact comparison (``tol == 0``).
    """

    ordered: FloatArray | None
    step: float

    @classmethod
    def of(cls, values: FloatArray, tol: float) -> _Levels:
        if tol == 0:
            return cls(None, 0.0)
        ordered = np.sort(values)
        spread = float(ordered[-1] - ordered[0])
        return cls(ordered, tol * (spread if spread > 0 else 1.0))

    def bounds(self, value: float) -> tuple[float, float]:
        """Smallest and largest value of ``value``'s level."""
        if self.ordered is None:
            return value, value
        at = np.searchsorted(self.ordered, [value, value], side="left")
        at[1] = np.searchsorted(self.ordered, value, side="right") - 1
        first, last = self._walk(at[:1], -1), self._walk(at[1:], +1)
        return float(self.ordered[first[0]]), float(self.ordered[last[0]])

    def ranks(self, values: FloatArray) -> FloatArray:
        """Order-preserving level labels (the values themselves when exact), as floats."""
        if self.ordered is None:
            return np.array(values, dtype=np.float64)
        first = self._walk(_search(self.ordered, values), -1)
        return first.astype(np.float64)

    def _walk(self, positions: IndexArray, direction: int) -> IndexArray:
        """Move each position to the end of its level in ``direction`` (-1 first, +1 last)."""
        assert self.ordered is not None
        ordered, positions = self.ordered, positions.copy()
        edge = 0 if direction < 0 else len(ordered) - 1
        moving = np.flatnonzero(positions != edge)
        for _ in range(_WALK_LIMIT):
            here = positions[moving]
            near = np.abs(ordered[here + direction] - ordered[here]) <= self.step
            moving = moving[near]
            if len(moving) == 0:
                return positions
            positions[moving] += direction
            moving = moving[positions[moving] != edge]
        return self._jump(positions, direction)

    def _jump(self, positions: IndexArray, direction: int) -> IndexArray:
        """Level ends for long chains of near-equal values, from all the gaps at once."""
        assert self.ordered is not None
        breaks = np.flatnonzero(np.diff(self.ordered) > self.step)
        if direction < 0:
            firsts = np.concatenate(([0], breaks + 1))
            return firsts[np.searchsorted(firsts, positions, side="right") - 1]
        lasts = np.concatenate((breaks, [len(self.ordered) - 1]))
        return lasts[np.searchsorted(lasts, positions, side="left")]


def _search(ordered: FloatArray, values: FloatArray) -> IndexArray:
    """``np.searchsorted(ordered, values)``, with many values searched in sorted order.

    Sorted needles let the binary search reuse its last position: several times
    faster on large arrays than searching in random order.
    """
    if len(values) <= _CHUNK:
        return np.searchsorted(ordered, values, side="left")
    order = np.argsort(values)
    positions = np.empty(len(values), dtype=np.int64)
    positions[order] = np.searchsorted(ordered, values[order], side="left")
    return positions


def _pivot_weights(n_parties: int) -> list[FloatArray]:
    """Directions whose maximisers make good pivots: balanced first, then leaning."""
    weights = [np.ones(n_parties)]
    for lean in (1.0, 3.0, 9.0):
        weights.extend(np.ones(n_parties) + lean * np.eye(n_parties))
    return weights


def _prefilter(V: FloatArray, levels: list[_Levels]) -> IndexArray:
    """Drop rows dominated by a few pivot rows (sound because dominance is transitive).

    The first pivot sweeps ``V`` in chunks (bounded temporaries); later pivots
    only see the survivors.
    """
    if len(V) <= _FEW:
        return np.arange(len(V), dtype=np.int64)
    spread = np.array([np.ptp(V[:, party]) for party in range(V.shape[1])])
    scale = 1.0 / np.where(spread > 0, spread, 1.0)
    weights = _pivot_weights(V.shape[1])
    pivot = _row_maximising(V, weights[0] * scale)
    alive = np.flatnonzero(~_beaten_by(V, _level_bounds(levels, pivot)))
    current = np.take(V, alive, axis=0)
    for direction in weights[1:]:
        if len(alive) <= _FEW:
            break
        pivot = _row_maximising(current, direction * scale)
        beaten = _beaten_by(current, _level_bounds(levels, pivot))
        alive, current = alive[~beaten], np.compress(~beaten, current, axis=0)
    return alive


def _level_bounds(levels: list[_Levels], row: FloatArray) -> list[tuple[float, float]]:
    return [lv.bounds(float(u)) for lv, u in zip(levels, row, strict=True)]


def _chunks(n: int) -> range:
    return range(0, n, _CHUNK)


def _row_maximising(V: FloatArray, weights: FloatArray) -> FloatArray:
    """The row of ``V`` with the largest ``V @ weights`` (the first one on ties)."""
    best_value, best_row = -np.inf, np.asarray(V[0])
    for start in _chunks(len(V)):
        block = V[start : start + _CHUNK]
        score = block[:, 0] * weights[0]
        for party in range(1, V.shape[1]):
            score += block[:, party] * weights[party]
        k = int(np.argmax(score))
        if score[k] > best_value:
            best_value, best_row = float(score[k]), np.asarray(block[k])
    return best_row


def _beaten_by(V: FloatArray, bounds: list[tuple[float, float]]) -> BoolArray:
    """Rows at or below the pivot's level for every party and below it for some."""
    beaten = np.empty(len(V), dtype=np.bool_)
    for start in _chunks(len(V)):
        block = V[start : start + _CHUNK]
        not_above = np.ones(len(block), dtype=np.bool_)
        below = np.zeros(len(block), dtype=np.bool_)
        for party, (low, high) in enumerate(bounds):
            not_above &= block[:, party] <= high
            below |= block[:, party] < low
        beaten[start : start + _CHUNK] = not_above & below
    return beaten


def _dominated(W: FloatArray) -> BoolArray:
    """Rows of ``W`` some other row weakly exceeds everywhere and strictly somewhere."""
    if W.shape[1] == 2:
        return _dominated_in_two(W)
    order = np.lexsort(W.T[::-1])[::-1]
    rows = np.take(W, order, axis=0)
    repeat = np.zeros(len(rows), dtype=np.bool_)
    repeat[1:] = np.all(rows[1:] == rows[:-1], axis=1)
    covered = _covered_by_earlier(np.compress(~repeat, rows, axis=0))
    hit = np.empty(len(W), dtype=np.bool_)
    hit[order] = covered[np.cumsum(~repeat) - 1]
    return hit


def _dominated_in_two(W: FloatArray) -> BoolArray:
    """Two columns: one staircase query per party, strict in that party's column."""
    hit = np.zeros(len(W), dtype=np.bool_)
    for party in range(2):
        todo = np.flatnonzero(~hit)
        queries = np.take(W, todo, axis=0)
        queries[:, party] = np.nextafter(queries[:, party], np.inf)
        hit[todo] = _staircase(W, queries)
    return hit


def _covered_by_earlier(D: FloatArray) -> BoolArray:
    """Distinct rows in lexicographically descending order: does an earlier row weakly exceed it?

    Every row that dominates another comes before it in this order, so this is
    the dominance test. Divide and conquer [Kung1975]: the first half's rows are
    at least the second half's in column 0, so the cross test needs the other
    columns only.
    """
    n = len(D)
    if n * n <= _BRUTE_FORCE_PAIRS:
        at_least = D[:, None, 0] >= D[None, :, 0]
        for column in range(1, D.shape[1]):
            at_least &= D[:, None, column] >= D[None, :, column]
        return np.asarray(np.triu(at_least, 1).any(axis=0))
    half = n // 2
    covered = np.empty(n, dtype=np.bool_)
    covered[:half] = _covered_by_earlier(D[:half])
    tail = D[half:]
    by_head = _any_at_least(D[:half, 1:], tail[:, 1:])
    rest = np.flatnonzero(~by_head)
    by_head[rest] = _covered_by_earlier(np.take(tail, rest, axis=0))
    covered[half:] = by_head
    return covered


def _any_at_least(P: FloatArray, Q: FloatArray) -> BoolArray:
    """For each query row q: is there a point p in P with p >= q in every column?"""
    if len(P) == 0 or len(Q) == 0:
        return np.zeros(len(Q), dtype=np.bool_)
    if P.shape[1] == 1:
        return np.asarray(Q[:, 0] <= P[:, 0].max())
    if P.shape[1] == 2:
        return _staircase(P, Q)
    return _split(P[np.argsort(P[:, 0], kind="stable")], Q)


def _staircase(P: FloatArray, Q: FloatArray) -> BoolArray:
    """Two columns: sort by the first, suffix maximum of the second, binary search."""
    order = np.argsort(P[:, 0])
    firsts = P[order, 0]
    best_second = np.maximum.accumulate(P[order, 1][::-1])[::-1]
    start = _search(firsts, Q[:, 0])
    found = np.zeros(len(Q), dtype=np.bool_)
    inside = start < len(firsts)
    found[inside] = best_second[start[inside]] >= Q[inside, 1]
    return found


def _split(P: FloatArray, Q: FloatArray) -> BoolArray:
    """Divide and conquer on column 0 (``P`` sorted by it) [Kung1975, Bentley1980]."""
    if len(P) == 1 or len(P) * len(Q) <= _BRUTE_FORCE_PAIRS:
        return _broadcast(P, Q)
    half = len(P) // 2
    low, high = P[:half], P[half:]
    reach = Q[:, 0] <= high[0, 0]
    near = Q[reach]
    found = _any_at_least(high[:, 1:], near[:, 1:])
    found[~found] = _split(low, near[~found])
    result = np.empty(len(Q), dtype=np.bool_)
    result[reach] = found
    result[~reach] = _split(high, Q[~reach])
    return result


def _broadcast(P: FloatArray, Q: FloatArray) -> BoolArray:
    result = np.empty(len(Q), dtype=np.bool_)
    step = max(1, _BRUTE_FORCE_PAIRS // len(P))
    for start in range(0, len(Q), step):
        block = Q[start : start + step]
        covered = P[None, :, 0] >= block[:, None, 0]
        for column in range(1, P.shape[1]):
            covered &= P[None, :, column] >= block[:, None, column]
        result[start : start + step] = covered.any(axis=1)
    return result


def _sorted_descending(U: FloatArray, indices: IndexArray) -> IndexArray:
    """``indices`` ordered by utilities descending (first party first), then by index."""
    rows = np.take(U, indices, axis=0)
    order = np.argsort(-rows[:, 0])
    first = rows[order, 0]
    if np.all(first[1:] != first[:-1]):
        return indices[order]
    keys = [indices, *(-rows[:, party] for party in reversed(range(U.shape[1])))]
    return indices[np.lexsort(keys)]


# ----------------------------------------------------------------------------- solutions


@dataclass(frozen=True, slots=True, eq=False)
class _Front:
    """The rational Pareto frontier and what every rule needs from it."""

    indices: IndexArray
    utilities: FloatArray
    gains: FloatArray
    ideal: FloatArray
    tol: float


def _rational_front(U: ArrayLike, d: ArrayLike, tol: float) -> _Front | str:
    """The rational frontier, or the reason there is none."""
    matrix = _checked_matrix(U)
    point = _checked_point(d, matrix.shape[1])
    tol = _checked_tol(tol)
    rational, rows = _subset(matrix, _rational(matrix, point))
    if len(rational) == 0:
        return (
            f"no outcome is individually rational: none of the {len(matrix)} outcomes is "
            f"acceptable to every party and worth at least its reservation value {point.tolist()}"
        )
    indices = _sorted_descending(matrix, _frontier(rational, rows, tol))
    utilities = np.take(matrix, indices, axis=0)
    ideal = np.array([rational[:, party].max() for party in range(len(point))]) - point
    return _Front(indices, utilities, utilities - point, ideal, tol)


def _best(scores: FloatArray, tol: float) -> IndexArray:
    """Positions whose score is within ``tol`` of the largest."""
    return np.flatnonzero(scores >= scores.max() - tol)


def _leximin(values: FloatArray, chosen: IndexArray, tol: float) -> IndexArray:
    """Refine ``chosen`` to the rows whose sorted values are leximin-best (within ``tol``)."""
    ordered = np.sort(values[chosen], axis=1)
    keep = np.ones(len(chosen), dtype=np.bool_)
    for column in ordered.T:
        keep &= column >= column[keep].max() - tol
    return chosen[keep]


def _solution(name: str, front: _Front, chosen: IndexArray, value: float) -> Solution:
    return Solution(
        name,
        tuple(int(i) for i in front.indices[chosen]),
        tuple(float(u) for u in front.utilities[chosen[0]]),
        value,
    )


def _nash(front: _Front) -> Solution:
    with np.errstate(divide="ignore"):
        log_product = np.log(front.gains[:, front.ideal > 0]).sum(axis=1)
    chosen = _best(log_product, front.tol)
    return _solution("nash", front, chosen, float(np.prod(front.gains[chosen[0]])))


def _kalai_smorodinsky(front: _Front) -> Solution:
    active = front.ideal > 0
    ratios = front.gains[:, active] / front.ideal[active]
    level = ratios.min(axis=1) if active.any() else np.zeros(len(ratios))
    chosen = _leximin(ratios, _best(level, front.tol), front.tol)
    return _solution("kalai_smorodinsky", front, chosen, float(level[chosen[0]]))


def _egalitarian(front: _Front) -> Solution:
    tol = front.tol * _positive_or_one(float(front.ideal.max()))
    level = front.gains.min(axis=1)
    chosen = _leximin(front.gains, _best(level, tol), tol)
    return _solution("egalitarian", front, chosen, float(level[chosen[0]]))


def _utilitarian(front: _Front) -> Solution:
    totals = front.utilities.sum(axis=1)
    best = float(totals.max())
    chosen = _best(totals, front.tol * _positive_or_one(max(float(front.ideal.sum()), abs(best))))
    return _solution("utilitarian", front, chosen, float(totals[chosen[0]]))


def _positive_or_one(scale: float) -> float:
    return scale if scale > 0 else 1.0


_RULES: dict[str, Callable[[_Front], Solution]] = {
    "nash": _nash,
    "kalai_smorodinsky": _kalai_smorodinsky,
    "egalitarian": _egalitarian,
    "utilitarian": _utilitarian,
}


def _solve(name: str, U: ArrayLike, d: ArrayLike, tol: float) -> Solution | NoSolution:
    front = _rational_front(U, d, tol)
    return NoSolution(name, front) if isinstance(front, str) else _RULES[name](front)


_EXAMPLE = np.array([[2.0, 1.0], [6.0, 2.0], [4.0, 5.0], [1.0, 9.0]])


def nash(U: ArrayLike, d: ArrayLike, tol: float = TOL) -> Solution | NoSolution:
    """Rational outcome(s) maximising the product of gains over ``d`` [Nash1950].

    ``value`` is the Nash product ``Π (u_i - d_i)`` at the reported outcome.

    >>> U = [[2, 1], [6, 2], [4, 5], [1, 9]]  # the worked example of docs/explanation/bargaining-solutions.md
    >>> nash(U, [0, 0])
    Solution(name='nash', indices=(2,), utilities=(4.0, 5.0), value=20.0)
    >>> nash([[1, 2], [2, 1]], [0, 0]).indices
    (1, 0)
    >>> nash(U, [7, 0])
    NoSolution(name='nash', reason='no outcome is individually rational: ...')
    """
    return _solve("nash", U, d, tol)


def kalai_smorodinsky(U: ArrayLike, d: ArrayLike, tol: float = TOL) -> Solution | NoSolution:
    """Rational outcome(s) maximising the smallest normalised gain [KalaiSmorodinsky1975].

    A party's normalised gain is ``(u_i - d_i) / (a_i - d_i)``, ``a_i`` its best
    rational utility (the ideal point). On a finite set the rule picks the
    maximisers of the smallest normalised gain, ties broken by Pareto, then by
    leximin on the normalised gains [KalaiSmorodinsky1975].

    >>> kalai_smorodinsky([[2, 1], [6, 2], [4, 5], [1, 9]], [0, 0]).utilities
    (4.0, 5.0)
    """
    return _solve("kalai_smorodinsky", U, d, tol)


def egalitarian(U: ArrayLike, d: ArrayLike, tol: float = TOL) -> Solution | NoSolution:
    """Rational outcome(s) maximising the smallest gain, refined by leximin [Kalai1977].

    >>> egalitarian([[2, 1], [6, 2], [4, 5], [1, 9]], [0, 0]).value
    4.0
    """
    return _solve("egalitarian", U, d, tol)


def utilitarian(U: ArrayLike, d: ArrayLike, tol: float = TOL) -> Solution | NoSolution:
    """Rational outcome(s) maximising the sum of utilities.

    >>> utilitarian([[2, 1], [6, 2], [4, 5], [1, 9]], [0, 0]).utilities
    (1.0, 9.0)
    """
    return _solve("utilitarian", U, d, tol)


def solve_all(U: ArrayLike, d: ArrayLike, tol: float = TOL) -> dict[str, Solution | NoSolution]:
    """Every solution, computing the rational frontier once.

    >>> {name: s.index for name, s in solve_all([[2, 1], [6, 2], [4, 5], [1, 9]], [0, 0]).items()}
    {'nash': 2, 'kalai_smorodinsky': 2, 'egalitarian': 2, 'utilitarian': 3}
    """
    front = _rational_front(U, d, tol)
    if isinstance(front, str):
        return {name: NoSolution(name, front) for name in SOLUTION_NAMES}
    return {name: _RULES[name](front) for name in SOLUTION_NAMES}


# ----------------------------------------------------------------------------- lotteries


def convex_solutions(
    U: ArrayLike, d: ArrayLike, tol: float = TOL
) -> dict[str, Lottery | NoSolution]:
    """The solutions over lotteries of rational outcomes, two parties, in closed form.

    The feasible set is the convex hull of the rational outcomes' utilities.
    Each solution lies on its upper-right boundary, a chain of segments between
    Pareto-optimal outcomes; it is found exactly per segment (the stationary
    point of the Nash product, the crossing of the Kalai–Smorodinsky ray or of
    the equal-gains line) and given as a mixture of at most two outcomes.
    Lottery solutions are unique in utility space; when several outcomes have
    the same utilities the mixture names the first in frontier order.

    >>> ks = convex_solutions([[2, 1], [6, 2], [4, 5], [1, 9]], [0, 0])["kalai_smorodinsky"]
    >>> [round(u * 17, 6) for u in ks.utilities], ks.outcomes
    ([62.0, 93.0], (2, 3))
    """
    matrix = _checked_matrix(U)
    if matrix.shape[1] != 2:
        raise ValueError(
            f"convex_solutions is implemented for 2 parties; got {matrix.shape[1]} "
            "(use the pure-outcome solutions for more)"
        )
    front = _rational_front(matrix, d, tol)
    if isinstance(front, str):
        return {name: NoSolution(name, front) for name in SOLUTION_NAMES}
    segments = _Chain.of(front)
    return {name: _CONVEX_RULES[name](segments) for name in SOLUTION_NAMES}


@dataclass(frozen=True, slots=True, eq=False)
class _Chain:
    """The upper-right boundary of the hull: vertices (frontier positions) in frontier order."""

    front: _Front
    vertices: IndexArray

    @classmethod
    def of(cls, front: _Front) -> _Chain:
        return cls(front, _upper_right_hull(front.gains))

    def candidates(self, s_of_segment: Callable[[FloatArray, FloatArray], FloatArray]) -> _Points:
        """Every vertex plus, per segment, the point at parameter ``s_of_segment(A, B)``."""
        starts, ends = self.vertices[:-1], self.vertices[1:]
        s = s_of_segment(self.front.gains[starts], self.front.gains[ends])
        inner = (s > 0) & (s < 1)
        first = np.concatenate((self.vertices, starts[inner]))
        second = np.concatenate((self.vertices, ends[inner]))
        weight = np.concatenate((np.zeros(len(self.vertices)), s[inner]))
        return _Points(self.front, first, second, weight)


@dataclass(frozen=True, slots=True, eq=False)
class _Points:
    """Candidate lotteries ``(1 - s) · first + s · second`` (frontier positions)."""

    front: _Front
    first: IndexArray
    second: IndexArray
    s: FloatArray

    @property
    def gains(self) -> FloatArray:
        g = self.front.gains
        return (1 - self.s)[:, None] * g[self.first] + self.s[:, None] * g[self.second]

    def utilities(self, k: int) -> FloatArray:
        u, s = self.front.utilities, self.s[k]
        return np.asarray((1 - s) * u[self.first[k]] + s * u[self.second[k]])

    def lottery(self, name: str, k: int, value: float) -> Lottery:
        indices, s = self.front.indices, float(self.s[k])
        outcomes: tuple[int, ...] = (int(indices[self.first[k]]),)
        probabilities: tuple[float, ...] = (1.0,)
        if s > 0:
            outcomes = (*outcomes, int(indices[self.second[k]]))
            probabilities = (1 - s, s)
        utilities = tuple(float(x) for x in self.utilities(k))
        return Lottery(name, outcomes, probabilities, utilities, value)


def _upper_right_hull(gains: FloatArray) -> IndexArray:
    """Vertices of the hull's boundary from the best point for party 0 to the best for party 1."""
    _, first = np.unique(gains, axis=0, return_index=True)
    first = np.sort(first)
    points = gains[first]
    start = first[np.lexsort((points[:, 1], points[:, 0]))[-1]]
    stop = first[np.lexsort((points[:, 0], points[:, 1]))[-1]]
    if start == stop:
        return np.array([start])
    if len(first) == 2:
        return np.array([start, stop])
    from scipy.spatial import ConvexHull, QhullError

    try:
        ring = first[ConvexHull(points).vertices]
    except QhullError:
        return np.array([start, stop])
    ring = np.roll(ring, -int(np.flatnonzero(ring == start)[0]))
    chain: IndexArray = ring[: int(np.flatnonzero(ring == stop)[0]) + 1]
    return chain


def _no_interior(A: FloatArray, B: FloatArray) -> FloatArray:
    return np.full(len(A), -1.0)


def _crossing(A: FloatArray, B: FloatArray) -> FloatArray:
    """Where ``x0 - x1`` changes sign along each segment (``-1`` where it does not)."""
    start, end = A[:, 0] - A[:, 1], B[:, 0] - B[:, 1]
    change = start * end < 0
    s = np.full(len(A), -1.0)
    s[change] = start[change] / (start[change] - end[change])
    return s


def _nash_stationary(A: FloatArray, B: FloatArray) -> FloatArray:
    """Maximiser of ``(A0 + sΔ0)(A1 + sΔ1)`` on each segment (concave there)."""
    delta = B - A
    curvature = 2 * delta[:, 0] * delta[:, 1]
    s = np.full(len(A), -1.0)
    bent = curvature < 0
    slope = delta[bent, 0] * A[bent, 1] + delta[bent, 1] * A[bent, 0]
    s[bent] = -slope / curvature[bent]
    return s


def _convex_nash(chain: _Chain) -> Lottery:
    active = chain.front.ideal > 0
    both = bool(active.all())
    points = chain.candidates(_nash_stationary if both else _no_interior)
    products = np.prod(points.gains[:, active], axis=1)
    k = int(np.argmax(products))
    return points.lottery("nash", k, float(np.prod(points.gains[k])))


def _convex_min_gain(name: str, chain: _Chain, scale: FloatArray) -> Lottery:
    """Leximin-best point of the chain on ``gains / scale``, parties with ``scale == 0`` left out."""
    active = scale > 0

    def scaled_crossing(A: FloatArray, B: FloatArray) -> FloatArray:
        return _crossing(A / scale, B / scale)

    points = chain.candidates(scaled_crossing if bool(active.all()) else _no_interior)
    levels = np.sort(points.gains[:, active] / scale[active], axis=1)
    if not active.any():
        return points.lottery(name, 0, 0.0)
    k = int(np.lexsort(tuple(-levels[:, c] for c in reversed(range(levels.shape[1]))))[0])
    return points.lottery(name, k, float(levels[k, 0]))


def _convex_kalai_smorodinsky(chain: _Chain) -> Lottery:
    return _convex_min_gain("kalai_smorodinsky", chain, chain.front.ideal)


def _convex_egalitarian(chain: _Chain) -> Lottery:
    return _convex_min_gain("egalitarian", chain, np.ones(2))


def _convex_utilitarian(chain: _Chain) -> Lottery:
    points = chain.candidates(_no_interior)
    k = int(np.argmax(points.gains.sum(axis=1)))
    return points.lottery("utilitarian", k, float(points.utilities(k).sum()))


_CONVEX_RULES: dict[str, Callable[[_Chain], Lottery]] = {
    "nash": _convex_nash,
    "kalai_smorodinsky": _convex_kalai_smorodinsky,
    "egalitarian": _convex_egalitarian,
    "utilitarian": _convex_utilitarian,
}
