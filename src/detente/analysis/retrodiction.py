"""The model against the record: the path a scenario predicts for its agreed deal, beside what
happened (``detente retrodict``).

For a case whose record says the deal was agreed on position ``NAME`` the model's
prediction is:

- **formed**: ``NAME`` is in every signatory's win-set when factions are declared, and it
  is individually rational for every signatory or the equilibrium path of its schedule
  carries out at least one stage (a phased deal forms when its first stages pay for
  themselves; docs/explanation/self-enforcement.md, "Where a given schedule breaks");
- **the path**: the subgame-perfect path of the agreed schedule (the position's own
  ``schedule:``, else ``phasing.schedule``; :func:`~detente.phasing.path.equilibrium_path`):
  the stages carried out, completed or where it breaks and by whom, dated by the calendar.
  A move a dated event strikes for certain (a faction change that takes the position out of
  the party's win-set, or an event of hazard 1) is where that party breaks the deal, when it
  comes before the path's own break (:func:`certain_strike`): the path prices such a strike
  in, as a hazard, but reports only the moves a party chooses to renege on. A faction change
  (:func:`~detente.analysis.calendar.strikes`) is *foreseen* when it is dated before the
  case's date: its strike is known to all and the path is played on the struck deal, as
  ``phase --given`` has it (the others may break first, anticipating it). A change dated on
  or after the case's date is *unforeseen*, as the trust records dated then are unknown: the
  path is the one the parties expect without it, and the changed party reneges at its first
  non-empty move from the stage the change falls in, unless that path breaks earlier
  (:func:`unforeseen_break`). (An election's result is not known when a deal is signed;
  foreseeing it would let the others unravel the deal from its first stage.)

For a case whose record says no deal formed (``agreed: null``) the model's prediction is
whether a ratifiable agreement exists (``analyze``'s ``agreement``).

**The match rule** (:func:`matches`): the model retrodicts the record when both say the deal
formed or both say it did not, and, when both say it formed, both say it broke or both say it
did not, and when both say it broke, at the same stage (within ``tolerance`` stages, default
0) and by the same party. Dates and the number of completed stages are reported, not scored.

**The first-costly-step baseline** (:func:`first_costly_step`): every deal forms and breaks at
the first move of its agreed schedule (stage by stage, in the move order of each stage) in which
a party delivers a positive amount of an item with a positive one-off cost; that party breaks
it, in that stage. A schedule without a costly move is completed. A case without an agreed
schedule is predicted to form and not to break.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from detente.analysis.calendar import stage_dates, strikes
from detente.analysis.documents import StageDatesDoc
from detente.analysis.solutions import Bargaining
from detente.analysis.twolevel import Ratification, ratification
from detente.errors import DetenteError
from detente.phasing.calendar import Strike
from detente.phasing.deal import Deal
from detente.phasing.enforcement import Valuation
from detente.phasing.path import equilibrium_path
from detente.phasing.schedule import Schedule, aligned
from detente.record import Break, Outcome
from detente.scenario import Scenario
from detente.twolevel import has_factions

NOISE = 1e-9
"""Amounts at or below this are no delivery."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """The model's outcome for a case, the schedule it is read on (``source``: where it comes
    from, ``None`` without one) and each party's value on the path it expects (without the
    unforeseen faction changes)."""

    outcome: Outcome
    stages: int | None
    source: str | None
    values: Mapping[str, float]
    dates: tuple[StageDatesDoc, ...] | None = None


def agreed_schedule(scenario: Scenario) -> tuple[Schedule | None, str | None, Deal | None]:
    """The agreed deal's schedule, where it comes from, and the deal it is carried out in (the
    calendar's foreseen faction changes striking the agreed position)."""
    record, plan = scenario.record, scenario.phasing
    if record is None or record.agreed is None or plan is None:
        return None, None, None
    position = scenario.positions[record.agreed]
    foreseen, _ = _changes(scenario, plan.deal, position.index)
    deal = plan.deal
    if foreseen and deal.calendar is not None:
        deal = replace(deal, calendar=deal.calendar.with_events(foreseen))
    if position.schedule is not None:
        return position.schedule.trimmed(), f"positions.{record.agreed}.schedule", deal
    if plan.schedule is not None:
        return plan.schedule.trimmed(), "phasing.schedule", deal
    return None, None, deal


