"""Schedules: how much of each item is delivered in each stage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.phasing.deal import Deal
from detente.utility import FloatArray

TOLERANCE = 1e-7
"""Absolute slack within which amounts, bounds and links count as met."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """Amounts per stage: ``amounts[stage][k]`` of item ``items[k]``.

    The move order inside each stage is the deal's (:attr:`Deal.order`).

    >>> s = Schedule.from_stages(("x", "y"), [{"x": 1.0}, {"x": 2.0, "y": 0.5}])
    >>> s.stages, s.totals()
    (2, {'x': 3.0, 'y': 0.5})
    """

    items: tuple[str, ...]
    amounts: tuple[tuple[float, ...], ...]

    @classmethod
    def from_stages(cls, items: Sequence[str], stages: Sequence[Mapping[str, float]]) -> Schedule:
        """Build from one ``{item: amount}`` per stage (missing items deliver 0)."""
        items = tuple(items)
        for k, stage in enumerate(stages):
            for name in stage:
                if name not in items:
                    raise DetenteError(
                        f"schedule stage {k + 1} names unknown item {name!r}; "
                        f"items are: {', '.join(items)}"
                    )
        rows = tuple(tuple(float(stage.get(name, 0.0)) for name in items) for stage in stages)
        return cls(items, rows)

    @classmethod
    def from_array(cls, items: Sequence[str], array: FloatArray) -> Schedule:
        """Build from an ``[item, stage]`` array."""
        return cls(tuple(items), tuple(tuple(float(x) for x in col) for col in np.asarray(array).T))

    @property
    def stages(self) -> int:
        """Number of stages."""
        return len(self.amounts)

    def array(self) -> FloatArray:
        """Amounts as an ``[item, stage]`` array."""
        return np.array(self.amounts, dtype=np.float64).reshape(self.stages, len(self.items)).T

    def totals(self) -> dict[str, float]:
        """Total amount of every item."""
        return {
            name: float(x) for name, x in zip(self.items, self.array().sum(axis=1), strict=True)
        }

    def trimmed(self, tolerance: float = TOLERANCE) -> Schedule:
        """The schedule without its trailing empty stages ("K stages" means at most K).

        >>> Schedule.from_stages(("x",), [{"x": 1.0}, {}, {"x": 0.0}]).trimmed().stages
        1
        """
        last = max(
            (k for k, row in enumerate(self.amounts) if any(abs(x) > tolerance for x in row)),
            default=0,
        )
        return self if last == self.stages - 1 else Schedule(self.items, self.amounts[: last + 1])

    def as_dicts(self, tolerance: float = TOLERANCE) -> list[dict[str, float]]:
        """One ``{item: amount}`` per stage, leaving out amounts within ``tolerance`` of 0."""
        return [
            {n: x for n, x in zip(self.items, row, strict=True) if abs(x) > tolerance}
            for row in self.amounts
        ]


def aligned(deal: Deal, schedule: Schedule) -> FloatArray:
    """The schedule as a ``[deal item, stage]`` array, checked against the deal.

    Raises :class:`DetenteError` for an unknown item, a negative amount, an
    amount beyond an item's per-stage or total bounds, a binary item split
    or delivered in part, a broken link or unequal steps where equal steps
    are required.
    """
    if not schedule.stages:
        raise DetenteError("a schedule needs at least one stage")
    for name in schedule.items:
        deal.item_index(name)
    source = schedule.array()
    amounts = np.zeros((len(deal.items), schedule.stages))
    for k, name in enumerate(schedule.items):
        amounts[deal.item_index(name)] = source[k]
    if not _within_bounds(deal, amounts):
        for i, item in enumerate(deal.items):  # find the first problem, to name it
            _check_item(item.name, amounts[i], item.total, item.per_stage, item.binary)
    _check_links(deal, amounts)
    for name in deal.equal_steps:
        row = amounts[deal.item_index(name)]
        if np.ptp(row) > TOLERANCE * (1 + np.abs(row).max()):
            raise DetenteError(f"item {name!r} must move in equal steps, got {row.tolist()}")
    return amounts


def _within_bounds(deal: Deal, amounts: FloatArray) -> bool:
    """Every item's amounts within its bounds, binary items whole (what :func:`_check_item` asks)."""
    tol = TOLERANCE
    per_stage = np.array([item.per_stage for item in deal.items])[:, None]
    low, high = np.array([item.total for item in deal.items]).T
    binary = np.array([item.binary for item in deal.items])
    totals = amounts.sum(axis=1)
    whole = np.minimum(abs(amounts), abs(amounts - 1)) <= tol
    return bool(
        (amounts >= -tol).all()
        and (amounts <= per_stage + tol * (1 + per_stage)).all()
        and (low - tol * (1 + low) <= totals).all()
        and (totals <= high + tol * (1 + high)).all()
        and whole[binary].all()
    )


def _check_item(
    name: str, row: FloatArray, total: tuple[float, float], per_stage: float, binary: bool
) -> None:
    tol = TOLERANCE
    if (row < -tol).any():
        raise DetenteError(f"item {name!r}: amounts must be >= 0, got {row.tolist()}")
    if (row > per_stage + tol * (1 + per_stage)).any():
        raise DetenteError(f"item {name!r}: at most {per_stage} per stage, got {row.tolist()}")
    low, high = total
    if not low - tol * (1 + low) <= row.sum() <= high + tol * (1 + high):
        raise DetenteError(f"item {name!r}: total {row.sum():g} outside its bounds [{low}, {high}]")
    if binary and (np.minimum(abs(row), abs(row - 1)) > tol).any():
        raise DetenteError(f"binary item {name!r} is delivered whole (0 or 1), got {row.tolist()}")


def _check_links(deal: Deal, amounts: FloatArray) -> None:
    for link in deal.links:
        source = amounts[deal.item_index(link.source)]
        target = amounts[deal.item_index(link.target)]
        if (abs(target - link.rate * source) > TOLERANCE * (1 + abs(source))).any():
            raise DetenteError(
                f"link {link.source} -> {link.target}: {link.target} must be {link.rate} x "
                f"{link.source} in every stage"
            )
