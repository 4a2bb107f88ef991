"""The calendar in the documents: stage dates, events, and faction changes against packages.

The schedule model (:mod:`detente.phasing.calendar`) sees stage lengths, strikes,
deadlines and costs of delay. A faction's change of weight needs what only the
analysis knows, the outcome a package stands for: a position or the agreement,
phased as a fixed package, is re-examined against the party's win-set at the
new weight (every earlier change applied). If the outcome has left it, the
party can no longer ratify what it is carrying out: from that date its moves
are reneged on for sure, known to all (a strike of probability 1,
:func:`struck`); if not, nothing changes.

A designed schedule's package is not fixed beforehand, so it is judged after
the design (:func:`package_changes`), item by item against the amounts the
party's new win-set gives (as :func:`~detente.analysis.phasing.ratifiable_deal`
bounds the designer), and reported, not imposed: the designer's program is the
same with or without the change. To carry a change into a schedule, phase the
package as a position.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

import numpy as np

from detente.analysis.documents import (
    CalendarDoc,
    EventDoc,
    StageDatesDoc,
    WeightChangeDoc,
)
from detente.phasing.calendar import Calendar, Deadline, Event, Reweighting, Strike
from detente.phasing.deal import Deal
from detente.phasing.schedule import TOLERANCE
from detente.scenario import Scenario
from detente.twolevel import reweight
from detente.utility import utility_matrix


def stage_dates(calendar: Calendar | None, stages: int) -> tuple[StageDatesDoc, ...] | None:
    """The dates of the first ``stages`` stages (``None`` without a calendar)."""
    if calendar is None:
        return None
    return tuple(
        StageDatesDoc(s.stage, s.start.isoformat(), s.end.isoformat(), s.periods)
        for s in calendar.stages(stages)
    )


def _stage(calendar: Calendar, event: Event, stages: int) -> int | None:
    """The stage (from 1) of a ``stages``-stage schedule an event falls in, ``None`` after it."""
    k = calendar.stage_of(event.date, stages)
    return k + 1 if k < stages else None


def event_doc(calendar: Calendar, event: Event, stages: int) -> EventDoc:
    """One event, with the stage it falls in among ``stages`` stages."""
    where = (event.name, event.date.isoformat())
    stage = _stage(calendar, event, stages)
    if isinstance(event, Strike):
        return EventDoc(*where, "hazard", stage, event.party, event.hazard, source=event.source)
    if isinstance(event, Deadline):
        return EventDoc(*where, "deadline", stage, source=event.source)
    return EventDoc(
        *where,
        "faction",
        stage,
        event.party,
        faction=event.faction,
        weight=event.weight,
        source=event.source,
    )


def calendar_doc(
    scenario: Scenario, deal: Deal, stages: int, package: Mapping[str, float] | None
) -> CalendarDoc | None:
    """``phasing.calendar``: the dates of ``stages`` stages, the events, the costs of delay, and
    the faction changes against the best schedule's ``package`` (of ``stages`` stages)."""
    calendar = deal.calendar
    if calendar is None:
        return None
    return CalendarDoc(
        start=calendar.start.isoformat(),
        period=str(calendar.unit),
        stages=stage_dates(calendar, stages) or (),
        events=tuple(event_doc(calendar, e, stages) for e in calendar.events),
        delay_cost=dict(calendar.delay_cost),
        weight_changes=package_changes(scenario, deal, package, stages) or (),
    )


def _reweighted(scenario: Scenario, calendar: Calendar) -> Iterator[tuple[Reweighting, Scenario]]:
    """Each faction change in date order, with the scenario as it stands from its date."""
    changes = sorted(
        (e for e in calendar.events if isinstance(e, Reweighting)), key=lambda e: e.date
    )
    current = scenario
    for change in changes:
        current = reweight(current, change.party, change.faction, change.weight)
        yield change, current


def _has_changes(deal: Deal) -> bool:
    calendar = deal.calendar
    return calendar is not None and any(isinstance(e, Reweighting) for e in calendar.events)


