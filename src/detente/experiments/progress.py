"""Progress of a long run on stderr: a bar with the rate and the time remaining.

Shown only when stderr is a terminal, so logs and pipes stay clean.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Units per second, e.g. ``312 draws/s``."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        shown = "…" if speed is None else f"{speed:,.0f}" if speed >= 10 else f"{speed:.2f}"
        return Text(f"{shown} {self.unit}/s", style="progress.data.speed")


@contextlib.contextmanager
def progress_bar(
    description: str, total: int, done: int, unit: str, show: bool = True
) -> Iterator[Callable[[int], None]]:
    """A bar for ``total`` units of which ``done`` are already done; yields ``advance(n)``.

    >>> with progress_bar("sweep", 10, 0, "draws", show=False) as advance:
    ...     advance(3)
    """
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=not (show and console.is_terminal)) as bar:
        task = bar.add_task(description, total=total, completed=done)
        bar.start_task(task)
        yield lambda n: bar.advance(task, n)
