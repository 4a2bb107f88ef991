"""Text from an input, for the terminal: shown literally, never read as rich markup.

Every renderer of the command line passes what came from a file or an argument
(a party, an issue or a value, a description, a path, a whole line built from
them) through :func:`literal` before rich sees it. ``[/oops]`` is then five
brackets and letters rather than a markup error, ``[link=…]`` no hyperlink,
``:smile:`` no emoji, and a raw escape sequence is shown escaped
(:func:`detente.printable.printable`).
"""

from __future__ import annotations

import io
import sys

from rich.text import Text

from detente.printable import printable


def literal(value: object, style: str = "") -> Text:
    """``value`` as text rich shows as it is, control characters escaped, in ``style``.

    >>> literal("[/oops] [link=http://x]y[/link]").plain
    '[/oops] [link=http://x]y[/link]'
    >>> literal("\\x1b[5mblink").plain
    '\\\\x1b[5mblink'
    """
    return Text(printable(str(value)), style=style)


def replace_unencodable() -> None:
    """Let stdout print a character its encoding lacks as ``?`` rather than fail.

    A terminal set to ASCII or Latin-1 (``LC_ALL=C``, ``PYTHONIOENCODING=latin-1``) cannot
    show an en dash or a Korean name; the rest of the line still reaches it. Stderr shows
    such a character as its escape (``\\uc774``, Python's own default there), so an error
    line still names the field to fix. A UTF-8 stream writes the same bytes as before.
    Streams that are not text files (a test's capture) are left alone.
    """
    for stream, errors in ((sys.stdout, "replace"), (sys.stderr, "backslashreplace")):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=errors)
