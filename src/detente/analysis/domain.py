"""An imported domain in ``analyze``: its format, files, real-issue grid, discounts, repairs."""

from __future__ import annotations

from detente.analysis.documents import DomainDoc
from detente.scenario import Scenario


def domain_doc(scenario: Scenario) -> DomainDoc | None:
    """Where the scenario's GENIUS/GeniusWeb/NegoLog files came from (``None`` for a YAML file).

    The files' discount factors are reported, not applied: analysis values are
    undiscounted, because GENIUS discounts over normalised time, not per round.
    """
    origin = scenario.origin
    if origin is None:
        return None
    return DomainDoc(
        format=origin.format,
        files=origin.files,
        real_steps=origin.real_steps,
        discount_factors=dict(zip(scenario.party_ids, origin.discount_factors, strict=True)),
        repairs=origin.repairs,
        notes=origin.notes,
    )
