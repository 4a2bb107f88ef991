"""The calendar of a phased deal: stage dates, their lengths, dated events, the cost of delay.

Without a calendar a stage is an abstract period: a party's ``discount`` is per
stage and an item's ``flow`` is per stage. A :class:`Calendar` gives the stages
dates: the first starts at ``start`` and each lasts its :class:`Duration` (the
last duration given repeats for every later stage). ``period`` is the length
that ``discount``, ``flow``, ``flow_cost`` and the delay cost refer to, so a stage
of ``d`` periods discounts by ``δ^d`` across it and accumulates a flow ``f`` as
``f (1 − δ^d)/(1 − δ)`` (``d f`` at ``δ = 1``); one-period stages are the model
without a calendar exactly (``docs/explanation/self-enforcement.md``, "The calendar").

Dated events take effect from the stage whose dates contain them (the first
stage if they come before ``start``; none if after the last stage):

* a :class:`Strike` (an election, the end of a term) strikes the party's next
  non-empty move with an extra probability, known to everyone;
* a :class:`Deadline` ends the deal unfinished: no stage from it is carried out;
* a :class:`Reweighting` changes a faction's weight; the analysis layer, which
  knows the outcome a fixed package stands for, turns it into a strike of
  probability 1 when the package leaves the party's win-set
  (:mod:`detente.analysis.calendar`); the schedule model itself ignores it.

``delay_cost`` is what each party pays per period while the deal is unfinished.
"""

from __future__ import annotations

import calendar as gregorian
import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np

from detente.errors import DetenteError, FieldError
from detente.phasing.items import PartyValues
from detente.utility import FloatArray

Unit = Literal["days", "weeks", "months", "years"]
UNITS: tuple[Unit, ...] = ("years", "months", "weeks", "days")

MEAN_MONTH_DAYS = 365.2425 / 12
"""Days in a month when a length in days is compared with one in months (the mean Gregorian month)."""


@dataclass(frozen=True, slots=True)
class Duration:
    """A whole number of days, weeks, months or years.

    Months and years add calendar months (31 January plus one month is 28 or 29
    February); days and weeks add days.

    >>> Duration(6, "months").after(date(2019, 8, 31))
    datetime.date(2020, 2, 29)
    >>> Duration(1, "years").ratio(Duration(6, "months")), str(Duration(1, "weeks"))
    (2.0, '1 week')
    """

    count: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise FieldError(f"a length is in {', '.join(UNITS)}, got {self.unit!r}")
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise FieldError(f"a length is a whole number >= 1 of {self.unit}, got {self.count!r}")

    @property
    def in_months(self) -> bool:
        """Whether the length is in calendar months (months or years) rather than days."""
        return self.unit in ("months", "years")

    @property
    def size(self) -> int:
        """The length in its family's base unit: months (months, years) or days (days, weeks)."""
        return self.count * {"years": 12, "months": 1, "weeks": 7, "days": 1}[self.unit]

    def after(self, day: date, times: int = 1) -> date:
        """The date ``times`` lengths after ``day``; a :class:`DetenteError` past 9999-12-31."""
        try:
            if not self.in_months:
                return day + timedelta(days=self.size * times)
            months = day.month - 1 + self.size * times
            year, month = day.year + months // 12, months % 12 + 1
            return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))
        except (OverflowError, ValueError):
            raise DetenteError(
                f"the calendar runs past the last date it can hold (9999-12-31): {times} "
                f"stage(s) of {self} after {day.isoformat()}; start phasing.calendar earlier or "
                "use shorter stages"
            ) from None

    def ratio(self, other: Duration) -> float:
        """This length in units of ``other``: exact within a family, else through the mean month."""
        if self.in_months == other.in_months:
            return self.size / other.size
        days = self.size * MEAN_MONTH_DAYS if self.in_months else float(self.size)
        unit = other.size * MEAN_MONTH_DAYS if other.in_months else float(other.size)
        return days / unit

    def __str__(self) -> str:
        unit = self.unit if self.count != 1 else self.unit[:-1]
        return f"{self.count} {unit}"


