"""What happened: a case's record of dated events, and what they add up to.

A :class:`CaseRecord` is the history a model is scored against (``detente retrodict``):
whether the deal formed (and on which position), the dated events of its implementation
(who delivered what, who halted, withdrew, reneged or tested, and when), each citing a
source, and what they add up to: the stages carried out, where it broke, by whom, and when
(:meth:`CaseRecord.outcome`).

>>> record = CaseRecord("deal", (
...     Event("2001-01-10", "B", "delivered", "source", stage=1),
...     Event("2001-02-01", "A", "delivered", "source", stage=1),
...     Event("2001-06-01", "B", "halted", "source"),
... ))
>>> outcome = record.outcome()
>>> outcome.formed, outcome.carried_out, outcome.breaks
(True, 1, Break(stage=2, party='B', date='2001-06-01', did='halted'))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Did = Literal["signed", "delivered", "halted", "withdrew", "reneged", "tested", "other"]
EVENT_KINDS: tuple[Did, ...] = (
    "signed",
    "delivered",
    "halted",
    "withdrew",
    "reneged",
    "tested",
    "other",
)
BREAKING: frozenset[str] = frozenset({"halted", "withdrew", "reneged"})
"""Kinds of event that break the deal unless the event says ``breaks: false``; any other kind
breaks it only with ``breaks: true`` (a missile test that ends a freeze, say)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One dated event: ``party`` ``did`` (``item``, in ``stage``), as ``source`` says."""

    date: str
    party: str
    did: Did
    source: str
    item: str | None = None
    stage: int | None = None
    breaks: bool | None = None
    note: str = ""

    @property
    def breaking(self) -> bool:
        """Whether the event breaks the deal (its kind's default unless ``breaks`` says)."""
        return self.did in BREAKING if self.breaks is None else self.breaks


@dataclass(frozen=True, slots=True)
class Break:
    """Where a deal broke: the stage (1-based), the party, the date, and what it did."""

    stage: int
    party: str
    date: str | None = None
    did: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a record (or a model's path) adds up to: formed or not, the stages carried out,
    completed or where it broke."""

    formed: bool
    carried_out: int
    completed: bool
    breaks: Break | None


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """The record of one case: the agreed position (``None``: no deal formed) and the events,
    in date order (ties in the file's order)."""

    agreed: str | None
    events: tuple[Event, ...] = ()

    @property
    def formed(self) -> bool:
        """Whether a deal was agreed."""
        return self.agreed is not None

    def outcome(self, stages: int | None = None) -> Outcome:
        """What the events add up to for a schedule of ``stages`` stages (``None``: unknown).

        The break is the first breaking event; its stage is the event's ``stage:``, else
        one after the last stage with a delivery dated no later than it. The stages carried
        out are those before the break; without a break, the last stage with a delivery,
        and the deal is completed when that is the schedule's last stage.
        """
        if not self.formed:
            return Outcome(False, 0, False, None)
        events = sorted(enumerate(self.events), key=lambda e: (e[1].date, e[0]))
        ordered = [event for _, event in events]
        first = next((e for e in ordered if e.breaking), None)
        if first is None:
            done = _last_delivered(ordered, None)
            return Outcome(True, done, stages is not None and done >= stages, None)
        stage = first.stage if first.stage is not None else _last_delivered(ordered, first) + 1
        return Outcome(True, stage - 1, False, Break(stage, first.party, first.date, first.did))


def _last_delivered(events: list[Event], until: Event | None) -> int:
    """The last stage with a delivery (dated no later than ``until``), 0 if none."""
    return max(
        (
            e.stage
            for e in events
            if e.did == "delivered"
            and e.stage is not None
            and (until is None or e.date <= until.date)
        ),
        default=0,
    )


@dataclass(frozen=True, slots=True)
class TrustEvidence:
    """One dated trust record of the file and whether the case uses it (it is dated before the
    case's date, or undated)."""

    truster: str
    trustee: str
    date: str | None
    used: bool
    honoured: float
    reneged: float
    weight: float
    source: str | None = None
