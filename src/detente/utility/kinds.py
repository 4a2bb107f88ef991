"""Utility kinds: each kind of utility function declares itself once, beside its definition.

A kind (``linear``, ``table``, ``rectangles``, …) is one module of this package
that defines its utility value class and registers a :class:`UtilityKind`: the
``type:`` tag of its entries in a scenario file, the pydantic model of their
data (which the file layer folds into the scenario schema), how to build the
utility from that data over an outcome space, and how to write a utility back
as data. Nothing else lists the kinds: :func:`kinds` imports every module of
the package once and returns what registered, so adding a kind is one file.

Building raises :class:`~detente.errors.FieldError` with a path relative to the
utility's entry; the file layer turns it into ``file:line:col``.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from detente.errors import DetenteError, FieldError, UnknownNameError
from detente.outcomes import Issue, OutcomeSpace, Value
from detente.utility.base import Utility

ValueName = str | int | float
"""An issue value as a file writes it."""


class KindSpec(BaseModel):
    """Base of every kind's data model: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


@dataclass(frozen=True, slots=True)
class UtilityKind:
    """A kind of utility function: its tag, data model, builder and writer.

    ``values`` are the utility classes :attr:`data` can write (a kind may wrap
    another, as a linear utility with a ceiling is a ``Capped`` linear one).
    """

    name: str
    spec: type[KindSpec]
    values: tuple[type, ...]
    build: Callable[[Any, OutcomeSpace], Utility]
    data: Callable[[Any, OutcomeSpace], dict[str, Any] | None]
    description: str
    example: Mapping[str, Any]
    """An entry of this kind over an issue ``deal`` (values small, big), an integer issue
    ``n`` (0 to 2) and an item ``x``: the contract tests build and write it back."""


_KINDS: dict[str, UtilityKind] = {}


def register(kind: UtilityKind) -> UtilityKind:
    """Declare a kind (at the bottom of the module that defines it)."""
    if kind.name in _KINDS and _KINDS[kind.name] != kind:
        raise DetenteError(f"utility kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


@functools.cache
def kinds() -> Mapping[str, UtilityKind]:
    """Every utility kind by tag: the default (``linear``) first, then by name (the package's
    modules are imported once, on first use)."""
    package = importlib.import_module(__name__.rpartition(".")[0])
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return {name: _KINDS[name] for name in sorted(_KINDS, key=lambda k: (k != "linear", k))}


def to_data(utility: Utility, space: OutcomeSpace) -> dict[str, Any] | None:
    """``utility`` as a kind's data (what a file would say), or ``None`` if no kind writes it."""
    for kind in kinds().values():
        if isinstance(utility, kind.values):
            return kind.data(utility, space)
    return None


def issue_at(space: OutcomeSpace, name: str, path: tuple[str | int, ...]) -> Issue:
    """The issue called ``name``, or an error at ``path`` listing the issues."""
    try:
        return space.issue(name)
    except UnknownNameError as error:
        raise FieldError(error.message, path, UnknownNameError) from None


def value_at(issue: Issue, value: Value, path: tuple[str | int, ...]) -> int:
    """The position of ``value`` among ``issue``'s values (``"1"`` finds ``1``), or an error."""
    for i, candidate in enumerate(issue.values):
        if candidate == value or str(candidate) == str(value):
            return i
    try:
        return issue.index_of(value)
    except UnknownNameError as error:
        raise FieldError(error.message, path, UnknownNameError) from None