def _changes(
    scenario: Scenario, deal: Deal, outcome: int
) -> tuple[tuple[Strike, ...], tuple[Strike, ...]]:
    """The strikes of the faction changes against ``outcome``: those dated before the case's
    date (foreseen) and the others (unforeseen)."""
    found = strikes(scenario, deal, outcome)
    date = scenario.date
    foreseen = tuple(s for s in found if date is None or s.date.isoformat() < date)
    return foreseen, tuple(s for s in found if s not in foreseen)


def unforeseen_break(scenario: Scenario, deal: Deal, schedule: Schedule) -> Break | None:
    """The earliest move struck by an unforeseen faction change (see the module's docstring):
    the struck party's first non-empty move from the stage the change falls in, dated by that
    stage's start (as every break of the model is); ``None`` when no change strikes a move."""
    record, plan = scenario.record, scenario.phasing
    calendar = deal.calendar
    if record is None or record.agreed is None or plan is None or calendar is None:
        return None
    _, unforeseen = _changes(scenario, plan.deal, scenario.positions[record.agreed].index)
    givers = {item.name: item.giver for item in deal.items}
    stages = schedule.as_dicts()
    dates = calendar.stages(len(stages))
    found: list[tuple[int, int, Break]] = []
    for strike in unforeseen:
        first = calendar.stage_of(strike.date, len(stages))
        rank = next(i for i, group in enumerate(deal.order) if strike.party in group)
        for k in range(first, len(stages)):
            if any(givers[n] == strike.party and a > NOISE for n, a in stages[k].items()):
                when = dates[k].start.isoformat()
                found.append((k + 1, rank, Break(k + 1, strike.party, when, None)))
                break
    return min(found, key=lambda f: (f[0], f[1]))[2] if found else None


def predict(
    scenario: Scenario, base: Bargaining | None = None, ratified: Ratification | None = None
) -> Prediction:
    """The model's prediction for the scenario's recorded case (see the module's docstring);
    ``base`` and ``ratified`` when the caller has them already."""
    record = scenario.record
    if record is None:
        raise DetenteError(f"{scenario.path or scenario.name}: no record: section to retrodict")
    base = Bargaining.of(scenario) if base is None else base
    ratified = ratification(scenario, base) if ratified is None else ratified
    if record.agreed is None:
        formed = ratified.agreement is not None
        return Prediction(Outcome(formed, 0, False, None), None, None, {})
    index = scenario.positions[record.agreed].index
    signatories = list(base.signatories)
    ratifiable = bool(ratified.win_sets.common[index]) if has_factions(scenario) else True
    rational = bool(base.rational[index]) if signatories else True
    schedule, source, deal = agreed_schedule(scenario)
    if schedule is None or deal is None or schedule.stages == 0:
        outcome = Outcome(ratifiable and rational, 0, False, None)
        return Prediction(outcome, None, source, {})
    valuation = Valuation(deal, schedule.stages)
    path = equilibrium_path(deal, schedule, valuation)
    dates = stage_dates(deal.calendar, schedule.stages)
    broken = None if path.breaks is None else (path.breaks.stage, path.breaks.party)
    strike = certain_strike(deal, schedule, valuation)
    if strike is not None and (broken is None or _earlier(deal, strike, broken)):
        broken = strike
    carried_out = path.carried_out if broken is None else broken[0] - 1
    completed = path.completed and broken is None
    breaks = None
    if broken is not None:
        date = None if dates is None else dates[broken[0] - 1].start
        breaks = Break(broken[0], broken[1], date, None)
    formed = ratifiable and (rational or carried_out >= 1 or completed)
    if not formed:
        return Prediction(Outcome(False, 0, False, None), schedule.stages, source, {}, dates)
    outcome = Outcome(True, carried_out, completed, breaks)
    surprise = unforeseen_break(scenario, deal, schedule)
    if surprise is not None and (
        broken is None or _earlier(deal, (surprise.stage, surprise.party), broken)
    ):
        outcome = Outcome(True, surprise.stage - 1, False, surprise)
    return Prediction(outcome, schedule.stages, source, dict(path.values), dates)


def certain_strike(deal: Deal, schedule: Schedule, valuation: Valuation) -> tuple[int, str] | None:
    """The first move of ``schedule`` (by stage, then move order) that a dated event of the
    calendar strikes for certain, as ``(stage, party)``; ``None`` when none does."""
    active = valuation.active(aligned(deal, schedule)[None])
    honoured = valuation.strikes(active)
    for stage in range(schedule.stages):
        for group in deal.order:
            for party in group:
                index = deal.party_index(party)
                if active[index, stage] and honoured[index, stage] <= NOISE:
                    return stage + 1, party
    return None


