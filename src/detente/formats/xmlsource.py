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

Repairs are driven by the parser: a repair is applied only where the parser
stops, and only if the text there matches the breakage exactly; anything else
stays an error. Documents with a ``<!DOCTYPE`` are refused (domain files never
need one), so no entity expansion can happen and the standard library parser
is safe to use without defusedxml.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from detente.errors import Location, ScenarioError

_DECLARATION = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ENTITY = re.compile(r"&(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);")
_RUN_TOGETHER = re.compile(r"[A-Za-z_:][\w.:-]*\s*=")
_NAME_CHARS = re.compile(r"[#\w.-]*")
_MAX_REPAIRS = 1000


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
    """Parse ``path``; in lenient mode repair unambiguous breakage and list each repair.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "d.xml"
    >>> _ = f.write_bytes(b'<item value="AT & T"/>')
    >>> [r.removeprefix(str(f)) for r in read_xml(f, lenient=True).repairs]
    [':1:17: escaped an unescaped "&" as "&amp;"']
    """
    text, repairs = _decode(path, path.read_bytes(), lenient)
    if "<!DOCTYPE" in text:
        raise ScenarioError(
            "document type declarations are not allowed in domain files",
            _where(path, text, text.index("<!DOCTYPE")),
        )
    for _ in range(_MAX_REPAIRS):
        try:
            return XmlDocument(path, ET.fromstring(text), tuple(repairs))
        except ET.ParseError as error:
            offset = _offset(text, error.position)
            fixed = _repair(text, offset, path) if lenient else None
            if fixed is None:
                culprit = _bare_ampersand(text, offset)
                spot = offset if culprit is None else culprit
                raise ScenarioError(
                    _explain(text, offset, error), _where(path, text, spot)
                ) from None
            text, message = fixed
            repairs.append(message)
    raise ScenarioError(f"more than {_MAX_REPAIRS} repairs needed", Location(str(path)))


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
    line = before.count(b"\n") + 1
    column = len(before) - (before.rfind(b"\n") + 1) + 1
    return Location(str(path), line, column)


def _offset(text: str, position: tuple[int, int]) -> int:
    """Character offset of expat's (line, byte column) position."""
    line, column = position
    lines = text.split("\n")
    start = sum(len(part) + 1 for part in lines[: line - 1])
    current = lines[line - 1] if line - 1 < len(lines) else ""
    chars = len(current.encode("utf-8")[:column].decode("utf-8", errors="ignore"))
    return start + chars


def _where(path: Path, text: str, offset: int) -> Location:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Location(str(path), line, column)


def _repair(text: str, offset: int, path: Path) -> tuple[str, str] | None:
    name = str(_where(path, text, offset))
    amp = _bare_ampersand(text, offset)
    if amp is not None:
        name = str(_where(path, text, amp))
        return text[:amp] + "&amp;" + text[
            amp + 1 :
        ], f'{name}: escaped an unescaped "&" as "&amp;"'
    if text.startswith("<?xml", offset) and offset > 0:
        end = text.index("?>", offset) + 2
        return text[:offset] + text[
            end:
        ], f"{name}: dropped an XML declaration that was not at the start"
    if _attributes_run_together(text, offset):
        return text[:offset] + " " + text[
            offset:
        ], f"{name}: inserted a missing space between attributes"
    return None


def _bare_ampersand(text: str, offset: int) -> int | None:
    """Position of the ``&`` that starts no entity reference and made the parser stop."""
    start = text.rfind("&", max(0, offset - 64), offset + 1)
    if start < 0 or not _NAME_CHARS.fullmatch(text, start + 1, offset):
        return None
    return start if _ENTITY.match(text, start) is None else None


def _attributes_run_together(text: str, offset: int) -> bool:
    return (
        offset > 0 and text[offset - 1] in "\"'" and _RUN_TOGETHER.match(text, offset) is not None
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
