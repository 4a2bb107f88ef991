"""Rendering a report: jinja2 templates shipped with the package, HTML and Markdown."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2

from detente.report.sections import ReportTable, Section


@cache
def environment() -> jinja2.Environment:
    """The template environment (templates under ``detente/report/templates``), built on first use."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("detente.report", "templates"),
        autoescape=jinja2.select_autoescape(["html.j2"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_cell"] = markdown_cell
    return env


@dataclass(frozen=True, slots=True)
class Image:
    """A figure as the template places it: where it is and what it shows."""

    src: str
    alt: str


def data_uri(png: bytes) -> str:
    """A PNG embedded in the page.

    >>> data_uri(b"png")
    'data:image/png;base64,cG5n'
    """
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def markdown_cell(text: object) -> str:
    """A table cell safe inside a Markdown pipe table.

    >>> markdown_cell("a|b\\nc")
    'a\\\\|b c'
    """
    return str(text).replace("|", "\\|").replace("\n", " ")


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


def _view(sections: Sequence[Section], source: Callable[[str], str]) -> list[dict[str, Any]]:
    return [
        {
            "key": s.key,
            "title": s.title,
            "caption": s.caption,
            "summary": s.summary,
            "in_brief": s.in_brief,
            "tables": [table_view(t) for t in s.tables],
            "images": [Image(source(f.name), f.alt) for f in s.figures],
        }
        for s in sections
    ]


def html(
    title: str, description: str, sections: Sequence[Section], images: Mapping[str, bytes]
) -> str:
    """One self-contained HTML page: inline CSS, figures as data URIs, no external reference."""
    template = environment().get_template("report.html.j2")
    return template.render(
        title=title,
        description=description,
        sections=_view(sections, lambda name: data_uri(images[name])),
    )


def markdown(title: str, description: str, sections: Sequence[Section], folder: str) -> str:
    """A Markdown report whose figures are PNG files in ``folder`` (a path relative to it)."""
    template = environment().get_template("report.md.j2")
    return template.render(
        title=title,
        description=description,
        sections=_view(sections, lambda name: f"{folder}/{name}.png"),
    )
