"""Reading XML domain files: strictly, or leniently repairing known breakage.

Files in the wild are often not well-formed. In strict mode every problem is a
one-line :class:`~detente.errors.ScenarioError` naming the file, the line and
column (from the parser's own position) and what is wrong. In lenient mode the
breakages whose intent is unambiguous are repaired, each repair reported as a
message:

- an unescaped ``&`` that starts no entity reference becomes ``&amp;``;
- an XML declaration preceded by a comment or text is dropped (the file is
  decoded by the declared encoding first, so nothing is lost);
- two attributes written without a space between them are separated;
- bytes that are not UTF-8 in a file that declares no other encoding are read
  as Windows-1252 (the encoding such files were written in).

Repairs are driven by the parser: a repair is made only where the parser
stops, and only if the text there matches the breakage exactly; anything else
stays an error. Once the parser has stopped at a bare ``&`` or at attributes
run together, every other instance of that breakage (outside comments, CDATA
and processing instructions) is repaired in the same pass, so reading is
linear in the file's size however many repairs it needs (at most
:data:`MAX_REPAIRS`). Documents with a ``<!DOCTYPE`` are refused (domain files
never need one), so no entity, internal or external, can be declared or
expanded, and the standard library parser is safe to use without defusedxml.
Elements may nest at most :data:`~detente.formats.reading.MAX_DEPTH` deep.
"""

from __future__ import annotations

import bisect
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from detente.errors import Location, ScenarioError
from detente.formats.reading import MAX_DEPTH, MAX_DOMAIN_BYTES, read_bytes

_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ENTITY = re.compile(r"&(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);")
_RUN_TOGETHER = re.compile(r"[A-Za-z_:][\w.:-]*\s*=")
_NAME_CHARS = re.compile(r"[#\w.-]*")
_DECLARATION_START = re.compile(r"<\?xml[\s?]")
_OPENERS = re.compile(r"<!--|<!\[CDATA\[|<\?")
_CLOSERS = {"<!--": "-->", "<![CDATA[": "]]>", "<?": "?>"}
_BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")
_START_TAG = re.compile(  # possessive: no backtracking, whatever the text
    r"<[A-Za-z_:][\w.:-]*+(?:\s*+[A-Za-z_:][\w.:-]*+\s*+=\s*+(?:\"[^\"<]*+\"|'[^'<]*+'))*+\s*+/?>"
)
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_NAME_START = re.compile(r"[A-Za-z_:]")
_LINE_BREAK = re.compile(r"\r\n?|\n")
"""A line break as the XML parser counts lines: ``\\n``, ``\\r\\n`` or a lone ``\\r``."""
MAX_REPAIRS = 1000
"""Most repairs lenient reading makes in one file."""


@dataclass(frozen=True, slots=True)
class XmlDocument:
    """A parsed XML file and the repairs made to read it (empty when strict)."""

    path: Path
    root: ET.Element
    repairs: tuple[str, ...]


def looks_like_xml(data: bytes) -> bool:
    """Whether a file starts (after whitespace and a BOM) with markup.

    >>> looks_like_xml(b"  <a/>"), looks_like_xml(b"0.5, 1.0")
    (True, False)
    """
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def read_xml(path: Path, lenient: bool = False) -> XmlDocument:
    """Read and parse ``path``; in lenient mode repair unambiguous breakage and list each repair.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "d.xml"
    >>> _ = f.write_bytes(b'<item value="AT & T"/>')
    >>> [r.removeprefix(str(f)) for r in read_xml(f, lenient=True).repairs]
    [':1:17: escaped an unescaped "&" as "&amp;"']
    """
    return parse_xml(path, read_bytes(path, MAX_DOMAIN_BYTES, "domain file"), lenient)


def parse_xml(path: Path, data: bytes, lenient: bool = False) -> XmlDocument:
    """Parse the bytes ``data`` of the file ``path`` (named in errors), as :func:`read_xml`."""
    text, repairs = _decode(path, data, lenient)
    if "<!DOCTYPE" in text:
        raise ScenarioError(
            "document type declarations are not allowed in domain files",
            _where(path, text, text.index("<!DOCTYPE")),
        )
    while True:
        try:
            root = ET.fromstring(text)
        except ET.ParseError as error:
            offset = _offset(text, error.position)
            fixed = _repair(text, offset, path) if lenient else None
            if fixed is None:
                culprit = _bare_ampersand(text, offset)
                spot = offset if culprit is None else culprit
                raise ScenarioError(
                    _explain(text, offset, error), _where(path, text, spot)
                ) from None
            text, messages = fixed
            repairs.extend(messages)
            if len(repairs) > MAX_REPAIRS:
                raise ScenarioError(
                    f"more than {MAX_REPAIRS} repairs needed", Location(str(path))
                ) from None
            continue
        _check_depth(path, root)
        return XmlDocument(path, root, tuple(repairs))


