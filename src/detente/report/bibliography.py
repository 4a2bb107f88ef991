"""Citations as numbered links, and the bibliography they point to.

A scenario cites its sources as ``[@KEY]`` in any text (its description, the
parameters' sources, the issues' descriptions, the claims). The report's
sentences and cells keep those markers; the renderer turns each into a number
(``[3]``) linked to the bibliography entry ``ref-3``. Sources are numbered in the
order the report first cites them (:func:`numbering`); a key the file does not
list keeps a plain ``[KEY]`` (never a raw ``[@``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from detente.printable import printable
from detente.references import CITATION, cited


@dataclass(frozen=True, slots=True)
class Entry:
    """One numbered bibliography entry: the source's title, date and URL (when given)."""

    number: int
    key: str
    title: str
    date: str | None = None
    url: str | None = None

    @property
    def anchor(self) -> str:
        """The entry's id in the page (the target of its citations)."""
        return f"ref-{self.number}"


def numbering(texts: Iterable[str], sources: Mapping[str, Mapping[str, object]]) -> dict[str, int]:
    """Each cited key that ``sources`` lists, numbered in order of first citation.

    >>> numbering(["[@b] then [@a]", "[@b] [@zzz]"], {"a": {}, "b": {}})
    {'b': 1, 'a': 2}
    """
    numbers: dict[str, int] = {}
    for text in texts:
        for key in cited(text):
            if key in sources and key not in numbers:
                numbers[key] = len(numbers) + 1
    return numbers


def entries(
    numbers: Mapping[str, int], sources: Mapping[str, Mapping[str, object]]
) -> tuple[Entry, ...]:
    """The bibliography: every numbered source, in number order."""

    def text(value: object) -> str | None:
        return None if value is None else str(value)

    return tuple(
        Entry(
            n,
            key,
            str(sources[key].get("title") or key),
            text(sources[key].get("date")),
            text(sources[key].get("url")),
        )
        for key, n in sorted(numbers.items(), key=lambda kv: kv[1])
    )


def cite_html(text: object, numbers: Mapping[str, int]) -> Markup:
    """Text from the report as HTML, each citation a numbered link.

    >>> str(cite_html("a <b> [@k] [@x]", {"k": 2}))
    'a &lt;b&gt; <a class="cite" href="#ref-2">[2]</a> [x]'
    """
    escaped = str(escape(printable(str(text))))

    def link(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in numbers:
            return f"[{key}]"
        return f'<a class="cite" href="#ref-{numbers[key]}">[{numbers[key]}]</a>'

    return Markup(CITATION.sub(link, escaped))


def cite_plain(text: object, numbers: Mapping[str, int]) -> str:
    """Text with each citation as its number only (for alternative text and titles).

    >>> cite_plain("see [@k] and [@x]", {"k": 2})
    'see [2] and [x]'
    """
    return CITATION.sub(
        lambda m: f"[{numbers[m.group(1)]}]" if m.group(1) in numbers else f"[{m.group(1)}]",
        str(text),
    )


_ESCAPED_CITATION = re.compile(r"\\\[@([^\]\s\\]+)\\\]")
"""A citation after Markdown escaping: ``\\[@KEY\\]``."""


def cite_markdown(escaped: str, numbers: Mapping[str, int]) -> str:
    """Markdown text (already escaped) with each citation a numbered link.

    >>> cite_markdown(r"see \\[@k\\] and \\[@x\\]", {"k": 2})
    'see [\\\\[2\\\\]](#ref-2) and \\\\[x\\\\]'
    """

    def link(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in numbers:
            return f"\\[{key}\\]"
        return f"[\\[{numbers[key]}\\]](#ref-{numbers[key]})"

    return _ESCAPED_CITATION.sub(link, escaped)
