"""Where an imported scenario came from: format, files, grid and what was repaired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
    reading repaired; ``notes`` lists files that were skipped and why, and values a
    GENIUS domain lists more than once (counted once).
    """

    format: DomainFormat
    files: tuple[str, ...]
    discount_factors: tuple[float, ...]
    real_steps: int | None = None
    repairs: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
