"""Plain-language pieces the captions are built from: numbers, lists, outcomes, shares."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

SOLUTION_LABELS = {
    "nash": "Nash",
    "kalai_smorodinsky": "Kalai–Smorodinsky",
    "egalitarian": "egalitarian",
    "utilitarian": "utilitarian",
}
"""How each bargaining solution is named in prose."""


def number(x: float | None) -> str:
    """A utility or amount as a reader wants it: integers bare, others to 3 significant digits.

    >>> number(4.0), number(2.3456), number(-0.5), number(1234567.0), number(None)
    ('4', '2.35', '-0.5', '1,234,567', 'n/a')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if math.isinf(x):
        return "unacceptable" if x < 0 else "unbounded"
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:.3g}"


def share(x: float) -> str:
    """A share in [0, 1] as a percentage.

    >>> share(0.923), share(1.0), share(0.0004)
    ('92%', '100%', '0.04%')
    """
    percent = 100.0 * x
    if percent == 0 or percent >= 1 or percent == 100:
        return f"{percent:.0f}%"
    return f"{percent:.2g}%"


def join(words: Sequence[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> join(["A"]), join(["A", "B"]), join(["A", "B", "C"], "or")
    ('A', 'A and B', 'A, B or C')
    """
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 outcome``, ``2 outcomes``, ``1,200 outcomes``.

    >>> plural(1, "outcome"), plural(1200, "outcome"), plural(2, "party", "parties")
    ('1 outcome', '1,200 outcomes', '2 parties')
    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def outcome(
    values: Mapping[str, Any],
    kinds: Mapping[str, str] | None = None,
    name: Callable[[str], str] | None = None,
) -> str:
    """An outcome in words: a lone issue's value, delivered items joined by +, else name value.

    ``kinds`` maps issue names to their kind (``item`` issues are listed when delivered);
    ``name`` gives an issue's display name (``labels.issue``), the id itself without it.

    >>> outcome({"deal": "MediumDeal"})
    'MediumDeal'
    >>> outcome({"yongbyon": 1, "tests": 0, "relief": 1}, {"yongbyon": "item", "tests": "item", "relief": "item"})
    'yongbyon + relief'
    >>> outcome({"price": 5, "bonus": "high"})
    'price=5, bonus=high'
    """
    kinds = kinds or {}
    shown = name or str
    items = [k for k in values if kinds.get(k) == "item"]
    delivered = [shown(k) for k in items if values[k]]
    separator = " = " if name is not None else "="
    others = [
        f"{shown(k)}{separator}{_value(v)}"
        for k, v in values.items()
        if kinds.get(k) != "item" and (name is None or v)
    ]
    if not items and len(values) == 1:
        issue, value = next(iter(values.items()))
        return str(value) if isinstance(value, str) else f"{shown(issue)}{separator}{value}"
    parts = [" + ".join(delivered)] if delivered else []
    if items and not delivered and not others:
        return "nothing delivered"
    return ", ".join(parts + others)


def _value(value: object) -> str:
    return (
        number(value)
        if isinstance(value, int | float) and not isinstance(value, bool)
        else str(value)
    )


def worth(utilities: Sequence[float], parties: Sequence[str]) -> str:
    """``worth 4 to A and 5 to B``.

    >>> worth([4.0, 5.5], ["A", "B"])
    'worth 4 to A and 5.5 to B'
    """
    return "worth " + join([f"{number(u)} to {p}" for u, p in zip(utilities, parties, strict=True)])


def ranges(values: Sequence[float], inside: Sequence[bool]) -> list[tuple[float, float]]:
    """The maximal runs of consecutive grid ``values`` where ``inside`` holds, as (first, last).

    >>> ranges([0, 0.25, 0.5, 0.75, 1], [False, True, True, False, True])
    [(0.25, 0.5), (1, 1)]
    """
    runs: list[tuple[float, float]] = []
    start: float | None = None
    for i, (value, flag) in enumerate(zip(values, inside, strict=True)):
        if flag and start is None:
            start = value
        if start is not None and (not flag or i == len(values) - 1):
            runs.append((start, value if flag else values[i - 1]))
            start = None
    return runs


def span(first: float, last: float) -> str:
    """A run of grid values in words.

    >>> span(0.6, 1.0), span(0.5, 0.5)
    ('from 0.6 to 1', 'at 0.5')
    """
    return f"at {number(first)}" if first == last else f"from {number(first)} to {number(last)}"


def sentence(text: str) -> str:
    """Capitalise the first letter (only) and end with a full stop.

    >>> sentence("egalitarian agrees with Kalai–Smorodinsky")
    'Egalitarian agrees with Kalai–Smorodinsky.'
    """
    text = text.rstrip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def possessive(name: str) -> str:
    """``North Korea's``, ``United States'`` (a proper name ending in s), ``us's`` (an id).

    >>> possessive("North Korea"), possessive("United States"), possessive("us")
    ("North Korea's", "United States'", "us's")
    """
    return f"{name}'" if name.endswith("s") and name[:1].isupper() else f"{name}'s"


def box_statement(box: Mapping[str, Any], label: Callable[[str], str] = str) -> str:
    """A discovered box in words, with the parameters' display names.

    >>> box_statement({"restrictions": {"x": [None, 0.3]}, "density": 0.94, "coverage": 0.88})
    'holds on 94% of draws with x ≤ 0.3; these cover 88% of the draws where it holds'
    """
    return (
        f"holds on {share(box['density'])} of draws with "
        f"{restrictions(box['restrictions'], label, ' and ')}; these cover {share(box['coverage'])} of "
        "the draws where it holds"
    )


def restrictions(
    found: Mapping[str, Sequence[Any]], label: Callable[[str], str] = str, separator: str = ", "
) -> str:
    """A box's restrictions in words.

    >>> restrictions({"x": [None, 0.3], "y": [0.6, None], "m": ["us"], "z": [0.1, 0.2]})
    'x ≤ 0.3, y ≥ 0.6, m is us, 0.1 ≤ z ≤ 0.2'
    """
    parts = []
    for key, bounds in found.items():
        name = label(key)
        if all(isinstance(b, str) for b in bounds):
            parts.append(f"{name} is {' or '.join(bounds)}")
            continue
        low, high = bounds
        if low is None:
            parts.append(f"{name} ≤ {high:.6g}")
        elif high is None:
            parts.append(f"{name} ≥ {low:.6g}")
        else:
            parts.append(f"{low:.6g} ≤ {name} ≤ {high:.6g}")
    return separator.join(parts)
