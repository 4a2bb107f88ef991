"""The scenario's named positions in ``analyze``: who gains from each, and who can ratify it."""

from __future__ import annotations

from detente.analysis.documents import PositionDoc
from detente.analysis.solutions import Bargaining
from detente.scenario import Scenario
from detente.twolevel import WinSets


def position_docs(scenario: Scenario, base: Bargaining, ws: WinSets) -> dict[str, PositionDoc]:
    """Each named position: its outcome, every party's utility, whether all signatories gain.

    ``ratifiable``: it is in every signatory's win-set; ``in_win_set`` is
    ``{party: bool}`` over every party (a stakeholder's win-set is its
    individually rational set).
    """
    return {
        name: PositionDoc(
            outcome=base.outcome(position.index),
            held_by=position.held_by,
            utilities=base.party_utilities(position.index),
            rational=bool(base.rational[position.index]),
            ratifiable=bool(ws.common[position.index]),
            in_win_set={
                p: bool(ws.masks[position.index, k]) for k, p in enumerate(scenario.party_ids)
            },
        )
        for name, position in scenario.positions.items()
    }
