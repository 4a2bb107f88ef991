"""The model against the record: the path a scenario predicts for its agreed deal, beside what
happened (``detente retrodict``).

For a case whose record says the deal was agreed on position ``NAME`` the model's
prediction is:

- **formed**: ``NAME`` is in every signatory's win-set when factions are declared, and it
  is individually rational for every signatory or the equilibrium path of its schedule
  carries out at least one stage (a phased deal forms when its first stages pay for
  themselves, THEORY §6);
- **the path**: the subgame-perfect path of the agreed schedule (the position's own
  ``schedule:``, else ``phasing.schedule``; :func:`~detente.phasing.path.equilibrium_path`,
  with the faction changes of the calendar striking the position as ``phase --given`` does):
  the stages carried out, completed or where it breaks and by whom, dated by the calendar.

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
from dataclasses import dataclass

from detente.analysis.calendar import stage_dates, struck
from detente.analysis.solutions import Bargaining
from detente.analysis.twolevel import ratification
from detente.errors import DetenteError
from detente.twolevel import has_factions
from detente.phasing.deal import Deal
from detente.phasing.enforcement import Valuation
from detente.phasing.path import equilibrium_path
from detente.phasing.schedule import Schedule
from detente.record import Break, Outcome
from detente.scenario import Scenario

NOISE = 1e-9
"""Amounts at or below this are no delivery."""


@dataclass(frozen=True, slots=True)
class Prediction:
    """The model's outcome for a case, the schedule it is read on (``source``: where it comes
    from, ``None`` without one) and each party's value on the path."""

    outcome: Outcome
    stages: int | None
    source: str | None
    values: Mapping[str, float]


def agreed_schedule(scenario: Scenario) -> tuple[Schedule | None, str | None, Deal | None]:
    """The agreed deal's schedule, where it comes from, and the deal it is carried out in (the
    calendar's faction changes striking the agreed position)."""
    record, plan = scenario.record, scenario.phasing
    if record is None or record.agreed is None or plan is None:
        return None, None, None
    position = scenario.positions[record.agreed]
    deal = struck(scenario, plan.deal, position.index)
    if position.schedule is not None:
        return position.schedule.trimmed(), f"positions.{record.agreed}.schedule", deal
    if plan.schedule is not None:
        return plan.schedule.trimmed(), "phasing.schedule", deal
    return None, None, deal


def predict(scenario: Scenario) -> Prediction:
    """The model's prediction for the scenario's recorded case (see the module's docstring)."""
    record = scenario.record
    if record is None:
        raise DetenteError(f"{scenario.path or scenario.name}: no record: section to retrodict")
    base = Bargaining.of(scenario)
    ratified = ratification(scenario, base)
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
    path = equilibrium_path(deal, schedule, Valuation(deal, schedule.stages))
    dates = stage_dates(deal.calendar, schedule.stages)
    breaks = None
    if path.breaks is not None:
        stage = path.breaks.stage
        date = None if dates is None else dates[stage - 1].start
        breaks = Break(stage, path.breaks.party, date, None)
    formed = ratifiable and (rational or path.carried_out >= 1 or path.completed)
    if not formed:
        return Prediction(Outcome(False, 0, False, None), schedule.stages, source, {})
    outcome = Outcome(True, path.carried_out, path.completed, breaks)
    return Prediction(outcome, schedule.stages, source, dict(path.values))


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
