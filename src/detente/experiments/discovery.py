"""Scenario discovery: boxes of parameter values that describe where a claim holds (PRIM).

The Patient Rule Induction Method [FriedmanFisher1999], as scenario discovery
uses it [BryantLempert2010] and as the EMA Workbench implements it
[Kwakkel2017], written here in a few numpy functions. (The ``PRIM`` package on
PyPI has a single 2024 release and needs pandas and mplcursors; the EMA
Workbench needs scikit-learn, statsmodels, seaborn and platypus-opt, or Python
3.12 or later: neither is a good runtime dependency for one algorithm of about
two hundred lines.)

The statistics of a box, over the draws it is found on:

- *coverage*: the share of all draws where the claim holds that fall in the box;
- *density*: the share of draws in the box where the claim holds;
- *mass*: the share of all draws that fall in the box.

One box is found in five steps:

1. **Peel.** At each step, for every parameter, try removing the lowest and the
   highest ``alpha`` share of the draws in the box (for a categorical
   parameter, one label); keep the peel that gains the most density per share
   of the draws it removes, ``(d′ − d) / (m − m′)`` (as Friedman and Fisher's
   PRIM and the EMA Workbench, by default, score peels: a label can hold far more than
   ``alpha`` of the draws, and scored by density alone its removal would win
   over a numeric peel that gains nearly as much for a fraction of the
   coverage). Stop when no peel raises the density or every peel would leave
   less than ``min_mass`` of all draws. Each step is a row of the *trajectory*.
2. **Choose.** The box of the trajectory with the highest density among those
   that cover at least ``min_coverage`` of the draws where the claim holds
   (of those earlier boxes left, when covering); the earliest, hence the
   widest, on a tie. The first box (every draw) always qualifies.
3. **Paste.** Expand a restricted bound back by ``alpha`` of the box's draws,
   or by a half, a quarter, … of that down to one draw (or readmit one
   label): the expansion that keeps the density highest (the largest on a
   tie), while the density does not fall. (The smaller steps let a box grow
   right up to an edge the peels overshot.)
4. **Simplify.** Drop a bound that excludes no draw inside the box's other
   restrictions (the draws reach it anyway), then, one at a
   time (the weakest first), a restriction whose removal lowers the density by
   less than ``negligible``, or whose excluded draws do not hold the claim
   significantly less often than the box's (Fisher's exact test, one-sided, at
   ``significance`` 0.05 divided by the number of parameters): on a few draws of
   many parameters, peeling fits noise, and this drops the restrictions that
   only fit it. Each remaining bound is then written with the fewest
   decimals that keep the same draws in the box (``x ≤ 0.3`` rather than
   ``x ≤ 0.29783``, when no draw lies between).
5. **Cover.** Remove the box's draws and look again, while the next box's
   density is at least halfway between the claim's overall share and 1, up to
   ``boxes`` boxes. The statistics of a later box count only the draws outside
   the earlier ones (so coverages add up).

>>> rng = np.random.default_rng(0)
>>> x, y = rng.random(2000), rng.random(2000)
>>> box = discover({"x": x, "y": y}, (x < 0.3) & (y > 0.6))[0]
>>> sorted(box.json()["restrictions"])
['x', 'y']
>>> box.density > 0.95 and box.coverage > 0.95
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.experiments.by_choice import categorical_arrays

Inputs = Mapping[str, NDArray[Any]]
"""The parameters' values, one array per parameter (float, or labels as an object array)."""
Mask = NDArray[np.bool_]
BOXES = 3
"""Most boxes covering finds, by default."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How PRIM peels, pastes, chooses and covers (see the module docstring)."""

    alpha: float = 0.05
    """Share of the box's draws one peel (or paste) removes (adds)."""
    min_mass: float = 0.05
    """Least share of all draws a box may hold."""
    min_coverage: float = 0.5
    """The chosen box is the densest of the trajectory with at least this coverage."""
    negligible: float = 0.01
    """A restriction whose removal lowers the density by less than this is dropped."""
    significance: float = 0.05
    """A restriction is kept only if the draws it alone excludes hold the claim less often
    than the box's, by Fisher's exact test at this level divided by the number of parameters
    (Bonferroni): on few draws, restrictions that fit noise are dropped."""
    boxes: int = BOXES
    """Most boxes covering finds."""


