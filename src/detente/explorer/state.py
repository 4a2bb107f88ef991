"""The explorer's view state: the value of every control, as the URL, the ``--set`` line, YAML.

A view is the scenario at some values of its uncertain parameters. The controls are the
parameters a sweep would draw (:meth:`~detente.experiments.scenario_text.ScenarioText.uncertain`):
a number with a declared ``range`` is a slider, a categorical parameter (``choices:``) a
selector. The state travels in the URL as ``?set=NAME=VALUE&set=NAME=LABEL`` — only the values
that differ from the file's — so a view can be shared, and the same values are the ``--set``
line ``detente analyze`` accepts. A value from a URL is checked against the control: an unknown
name, a value that is not a number, a number outside the declared range or a label not among
the choices is refused with a notice (the sliders show only the declared range; ``detente
analyze --set`` can go beyond it).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

from detente.errors import DetenteError
from detente.experiments.draws import Choice, Drawn
from detente.labels import Labels
from detente.scenario import ParameterRecord, ParameterValue

SLIDER_STEPS = 100
"""About how many steps a slider has over its range (rounded to a step of 1, 2 or 5 × 10^k)."""


@dataclass(frozen=True, slots=True)
class Control:
    """One uncertain parameter as the page shows it: a slider or a selector.

    A slider has ``low``, ``high`` and ``step`` (``choices`` is empty); a selector has
    ``choices`` (its labels in the file's order). ``default`` is the file's value.
    """

    name: str
    label: str
    default: ParameterValue
    source: str | None = None
    description: str | None = None
    low: float = 0.0
    high: float = 0.0
    step: float = 1.0
    integer: bool = False
    choices: tuple[str, ...] = ()

    @property
    def is_choice(self) -> bool:
        """Whether the control is a selector among labels."""
        return bool(self.choices)

    @property
    def hover(self) -> str:
        """What the page shows on hover: the description and the source, as the file gives them."""
        return " — ".join(t for t in (self.description, self.source) if t) or self.name

    def check(self, raw: str | float) -> ParameterValue:
        """``raw`` as this control's value, or a :class:`DetenteError` saying why it cannot be.

        >>> Control("w", "w", 0.5, low=0.0, high=1.0, step=0.01).check("0.25")
        0.25
        >>> Control("rule", "rule", "veto", choices=("veto", "none")).check("maybe")
        Traceback (most recent call last):
        detente.errors.DetenteError: rule=maybe: not one of its choices (veto, none)
        """
        if self.is_choice:
            label = str(raw).strip()
            if label not in self.choices:
                raise DetenteError(
                    f"{self.name}={label}: not one of its choices ({', '.join(self.choices)})"
                )
            return label
        shown = raw if isinstance(raw, str) else number_text(raw)
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise DetenteError(f"{self.name}={shown}: not a number") from None
        if not math.isfinite(number) or not self.low <= number <= self.high:
            raise DetenteError(
                f"{self.name}={shown}: outside its declared range "
                f"[{number_text(self.low)}, {number_text(self.high)}]"
            )
        return float(round(number)) if self.integer else number

    def same(self, value: ParameterValue) -> bool:
        """Whether ``value`` is the file's value (numbers within a millionth of a step)."""
        if self.is_choice or isinstance(value, str) or isinstance(self.default, str):
            return value == self.default
        return abs(float(value) - float(self.default)) <= self.step * 1e-6


def controls(
    uncertain: Sequence[Drawn], records: Mapping[str, ParameterRecord], labels: Labels
) -> tuple[Control, ...]:
    """The page's controls for a scenario's uncertain parameters, in the file's order."""
    return tuple(_control(drawn, records.get(drawn.name), labels) for drawn in uncertain)


def _control(drawn: Drawn, record: ParameterRecord | None, labels: Labels) -> Control:
    source = None if record is None else record.source
    description = None if record is None else record.description
    label = labels.parameter(drawn.name)
    if isinstance(drawn, Choice):
        return Control(drawn.name, label, drawn.value, source, description, choices=drawn.labels)
    default = drawn.centre if drawn.value is None else drawn.value
    step = 1.0 if drawn.integer else nice_step((drawn.high - drawn.low) / SLIDER_STEPS)
    return Control(
        drawn.name,
        label,
        float(default),
        source,
        description,
        low=drawn.low,
        high=drawn.high,
        step=step,
        integer=drawn.integer,
    )


def nice_step(width: float) -> float:
    """The largest step of 1, 2 or 5 × 10^k not above ``width`` (a slider's step).

    >>> nice_step(0.0117), nice_step(0.3), nice_step(12.0)
    (0.01, 0.2, 10.0)
    """
    if width <= 0:
        return 1.0
    exponent = math.floor(math.log10(width))
    for mantissa in (5, 2, 1):
        step = mantissa * 10.0**exponent
        if step <= width * (1 + 1e-9):
            return float(f"{step:.12g}")
    return float(f"{10.0**exponent:.12g}")


def number_text(x: float) -> str:
    """A number as the URL, the ``--set`` line and the YAML write it (no trailing noise).

    >>> number_text(2.0), number_text(0.30000000000000004), number_text(1e-7)
    ('2', '0.3', '1e-07')
    """
    return f"{x:.10g}"


def value_text(value: ParameterValue) -> str:
    """A parameter's value as text: a label as it is, a number by :func:`number_text`."""
    return value if isinstance(value, str) else number_text(float(value))


def changed(
    controls: Iterable[Control], values: Mapping[str, ParameterValue]
) -> dict[str, ParameterValue]:
    """The values that differ from the file's, in the controls' order."""
    return {
        c.name: values[c.name] for c in controls if c.name in values and not c.same(values[c.name])
    }


def from_query(
    query: str, controls: Sequence[Control]
) -> tuple[dict[str, ParameterValue], tuple[str, ...]]:
    """The values a URL's query sets (``?set=NAME=VALUE&...``), and a notice per refused one.

    Other query keys are ignored; a later ``set`` of the same name wins.

    >>> rule = Control("rule", "rule", "veto", choices=("veto", "none"))
    >>> w = Control("w", "w", 0.5, low=0.0, high=1.0, step=0.01)
    >>> from_query("?set=rule=none&set=w=0.8&set=x=1", (rule, w))
    ({'rule': 'none', 'w': 0.8}, ('x=1: no such uncertain parameter',))
    """
    by_name = {c.name: c for c in controls}
    values: dict[str, ParameterValue] = {}
    notices: list[str] = []
    for key, pair in parse_qsl(query.lstrip("?"), keep_blank_values=True):
        if key != "set":
            continue
        name, _, raw = pair.partition("=")
        control = by_name.get(name.strip())
        try:
            if control is None:
                raise DetenteError(f"{pair}: no such uncertain parameter")
            values[control.name] = control.check(raw)
        except DetenteError as error:
            notices.append(str(error))
    return values, tuple(notices)


def to_query(controls: Sequence[Control], values: Mapping[str, ParameterValue]) -> str:
    """The URL query of a view: ``?set=NAME=VALUE`` for each value that differs from the file's
    (empty when none does).

    >>> w = Control("w", "w", 0.5, low=0.0, high=1.0, step=0.01)
    >>> to_query((w,), {"w": 0.75}), to_query((w,), {"w": 0.5})
    ('?set=w=0.75', '')
    """
    pairs = [
        f"set={quote(f'{n}={value_text(v)}', safe='=')}"
        for n, v in changed(controls, values).items()
    ]
    return "?" + "&".join(pairs) if pairs else ""


def set_line(controls: Sequence[Control], values: Mapping[str, ParameterValue]) -> str:
    """The ``--set`` options of a view, as ``detente analyze`` accepts them (empty: the file's
    values).

    >>> rule = Control("rule", "rule", "veto", choices=("veto", "none"))
    >>> set_line((rule,), {"rule": "none"})
    '--set rule=none'
    """
    return options(changed(controls, values))


def options(sets: Mapping[str, ParameterValue]) -> str:
    """``--set NAME=VALUE`` for each of ``sets``, in order.

    >>> options({"w": 0.25, "rule": "none"})
    '--set w=0.25 --set rule=none'
    """
    return " ".join(f"--set {n}={value_text(v)}" for n, v in sets.items())


def overrides(
    controls: Sequence[Control], values: Mapping[str, ParameterValue]
) -> tuple[tuple[str, ParameterValue], ...]:
    """The changed values as a sorted tuple: the key a view's evaluation is cached under."""
    return tuple(sorted(changed(controls, values).items()))


def from_controls(controls: Sequence[Control], raw: Sequence[object]) -> dict[str, ParameterValue]:
    """The values the page's controls hold (``raw``, in the controls' order); a control the
    browser left empty keeps the file's value, a number outside the range is brought into it."""
    values: dict[str, ParameterValue] = {}
    for control, value in zip(controls, raw, strict=True):
        if value is None or value == "":
            values[control.name] = control.default
        elif control.is_choice:
            values[control.name] = str(value)
        else:
            number = min(max(float(str(value)), control.low), control.high)
            values[control.name] = float(round(number)) if control.integer else number
    return values
