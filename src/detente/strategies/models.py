"""Opponent models: what a party believes the others want, used to pick among offers.

An offering policy first finds, by binary search, the outcomes whose own
utility is at the aspiration level (positions ``low..high-1`` of the party's
sorted order: utility from the lowest at or above the aspiration up to a
``window`` above it); the opponent model picks one of them.

* ``none``: no model; the first candidate (lowest own utility, lowest outcome
  index among ties).
* ``oracle``: complete information — the others' true utilities; the candidate
  maximising the product of the other signatories' gains over their reservation
  values (candidates irrational for one of them score lowest; ties go to the
  first candidate). [Baarslag2016] surveys learned models that could replace it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

import numpy as np

from detente.registry import Registry
from detente.table import PartyView, Table
from detente.utility import FloatArray

MODELS: Registry[OpponentModel] = Registry("opponent model")

ModelName = Annotated[str, "opponent model choosing among near-equal offers"]
"""A strategy's ``model`` parameter: the name of a registered opponent model."""


@dataclass(frozen=True, slots=True)
class NoModel:
    """Pick the first candidate."""

    def prepare(self, table: Table, party: int) -> NoModel:
        return self

    def choose(self, view: PartyView, low: int, high: int) -> int:
        """The outcome to offer among sorted positions ``low..high-1``."""
        return int(view.order[low])


MODELS.declare("none", NoModel, "no model: the first candidate")


@dataclass(frozen=True, slots=True)
class Oracle:
    """Pick the candidate best for the other signatories (their Nash product)."""

    others: FloatArray = field(default_factory=lambda: np.empty((0, 0)), compare=False, repr=False)
    reservations: tuple[float, ...] = ()

    def prepare(self, table: Table, party: int) -> Oracle:
        columns = [i for i in table.signatories if i != party]
        return Oracle(
            np.asarray(table.matrix[:, columns]),
            tuple(table.views[i].reservation for i in columns),
        )

    def choose(self, view: PartyView, low: int, high: int) -> int:
        """Among sorted positions ``low..high-1``, the offer with the largest product of the others'
        gains over their reservation values (the first candidate if none is rational for them)."""
        candidates = view.order[low:high]
        gains = self.others[candidates] - np.asarray(self.reservations)[None, :]
        rational = np.all(gains >= 0.0, axis=1)
        if not rational.any():
            return int(candidates[0])
        score = np.where(rational, np.prod(np.where(rational[:, None], gains, 0.0), axis=1), -1.0)
        return int(candidates[int(np.argmax(score))])


MODELS.declare(
    "oracle", Oracle, "complete information: the candidate best for the other signatories"
)

OpponentModel = NoModel | Oracle