@dataclass(frozen=True, slots=True)
class Interval:
    """A numeric restriction ``low <= value <= high``; an infinite side is unrestricted."""

    low: float = -math.inf
    high: float = math.inf

    def contains(self, values: NDArray[Any]) -> Mask:
        """Which values lie within ``[low, high]``."""
        return (values >= self.low) & (values <= self.high)

    def json(self) -> list[float | None]:
        """``[low, high]``, ``null`` for an unrestricted side."""
        return [None if math.isinf(b) else float(b) for b in (self.low, self.high)]

    def statement(self, name: str) -> str:
        """``name ≤ 0.3``, ``0.2 ≤ name ≤ 0.5``, ``name ≥ 0.6``."""
        low = "" if math.isinf(self.low) else f"{self.low:.6g} ≤ "
        high = "" if math.isinf(self.high) else f" ≤ {self.high:.6g}"
        if low and not high:
            return f"{name} ≥ {self.low:.6g}"
        return f"{low}{name}{high}"


@dataclass(frozen=True, slots=True)
class Labels:
    """A categorical restriction: the value is one of ``labels``."""

    labels: tuple[str, ...]

    def contains(self, values: NDArray[Any]) -> Mask:
        """Which values are one of the labels."""
        return np.isin(values, list(self.labels))

    def json(self) -> list[str]:
        """The labels, as a list."""
        return list(self.labels)

    def statement(self, name: str) -> str:
        """``name is us`` or ``name is one of us, un``."""
        if len(self.labels) == 1:
            return f"{name} is {self.labels[0]}"
        return f"{name} is one of {', '.join(self.labels)}"


Restriction = Interval | Labels
Restrictions = dict[str, Restriction]


@dataclass(frozen=True, slots=True)
class Step:
    """One box of the peeling trajectory: its statistics and how many parameters it restricts."""

    coverage: float
    density: float
    mass: float
    restricted: int

    def json(self) -> dict[str, float | int]:
        """``{coverage, density, mass, restricted}``."""
        return {
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "restricted": self.restricted,
        }


@dataclass(frozen=True, slots=True)
class Box:
    """A found box: its restrictions, statistics and the peeling trajectory it was chosen from."""

    restrictions: tuple[tuple[str, Restriction], ...]
    coverage: float
    density: float
    mass: float
    trajectory: tuple[Step, ...] = ()
    chosen: int = 0
    """The index in ``trajectory`` of the peeled box that was pasted and simplified into this one."""

    def contains(self, inputs: Inputs) -> Mask:
        """Which draws fall in the box."""
        return _inside(inputs, dict(self.restrictions), _everywhere(inputs))

    def statement(self, named: Callable[[str], str] = str) -> str:
        """The box in plain words, each parameter as ``named`` calls it (default: its name).

        >>> Box((("x", Interval(high=0.3)), ("m", Labels(("us",)))), 0.88, 0.94, 0.1).statement()
        'holds on 94% of draws with x ≤ 0.3 and m is us; these cover 88% of the draws where it holds'
        """
        where = " and ".join(r.statement(named(name)) for name, r in self.restrictions)
        return (
            f"holds on {_percent(self.density)} of draws with {where}; these cover "
            f"{_percent(self.coverage)} of the draws where it holds"
        )

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> Box:
        """The box a ``json()`` document describes (its statistics and restrictions).

        >>> Box.of({"restrictions": {"x": [None, 0.3], "m": ["us"]}, "coverage": 0.88,
        ...         "density": 0.94, "mass": 0.1}).statement(str.upper)
        'holds on 94% of draws with X ≤ 0.3 and M is us; these cover 88% of the draws where it holds'
        """
        restrictions: list[tuple[str, Restriction]] = []
        for name, bound in document["restrictions"].items():
            if len(bound) == 2 and all(b is None or isinstance(b, int | float) for b in bound):
                low, high = bound
                restrictions.append(
                    (
                        name,
                        Interval(
                            -math.inf if low is None else float(low),
                            math.inf if high is None else float(high),
                        ),
                    )
                )
            else:
                restrictions.append((name, Labels(tuple(map(str, bound)))))
        return cls(tuple(restrictions), document["coverage"], document["density"], document["mass"])

    def json(self) -> dict[str, object]:
        """``{restrictions, coverage, density, mass, statement}``."""
        return {
            "restrictions": {name: r.json() for name, r in self.restrictions},
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "statement": self.statement(),
        }