def _earlier(deal: Deal, move: tuple[int, str], other: tuple[int, str]) -> bool:
    """Whether ``move`` (stage, party) comes before ``other`` in the schedule's move order."""

    def position(stage: int, party: str) -> tuple[int, int]:
        return stage, next(g for g, group in enumerate(deal.order) if party in group)

    return position(*move) < position(*other)


def first_costly_step(scenario: Scenario) -> Outcome:
    """The baseline "every deal breaks at its first costly step" (see the module's docstring)."""
    schedule, _, deal = agreed_schedule(scenario)
    if schedule is None or deal is None:
        return Outcome(True, 0, False, None)
    items = {item.name: item for item in deal.items}
    for stage, amounts in enumerate(schedule.as_dicts(), start=1):
        for group in deal.order:
            for name, amount in amounts.items():
                item = items[name]
                if item.giver in group and amount > NOISE and item.cost > NOISE:
                    return Outcome(True, stage - 1, False, Break(stage, item.giver))
    return Outcome(True, schedule.stages, True, None)


def matches(record: Outcome, model: Outcome, tolerance: int = 0) -> bool:
    """The match rule (see the module's docstring).

    >>> broke = Outcome(True, 1, False, Break(2, "B"))
    >>> matches(broke, Outcome(True, 2, False, Break(3, "B"))), matches(
    ...     broke, Outcome(True, 2, False, Break(3, "B")), tolerance=1)
    (False, True)
    """
    if record.formed != model.formed:
        return False
    if not record.formed:
        return True
    if (record.breaks is None) != (model.breaks is None):
        return False
    if record.breaks is None or model.breaks is None:
        return True
    return (
        abs(record.breaks.stage - model.breaks.stage) <= tolerance
        and record.breaks.party == model.breaks.party
    )


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """``{formed, carried_out, completed, breaks: {stage, party, date, did} | null}``."""
    return {
        "formed": outcome.formed,
        "carried_out": outcome.carried_out,
        "completed": outcome.completed,
        "breaks": None if outcome.breaks is None else _break_json(outcome.breaks),
    }


def _break_json(broken: Break) -> dict[str, Any]:
    return {"stage": broken.stage, "party": broken.party, "date": broken.date, "did": broken.did}


def record_json(scenario: Scenario, stages: int | None) -> dict[str, Any]:
    """The record's summary, its events and the trust records the case used."""
    record = scenario.record
    assert record is not None
    used = [e for e in scenario.trust_evidence if e.used]
    left = [e for e in scenario.trust_evidence if not e.used]
    return {
        "agreed": record.agreed,
        **outcome_json(record.outcome(stages)),
        "events": [
            {
                "date": e.date,
                "party": e.party,
                "did": e.did,
                "item": e.item,
                "stage": e.stage,
                "breaks": e.breaking,
                "source": e.source,
            }
            for e in record.events
        ],
        "trust_records": {
            "used": len(used),
            "left_out": len(left),
            "latest_used": max((e.date for e in used if e.date), default=None),
        },
    }


def model_json(prediction: Prediction) -> dict[str, Any]:
    """The model's outcome, the schedule it is read on, and the parties' values on the path."""
    return {
        **outcome_json(prediction.outcome),
        "stages": prediction.stages,
        "schedule": prediction.source,
        "values": dict(prediction.values),
        "stage_dates": None
        if prediction.dates is None
        else [{"stage": d.stage, "start": d.start, "end": d.end} for d in prediction.dates],
    }


def case_json(
    scenario: Scenario,
    tolerance: int = 0,
    base: Bargaining | None = None,
    ratified: Ratification | None = None,
) -> dict[str, Any]:
    """``{date, record, model, match}`` of a scenario with a record (``analyze``'s
    ``retrodiction``; ``retrodict --json`` adds the case's name and the share of draws)."""
    prediction = predict(scenario, base, ratified)
    record = scenario.record
    assert record is not None
    return {
        "date": scenario.date,
        "record": record_json(scenario, prediction.stages),
        "model": model_json(prediction),
        "match": matches(record.outcome(prediction.stages), prediction.outcome, tolerance),
    }