def interval(first: date, then: date) -> Duration:
    """The length from ``first`` to ``then``: whole months when the two share their day of the
    month, else days.

    >>> str(interval(date(2019, 3, 1), date(2019, 9, 1))), str(interval(date(2019, 3, 1), date(2019, 3, 15)))
    ('6 months', '14 days')
    """
    if first.day == then.day:
        return Duration((then.year - first.year) * 12 + then.month - first.month, "months")
    return Duration((then - first).days, "days")


@dataclass(frozen=True, slots=True)
class Strike:
    """From ``date`` on, the party's next non-empty move is struck with probability ``hazard``
    (an election, the end of a term), known to everyone."""

    date: date
    name: str
    party: str
    hazard: float
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Deadline:
    """The deal lapses at ``date``: no stage from the one containing it is carried out."""

    date: date
    name: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Reweighting:
    """From ``date`` on, the party's faction ``faction`` weighs ``weight``."""

    date: date
    name: str
    party: str
    faction: str
    weight: float
    source: str | None = None


Event = Strike | Deadline | Reweighting


@dataclass(frozen=True, slots=True)
class StageDates:
    """A stage's dates: it starts on ``start`` and the next one starts on ``end``; ``periods``
    is its length in the calendar's periods. ``stage`` counts from 1."""

    stage: int
    start: date
    end: date
    periods: float


