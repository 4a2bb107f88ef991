"""A report: its sections and rendered figures, and how it is written to disk."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from detente.errors import DetenteError
from detente.files import output_target, write_folder, write_text_atomically
from detente.report import render
from detente.report.data import ReportData
from detente.report.figures import render_png
from detente.report.sections import Section, build_sections

Format = Literal["html", "md"]
FORMATS: tuple[Format, ...] = ("html", "md")


@dataclass(frozen=True, slots=True)
class Report:
    """What a reader sees: the present sections, in order, and each figure as PNG bytes.

    >>> data = ReportData.from_documents("Demo", {"sweep": {"draws": 40, "claims": {
    ...     "deal_exists": {"share": 0.9, "low": 0.77, "high": 0.96}}}})
    >>> report = Report.build(data)
    >>> [s.key for s in report.sections], sorted(report.images)
    (['claims'], ['claims'])
    >>> "data:image/png;base64," in report.html()
    True
    """

    title: str
    description: str
    sections: tuple[Section, ...]
    images: Mapping[str, bytes] = field(repr=False)

    @classmethod
    def build(cls, data: ReportData) -> Report:
        """Assemble the sections whose data is present and render their figures."""
        sections = build_sections(data)
        images = {spec.name: render_png(spec) for s in sections for spec in s.figures}
        return cls(data.title, data.description, sections, images)

    def html(self) -> str:
        """One self-contained HTML page."""
        return render.html(self.title, self.description, self.sections, self.images)

    def markdown(self, folder: str) -> str:
        """Markdown referring to the figures as ``folder/NAME.png``."""
        return render.markdown(self.title, self.description, self.sections, folder)


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
