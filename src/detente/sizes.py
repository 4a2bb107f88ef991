"""Limits on what an argument may ask for, checked before anything is allocated or written.

A number on the command line (``--draws``, ``--sessions``, ``--stages``, …) or in a
scenario file decides how much memory and time a command takes. Each such
quantity has a documented limit (``docs/reference/limits.md``); beyond it the
command refuses in one line that names the argument, the limit, what the
amount would cost and how to raise the limit (``--limit NAME=N`` on the
command line). Within the limits every command stays within a few gigabytes.

>>> require("draws", 10, "--draws 10")
>>> require("draws", 10**12, "--draws 1,000,000,000,000")
Traceback (most recent call last):
detente.errors.TooLargeError: --draws 1,000,000,000,000: more than the limit of 10,000,000 draws; raise it with --limit draws=N
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from detente.errors import DetenteError, TooLargeError


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit: its name (as ``--limit NAME=N`` takes it), default, unit and what it bounds."""

    name: str
    default: int
    unit: str
    bounds: str


def usable_cores() -> int:
    """How many cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


GB = 2**30

LIMITS: dict[str, Limit] = {
    limit.name: limit
    for limit in (
        Limit("draws", 10_000_000, "draws", "draws of a sweep (`sweep --draws`)"),
        Limit(
            "sessions",
            10_000_000,
            "sessions",
            "sessions of `simulate` and `implement` (`--sessions`) and of a `tournament` "
            "(assignments × repetitions)",
        ),
        Limit(
            "rounds",
            1_000_000,
            "rounds",
            "a negotiation's deadline (`--rounds` of `simulate`, `spe` and `tournament`)",
        ),
        Limit(
            "stages",
            100,
            "stages",
            "stages of a schedule design: `phase --stages`/`--max-stages`, `implement --stages`, "
            "a scenario's `phasing.stages` and `phasing.max_stages`",
        ),
        Limit(
            "steps",
            10_000_000_000,
            "steps",
            "rounds × outcomes of `spe`'s backward induction (one pass over every outcome "
            "in every round)",
        ),
        Limit("grid", 1_000, "weights", "weights of `analyze --vary-faction` (its `N`)"),
        Limit(
            "robust-rows",
            20_000,
            "rows",
            "rows of `phase --robust`'s mixed-integer program (each draw's rows × `--draws`)",
        ),
        Limit("real-steps", 10_000, "grid points", "`--real-steps` (per real-valued issue)"),
        Limit("chunks", 100_000, "chunk files", "chunk files of a run (units ÷ `--chunk-size`)"),
        Limit(
            "memory",
            2 * GB,
            "bytes",
            "one array an argument implies: a sweep's Latin hypercube design "
            "(draws × parameters), `implement`'s per-session arrays (sessions × stages × parties)",
        ),
        Limit(
            "workers",
            usable_cores(),
            "worker processes",
            "local worker processes (`--workers`; above it the run uses one per core and says so)",
        ),
    )
}
"""Every limit, by name."""

_RAISED: ContextVar[Mapping[str, int] | None] = ContextVar("limits", default=None)


def limit(name: str) -> int:
    """The limit called ``name`` in force (raised by :func:`using`, else its default).

    >>> limit("stages")
    100
    """
    raised = _RAISED.get() or {}
    return raised.get(name, LIMITS[name].default)


def in_force() -> dict[str, int]:
    """The limits raised (or lowered) from their defaults, for work that travels to workers."""
    return dict(_RAISED.get() or {})


@contextlib.contextmanager
def using(values: Mapping[str, int]) -> Iterator[None]:
    """Apply ``values`` (``{name: limit}``) for the block.

    >>> with using({"stages": 500}):
    ...     limit("stages")
    500
    """
    token = _RAISED.set({**(_RAISED.get() or {}), **values})
    try:
        yield
    finally:
        _RAISED.reset(token)


STAGES_COST = "a design's linear program grows with the square of the stages"

SCENARIO_LIMITS = ("stages",)
"""The limits a scenario's own numbers are held to (:func:`require_scenario`)."""


class _Plan(Protocol):
    @property
    def stages(self) -> int: ...
    @property
    def max_stages(self) -> int: ...


