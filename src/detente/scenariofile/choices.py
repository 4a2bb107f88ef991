"""Categorical parameters: labels with probabilities, and how a chosen label reaches the file.

A parameter with ``choices`` is categorical: ``{value: veto, choices: {veto: 0.6, none: 0.4}}``
or ``choices: [nk, us]`` (equal probabilities). Its ``value`` is the point estimate's
label; ``--set NAME=LABEL`` chooses another, and sweeps draw the labels with their
probabilities. The chosen label reaches the rest of the file in two ways, both resolved here,
before validation, so nothing below the file layer knows a choice exists:

- a string written ``=NAME`` becomes the chosen label (``rule: =hardliner_rule``); a label
  that reads as a number (``choices: [2, 3, 4]``) is a number inside any formula;
- a mapping ``{select: NAME, cases: {LABEL: VALUE, ...}}`` becomes the chosen label's
  ``VALUE`` (any YAML value), wherever a value goes. Every label needs a case.

Labels are compared as written (``str`` of the YAML key or item); a number given for a
numeric label (``--set n=3`` for the label ``3.0``) matches it by value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from detente.errors import FieldError, UnknownNameError

SUM_TOLERANCE = 1e-9
"""How far from 1 the probabilities of a choice may sum (they are sums of decimals)."""

NOT_BESIDE_CHOICES = ("range", "distribution", "mode", "sd", "integer")
"""Fields of a numeric parameter that mean nothing for a categorical one."""

SELECT = "select"
CASES = "cases"

Table = tuple[tuple[str, float], ...]
"""A choice's labels with their probabilities, in the file's order."""


def is_choice(spec: object) -> bool:
    """Whether a ``parameters:`` entry is categorical (it has ``choices``).

    >>> is_choice({"value": "a", "choices": ["a", "b"]}), is_choice({"value": 1.0})
    (True, False)
    """
    return isinstance(spec, Mapping) and "choices" in spec


def label_text(value: object, path: tuple[str | int, ...] = ()) -> str:
    """A label as compared and stored: a string as written, a number as ``str`` prints it.

    >>> label_text("veto"), label_text(3), label_text(0.5)
    ('veto', '3', '0.5')
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FieldError(f"a label must be a name or a number, got {value!r}", path)
    text = str(value)
    if not text.strip() or text.startswith("="):
        raise FieldError(f"label {text!r}: a label is a non-empty name not starting with '='", path)
    return text


def label_number(label: str) -> float | None:
    """The number a label reads as (usable in formulas), or ``None`` for a name.

    >>> label_number("3"), label_number("veto")
    (3.0, None)
    """
    try:
        number = float(label)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def choice_table(spec: Mapping[str, Any]) -> Table:
    """The labels and probabilities of a categorical ``parameters:`` entry, checked.

    Errors carry the path of the offending field below the entry.

    >>> choice_table({"value": "a", "choices": ["a", "b"]})
    (('a', 0.5), ('b', 0.5))
    >>> choice_table({"value": "a", "choices": {"a": 0.7, "b": 0.2}})
    Traceback (most recent call last):
    ...
    detente.errors.FieldError: the probabilities of the choices sum to 0.9; they must sum to 1
    """
    for key in NOT_BESIDE_CHOICES:
        if key in spec:
            raise FieldError(
                f"`{key}` does not apply to a categorical parameter: sweeps draw its labels "
                "with the probabilities given in `choices`",
                (key,),
            )
    raw = spec["choices"]
    if isinstance(raw, Mapping):
        table = tuple((label_text(k, ("choices",)), _probability(k, p)) for k, p in raw.items())
    elif isinstance(raw, list):
        labels = [label_text(v, ("choices", i)) for i, v in enumerate(raw)]
        table = tuple((label, 1.0 / len(labels)) for label in labels) if labels else ()
    else:
        raise FieldError(
            "`choices` must be a mapping {LABEL: probability, ...} or a list [LABEL, ...]",
            ("choices",),
        )
    _check_table(table)
    return table


