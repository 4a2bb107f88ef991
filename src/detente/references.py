"""References: the sources a scenario cites as ``[@KEY]``, as values.

A scenario file lists its sources once (``sources:``, each with a title and
optionally a URL, a date and a note) and cites them by key in any text. The
report numbers them in the order they are first cited and links each citation
to its entry in the bibliography.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CITATION = re.compile(r"\[@([^\]\s]+)\]")
"""A citation in text: ``[@KEY]``."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One source: its key, title and, when the file gives them, URL, date and note.

    >>> Reference("hani-2019", "Hankyoreh, 2 Mar 2019", date="2019-03-02").date
    '2019-03-02'
    """

    key: str
    title: str
    url: str | None = None
    date: str | None = None
    note: str | None = None


def cited(text: str) -> tuple[str, ...]:
    """The keys ``text`` cites, in order.

    >>> cited("[@un-2371] and [@hani-2019] say so")
    ('un-2371', 'hani-2019')
    """
    return tuple(CITATION.findall(text))
