"""Tables that fit the terminal: every command's tables are printed through :func:`print_table`.

Each column gets at least the width of the longest word of its header and of its cells (up
to :data:`LONGEST_WORD`), and as much more of the console's width as its widest line asks,
so cells wrap at spaces rather than being cut. When even that is too wide, a header whose
longest word is wider than its cells need is shortened (``ratifiable`` → ``rat.``), each
short header different from every other, and a legend under the table says what each one
stands for; a word wider than its column is then broken over lines, never cut to ``…``.

>>> import io
>>> from rich.console import Console
>>> console = Console(width=40, file=io.StringIO())
>>> print_table(console, "Positions", [Column("position"), Column("self-enforcing", "right")],
...             [["US big deal", "no"], ["North Korea's Hanoi offer", "yes"]])
>>> for line in console.file.getvalue().splitlines(): print(line.rstrip())
               Positions
┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┓
┃ position            ┃ self-enforcing ┃
┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━┩
│ US big deal         │             no │
│ North Korea's Hanoi │            yes │
│ offer               │                │
└─────────────────────┴────────────────┘
>>> console = Console(width=24, file=io.StringIO())
>>> print_table(console, "", [Column("position"), Column("self-enforcing", "right")],
...             [["US big deal", "no"]])
>>> for line in console.file.getvalue().splitlines(): print(line.rstrip())
┏━━━━━━━━━━━━━┳━━━━━━┓
┃ position    ┃ sel. ┃
┡━━━━━━━━━━━━━╇━━━━━━┩
│ US big deal │   no │
└─────────────┴──────┘
sel. = self-enforcing
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from detente.cli.text import literal

LONGEST_WORD = 24
"""Cells with a longer word (a path, a formula) may have it broken over lines."""

SHORTEST = 3
"""The fewest characters a shortened header keeps before its full stop."""

SAVING = 3
"""The fewest characters shortening a header must save (``United`` stays, ``ratifiable`` →
``rat.``)."""

Cell = str | Text


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its full header (a display name) and how its cells are justified."""

    header: str
    justify: JustifyMethod = "left"
    whole: bool = False
    """Never break a word of this column's cells (a file name a user types): its least width
    is its longest word, however long, rather than at most :data:`LONGEST_WORD`."""


def print_table(
    console: Console,
    title: str,
    columns: Sequence[Column | str],
    rows: Sequence[Sequence[Cell]],
) -> None:
    """Print a table that fits ``console``'s width, with a legend of shortened headers.

    A table too wide even with shortened headers is printed in parts, each with the first
    column (what the rows are) and as many of the next columns as fit.
    """
    shown = [_column(c) for c in columns]
    cells = [[_text(cell) for cell in row] for row in rows]
    for k, group in enumerate(_groups(shown, cells, console.width)):
        part = title if k == 0 or not title else f"{title} (continued)"
        table, legend = fitted(
            part,
            [shown[i] for i in group],
            [[row[i] for i in group] for row in cells],
            console.width,
        )
        console.print(table)
        said = [f"{short} = {full}" for short, full in legend]
        if said and cell_len("; ".join(said)) <= console.width:
            console.print(literal("; ".join(said)))
        else:
            for line in said:
                console.print(literal(line))


def fitted(
    title: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], width: int
) -> tuple[Table, list[tuple[str, str]]]:
    """The table of ``rows`` in at most ``width`` columns, and its legend ``[(short, full)]``."""
    cells = [[_text(cell) for cell in row] for row in rows]
    by_column = [[row[k] for row in cells] for k in range(len(columns))]
    space = width - _frame(len(columns))
    headers = [c.header for c in columns]
    needs = _needs(columns, by_column)
    legend: list[tuple[str, str]] = []
    if sum(_least(headers, needs)) > space:
        headers, legend = _shortened(headers, needs, space)
    least = _least(headers, needs)
    natural = [
        max(_widest([h]), _widest(c), low)
        for h, c, low in zip(headers, by_column, least, strict=True)
    ]
    if sum(natural) <= space:
        widths = natural
    else:  # headers wrap at spaces before cells do
        most = [max(_widest(c), low) for c, low in zip(by_column, least, strict=True)]
        widths = _widths(least, most, space)
    table = Table(title=literal(title, style="table.title") if title else None)
    for column, header, size in zip(columns, headers, widths, strict=True):
        table.add_column(literal(header), justify=column.justify, width=size, overflow="fold")
    for row in cells:
        table.add_row(*row)
    return table, legend


def _frame(count: int) -> int:
    """The characters a table of ``count`` columns spends on borders and padding."""
    return 3 * count + 1


def _groups(
    columns: Sequence[Column], cells: Sequence[Sequence[Text]], width: int
) -> list[list[int]]:
    """The columns of each part of a table: all in one part when they fit with shortened
    headers, else the first column and as many of the next as fit, part after part."""
    by_column = [[row[k] for row in cells] for k in range(len(columns))]
    needs = _needs(columns, by_column)
    least = [
        max(need, _short_width(c.header, need)) for c, need in zip(columns, needs, strict=True)
    ]
    groups = [[0]]
    for k in range(1, len(columns)):
        group = groups[-1]
        if len(group) > 1 and sum(least[i] for i in (*group, k)) + _frame(len(group) + 1) > width:
            groups.append([0])
        groups[-1].append(k)
    return groups