def _percent(x: float) -> str:
    return f"{100 * x:.0f}%"


class _Draws:
    """The draws, whether the claim holds on each, and the statistics of a box over them."""

    def __init__(self, inputs: Inputs, holds: Mask) -> None:
        self.inputs = inputs
        self.holds = holds
        self.total = holds.size
        self.holding = int(holds.sum())
        self.categorical = categorical_arrays(inputs)
        """The parameters whose values are labels."""

    def step(self, inside: Mask, restricted: int) -> Step:
        """A box's coverage, density and mass (``inside``: the draws in it)."""
        count = int(inside.sum())
        hits = int((inside & self.holds).sum())
        return Step(
            hits / self.holding if self.holding else 0.0,
            hits / count if count else 0.0,
            count / self.total,
            restricted,
        )

    def density(self, inside: Mask) -> float:
        count = int(inside.sum())
        return float(self.holds[inside].sum()) / count if count else 0.0

    def separation(self, inside: Mask, wider: Mask) -> tuple[float, float]:
        """How much a restriction matters: the density the box loses without it (``wider``:
        the box without it), and the p-value of Fisher's exact test (one-sided) that the
        draws only the restriction excludes hold the claim less often than the box's (1 when
        it excludes nothing).

        >>> holds = np.array([True] * 6 + [False] * 6)
        >>> draws = _Draws({"x": np.arange(12.0)}, holds)
        >>> loss, p = draws.separation(np.arange(12) < 6, np.ones(12, dtype=bool))
        >>> round(loss, 3), round(p, 5)
        (0.5, 0.00108)
        """
        from scipy.stats import fisher_exact

        excluded = wider & ~inside
        n1, n2 = int(inside.sum()), int(excluded.sum())
        if n1 == 0 or n2 == 0:
            return 0.0, 1.0
        h1, h2 = int(self.holds[inside].sum()), int(self.holds[excluded].sum())
        loss = h1 / n1 - (h1 + h2) / (n1 + n2)
        table = [[h1, n1 - h1], [h2, n2 - h2]]
        return loss, float(fisher_exact(table, alternative="greater").pvalue)


def statistics(inputs: Inputs, holds: Mask, box: Mapping[str, Restriction]) -> Step:
    """The coverage, density and mass of the box ``box`` over every draw.

    >>> x = np.array([0.1, 0.2, 0.6, 0.9])
    >>> statistics({"x": x}, np.array([True, False, True, False]), {"x": Interval(high=0.5)})
    Step(coverage=0.5, density=0.5, mass=0.5, restricted=1)
    """
    draws = _Draws(inputs, holds)
    return draws.step(_inside(inputs, dict(box), _everywhere(inputs)), len(box))


def discover(inputs: Inputs, holds: Mask, settings: Settings | None = None) -> tuple[Box, ...]:
    """The boxes that describe where ``holds``, best (first found) first; empty if it never varies.

    Args:
        inputs: each parameter's values, one per draw (numbers, or labels as strings).
        holds: whether the claim holds on each draw.
        settings: PRIM's settings (:class:`Settings`).
    """
    settings = settings or Settings()
    holds = np.asarray(holds, dtype=bool)
    draws = _Draws(inputs, holds)
    share = draws.holding / draws.total if draws.total else 0.0
    active = np.ones(holds.size, dtype=bool)
    found: list[Box] = []
    while len(found) < settings.boxes and 0 < int(holds[active].sum()) < int(active.sum()):
        box = _one_box(draws, active, settings)
        if box is None or (found and box.density < (share + 1) / 2):
            break
        found.append(box)
        active &= ~_inside(inputs, dict(box.restrictions), active)
    return tuple(found)


def _one_box(draws: _Draws, active: Mask, settings: Settings) -> Box | None:
    """Peel, choose, paste and simplify one box among the ``active`` draws (None: no restriction)."""
    boxes = list(_peeling(draws, active, settings))
    trajectory = tuple(draws.step(_inside(draws.inputs, b, active), len(b)) for b in boxes)
    left = int(draws.holds[active].sum()) / draws.holding
    chosen = _choose(trajectory, settings.min_coverage * left)
    restrictions = _simplify(
        draws, active, _paste(draws, active, boxes[chosen], settings), settings
    )
    if not restrictions:
        return None
    restrictions = _round_bounds(draws.inputs, restrictions)
    final = draws.step(_inside(draws.inputs, restrictions, active), len(restrictions))
    ordered = tuple((name, restrictions[name]) for name in draws.inputs if name in restrictions)
    return Box(ordered, final.coverage, final.density, final.mass, trajectory, chosen)