class _Scenario(Protocol):
    """What :func:`require_scenario` reads of a :class:`~detente.scenario.Scenario`."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> str | None: ...
    @property
    def phasing(self) -> _Plan | None: ...


def require_scenario(scenario: _Scenario) -> None:
    """Refuse a scenario whose own numbers go beyond the limits (a schedule of 10⁷ stages).

    Raises:
        TooLargeError: naming the file, the field and ``--limit stages=N``.
    """
    plan = scenario.phasing
    if plan is None:
        return
    where = scenario.path or scenario.name
    for name, stages in (("phasing.stages", plan.stages), ("phasing.max_stages", plan.max_stages)):
        require("stages", stages, f"{where}: {name} is {stages:,}", STAGES_COST)


def require_stages(stages: int | None, flag: str) -> None:
    """Refuse a stage count given on the command line (``--stages``) beyond the limit.

    >>> require_stages(5000, "--stages")
    Traceback (most recent call last):
    detente.errors.TooLargeError: --stages 5,000: more than the limit of 100 stages (a design's linear program grows with the square of the stages); raise it with --limit stages=N
    """
    if stages is not None:
        require("stages", stages, f"{flag} {stages:,}", STAGES_COST)


def scenario_limits() -> tuple[tuple[str, int], ...]:
    """The raised limits that decide whether a scenario is valid: they travel with a sweep."""
    return tuple(sorted((k, v) for k, v in in_force().items() if k in SCENARIO_LIMITS))


def require(name: str, amount: int, what: str, cost: str = "") -> None:
    """Refuse ``amount`` beyond the limit ``name``; ``what`` names the argument, ``cost`` says why.

    Raises:
        TooLargeError: one line naming ``what``, the limit and ``--limit NAME=N``.
    """
    ceiling = limit(name)
    if amount > ceiling:
        unit = LIMITS[name].unit
        shown = size_text(ceiling) if unit == "bytes" else f"{ceiling:,} {unit}"
        why = f" ({cost})" if cost else ""
        raise TooLargeError(
            f"{what}: more than the limit of {shown}{why}; raise it with --limit {name}=N"
        )


def size_text(nbytes: float) -> str:
    """A number of bytes for people.

    >>> size_text(2 * GB), size_text(1536), size_text(7.3e12)
    ('2 GB', '1.5 kB', '6.6 TB')
    """
    for unit, scale in (("TB", 2**40), ("GB", GB), ("MB", 2**20), ("kB", 2**10)):
        if nbytes >= scale:
            value = nbytes / scale
            shown = f"{value:.1f}".removesuffix(".0") if value < 10 else f"{value:,.0f}"
            return f"{shown} {unit}"
    return f"{nbytes:.0f} B"


_AMOUNT = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?(?:e[0-9]+)?)\s*([kmgt]b?)?\s*$", re.IGNORECASE)
_SCALES = {"": 1, "k": 2**10, "m": 2**20, "g": GB, "t": 2**40}


def parse_limits(pairs: Sequence[str]) -> dict[str, int]:
    """``--limit NAME=N`` values: a whole number, ``1e9``, or a size such as ``8GB`` for memory.

    >>> parse_limits(["draws=1e8", "memory=8GB"])
    {'draws': 100000000, 'memory': 8589934592}
    >>> parse_limits(["colours=3"])
    Traceback (most recent call last):
    detente.errors.DetenteError: --limit colours=3: no such limit; limits: draws, sessions, rounds, stages, steps, grid, robust-rows, real-steps, chunks, memory, workers
    """
    values: dict[str, int] = {}
    for pair in pairs:
        name, _, text = pair.partition("=")
        name = name.strip()
        if name not in LIMITS:
            raise DetenteError(f"--limit {pair}: no such limit; limits: {', '.join(LIMITS)}")
        amount = _amount(text, sizes=name == "memory")
        if amount is None:
            size = ", or a size such as 8GB" if name == "memory" else ""
            raise DetenteError(
                f"--limit {pair}: expected {name}=N with a whole number N "
                f"(e.g. --limit {name}={LIMITS[name].default}{size})"
            )
        values[name] = amount
    return values


def _amount(text: str, sizes: bool) -> int | None:
    """``text`` as a positive whole number (with ``sizes``, ``8GB`` too), or ``None``."""
    match = _AMOUNT.match(text)
    if match is None or (match.group(2) and not sizes):
        return None
    amount = float(match.group(1)) * _SCALES[(match.group(2) or "").lower().rstrip("b")]
    return max(1, int(amount)) if amount < 2**62 else None
