"""Where an imported scenario came from: format, files, grid and what was repaired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DomainFormat = Literal["genius", "geniusweb", "negolog"]

DEFAULT_REAL_STEPS = 21
"""Grid points per real-valued issue when none is given (``--real-steps``): steps of 5 %."""


@dataclass(frozen=True, slots=True)
class DomainOrigin:
    """Provenance of a scenario read from GENIUS, GeniusWeb or NegoLog files.

    ``discount_factors`` are the files' time-discount factors in party order
    (1.0 where the file gives none or an invalid one); analysis values are
    undiscounted and these are only reported, because GENIUS discounts over
    normalised time, not per round. ``real_steps`` is the grid used for real
    issues (``None`` when the domain has none). ``repairs`` lists what lenient
    reading repaired; ``notes`` lists files that were skipped and why.
    """

    format: DomainFormat
    files: tuple[str, ...]
    discount_factors: tuple[float, ...]
    real_steps: int | None = None
    repairs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def document(self, party_ids: tuple[str, ...]) -> dict[str, Any]:
        """The JSON-ready description ``analyze`` reports under ``domain``."""
        return {
            "format": self.format,
            "files": list(self.files),
            "real_steps": self.real_steps,
            "discount_factors": dict(zip(party_ids, self.discount_factors, strict=True)),
            "discounting": "not applied (GENIUS discounts over normalised time)",
            "repairs": list(self.repairs),
            "notes": list(self.notes),
        }
