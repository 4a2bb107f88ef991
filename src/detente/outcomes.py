"""Issues and the outcome space they span.

An outcome space is the Cartesian product of discrete issues. An outcome is a
tuple of values, one per issue, or equivalently an integer index into the
space in mixed radix with the *last* issue varying fastest (NumPy's C order).
Nothing here materialises the space: index ↔ tuple conversion, enumeration in
chunks and uniform sampling all work on spaces far larger than memory, and any
operation that must enumerate refuses beyond a limit with a clear error.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from math import prod
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente import sizes
from detente.errors import TooLargeError, UnknownNameError
from detente.sizes import size_text

Value = str | int | float
"""A value an issue can take."""

IssueKind = Literal["values", "integer", "item", "real"]

ENUMERATION_LIMIT = 20_000_000
"""Default largest number of outcomes an operation may enumerate (``--max-outcomes``)."""

MATRIX_PARTIES = 4
"""Parties the outcome limit is sized for: a utility matrix holds at most limit × this many."""

_BYTES_PER_UTILITY = 24
"""Memory per utility of an enumerated space: the matrix, and each party's sorted order and values."""

_INDEX_CEILING = 2**62
"""Spaces must fit int64 indices with headroom for arithmetic."""

IndexArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Issue:
    """One dimension of the outcome space: a name and its ordered values.

    ``kind`` records where the values came from: named ``values``, an
    ``integer`` range, a binary ``item`` (0 = not delivered, 1 = delivered)
    or a ``real`` interval discretised on a grid.

    >>> Issue.integer("price", 3, 6).values
    (3, 4, 5, 6)
    >>> Issue.item("yongbyon").values
    (0, 1)
    """

    name: str
    values: tuple[Value, ...]
    kind: IssueKind = "values"
    _lookup: dict[Value, int] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError(f"issue {self.name!r} has no values")
        lookup = {value: i for i, value in enumerate(self.values)}
        if len(lookup) != len(self.values):
            raise ValueError(f"issue {self.name!r} has duplicate values")
        object.__setattr__(self, "_lookup", lookup)

    @classmethod
    def integer(cls, name: str, low: int, high: int) -> Issue:
        """An issue taking every integer from ``low`` to ``high`` inclusive."""
        if high < low:
            raise ValueError(f"issue {name!r}: upper bound {high} is below lower bound {low}")
        return cls(name, tuple(range(low, high + 1)), "integer")

    @classmethod
    def item(cls, name: str) -> Issue:
        """A binary concession: 0 (not delivered) or 1 (delivered)."""
        return cls(name, (0, 1), "item")

    def __len__(self) -> int:
        return len(self.values)

    def index_of(self, value: Value) -> int:
        """Position of ``value`` among this issue's values.

        >>> Issue("deal", ("small", "big")).index_of("big")
        1
        """
        try:
            return self._lookup[value]
        except KeyError:
            shown = ", ".join(map(str, self.values[:10])) + (", …" if len(self) > 10 else "")
            raise UnknownNameError(
                f"issue {self.name!r} has no value {value!r}; valid values: {shown}"
            ) from None