def _probability(label: object, value: object) -> float:
    path = ("choices", str(label))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError(f"the probability of {label!r} must be a number, got {value!r}", path)
    if not (math.isfinite(value) and value >= 0):
        raise FieldError(f"the probability of {label!r} is {value}; it must be at least 0", path)
    return float(value)


def _check_table(table: Table) -> None:
    labels = [label for label, _ in table]
    if len(labels) < 2:
        raise FieldError(
            f"a categorical parameter needs at least two labels, got {len(labels)}", ("choices",)
        )
    if len(set(labels)) != len(labels):
        twice = next(label for label in labels if labels.count(label) > 1)
        raise FieldError(f"label {twice!r} is listed twice", ("choices",))
    total = math.fsum(p for _, p in table)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise FieldError(
            f"the probabilities of the choices sum to {total:.12g}; they must sum to 1",
            ("choices",),
        )


def match_label(labels: Sequence[str], given: object) -> str | None:
    """The label ``given`` names: the same text, or the same number; ``None`` if none.

    >>> match_label(("2", "3.0"), 3.0), match_label(("veto", "none"), "none")
    ('3.0', 'none')
    >>> match_label(("veto", "none"), "majority") is None
    True
    """
    if isinstance(given, bool):
        return None
    text = str(given)
    if text in labels:
        return text
    number = given if isinstance(given, int | float) else label_number(text)
    if number is None:
        return None
    return next((label for label in labels if label_number(label) == number), None)


def chosen(table: Table, spec: Mapping[str, Any]) -> str:
    """The label a categorical entry's ``value`` names (its point estimate)."""
    labels = tuple(label for label, _ in table)
    if "value" not in spec:
        raise FieldError(
            f"a categorical parameter needs `value: LABEL` (its point estimate), one of: "
            f"{', '.join(labels)}"
        )
    label = match_label(labels, spec["value"])
    if label is None:
        raise FieldError(
            f"value {spec['value']!r} is not one of the choices: {', '.join(labels)}", ("value",)
        )
    return label


def select_case(
    node: Mapping[str, Any], labels: Mapping[str, tuple[str, ...]], chosen: Mapping[str, str]
) -> tuple[str, Any]:
    """The chosen label and its value in a ``{select: NAME, cases: {...}}`` mapping, checked.

    ``labels`` gives every categorical parameter's labels, ``chosen`` its chosen label.

    >>> select_case({"select": "f", "cases": {"a": [1], "b": [2]}}, {"f": ("a", "b")}, {"f": "b"})
    ('b', [2])
    """
    extra = sorted(set(node) - {SELECT, CASES})
    if extra:
        raise FieldError(
            f"unknown field {extra[0]!r} beside `select`: a selection is "
            "{select: NAME, cases: {LABEL: VALUE, ...}}",
            (extra[0],),
        )
    name = node.get(SELECT)
    if not isinstance(name, str) or name not in labels:
        known = ", ".join(sorted(labels)) or "none declared"
        raise FieldError(
            f"select: {name!r} is not a categorical parameter; categorical parameters: {known}",
            (SELECT,),
            UnknownNameError,
        )
    cases = node.get(CASES)
    if not isinstance(cases, Mapping):
        raise FieldError(
            f"`cases` must map each label of {name} to a value: {', '.join(labels[name])}",
            (CASES,),
        )
    missing = [label for label in labels[name] if label not in cases]
    if missing:
        raise FieldError(
            f"no case for {', '.join(missing)}: every label of {name} needs one "
            f"({', '.join(labels[name])})",
            (CASES,),
        )
    unknown = [str(k) for k in cases if str(k) not in labels[name]]
    if unknown:
        raise FieldError(
            f"case {unknown[0]!r} is not a label of {name}: {', '.join(labels[name])}",
            (CASES, unknown[0]),
        )
    label = chosen[name]
    return label, cases[label]
