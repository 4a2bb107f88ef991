"""The ``phasing.calendar`` section: dated stages, dated events and the cost of delay.

:class:`CalendarSpec` describes what a file may say; :func:`build_calendar`
turns it into a :class:`~detente.phasing.calendar.Calendar`, locating every
error (an unknown party or faction, decreasing stage dates, uneven stages
without a period) at its field.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from detente.errors import ScenarioError, UnknownNameError
from detente.parties import Party
from detente.phasing.calendar import (
    UNITS,
    Calendar,
    Deadline,
    Duration,
    Event,
    Reweighting,
    Strike,
    dated,
)
from detente.phasing.items import party_values
from detente.scenariofile.locations import FileTree, PathKey


def _written_as_date(value: Any) -> Any:
    """A date is written ``YYYY-MM-DD``: not a number (pydantic would read one as a timestamp),
    not a date with a time."""
    if isinstance(value, bool | int | float | datetime):
        raise ValueError("a date is written YYYY-MM-DD, e.g. 2019-02-27")
    return value


IsoDate = Annotated[date, BeforeValidator(_written_as_date)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class DurationSpec(_Spec):
    """A length: exactly one of ``years``, ``months``, ``weeks``, ``days``, a whole number >= 1."""

    years: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)
    weeks: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one_unit(self) -> DurationSpec:
        given = [unit for unit in UNITS if getattr(self, unit) is not None]
        if len(given) != 1:
            raise ValueError(
                f"a length is one of years, months, weeks, days, e.g. {{months: 6}} "
                f"(got {', '.join(given) or 'none'})"
            )
        return self

    def duration(self) -> Duration:
        """The length as a domain value."""
        unit = next(u for u in UNITS if getattr(self, u) is not None)
        return Duration(int(getattr(self, unit)), unit)


class EventSpec(_Spec):
    """A dated event: a hazard to a party's next move, a deadline, or a faction's new weight."""

    date: IsoDate = Field(description="From when the event counts (YYYY-MM-DD).")
    name: str = Field(min_length=1, description="What happens, e.g. 'US midterm elections'.")
    party: str | None = Field(
        default=None, description="The party it strikes or whose faction changes."
    )
    hazard: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Extra probability that the party's next non-empty move is struck.",
    )
    deadline: bool | None = Field(default=None, description="true: the deal lapses at this date.")
    faction: str | None = Field(default=None, description="The faction whose weight changes.")
    weight: float | None = Field(default=None, ge=0.0, description="The faction's new weight.")
    source: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> EventSpec:
        if self.deadline is False:
            raise ValueError("deadline: false marks nothing; write deadline: true or drop it")
        kinds = [
            kind
            for kind, given in (
                ("hazard", self.hazard is not None),
                ("deadline", self.deadline is not None),
                ("faction", self.faction is not None or self.weight is not None),
            )
            if given
        ]
        if len(kinds) != 1:
            raise ValueError(
                "an event is one of {party, hazard}, {deadline: true} or {party, faction, "
                f"weight}} (got {', '.join(kinds) or 'none of them'})"
            )
        if kinds == ["faction"] and (self.faction is None or self.weight is None):
            raise ValueError("a faction's change needs both faction and weight")
        if (self.party is None) != (kinds == ["deadline"]):
            raise ValueError(
                "a deadline names no party"
                if self.party is not None
                else f"a {kinds[0]} event names the party it concerns (party: ID)"
            )
        return self

    def event(self) -> Event:
        """The event as a domain value."""
        if self.deadline:
            return Deadline(self.date, self.name, self.source)
        assert self.party is not None  # checked by _one_kind
        if self.hazard is not None:
            return Strike(self.date, self.name, self.party, self.hazard, self.source)
        assert self.faction is not None and self.weight is not None
        return Reweighting(self.date, self.name, self.party, self.faction, self.weight, self.source)


class CalendarSpec(_Spec):
    """Dated stages: ``start`` and either ``stage_length`` or ``stages``; events; delay costs."""

    start: IsoDate = Field(description="The first stage's start (YYYY-MM-DD).")
    stage_length: DurationSpec | None = Field(
        default=None, description="Every stage's length, e.g. {months: 6}."
    )
    stages: list[IsoDate] | None = Field(
        default=None,
        min_length=1,
        description="The start dates of the stages after the first, increasing; later stages "
        "repeat the last interval.",
    )
    period: DurationSpec | None = Field(
        default=None,
        description="The length a party's discount and every flow refer to (default: one "
        "stage, when the stages are even).",
    )
    events: list[EventSpec] = Field(default_factory=list)
    delay_cost: dict[str, float] = Field(
        default_factory=dict,
        description="What each party pays per period while the deal is unfinished.",
    )

    @model_validator(mode="after")
    def _lengths(self) -> CalendarSpec:
        if (self.stage_length is None) == (self.stages is None):
            raise ValueError("give the stages' length as one of stage_length or stages")
        return self


def build_calendar(
    spec: CalendarSpec | None, parties: Sequence[Party], tree: FileTree, path: PathKey
) -> Calendar | None:
    """The calendar a ``phasing.calendar`` section declares, every reference checked."""
    if spec is None:
        return None
    by_id = {p.id: p for p in parties}
    homes = {p.id: p.domestic for p in parties}
    for k in sorted(range(len(spec.events)), key=lambda k: spec.events[k].date):
        event, where = spec.events[k], (*path, "events", k)
        if event.party is not None:
            _party(event.party, by_id, tree, (*where, "party"))
        if event.faction is not None and event.party is not None and event.weight is not None:
            _faction(event.faction, by_id[event.party], tree, (*where, "faction"))
            home = homes[event.party]
            assert home is not None  # _faction checked it
            # the weights as they stand from the event on must leave some faction a say
            homes[event.party] = tree.located(
                (*where, "weight"), partial(home.with_weight, event.faction, event.weight)
            )
    for party in spec.delay_cost:
        _party(party, by_id, tree, (*path, "delay_cost", party))
    return tree.located(path, lambda: _calendar(spec), ScenarioError)


def _calendar(spec: CalendarSpec) -> Calendar:
    if spec.stage_length is not None:
        lengths: tuple[Duration, ...] = (spec.stage_length.duration(),)
    else:
        lengths = dated(spec.start, tuple(spec.stages or ()))
    return Calendar(
        spec.start,
        lengths,
        None if spec.period is None else spec.period.duration(),
        tuple(event.event() for event in spec.events),
        party_values(spec.delay_cost),
    )


def _party(party: str, by_id: dict[str, Party], tree: FileTree, path: PathKey) -> None:
    if party not in by_id:
        raise tree.error(
            path, f"unknown party {party!r}; parties are: {', '.join(by_id)}", UnknownNameError
        )


def _faction(faction: str, party: Party, tree: FileTree, path: PathKey) -> None:
    home = party.domestic
    if home is None:
        raise tree.error(
            path,
            f"party {party.id!r} has no factions to reweight; declare its factions: or drop "
            "the event",
        )
    if faction not in home.ids:
        raise tree.error(
            path,
            f"party {party.id!r} has no faction {faction!r}; its factions are: "
            f"{', '.join(home.ids)}",
            UnknownNameError,
        )
