"""A report: its sections and rendered figures, and how it is written to disk."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from detente.errors import DetenteError
from detente.files import output_target, write_folder, write_text_atomically
from detente.report import render
from detente.report.bibliography import Entry, entries, numbering
from detente.report.data import ReportData
from detente.report.figures import FigureSpec, render_png, render_svg
from detente.report.sections import Section, build_sections

Format = Literal["html", "md"]
FORMATS: tuple[Format, ...] = ("html", "md")


@dataclass(frozen=True)
class Report:
    """What a reader sees: the present sections, in order, their figures and the sources cited.

    Figures are rendered when a format needs them: inline SVG for HTML (:attr:`svgs`), PNG
    for Markdown (:attr:`images`).

    >>> data = ReportData.from_documents("Demo", {"sweep": {"draws": 40, "claims": {
    ...     "deal_exists": {"share": 0.9, "low": 0.77, "high": 0.96}}}})
    >>> report = Report.build(data)
    >>> [s.key for s in report.sections], sorted(report.images)
    (['synthesis', 'claims'], ['claims'])
    >>> "<svg" in report.html() and "data:image" not in report.html()
    True
    """

    title: str
    description: str
    sections: tuple[Section, ...]
    bibliography: tuple[Entry, ...] = ()

    @classmethod
    def build(cls, data: ReportData) -> Report:
        """Assemble the sections whose data is present and number the sources they cite."""
        sections = build_sections(data)
        sources = (data.setting or {}).get("sources") or {}
        texts = [data.description, *(text for s in sections for text in _texts(s))]
        return cls(
            data.title, data.description, sections, entries(numbering(texts, sources), sources)
        )

    @property
    def figures(self) -> tuple[FigureSpec, ...]:
        """Every figure, in reading order."""
        return tuple(spec for s in self.sections for spec in s.figures)

    @cached_property
    def images(self) -> dict[str, bytes]:
        """Each figure as PNG bytes, by name."""
        return {spec.name: render_png(spec) for spec in self.figures}

    @cached_property
    def svgs(self) -> dict[str, str]:
        """Each figure as an inline SVG element (its text kept as text), by name."""
        return {spec.name: render_svg(spec) for spec in self.figures}

    def html(self) -> str:
        """One self-contained HTML page."""
        return render.html(
            self.title, self.description, self.sections, self.svgs, self.bibliography
        )

    def markdown(self, folder: str) -> str:
        """Markdown referring to the figures as ``folder/NAME.png``."""
        return render.markdown(
            self.title, self.description, self.sections, folder, self.bibliography
        )


def _texts(section: Section) -> Iterator[str]:
    """Every text of a section, in reading order (where its citations are numbered from)."""
    yield from section.sentences
    yield from section.points
    for figure in section.figures:
        yield figure.alt
    for table in section.tables:
        yield from table.headers
        for row in table.rows:
            yield from row


def figure_folder(path: Path) -> Path:
    """Where the Markdown report at ``path`` keeps its PNG files: ``NAME_files`` beside it.

    >>> figure_folder(Path("out/report.md")).as_posix()
    'out/report_files'
    """
    return path.with_name(f"{path.stem}_files")


FIGURES_MARKER = ".detente-figures"
"""The file listing the figures a report wrote into its folder: what a later report may replace."""


def write_report(report: Report, path: Path, format: Format = "html") -> list[Path]:
    """Write ``report`` to ``path`` (plus a PNG folder for Markdown); return what was written.

    Everything is rendered in memory first and each file is renamed into place
    whole, so a failure leaves no half-written report behind. ``path`` may be a
    terminal, a pipe or ``/dev/stdout`` for HTML. The figure folder of a
    Markdown report is created fresh, or replaces one only if an earlier report
    wrote everything in it; missing folders are never created.

    Raises:
        DetenteError: ``path`` is a folder or cannot be written, or the figure
            folder holds someone else's files (one line naming it).
    """
    path = Path(path)
    if path.is_dir():
        raise DetenteError(
            f"report: {path} is a directory; give a file name such as {path / 'report.html'}"
        )
    try:
        return _write(report, path, format)
    except BrokenPipeError:
        raise  # the reader of -o /dev/stdout went away: the command line exits quietly
    except OSError as error:
        reason = error.strerror or str(error)
        raise DetenteError(f"report: cannot write {path}: {reason}") from None


def check_target(path: Path, format: Format) -> None:
    """Refuse, before any work, a path a report of ``format`` cannot be written to.

    HTML goes anywhere a file can (a terminal, a pipe, ``/dev/stdout``); Markdown
    needs a regular file, with its figure folder beside it.
    """
    if output_target(path).how != "replace" and format == "md":
        raise DetenteError(
            f"report: {path} is not a regular file; a Markdown report keeps its figures in a "
            "folder beside it: write it to a file, or use --format html"
        )


def _write(report: Report, path: Path, format: Format) -> list[Path]:
    check_target(path, format)
    if format == "html":
        write_text_atomically(path, report.html())
        return [path]
    folder = figure_folder(path)
    files = {f"{name}.png": png for name, png in report.images.items()}
    files[FIGURES_MARKER] = "".join(f"{name}\n" for name in files).encode()
    write_folder(folder, files, replaceable=_earlier_figures(folder))
    write_text_atomically(path, report.markdown(folder.name))
    return [path, *(folder / f"{name}.png" for name in report.images)]


def _earlier_figures(folder: Path) -> set[str]:
    """The files an earlier report listed in its figure folder (none if it is not one)."""
    marker = folder / FIGURES_MARKER
    if folder.is_symlink() or marker.is_symlink() or not marker.is_file():
        return set()
    names = marker.read_text(encoding="utf-8", errors="replace").splitlines()
    return {FIGURES_MARKER, *(n for n in names if n and "/" not in n and n not in (".", ".."))}