def _choose(trajectory: tuple[Step, ...], min_coverage: float) -> int:
    """The densest box with at least ``min_coverage`` (the earliest on a tie).

    >>> _choose((Step(1, 0.2, 1, 0), Step(0.9, 0.5, 0.3, 1), Step(0.4, 0.9, 0.1, 2)), 0.5)
    1
    """
    eligible = [k for k, s in enumerate(trajectory) if s.coverage >= min_coverage] or [0]
    return max(eligible, key=lambda k: (trajectory[k].density, -k))


def _everywhere(inputs: Inputs) -> Mask:
    first = next(iter(inputs.values()), np.zeros(0))
    return np.ones(len(first), dtype=bool)


def _inside(inputs: Inputs, box: Restrictions, active: Mask) -> Mask:
    inside = active.copy()
    for name, restriction in box.items():
        inside &= restriction.contains(inputs[name])
    return inside


# --------------------------------------------------------------------------- peeling


def _peeling(draws: _Draws, active: Mask, settings: Settings) -> Iterator[Restrictions]:
    """The trajectory: every box from the whole set of draws to the last peel that helped."""
    box: Restrictions = {}
    inside = active.copy()
    density = draws.density(inside)
    least = settings.min_mass * draws.total
    while True:
        yield box
        size = int(inside.sum())
        best: tuple[float, int, Restrictions, Mask] | None = None
        for candidate in _peels(draws, box, inside, settings.alpha):
            kept = inside & candidate[1].contains(draws.inputs[candidate[0]])
            count = int(kept.sum())
            if count < least or count == size:
                continue
            score = (_gain(density, draws.density(kept), (size - count) / draws.total), count)
            if best is None or score > best[:2]:
                best = (*score, {**box, candidate[0]: candidate[1]}, kept)
        if best is None or best[0] <= 0:
            return
        _, _, box, inside = best
        density = draws.density(inside)


def _gain(density: float, peeled: float, removed: float) -> float:
    """A peel's score: the density it gains per share of all draws it removes,
    ``(d′ − d) / (m − m′)``: the EMA Workbench's default peeling objective
    (``lenient1``, the gain in mean over the loss in mass) [Kwakkel2017], the
    criterion Friedman and Fisher's PRIM uses for peels that remove unequal
    shares [FriedmanFisher1999].

    Scored by density alone, a peel that removes a whole label (a third of the
    draws, say) wins over a numeric peel of ``alpha`` that gains nearly as much,
    and the box loses coverage it did not need to lose.

    >>> _gain(0.5, 0.6, 0.05) > _gain(0.5, 0.62, 0.3)
    True
    """
    return (peeled - density) / removed


def _peels(
    draws: _Draws, box: Restrictions, inside: Mask, alpha: float
) -> Iterator[tuple[str, Restriction]]:
    """Every peel of the box: each numeric side cut by ``alpha`` of its draws, each label removed."""
    for name, column in draws.inputs.items():
        values = column[inside]
        if values.size == 0:
            continue
        current = box.get(name)
        if name in draws.categorical:
            present = sorted({str(v) for v in values})
            for label in present if len(present) > 1 else ():
                yield name, Labels(tuple(p for p in present if p != label))
            continue
        interval = current if isinstance(current, Interval) else Interval()
        low, high = _cuts(values.astype(np.float64), alpha)
        if low is not None:
            yield name, replace(interval, low=low)
        if high is not None:
            yield name, replace(interval, high=high)


def _cuts(values: NDArray[np.float64], alpha: float) -> tuple[float | None, float | None]:
    """The new low and high bounds that cut about ``alpha`` of ``values`` off either side.

    A cut removes at least one draw: when the lowest ``alpha`` are all tied, it
    removes the tie. ``None`` when every value is the same.

    >>> _cuts(np.arange(100.0), 0.05)
    (5.0, 94.0)
    >>> _cuts(np.array([0.0, 0.0, 0.0, 1.0]), 0.05)
    (1.0, 0.0)
    """
    least, most = float(values.min()), float(values.max())
    if least == most:
        return None, None
    k = min(max(int(alpha * values.size), 1), values.size - 1)
    low = float(np.partition(values, k)[k])
    high = float(np.partition(values, values.size - 1 - k)[values.size - 1 - k])
    if low == least:
        low = float(values[values > least].min())
    if high == most:
        high = float(values[values < most].max())
    return low, high