def _check_depth(path: Path, root: ET.Element) -> None:
    """Refuse elements nested deeper than :data:`MAX_DEPTH` (iteratively: any depth)."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ScenarioError(
                f"XML elements nested more than {MAX_DEPTH} deep (at <{element.tag}>); domain "
                "files need far fewer",
                Location(str(path)),
            )
        stack.extend((child, depth + 1) for child in element)


def _decode(path: Path, data: bytes, lenient: bool) -> tuple[str, list[str]]:
    declared = _DECLARATION.search(data[:400])
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding).lstrip("\ufeff"), []
    except LookupError:
        raise ScenarioError(f"unknown encoding {encoding!r}", Location(str(path), 1)) from None
    except UnicodeDecodeError as error:
        if declared and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise ScenarioError(
                f"bytes do not match the declared encoding {encoding}",
                _byte_place(path, data, error),
            ) from None
        where = _byte_place(path, data, error)
        byte = data[error.start]
        if not lenient:
            raise ScenarioError(
                f"byte 0x{byte:02X} is not UTF-8 and no encoding is declared (probably "
                "Windows-1252; declare it, or read with --lenient)",
                where,
            ) from None
        message = f"{where}: read undeclared non-UTF-8 bytes (first 0x{byte:02X}) as Windows-1252"
        return data.decode("cp1252", errors="strict").lstrip("\ufeff"), [message]


def _byte_place(path: Path, data: bytes, error: UnicodeDecodeError) -> Location:
    before = data[: error.start]
    starts = [0, *(m.end() for m in re.finditer(rb"\r\n?|\n", before))]
    return Location(str(path), len(starts), len(before) - starts[-1] + 1)


def _offset(text: str, position: tuple[int, int]) -> int:
    """Character offset of expat's (line, byte column) position, at most the text's length.

    Expat ends a line at a lone ``\\r`` too, so lines are counted as it counts them.
    """
    line, column = position
    starts = _line_starts(text)
    if line > len(starts):
        return len(text)
    start = starts[line - 1]
    current = text[start : starts[line] if line < len(starts) else len(text)]
    chars = len(current.encode("utf-8")[:column].decode("utf-8", errors="ignore"))
    return start + chars


def _where(path: Path, text: str, offset: int) -> Location:
    return _locator(path, text)(offset)


def _line_starts(text: str) -> list[int]:
    """Offsets at which the lines of ``text`` start, lines ended as expat ends them."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


def _repair(text: str, offset: int, path: Path) -> tuple[str, list[str]] | None:
    """The text repaired for the breakage the parser stopped at ``offset``, and what was done.

    Every instance of that breakage is repaired at once (each one parse would be quadratic).
    """
    if _bare_ampersand(text, offset) is not None:
        ampersands = (
            (m.start(), m.end(), "&amp;")
            for a, b in _outside_markup(text)
            for m in _BARE_AMPERSAND.finditer(text, a, b)
        )
        return _edit(text, path, ampersands, 'escaped an unescaped "&" as "&amp;"')
    if text.startswith("<?xml", offset) and offset > 0:
        declarations = (
            (a, b, "") for a, b in _markup(text) if a > 0 and _DECLARATION_START.match(text, a)
        )
        return _edit(
            text, path, declarations, "dropped an XML declaration that was not at the start"
        )
    if _attributes_run_together(text, offset):
        value_ends = (
            (tag.start() + value.end(), tag.start() + value.end(), " ")
            for a, b in _outside_markup(text)
            for tag in _START_TAG.finditer(text, a, b)
            for value in _QUOTED.finditer(tag.group())
            if _NAME_START.match(tag.group(), value.end())
        )
        return _edit(text, path, value_ends, "inserted a missing space between attributes")
    return None


def _edit(
    text: str, path: Path, edits: Iterator[tuple[int, int, str]], message: str
) -> tuple[str, list[str]] | None:
    """``text`` with each ``(start, end, replacement)`` made, and a located message for each."""
    chosen = list(itertools.islice(edits, MAX_REPAIRS + 1))
    if not chosen:
        return None
    if len(chosen) > MAX_REPAIRS:
        raise ScenarioError(f"more than {MAX_REPAIRS} repairs needed", Location(str(path)))
    place = _locator(path, text)
    parts: list[str] = []
    previous = 0
    for start, end, replacement in chosen:
        parts.extend((text[previous:start], replacement))
        previous = end
    parts.append(text[previous:])
    return "".join(parts), [f"{place(start)}: {message}" for start, _, _ in chosen]


def _markup(text: str) -> list[tuple[int, int]]:
    """Spans of the comments, CDATA sections and processing instructions (an unclosed one runs
    to the end)."""
    spans: list[tuple[int, int]] = []
    position = 0
    while (opener := _OPENERS.search(text, position)) is not None:
        closer = _CLOSERS[opener.group()]
        end = text.find(closer, opener.end())
        position = len(text) if end < 0 else end + len(closer)
        spans.append((opener.start(), position))
    return spans


def _outside_markup(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` outside comments, CDATA sections and processing instructions."""
    edges = [0, *(edge for span in _markup(text) for edge in span), len(text)]
    return list(zip(edges[::2], edges[1::2], strict=True))


def _locator(path: Path, text: str) -> Callable[[int], Location]:
    """Offset → location, from one pass over the text (many offsets, linear time)."""
    starts = _line_starts(text)

    def place(offset: int) -> Location:
        line = bisect.bisect_right(starts, offset)
        return Location(str(path), line, offset - starts[line - 1] + 1)

    return place


def _bare_ampersand(text: str, offset: int) -> int | None:
    """Position of the ``&`` that starts no entity reference and made the parser stop."""
    start = text.rfind("&", max(0, offset - 64), offset + 1)
    if start < 0 or not _NAME_CHARS.fullmatch(text, start + 1, offset):
        return None
    return start if _ENTITY.match(text, start) is None else None


def _attributes_run_together(text: str, offset: int) -> bool:
    return (
        0 < offset <= len(text)
        and text[offset - 1] in "\"'"
        and _RUN_TOGETHER.match(text, offset) is not None
    )


def _explain(text: str, offset: int, error: ET.ParseError) -> str:
    if _bare_ampersand(text, offset) is not None:
        return 'unescaped "&" (write "&amp;"; --lenient repairs this)'
    if text.startswith("<?xml", offset):
        return (
            "the XML declaration is not at the start of the file (a comment or text precedes "
            "it; --lenient repairs this)"
        )
    if _attributes_run_together(text, offset):
        return "missing space between attributes (--lenient repairs this)"
    reason = str(error).split(":")[0]
    return f"not well-formed XML: {reason}"