@dataclass(frozen=True, slots=True)
class Calendar:
    """Dated stages: the first starts on ``start``, stage ``k`` lasts ``lengths[k]`` (the last
    length repeats), and ``period`` is the length discounts and flows refer to.

    ``period=None`` takes one stage as the period, which only uniform stages allow.
    ``delay_cost`` is each party's cost per period while the deal is unfinished.

    >>> quarters = Calendar(date(2019, 3, 1), (Duration(3, "months"),), Duration(1, "years"))
    >>> [str(s.start) for s in quarters.stages(3)], quarters.periods(2).tolist()
    (['2019-03-01', '2019-06-01', '2019-09-01'], [0.25, 0.25])
    """

    start: date
    lengths: tuple[Duration, ...]
    period: Duration | None = None
    events: tuple[Event, ...] = ()
    delay_cost: PartyValues = ()

    def __post_init__(self) -> None:
        if not self.lengths:
            raise FieldError("a calendar needs the length of its stages (stage_length or stages)")
        if self.period is None:
            if len({(d.in_months, d.size) for d in self.lengths}) > 1:
                shown = ", ".join(str(d) for d in self.lengths)
                raise FieldError(
                    f"the stages are uneven ({shown}): give the period that discount and flows "
                    "refer to, e.g. period: {months: 1}",
                    ("stages",),
                )
            object.__setattr__(self, "period", self.lengths[0])
        self._check_events()
        for party, cost in self.delay_cost:
            if not (math.isfinite(cost) and cost >= 0.0):
                raise FieldError(
                    f"delay cost of {party!r} must be a finite number >= 0 per period, got {cost}",
                    ("delay_cost", party),
                )

    def _check_events(self) -> None:
        first_end = self.lengths[0].after(self.start)
        for k, event in enumerate(self.events):
            if isinstance(event, Strike) and not 0.0 <= event.hazard <= 1.0:
                raise FieldError(
                    f"event {event.name!r}: hazard must be a probability in [0, 1], "
                    f"got {event.hazard}",
                    ("events", k, "hazard"),
                )
            if isinstance(event, Reweighting) and not (
                math.isfinite(event.weight) and event.weight >= 0.0
            ):
                raise FieldError(
                    f"event {event.name!r}: weight must be a finite number >= 0, got {event.weight}",
                    ("events", k, "weight"),
                )
            if isinstance(event, Deadline) and event.date < first_end:
                raise FieldError(
                    f"deadline {event.name!r} ({event.date}) falls before the first stage ends "
                    f"({self.start} to {first_end}): no stage could be carried out; move it or "
                    "the start",
                    ("events", k, "date"),
                )

    @property
    def unit(self) -> Duration:
        """The period (one stage when none was given)."""
        assert self.period is not None  # set in __post_init__
        return self.period

    def length(self, stage: int) -> Duration:
        """The length of stage ``stage`` (0-based): its own, or the last one given."""
        return self.lengths[min(stage, len(self.lengths) - 1)]

    def boundaries(self, stages: int) -> tuple[date, ...]:
        """The start of every stage and the end of the last: ``stages + 1`` dates."""
        days = [self.start]
        listed = len(self.lengths) - 1
        for k in range(min(stages, listed)):
            days.append(self.lengths[k].after(days[-1]))
        anchor, last = days[-1], self.lengths[-1]
        days.extend(last.after(anchor, j) for j in range(1, stages - len(days) + 2))
        return tuple(days)

    def stages(self, stages: int) -> tuple[StageDates, ...]:
        """The dates and length of each of the first ``stages`` stages."""
        days, periods = self.boundaries(stages), self.periods(stages)
        return tuple(
            StageDates(k + 1, days[k], days[k + 1], float(periods[k])) for k in range(stages)
        )

    def periods(self, stages: int) -> FloatArray:
        """``[stage]``: each stage's length in periods."""
        return np.array([self.length(k).ratio(self.unit) for k in range(stages)], dtype=np.float64)

    def stage_of(self, day: date, stages: int) -> int:
        """The 0-based stage whose dates contain ``day`` (0 before the start; ``stages`` after
        the last stage ends)."""
        return max(bisect_right(self.boundaries(stages), day) - 1, 0)

    def horizon(self, stages: int) -> int:
        """How many of ``stages`` stages can be carried out: those before a deadline's stage."""
        cut = [self.stage_of(e.date, stages) for e in self.events if isinstance(e, Deadline)]
        return min([stages, *cut])

    def deadline(self, stages: int) -> Deadline | None:
        """The deadline that cuts a schedule of ``stages`` stages short, if one does."""
        cutting = [
            e
            for e in self.events
            if isinstance(e, Deadline) and self.stage_of(e.date, stages) < stages
        ]
        return min(cutting, key=lambda e: e.date, default=None)

    def strikes(self, stages: int) -> tuple[tuple[str, int, float], ...]:
        """``(party, stage, hazard)`` of every strike that falls within ``stages`` stages."""
        found = []
        for event in self.events:
            if isinstance(event, Strike):
                stage = self.stage_of(event.date, stages)
                if stage < stages:
                    found.append((event.party, stage, event.hazard))
        return tuple(found)

    def certain(self, stages: int) -> tuple[tuple[Strike, int], ...]:
        """Every strike of probability 1 within ``stages`` stages, with its (0-based) stage."""
        return tuple(
            (event, self.stage_of(event.date, stages))
            for event in self.events
            if isinstance(event, Strike)
            and event.hazard >= 1.0
            and self.stage_of(event.date, stages) < stages
        )

    @property
    def parties(self) -> tuple[str, ...]:
        """Every party an event or a delay cost names."""
        named = [e.party for e in self.events if not isinstance(e, Deadline)]
        return tuple(dict.fromkeys([*named, *(p for p, _ in self.delay_cost)]))

    def with_events(self, events: tuple[Event, ...]) -> Calendar:
        """The calendar with ``events`` added (the analysis adds strikes for fixed packages)."""
        return Calendar(
            self.start, self.lengths, self.period, (*self.events, *events), self.delay_cost
        )


def dated(start: date, starts: tuple[date, ...]) -> tuple[Duration, ...]:
    """The stage lengths given by the start dates of the stages after the first.

    >>> [str(d) for d in dated(date(2019, 3, 1), (date(2019, 9, 1), date(2020, 6, 1)))]
    ['6 months', '9 months']
    """
    lengths = []
    before = start
    for k, day in enumerate(starts):
        if day <= before:
            raise FieldError(
                f"stage dates must increase: {day} does not come after {before}", ("stages", k)
            )
        lengths.append(interval(before, day))
        before = day
    return tuple(lengths)