# --------------------------------------------------------------------------- pasting


def _paste(draws: _Draws, active: Mask, box: Restrictions, settings: Settings) -> Restrictions:
    """Expand the box's restricted bounds back while its density does not fall."""
    inside = _inside(draws.inputs, box, active)
    density = draws.density(inside)
    while True:
        best: tuple[float, int, Restrictions, Mask] | None = None
        for name, restriction in _pastes(draws.inputs, box, active, inside, settings.alpha):
            widened = {**box, name: restriction}
            grown = _inside(draws.inputs, widened, active)
            size = int(grown.sum())
            if size > int(inside.sum()):
                candidate = (draws.density(grown), size, widened, grown)
                if best is None or candidate[:2] > best[:2]:
                    best = candidate
        if best is None or best[0] < density:
            return box
        density, _, box, inside = best


def _pastes(
    inputs: Inputs, box: Restrictions, active: Mask, inside: Mask, alpha: float
) -> Iterator[tuple[str, Restriction]]:
    """Every paste: each restricted numeric side widened by ``alpha`` of the box (and by a half, a
    quarter, … of that, down to one draw), each label back."""
    step = max(int(alpha * int(inside.sum())), 1)
    steps = sorted({max(step >> k, 1) for k in range(step.bit_length())})
    for name, restriction in box.items():
        others = _inside(inputs, {n: r for n, r in box.items() if n != name}, active)
        column = inputs[name][others]
        if isinstance(restriction, Labels):
            for label in sorted({str(v) for v in column} - set(restriction.labels)):
                yield name, Labels(tuple(sorted((*restriction.labels, label))))
            continue
        values = column.astype(np.float64)
        below = np.sort(values[values < restriction.low])[::-1]
        above = np.sort(values[values > restriction.high])
        for k in steps:
            if below.size:
                yield name, replace(restriction, low=float(below[min(k, below.size) - 1]))
            if above.size:
                yield name, replace(restriction, high=float(above[min(k, above.size) - 1]))


# --------------------------------------------------------------------------- simplifying


def _simplify(draws: _Draws, active: Mask, box: Restrictions, settings: Settings) -> Restrictions:
    """Drop bounds that exclude no draw inside the box's other restrictions, then restrictions
    that barely raise the density."""
    box = dict(box)
    for name in list(box):
        others = _inside(draws.inputs, _without(box, name), active)
        loosened = _loosened(box[name], draws.inputs[name][others])
        if loosened is None:
            del box[name]
        else:
            box[name] = loosened
    while box:
        inside = _inside(draws.inputs, box, active)
        tests = {
            name: draws.separation(inside, _inside(draws.inputs, _without(box, name), active))
            for name in box
        }
        level = settings.significance / len(draws.inputs)
        weak = {
            name: p for name, (loss, p) in tests.items() if loss < settings.negligible or p >= level
        }
        if not weak:
            return box
        del box[max(weak, key=lambda n: weak[n])]
    return box


def _round_bounds(inputs: Inputs, box: Restrictions) -> Restrictions:
    """Every bound of ``box`` written with the fewest decimals that keep the same draws in it."""
    everywhere = _everywhere(inputs)
    return {
        name: _rounded(r, inputs[name][_inside(inputs, _without(box, name), everywhere)])
        for name, r in box.items()
    }


def _without(box: Restrictions, name: str) -> Restrictions:
    return {n: r for n, r in box.items() if n != name}


def _rounded(restriction: Restriction, values: NDArray[Any]) -> Restriction:
    """The interval with each bound written with the fewest decimals that keep the same draws in
    (``values``: the draws inside the box's other restrictions).

    >>> _rounded(Interval(high=0.29783), np.array([0.1, 0.29783, 0.3012]))
    Interval(low=-inf, high=0.3)
    >>> _rounded(Interval(low=0.60063), np.array([0.6004, 0.60063, 0.9]))
    Interval(low=0.6006, high=inf)
    """
    if isinstance(restriction, Labels):
        return restriction
    numbers = values.astype(np.float64)
    low, high = restriction.low, restriction.high
    if not math.isinf(low):
        below = numbers[numbers < low]
        low = _shortest(float(below.max()), low, upward=False) if below.size else low
    if not math.isinf(high):
        above = numbers[numbers > high]
        high = _shortest(high, float(above.min()), upward=True) if above.size else high
    return Interval(low, high)


