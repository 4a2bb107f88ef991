"""Text from an input made safe to show: every control character escaped visibly.

A name, value or description read from a file may hold characters a terminal
acts on instead of showing: ESC starts an escape sequence (colours, blinking,
OSC 8 hyperlinks, a new window title), CR rewrites the line, the bidi controls
reorder what follows. :func:`printable` replaces each with its Python escape,
so ``"\\x1b[5m"`` is shown as the six characters ``\\x1b[5m`` and does nothing.
Line breaks and tabs are kept; everything else, including non-ASCII letters,
is left as it is. The terminal, the report and every error line show input
text through it.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Arabic letter mark, LRM/RLM, the embeddings and overrides, the isolates."""

_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{_BIDI}\ud800-\udfff]")
"""C0 but tab and line feed, DEL, C1, the line and paragraph separators, bidi, lone surrogates."""


def printable(text: str) -> str:
    """``text`` with every control character shown as its escape.

    >>> printable("North Korea – 북한")
    'North Korea – 북한'
    >>> print(printable("\\x1b]8;;http://x\\x1b\\\\link\\x1b]8;;\\x1b\\\\ \\x9b5m \\u202eevil"))
    \\x1b]8;;http://x\\x1b\\link\\x1b]8;;\\x1b\\ \\x9b5m \\u202eevil
    >>> printable("two\\nlines\\tand a tab\\r")
    'two\\nlines\\tand a tab\\\\x0d'
    """
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
