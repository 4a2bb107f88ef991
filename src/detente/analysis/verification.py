"""Covert cheating in the documents: ``analyze``'s ``verification``, and ``phase``'s.

Whether cheating pays is :mod:`detente.phasing.verification`'s; this module
reports each cheating-prone item's verdict on one schedule as
:class:`~detente.analysis.documents.DeterrenceDoc` values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from detente.analysis.documents import DeterrenceDoc
from detente.phasing.deal import Deal
from detente.phasing.designer import Design
from detente.phasing.enforcement import check
from detente.phasing.plan import Phasing
from detente.phasing.verification import Deterrence

DESIGNED = "designed"
"""The ``schedule`` of a verdict on the designer's best schedule."""


def deterrence_docs(found: Sequence[Deterrence], schedule: str) -> dict[str, DeterrenceDoc]:
    """``{item: verdict}`` of a schedule's check (``schedule`` names the schedule)."""
    return {
        d.item: DeterrenceDoc(
            giver=d.giver,
            schedule=schedule,
            detection=d.detection,
            min_detection=d.min_detection,
            deterred=d.deterred,
            gain=d.gain,
            stake=d.stake,
            lag=d.lag,
        )
        for d in found
    }


def unknown(deal: Deal) -> dict[str, DeterrenceDoc]:
    """``{item: verdict}`` when there is no schedule: only the detection without verification."""
    return {
        item.name: DeterrenceDoc(
            giver=item.giver,
            schedule=None,
            detection=item.detection,
            min_detection=None,
            deterred=None,
            gain=None,
            stake=None,
            lag=item.detection_lag,
        )
        for item in deal.items
        if item.covert_gain > 0
    }


def verification_docs(plan: Phasing, best: Design) -> dict[str, DeterrenceDoc]:
    """``verification``: each cheating-prone item's verdict on the scenario's schedule.

    That is ``phasing.schedule`` (checked on the scenario's deal) when the scenario
    gives one, else the designer's best schedule (``best``), which deters cheating
    by construction; with neither, only each item's detection without verification.
    """
    if not any(item.covert_gain > 0 for item in plan.deal.items):
        return {}
    if plan.schedule is not None:
        return deterrence_docs(check(plan.deal, plan.schedule).verification, "phasing.schedule")
    if best.enforcement is None:
        return unknown(plan.deal)
    return deterrence_docs(best.enforcement.verification, DESIGNED)


def verdict(
    item: str, entry: Mapping[str, Any], number: Callable[[float], str], lead: str = ""
) -> str:
    """One plain sentence on covert cheating on ``item`` (``entry``: its ``verification`` JSON),
    after ``lead`` (e.g. "Once the schedule is carried out").

    >>> entry = {"min_detection": 0.0555, "detection": 0.1, "deterred": True, "giver": "B",
    ...          "gain": 0.5, "stake": 1.0, "lag": 0}
    >>> verdict("freeze", entry, lambda x: f"{x:.3g}")
    'Covert cheating on freeze (by B) does not pay: it is detected with probability 0.1 per stage, at least 0.0555 is needed.'
    """
    who = f"{lead}, covert cheating" if lead else "Covert cheating"
    who += f" on {item} (by {entry['giver']})"
    detected = f"it is detected with probability {number(entry['detection'])} per stage"
    if entry["deterred"] is None:
        return f"{who} is not judged: there is no schedule; without verification {detected}."
    if not entry["gain"]:
        return f"{who} gains nothing: the schedule does not deliver the item."
    needed = entry["min_detection"]
    if needed is None:
        lag = entry["lag"]
        punished = "at once" if not lag else f"{lag} stage{'s' if lag != 1 else ''} after detection"
        return (
            f"{who} pays whatever the detection: its gain of {number(entry['gain'])} per stage "
            f"outweighs its stake of {number(entry['stake'])} when punished {punished}."
        )
    pays = "does not pay" if entry["deterred"] else "pays"
    return f"{who} {pays}: {detected}, at least {number(needed)} is needed."