def _shortest(a: float, b: float, upward: bool) -> float:
    """The number with the fewest decimals in ``[a, b)`` (``upward``) or ``(a, b]``.

    >>> _shortest(0.29783, 0.3012, True), _shortest(0.6004, 0.60063, False)
    (0.3, 0.6006)
    """
    for digits in range(18):
        scale = 10.0**digits
        candidate = (math.ceil(a * scale) if upward else math.floor(b * scale)) / scale
        if (a <= candidate < b) if upward else (a < candidate <= b):
            return candidate
    return a if upward else b


def _loosened(restriction: Restriction, values: NDArray[Any]) -> Restriction | None:
    """The restriction without the bounds ``values`` never pass; ``None`` if nothing is left.

    >>> _loosened(Interval(0.0, 0.5), np.array([0.0, 0.3, 0.9]))
    Interval(low=-inf, high=0.5)
    >>> _loosened(Labels(("a", "b")), np.array(["a", "b"], dtype=object)) is None
    True
    """
    if isinstance(restriction, Labels):
        return None if {str(v) for v in values} <= set(restriction.labels) else restriction
    low = -math.inf if values.size == 0 or restriction.low <= values.min() else restriction.low
    high = math.inf if values.size == 0 or restriction.high >= values.max() else restriction.high
    return None if math.isinf(low) and math.isinf(high) else Interval(low, high)


# --------------------------------------------------------------------------- summaries

TRADEOFF_ROWS = 10
"""About how many rows of the trajectory a summary shows."""


def tradeoff(box: Box, rows: int = TRADEOFF_ROWS) -> list[dict[str, object]]:
    """The box's peeling trajectory thinned to about ``rows`` rows (the first, the last and the
    chosen one always among them): ``step`` (0 is every draw), ``coverage``, ``density``,
    ``mass``, ``restricted`` (how many parameters the box restricts) and ``chosen`` (the box
    that was pasted into ``box``).

    >>> steps = tuple(Step(1 - k / 40, 0.1 + k / 40, 1 - k / 40, min(k, 2)) for k in range(31))
    >>> [r["chosen"] for r in tradeoff(Box((), 0.5, 0.9, 0.1, steps, 8))].count(True)
    1
    >>> len(tradeoff(Box((), 0.5, 0.9, 0.1, steps, 8)))
    11
    """
    count = len(box.trajectory)
    picked = {*np.linspace(0, count - 1, min(rows, count)).round().astype(int).tolist(), box.chosen}
    return [
        {"step": k, **box.trajectory[k].json(), "chosen": k == box.chosen}
        for k in sorted(picked)
        if 0 <= k < count
    ]


def describe(holds: Mask, inputs: Inputs, settings: Settings | None = None) -> dict[str, object]:
    """One claim's discovery summary: ``{share, boxes, tradeoff}`` and, without boxes, ``reason``.

    ``boxes`` are :meth:`Box.json`, best (first found) first; ``tradeoff`` is
    the first box's thinned trajectory (:func:`tradeoff`).

    >>> describe(np.ones(4, dtype=bool), {"x": np.arange(4.0)})["reason"]
    'it holds on every draw: there is nothing to tell apart'
    """
    holds = np.asarray(holds, dtype=bool)
    share = float(holds.mean()) if holds.size else 0.0
    summary: dict[str, object] = {"share": share, "boxes": [], "tradeoff": []}
    if holds.all() or not holds.any():
        which = "every" if holds.all() else "no"
        summary["reason"] = f"it holds on {which} draw: there is nothing to tell apart"
        return summary
    if not inputs:
        summary["reason"] = "the sweep drew no parameter"
        return summary
    boxes = discover(inputs, holds, settings)
    if not boxes:
        summary["reason"] = (
            "no box of parameter values holds it significantly more often than the whole range "
            f"(on {holds.size:,} draws; more draws may find one)"
        )
        return summary
    summary["boxes"] = [box.json() for box in boxes]
    summary["tradeoff"] = tradeoff(boxes[0])
    return summary
