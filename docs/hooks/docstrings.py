"""A griffe extension: docstrings written for ``help()`` and doctest, rendered for the site.

detente's docstrings carry runnable examples as bare doctest lines (``>>> ...`` and the output
below them) and cite the literature by key (``[Nash1950]``). In Markdown the first would be
nested block quotes whose output (``['a', 'b']``) reads as links, and the second a link to
nowhere. This extension fences each example as a ``pycon`` code block and points each key at
the literature page; the docstrings themselves stay as they are.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension, Object

PROMPT = re.compile(r"^\s*(>>>|\.\.\.)( |$)")
KEY = re.compile(r"\[([A-Z][A-Za-z]+[0-9]{4}[a-z]?)\](?![(\[])")
LITERATURE = "../literature.md"
"""The literature page, relative to the API pages (docs/reference/api/)."""


def fence_examples(text: str) -> str:
    """Wrap every doctest example (prompts and the output up to a blank line) in a code fence.

    >>> print(fence_examples("Sum.\\n\\n>>> 1 + 1\\n2\\n\\nDone."))
    Sum.
    <BLANKLINE>
    ```pycon
    >>> 1 + 1
    2
    ```
    <BLANKLINE>
    Done.
    """
    out: list[str] = []
    inside = False
    fence = "```"
    for line in text.splitlines():
        if not inside and PROMPT.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            fence = f"{indent}```"
            out.append(f"{fence}pycon")
            inside = True
        elif inside and not line.strip():
            out.append(fence)
            inside = False
        out.append(line)
    if inside:
        out.append(fence)
    return "\n".join(out)


def cite(text: str) -> str:
    """Point every literature key outside code at the literature page."""
    parts = re.split(r"(```.*?```|``.*?``|`[^`\n]*`)", text, flags=re.DOTALL)
    return "".join(
        part if k % 2 else KEY.sub(rf"[[\1]]({LITERATURE})", part) for k, part in enumerate(parts)
    )


class DoctestsAndCitations(Extension):
    """Fence the examples and link the citations of every docstring griffe loads."""

    def on_object(self, *, obj: Object, **kwargs: Any) -> None:
        """Rewrite the object's docstring, if it has one, for Markdown."""
        if obj.docstring is not None:
            obj.docstring.value = cite(fence_examples(obj.docstring.value))