def in_win_set(scenario: Scenario, party_id: str, outcome: int) -> bool:
    """Whether ``outcome`` is in the party's win-set: worth at least its no-deal value to it and
    ratified by its factions (:func:`~detente.twolevel.win_set_masks`, at one outcome)."""
    party = scenario.party(party_id)
    at = np.array([outcome], dtype=np.int64)
    holds = bool(utility_matrix(scenario.space, [party.utility], at)[0, 0] >= party.reservation)
    if holds and party.domestic is not None:
        F = party.domestic.utility_matrix(scenario.space, at)
        holds = bool(party.domestic.ratified(F, party.reservation)[0])
    return holds


def struck(scenario: Scenario, deal: Deal, outcome: int) -> Deal:
    """``deal`` with a strike of probability 1 from the first faction change that takes
    ``outcome`` out of the changed party's win-set (per party): the party's moves from that
    date are reneged on, known to all. The same deal when no change does."""
    found = strikes(scenario, deal, outcome)
    if not found or deal.calendar is None:
        return deal
    return replace(deal, calendar=deal.calendar.with_events(found))


def strikes(scenario: Scenario, deal: Deal, outcome: int) -> tuple[Strike, ...]:
    """The strikes :func:`struck` adds: per party, one of probability 1 at the first faction
    change that takes ``outcome`` out of its win-set (every earlier change applied)."""
    calendar = deal.calendar
    if calendar is None or not _has_changes(deal):
        return ()
    found: dict[str, Strike] = {}
    for change, now in _reweighted(scenario, calendar):
        if change.party not in found and not in_win_set(now, change.party, outcome):
            found[change.party] = Strike(change.date, change.name, change.party, 1.0, change.source)
    return tuple(found.values())


def outcome_changes(
    scenario: Scenario, deal: Deal, outcome: int, stages: int | None
) -> tuple[WeightChangeDoc, ...] | None:
    """Every faction change against a fixed package's ``outcome`` (``stages``: its schedule's
    number of stages, if it has one); ``None`` when the calendar changes no faction."""
    calendar = deal.calendar
    if calendar is None or not _has_changes(deal):
        return None
    return tuple(
        _change_doc(calendar, change, stages, in_win_set(now, change.party, outcome))
        for change, now in _reweighted(scenario, calendar)
    )


def package_changes(
    scenario: Scenario, deal: Deal, package: Mapping[str, float] | None, stages: int | None
) -> tuple[WeightChangeDoc, ...] | None:
    """Every faction change against a designed ``package``, item by item: whether each amount
    of an item named like an issue is within the amounts the party's win-set at the new
    weight gives (``None`` when there is no package or no such item)."""
    calendar = deal.calendar
    if calendar is None or not _has_changes(deal):
        return None
    return tuple(
        _change_doc(
            calendar,
            change,
            stages if package is not None else None,
            None if package is None else _within(now, change.party, package),
        )
        for change, now in _reweighted(scenario, calendar)
    )


def _change_doc(
    calendar: Calendar, change: Reweighting, stages: int | None, holds: bool | None
) -> WeightChangeDoc:
    stage = None if stages is None else _stage(calendar, change, stages)
    return WeightChangeDoc(
        change.name,
        change.date.isoformat(),
        change.party,
        change.faction,
        change.weight,
        stage,
        holds,
    )


def _within(scenario: Scenario, party_id: str, package: Mapping[str, float]) -> bool | None:
    """Whether every amount of ``package`` whose item is named like an issue lies between the
    least and the largest value of that issue over the party's win-set."""
    space = scenario.space
    named = [(name, x) for name, x in package.items() if name in space.names]
    if not named:
        return None
    party = scenario.party(party_id)
    mask = utility_matrix(space, [party.utility])[:, 0] >= party.reservation
    if party.domestic is not None:
        mask &= party.domestic.ratified(party.domestic.utility_matrix(space), party.reservation)
    chosen = np.flatnonzero(mask)
    if chosen.size == 0:
        return False
    positions = space.value_indices(chosen)
    for name, amount in named:
        k = space.position(name)
        values = np.asarray(space.issues[k].values, dtype=np.float64)[positions[:, k]]
        slack = TOLERANCE * (1 + abs(amount))
        if not values.min() - slack <= amount <= values.max() + slack:
            return False
    return True
