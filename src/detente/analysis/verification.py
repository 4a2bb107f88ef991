"""Covert cheating in the documents: ``analyze``'s ``verification``, and ``phase``'s.

Whether cheating pays is :mod:`detente.phasing.verification`'s; this module
reports each cheating-prone item's verdict on one schedule as
:class:`~detente.analysis.documents.DeterrenceDoc` values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from detente.analysis.documents import DeterrenceDoc, OnsetDoc
from detente.phasing.covert import Covert, during
from detente.phasing.deal import Deal
from detente.phasing.designer import Design
from detente.phasing.enforcement import Valuation, check, deterrence
from detente.phasing.plan import Phasing
from detente.phasing.schedule import Schedule
from detente.phasing.verification import Deterrence

DESIGNED = "designed"
"""The ``schedule`` of a verdict on the designer's best schedule."""

PACKAGE = "package"
"""The ``schedule`` of a verdict on a fixed package no self-enforcing schedule carries: judged
at its totals, as if carried out (a verdict at completion depends on nothing else)."""


def deterrence_docs(
    found: Sequence[Deterrence], schedule: str, during: Sequence[Covert] = ()
) -> dict[str, DeterrenceDoc]:
    """``{item: verdict}`` of a schedule's check (``schedule`` names the schedule), with the
    judgement of cheating during it (:func:`detente.phasing.covert.during`) where given."""
    onsets = {c.item: c for c in during}
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
            pays_from=None if d.item not in onsets else onsets[d.item].pays_from,
            stages=() if d.item not in onsets else _onsets(onsets[d.item]),
        )
        for d in found
    }


def _onsets(found: Covert) -> tuple[OnsetDoc, ...]:
    return tuple(
        OnsetDoc(o.stage, o.gain, o.detection, o.verifiers, o.excess, o.pays, o.min_detection)
        for o in found.onsets
    )


def judged(deal: Deal, schedule: Schedule) -> dict[str, DeterrenceDoc]:
    """``{item: verdict}`` of ``schedule`` (checked on ``deal``): at completion and during it."""
    valuation = Valuation(deal, schedule.trimmed().stages)
    found = check(deal, schedule, valuation).verification
    return deterrence_docs(found, "phasing.schedule", during(deal, schedule, valuation))


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


def package_verification(
    deal: Deal, amounts: Mapping[str, float], found: Design | None
) -> dict[str, DeterrenceDoc]:
    """``phasing.positions.NAME.verification``: covert cheating on a fixed package.

    On the schedule that carries it (``found``: at completion and during it) when there is
    one; else at the package's totals (``schedule`` is :data:`PACKAGE`): whether cheating
    pays once the package is carried out depends on its totals alone, so a package that
    no schedule carries still has an answer to "how likely must detection be?".
    """
    if not any(item.covert_gain > 0 for item in deal.items):
        return {}
    if found is not None and found.enforcement is not None and found.schedule is not None:
        return deterrence_docs(
            found.enforcement.verification, DESIGNED, during(deal, found.schedule)
        )
    totals = np.zeros((1, len(deal.items), 1))
    for name, amount in amounts.items():
        totals[0, deal.item_index(name), 0] = amount
    valuation = Valuation(deal, 1)
    cheating = valuation.cheating
    stakes = valuation.stakes(totals)[0, cheating.giver]
    return deterrence_docs(deterrence(cheating, totals[0, :, 0], stakes), PACKAGE)


def verification_docs(plan: Phasing, best: Design) -> dict[str, DeterrenceDoc]:
    """``verification``: each cheating-prone item's verdict on the scenario's schedule.

    That is ``phasing.schedule`` (checked on the scenario's deal) when the scenario
    gives one, else the designer's best schedule (``best``), which deters cheating
    by construction; with neither, only each item's detection without verification.
    """
    if not any(item.covert_gain > 0 for item in plan.deal.items):
        return {}
    if plan.schedule is not None:
        return judged(plan.deal, plan.schedule)
    if best.enforcement is None or best.schedule is None:
        return unknown(plan.deal)
    return deterrence_docs(
        best.enforcement.verification, DESIGNED, during(plan.deal, best.schedule)
    )


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
            + _during(entry)
        )
    pays = "does not pay" if entry["deterred"] else "pays"
    return f"{who} {pays}: {detected}, at least {number(needed)} is needed.{_during(entry)}"


def _during(entry: Mapping[str, Any]) -> str:
    """`` Started during the schedule, it would pay from stage 1 to stage 2, before the
    inspections of stage 3.``: where starting to cheat pays during the schedule (nothing when
    no stage pays, or only the last stage when cheating pays at completion anyway).

    >>> stages = [{"stage": k, "pays": k < 3, "verifiers": ["inspections"] if k == 3 else []}
    ...           for k in (1, 2, 3, 4)]
    >>> _during({"stages": stages, "deterred": True})
    ' Started during the schedule, it would pay from stage 1 to stage 2, before the inspections of stage 3.'
    >>> _during({"stages": [{**s, "pays": s["stage"] != 2} for s in stages], "deterred": False})
    ' Started during the schedule, it would pay in stages 1, 3 and 4.'
    """
    stages = entry.get("stages") or []
    paying = [int(s["stage"]) for s in stages if s["pays"]]
    if not paying or (paying == [int(stages[-1]["stage"])] and not entry["deterred"]):
        return ""
    run = paying[0]
    while run + 1 in paying:
        run += 1
    if len(paying) > run - paying[0] + 1:  # more than one run
        *most, final = (str(k) for k in paying)
        when = f"in stages {', '.join(most)} and {final}"
    elif run == paying[0]:
        when = f"in stage {run}"
    elif run == stages[-1]["stage"]:
        when = f"from stage {paying[0]} on"
    else:
        when = f"from stage {paying[0]} to stage {run}"
    after = [s for s in stages if s["stage"] == run + 1 and s["verifiers"]]
    before = ""
    if after and run == paying[-1]:  # one run of stages, ended by verification
        names = list(after[0]["verifiers"])
        named = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        before = f", before the {named} of stage {run + 1}"
    return f" Started during the schedule, it would pay {when}{before}."
