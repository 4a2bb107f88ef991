"""Rendering a report: jinja2 templates shipped with the package, HTML and Markdown."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from detente.printable import printable
from detente.report.bibliography import Entry, cite_html, cite_markdown, cite_plain
from detente.report.sections import ReportTable, Section


@cache
def environment() -> jinja2.Environment:
    """The template environment (templates under ``detente/report/templates``), built on first use.

    Text from the scenario is shown as written in both formats: every value a template
    prints has its control characters escaped (``finalize``); the HTML template escapes
    ``<>&"'`` (``autoescape``), and the Markdown template passes each value through
    :func:`markdown_text`, :func:`markdown_paragraph` or :func:`markdown_cell`.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("detente.report", "templates"),
        autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown,
    )
    env.filters["md"] = markdown_text
    env.filters["md_paragraph"] = markdown_paragraph
    env.filters["md_cell"] = markdown_cell
    env.filters["md_url"] = markdown_url
    return env


def _shown(value: object) -> object:
    if isinstance(value, Markup):  # already escaped, citations linked
        return value
    return printable(value) if isinstance(value, str) else value


@dataclass(frozen=True, slots=True)
class Image:
    """A figure as the template places it: where it is (or its inline SVG) and what it shows."""

    src: str
    alt: str
    svg: str = ""


def data_uri(png: bytes) -> str:
    """A PNG embedded in the page.

    >>> data_uri(b"png")
    'data:image/png;base64,cG5n'
    """
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


_MARKDOWN_INLINE = re.compile(r"[\\`*\[\]<>&$~]|(?<![^\W_])_|_(?![^\W_])")
"""What Markdown would read as code, emphasis, a link or image, HTML, an entity, math
(``$``, on GitHub) or a strikethrough.

An underscore between two letters or digits (``test_halt``) starts no emphasis and is kept.
"""
_MARKDOWN_BLOCK = re.compile(r"^(\d*)([#>+.)-])")
"""What would make a paragraph a heading, quote or list (``#``, ``>``, ``-``, ``1.``)."""


def markdown_text(text: object) -> str:
    """Text from the scenario inside a Markdown line: one line, never markup or HTML.

    >>> print(markdown_text("[click](http://x) <b>&amp;</b> *not bold* keep_this _or_ that"))
    \\[click\\](http://x) \\<b\\>\\&amp;\\</b\\> \\*not bold\\* keep_this \\_or\\_ that
    """
    line = " ".join(printable(str(text)).split())  # escape a CR or a C1 NEL before joining
    return _MARKDOWN_INLINE.sub(r"\\\g<0>", line)


def markdown_paragraph(text: object) -> str:
    """:func:`markdown_text` that starts a paragraph: a leading marker is escaped too.

    >>> print(markdown_paragraph("# not a heading\\n- nor a list"), markdown_paragraph("1. nor this"))
    \\# not a heading - nor a list 1\\. nor this
    """
    return _MARKDOWN_BLOCK.sub(r"\1\\\2", markdown_text(text))


def markdown_cell(text: object) -> str:
    """A table cell safe inside a Markdown pipe table.

    >>> markdown_cell("a|b\\nc")
    'a\\\\|b c'
    """
    return markdown_text(text).replace("|", "\\|")


_URL = re.compile(r"https?://[^\s<>\\]+")


def markdown_url(url: str) -> str:
    """A source's URL as a Markdown autolink; anything that is not a plain web address as text.

    >>> markdown_url("https://x.org/a_b"), markdown_url("javascript:alert(1)")
    ('<https://x.org/a_b>', 'javascript:alert(1)')
    """
    return f"<{url}>" if _URL.fullmatch(url) else markdown_text(url)


def numeric_cell(cell: object) -> bool:
    """Whether a table cell holds a number (right-aligned in HTML).

    >>> numeric_cell("1,234"), numeric_cell("-0.5"), numeric_cell("92%"), numeric_cell("yes")
    (True, True, True, False)
    """
    text = str(cell).replace(",", "").rstrip("%")
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class TableView:
    """A table as the template lays it out: which columns hold numbers (right-aligned)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


def table_view(table: ReportTable) -> TableView:
    """Mark the columns whose every non-empty cell is a number.

    >>> table_view(ReportTable(("a", "b"), (("x", "1"), ("y", "—")))).numeric
    (False, True)
    """
    columns = list(zip(*table.rows, strict=True)) or [() for _ in table.headers]
    numeric = tuple(
        any(numeric_cell(c) for c in column)
        and all(numeric_cell(c) or c in ("", "—", "n/a") for c in column)
        for column in columns
    )
    return TableView(table.headers, table.rows, numeric)


def _view(sections: Sequence[Section], image: Callable[[str, str], Image]) -> list[dict[str, Any]]:
    return [
        {
            "key": s.key,
            "title": s.title,
            "caption": s.caption,
            "sentences": s.sentences,
            "summary": s.summary,
            "in_brief": s.in_brief,
            "points": s.points,
            "tables": [table_view(t) for t in s.tables],
            "images": [image(f.name, f.alt) for f in s.figures],
        }
        for s in sections
    ]


def html(
    title: str,
    description: str,
    sections: Sequence[Section],
    svgs: Mapping[str, str],
    bibliography: Sequence[Entry] = (),
) -> str:
    """One self-contained HTML page: inline CSS, figures as inline SVG, no external reference;
    each citation a numbered link to its bibliography entry."""
    numbers = {e.key: e.number for e in bibliography}
    template = environment().get_template("report.html.j2")
    return template.render(
        title=title,
        description=description,
        sections=_view(sections, lambda name, alt: Image("", cite_plain(alt, numbers), svgs[name])),
        bibliography=bibliography,
        cite=lambda text: cite_html(text, numbers),
    )


def markdown(
    title: str,
    description: str,
    sections: Sequence[Section],
    folder: str,
    bibliography: Sequence[Entry] = (),
) -> str:
    """A Markdown report whose figures are PNG files in ``folder`` (a path relative to it)."""
    numbers = {e.key: e.number for e in bibliography}
    template = environment().get_template("report.md.j2")
    return template.render(
        title=title,
        description=description,
        sections=_view(
            sections, lambda name, alt: Image(f"{folder}/{name}.png", cite_plain(alt, numbers))
        ),
        bibliography=bibliography,
        cite=lambda text: cite_markdown(text, numbers),
    )