@dataclass(frozen=True, slots=True)
class OutcomeSpace:
    """The product of a sequence of issues.

    >>> space = OutcomeSpace((Issue("a", ("x", "y")), Issue.integer("b", 0, 2)))
    >>> space.size
    6
    >>> space.to_index(("y", 1))
    4
    >>> space.to_outcome(4)
    ('y', 1)
    """

    issues: tuple[Issue, ...]
    _strides: tuple[int, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.issues:
            raise ValueError("an outcome space needs at least one issue")
        names = [issue.name for issue in self.issues]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate issue names: {names}")
        strides = []
        running = 1
        for issue in reversed(self.issues):
            strides.append(running)
            running *= len(issue)
        if running >= _INDEX_CEILING:
            raise TooLargeError(
                f"outcome space of {running:.3e} outcomes exceeds the 2^62 indexable outcomes"
            )
        object.__setattr__(self, "_strides", tuple(reversed(strides)))

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of values of each issue."""
        return tuple(len(issue) for issue in self.issues)

    @property
    def size(self) -> int:
        """Number of outcomes (an exact Python int)."""
        return prod(self.shape)

    @property
    def names(self) -> tuple[str, ...]:
        """Issue names in order."""
        return tuple(issue.name for issue in self.issues)

    def issue(self, name: str) -> Issue:
        """The issue called ``name``."""
        for issue in self.issues:
            if issue.name == name:
                return issue
        raise UnknownNameError(f"no issue {name!r}; issues are: {', '.join(self.names)}")

    def position(self, name: str) -> int:
        """Position of the issue called ``name``."""
        return self.issues.index(self.issue(name))

    def to_index(self, outcome: Sequence[Value]) -> int:
        """Index of an outcome given as one value per issue."""
        if len(outcome) != len(self.issues):
            raise ValueError(f"an outcome has {len(self.issues)} values, got {len(outcome)}")
        return sum(
            issue.index_of(value) * stride
            for issue, value, stride in zip(self.issues, outcome, self._strides, strict=True)
        )

    def to_outcome(self, index: int) -> tuple[Value, ...]:
        """The outcome (tuple of values) at ``index``."""
        index = int(index)
        if not 0 <= index < self.size:
            raise IndexError(f"outcome index {index} outside 0..{self.size - 1}")
        return tuple(
            issue.values[(index // stride) % len(issue)]
            for issue, stride in zip(self.issues, self._strides, strict=True)
        )

    def to_dict(self, index: int) -> dict[str, Value]:
        """The outcome at ``index`` as ``{issue: value}``."""
        return dict(zip(self.names, self.to_outcome(index), strict=True))

    def value_indices(self, indices: IndexArray) -> NDArray[np.int64]:
        """Per-issue value positions of many outcomes: shape ``(len(indices), n_issues)``.

        >>> space = OutcomeSpace((Issue.item("a"), Issue.integer("b", 0, 2)))
        >>> space.value_indices(np.array([0, 5])).tolist()
        [[0, 0], [1, 2]]
        """
        indices = np.asarray(indices, dtype=np.int64)
        strides = np.asarray(self._strides, dtype=np.int64)
        shape = np.asarray(self.shape, dtype=np.int64)
        return (indices[:, None] // strides[None, :]) % shape[None, :]

    def require_enumerable(
        self, operation: str, limit: int = ENUMERATION_LIMIT, parties: int = 1
    ) -> None:
        """Refuse an operation that must enumerate a space larger than ``limit``.

        With ``parties``, also refuse a utility matrix (one utility per outcome
        and party) larger than ``limit`` × :data:`MATRIX_PARTIES`: the limit is
        sized for that many parties, and allows proportionally fewer outcomes
        for more.

        >>> space = OutcomeSpace((Issue.integer("x", 1, 1000),))
        >>> space.require_enumerable("building the utility matrix", 1000, parties=40)
        Traceback (most recent call last):
        detente.errors.TooLargeError: building the utility matrix needs 1,000 outcomes × 40 parties = 40,000 utilities (about 938 kB with the sorted views), more than the limit of 4,000 (--max-outcomes 1,000 × 4 parties); raise it with --max-outcomes N
        """
        if self.size > limit:
            raise TooLargeError(
                f"{operation} needs to enumerate {self.size:,} outcomes, more than the limit of "
                f"{limit:,}; raise it with --max-outcomes N (memory grows by ~8 bytes per outcome "
                "and party) or use sampling-based statistics"
            )
        utilities = self.size * parties
        if parties > MATRIX_PARTIES and utilities > limit * MATRIX_PARTIES:
            nbytes = utilities * _BYTES_PER_UTILITY
            raise TooLargeError(
                f"{operation} needs {self.size:,} outcomes × {parties} parties = "
                f"{utilities:,} utilities (about {size_text(nbytes)} with the sorted views), "
                f"more than the limit of {limit * MATRIX_PARTIES:,} (--max-outcomes {limit:,} "
                f"× {MATRIX_PARTIES} parties); raise it with --max-outcomes N"
            )
        nbytes = self.size * max(parties, 1) * _BYTES_PER_UTILITY
        sizes.require(
            "memory",
            nbytes,
            f"{operation} over {self.size:,} outcomes needs about {size_text(nbytes)}",
            "the utility matrix and its sorted views, whatever --max-outcomes allows",
        )

    def chunks(self, chunk_size: int = 1_000_000) -> Iterator[IndexArray]:
        """Outcome indices in consecutive chunks of at most ``chunk_size``."""
        for start in range(0, self.size, chunk_size):
            stop = min(start + chunk_size, self.size)
            yield np.arange(start, stop, dtype=np.int64)

    def sample(self, rng: np.random.Generator, n: int) -> IndexArray:
        """``n`` outcome indices drawn uniformly with replacement."""
        return rng.integers(0, self.size, size=n, dtype=np.int64)
