"""The ``record:`` section: what happened in a case, checked against the scenario's names.

.. code-block:: yaml

    date: 1994-10-21                 # the case's date (YYYY-MM-DD)
    record:
      agreed: framework              # the position agreed, or null: no deal formed
      events:
        - {date: 1994-11-01, party: nk, did: delivered, item: freeze, stage: 1,
           source: "[@IAEA1994]"}
        - {date: 2002-12-12, party: nk, did: withdrew, source: "[@IAEA2002]"}

Each event names a party of the scenario, one of
:data:`~detente.record.EVENT_KINDS` as ``did``, optionally an item (whose giver must
be the party when it ``delivered`` it) and the stage of the agreed schedule it belongs
to, and cites its ``source``. What the events add up to is derived
(:meth:`detente.record.CaseRecord.outcome`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from detente.record import CaseRecord, Did, Event
from detente.scenariofile.locations import FileTree


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class EventSpec(_Spec):
    """One dated event of a case's record."""

    date: datetime.date = Field(description="When it happened (YYYY-MM-DD).")
    party: str = Field(description="The party that acted (a party id).")
    did: Did = Field(
        description="signed | delivered | halted | withdrew | reneged | tested | other."
    )
    item: str | None = Field(default=None, description="The item concerned (an item name).")
    stage: int | None = Field(
        default=None, ge=1, description="The stage of the agreed schedule it belongs to (1-based)."
    )
    breaks: bool | None = Field(
        default=None,
        description="Whether it breaks the deal (default: halted, withdrew and reneged do).",
    )
    source: str = Field(min_length=1, description="Where the fact comes from: cite [@KEY].")
    note: str | None = None


class CaseRecordSpec(_Spec):
    """What happened: the agreed position (null: no deal) and the dated events."""

    agreed: str | None = Field(
        default=None, description="The position the deal was agreed on; null: no deal formed."
    )
    events: list[EventSpec] = Field(default_factory=list)
    source: str | None = None


def build_record(
    spec: CaseRecordSpec,
    tree: FileTree,
    date: str | None,
    parties: Sequence[str],
    givers: dict[str, str],
    positions: Sequence[str],
    stages: int | None,
) -> CaseRecord:
    """The case's record, every name checked (``givers``: each item's giver; ``stages``: the
    length of the agreed schedule, when there is one)."""
    if date is None:
        raise tree.error(("record",), "a record needs the case's date: add date: YYYY-MM-DD")
    if spec.agreed is not None and spec.agreed not in positions:
        known = ", ".join(positions) or "none declared"
        raise tree.error(("record", "agreed"), f"no position {spec.agreed!r}; positions: {known}")
    events = []
    for i, event in enumerate(spec.events):
        _check_event(event, tree, ("record", "events", i), parties, givers, stages)
        events.append(
            Event(
                event.date.isoformat(),
                event.party,
                event.did,
                event.source,
                event.item,
                event.stage,
                event.breaks,
                event.note or "",
            )
        )
    return CaseRecord(spec.agreed, tuple(events))


def _check_event(
    event: EventSpec,
    tree: FileTree,
    path: tuple[str | int, ...],
    parties: Sequence[str],
    givers: dict[str, str],
    stages: int | None,
) -> None:
    if event.party not in parties:
        raise tree.error(
            (*path, "party"), f"no party {event.party!r}; parties: {', '.join(parties)}"
        )
    if event.item is not None:
        if event.item not in givers:
            known = ", ".join(givers) or "none declared"
            raise tree.error((*path, "item"), f"no item {event.item!r}; items: {known}")
        if event.did == "delivered" and givers[event.item] != event.party:
            raise tree.error(
                (*path, "party"),
                f"{event.party} cannot deliver {event.item}: its giver is {givers[event.item]}",
            )
    if event.stage is not None and stages is not None and event.stage > stages:
        raise tree.error(
            (*path, "stage"), f"stage {event.stage}, but the agreed schedule has {stages} stages"
        )