def _needs(columns: Sequence[Column], by_column: Sequence[Sequence[Text]]) -> list[int]:
    """Each column's least width for its cells: its longest word, up to :data:`LONGEST_WORD`
    unless the column keeps its words whole."""
    return [
        _longest_word(cells) if column.whole else min(_longest_word(cells), LONGEST_WORD)
        for column, cells in zip(columns, by_column, strict=True)
    ]


def _column(column: Column | str) -> Column:
    return column if isinstance(column, Column) else Column(column)


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else literal(cell)


def _plain(cell: str | Text) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _longest_word(cells: Sequence[str | Text]) -> int:
    words = [w for cell in cells for w in _plain(cell).split()]
    return max((cell_len(w) for w in words), default=1)


def _widest(cells: Sequence[str | Text]) -> int:
    lines = [line for cell in cells for line in _plain(cell).splitlines()]
    return max((cell_len(line) for line in lines), default=1)


def _widths(least: list[int], most: list[int], space: int) -> list[int]:
    """Widths between ``least`` and ``most`` summing to at most ``space`` where they can:
    every column's natural width if all fit; else, from the column that wants least more,
    each gets what it wants while that leaves the others as much, and the rest share what is
    left evenly; below the least, every column shrinks alike.

    >>> _widths([4, 6, 5], [4, 40, 9], 30)
    [4, 17, 9]
    """
    if sum(most) <= space:
        return most
    spare = space - sum(least)
    if spare < 0:
        return _shrunk(least, space)
    widths = list(least)
    waiting = sorted(range(len(least)), key=lambda k: most[k] - least[k])
    while waiting:
        share = spare // len(waiting)
        k = waiting.pop(0)
        extra = min(most[k] - least[k], share if waiting else spare)
        widths[k] += extra
        spare -= extra
    return widths


def _shrunk(least: list[int], space: int) -> list[int]:
    """``least`` cut down to ``space`` (at least one character each), widest first."""
    widths = list(least)
    while sum(widths) > max(space, len(widths)):
        widest = max(range(len(widths)), key=lambda k: widths[k])
        widths[widest] -= 1
    return widths


def _shortened(
    headers: list[str], needs: list[int], space: int
) -> tuple[list[str], list[tuple[str, str]]]:
    """Headers shortened until the least widths fit ``space``, the one that saves most first
    (only a header whose longest word is wider than its cells), and the legend of those
    shortened. A header is cut to its start (``ratifiable`` → ``rat.``); headers whose starts
    would read alike are shortened to their words' initials, numbers kept whole
    (``hfo_delivered_in_stage_1`` → ``hdis1``), and any still alike are numbered."""
    keep = [max(n, SHORTEST + 1) - 1 for n in needs]
    saving = {k: _longest_word([h]) - _short_width(h, needs[k]) for k, h in enumerate(headers)}
    chosen: list[int] = []
    trial = list(headers)
    for k in sorted((k for k in saving if saving[k] > 0), key=lambda k: -saving[k]):
        if sum(_least(trial, needs)) <= space:
            break
        trial[k] = _abbreviation(headers[k], keep[k])
        chosen.append(k)
    shown = list(headers)
    starts = {k: _abbreviation(headers[k], keep[k]) for k in chosen}
    for k in chosen:
        alike = [j for j in chosen if starts[j] == starts[k]] + [
            j for j, h in enumerate(headers) if j not in chosen and h == starts[k]
        ]
        shown[k] = starts[k] if len(alike) == 1 else _initials(headers[k])
    for k in chosen:
        number, base = 2, shown[k]
        while shown.count(shown[k]) > 1:
            shown[k] = f"{base}{number}"
            number += 1
    return shown, [(shown[k], headers[k]) for k in sorted(chosen)]


def _initials(header: str) -> str:
    """The first letter of each word of ``header`` and every number whole.

    >>> _initials("hfo_delivered_in_stage_12"), _initials("share given choice 1")
    ('hdis12', 'sgc1')
    """
    words = [w for w in re.split(r"[\s_\-]+", header) if w]
    return "".join(w if w.isdigit() else w[0] for w in words)


def _short_width(header: str, need: int) -> int:
    """The width ``header`` needs once shortened to its cells' ``need`` (its longest word's
    when shortening would save fewer than :data:`SAVING` characters)."""
    word = _longest_word([header])
    short = max(need, SHORTEST + 1)
    return short if word - short >= SAVING else word


def _least(headers: list[str], needs: list[int]) -> list[int]:
    """Each column's least width: its header's longest word, or its cells' if wider."""
    return [max(_longest_word([h]), n) for h, n in zip(headers, needs, strict=True)]


def _abbreviation(header: str, keep: int) -> str:
    """The first ``keep`` characters of ``header`` (trailing punctuation dropped), and a stop.

    >>> _abbreviation("self-enforcing", 4), _abbreviation("North Korea", 6)
    ('self.', 'North.')
    """
    cut = re.sub(r"[\s\-_'’.,:;(]+$", "", header[:keep])
    return f"{cut}." if len(cut) < len(header) else header
