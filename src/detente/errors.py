"""Errors a user can act on.

Every error raised for bad input is a :class:`DetenteError`: it renders as one
line naming the file, the place in it, what is wrong and what would be valid.
The CLI prints that line and exits with code 2; anything else is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where in an input a problem is: file, 1-based line and column, field path."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            place = self.file
            if self.line is not None:
                place += f":{self.line}"
                if self.column is not None:
                    place += f":{self.column}"
            parts.append(place)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)


class DetenteError(Exception):
    """Bad input: rendered as one line, exit code 2 on the command line.

    >>> str(DetenteError("discount must be in (0, 1]", Location("a.yaml", 3, 5, "parties[0].discount")))
    'a.yaml:3:5: parties[0].discount: discount must be in (0, 1]'
    """

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = " ".join(message.split())
        self.location = location or Location()
        super().__init__(self.render())

    def render(self) -> str:
        """The message, prefixed with its file location when it has one."""
        where = str(self.location)
        return f"{where}: {self.message}" if where else self.message


class ScenarioError(DetenteError):
    """A scenario or domain file is malformed or inconsistent."""


class FieldError(ScenarioError):
    """Bad input at a field of what is being built, given as a path relative to it.

    Code below the file layer knows the shape of its data but not where it sits
    in a file; the file layer locates the error at its own path plus ``path``.
    ``kind`` is the error class it is then raised as.

    >>> FieldError("no issue 'x'", ("values", "x")).path
    ('values', 'x')
    """

    def __init__(
        self,
        message: str,
        path: tuple[str | int, ...] = (),
        kind: type[DetenteError] = ScenarioError,
    ) -> None:
        self.path = path
        self.kind = kind
        super().__init__(message)


class TooLargeError(DetenteError):
    """An operation needs to enumerate more outcomes than the configured limit."""


class UnknownNameError(DetenteError):
    """A name (strategy, parameter, issue, party, field) is not known; the message lists valid ones."""
