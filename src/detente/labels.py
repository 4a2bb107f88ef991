"""Display names: what a reader sees in place of a scenario's ids.

A scenario may declare a ``label:`` on its issues, items, parameters, positions and claims
(a party's display name is its ``name:``). The analysis document carries them all under
``labels``: ``{"parties": {id: name}, "issues": {...}, "items": {...}, "parameters": {...},
"positions": {...}, "claims": {...}}``. Prose, tables and figures read names through
:class:`Labels`, never the raw ids; an id without a label is shown with its underscores as
spaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["parties", "issues", "items", "parameters", "positions", "claims"]
KINDS: tuple[Kind, ...] = ("parties", "issues", "items", "parameters", "positions", "claims")
"""The kinds of id a scenario labels, as keys of the document's ``labels``."""


def plain(identifier: str) -> str:
    """An id as words, for an id that has no label.

    >>> plain("un_relief"), plain("nk")
    ('un relief', 'nk')
    """
    return identifier.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Labels:
    """The display names of one scenario's ids, by kind.

    >>> labels = Labels.of({"labels": {"items": {"un_relief": "UN sanctions relief"}}})
    >>> labels.item("un_relief"), labels.item("liaison"), labels("parties", "us")
    ('UN sanctions relief', 'liaison', 'us')
    """

    table: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Mapping[str, Any] | None) -> Labels:
        """The labels an analysis (or setting) document carries; none when it has none."""
        table = (document or {}).get("labels") or {}
        return cls({kind: dict(table.get(kind) or {}) for kind in KINDS})

    def __call__(self, kind: Kind, identifier: str) -> str:
        """The display name of ``identifier`` of ``kind``."""
        return str(self.table.get(kind, {}).get(identifier, plain(identifier)))

    def party(self, identifier: str) -> str:
        """A party's display name (its ``name:``)."""
        return self("parties", identifier)

    def issue(self, identifier: str) -> str:
        """An issue's display name."""
        return self("issues", identifier)

    def item(self, identifier: str) -> str:
        """An item's display name (the issue's label when the item has none of its own)."""
        own = self.table.get("items", {}).get(identifier)
        return str(own) if own is not None else self.issue(identifier)

    def parameter(self, identifier: str) -> str:
        """A parameter's display name."""
        return self("parameters", identifier)

    def position(self, identifier: str) -> str:
        """A position's display name."""
        return self("positions", identifier)

    def claim(self, identifier: str) -> str:
        """A claim's display name."""
        return self("claims", identifier)
