"""A report: its sections and rendered figures, and how it is written to disk."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from detente.errors import DetenteError
from detente.files import write_atomically, write_text_atomically
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


def write_report(report: Report, path: Path, format: Format = "html") -> list[Path]:
    """Write ``report`` to ``path`` (plus a PNG folder for Markdown); return what was written.

    Everything is rendered in memory first and each file is renamed into place
    whole, so a failure leaves no half-written report behind.

    Raises:
        DetenteError: ``path`` is a folder or cannot be written (one line naming it).
    """
    path = Path(path)
    if path.is_dir():
        raise DetenteError(
            f"report: {path} is a directory; give a file name such as {path / 'report.html'}"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _write(report, path, format)
    except OSError as error:
        reason = error.strerror or str(error)
        raise DetenteError(f"report: cannot write {path}: {reason}") from None


def _write(report: Report, path: Path, format: Format) -> list[Path]:
    if format == "html":
        write_text_atomically(path, report.html())
        return [path]
    folder = figure_folder(path)
    text = report.markdown(folder.name)

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")
        _replace_folder(folder, report.images)

    write_atomically(path, write)
    return [path, *(folder / f"{name}.png" for name in report.images)]


def _folder_mode() -> int:
    """The mode a new folder gets under the umask (temporary ones start private)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o777 & ~umask


def _replace_folder(folder: Path, images: Mapping[str, bytes]) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, png in images.items():
            (staging / f"{name}.png").write_bytes(png)
        staging.chmod(_folder_mode())
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
