"""The site's navigation, built from the home page's table of contents.

``docs/index.md`` already lists every page, in a reader's order, under Tutorials, How-to guides,
Explanations and Reference. The navigation follows it, so a page is declared once: a section
per folder (in ``SECTIONS`` order), its pages in the order the home page (or the folder's own
``index.md``, for a subfolder such as ``reference/api/``) first links them, titled by their
first heading. A page that no index links is an error that names the page: link it from
``docs/index.md`` (or from its folder's ``index.md``) and the navigation has it.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from command_pages import outline as generated_pages
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

SECTIONS = {
    "tutorials": "Tutorials",
    "how-to": "How-to guides",
    "explanation": "Explanations",
    "reference": "Reference",
}
"""Top-level folders of the docs → their section's title, in the navigation's order."""

HOME = "index.md"
LINK = re.compile(r"\]\(([^)#\s:]+\.md)(?:#[^)]*)?\)")
HEADING = re.compile(r"^# (.+)$", re.MULTILINE)

NavEntry = str | dict[str, "list[NavEntry]"]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Set ``nav`` from the home page's links (mkdocs.yml declares none)."""
    config.nav = navigation(Path(config.docs_dir))
    return config


def navigation(docs: Path) -> list[NavEntry]:
    """The navigation of the docs folder: home, then a section per entry of ``SECTIONS``."""
    texts = {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8") for p in pages(docs)}
    texts |= generated_pages()
    order = reading_order(texts)
    unlinked = sorted(set(texts) - set(order))
    if unlinked:
        raise PluginError(
            f"docs/{unlinked[0]} is linked from no index: add a line linking it to docs/index.md "
            "(or, in a subfolder, to the folder's index.md) so the navigation has it"
        )
    nav: list[NavEntry] = [HOME]
    for folder, title in SECTIONS.items():
        nav.append({title: section(folder, order, texts)})
    return nav


def pages(docs: Path) -> list[Path]:
    """The Markdown pages on disk (the hooks folder holds code, not pages)."""
    return [p for p in sorted(docs.rglob("*.md")) if "hooks" not in p.relative_to(docs).parts]


def reading_order(texts: dict[str, str]) -> list[str]:
    """Pages in the order the home page links them, a subfolder's index opening onto its links."""
    order: list[str] = []
    pending = [HOME]
    while pending:
        page = pending.pop(0)
        if page in order or page not in texts:
            continue
        order.append(page)
        if PurePosixPath(page).name == "index.md":
            pending[:0] = [target for target in links(page, texts[page]) if target not in order]
    return order


def links(page: str, text: str) -> list[str]:
    """The pages ``page`` links to, as paths under the docs folder, in order."""
    folder = PurePosixPath(page).parent
    resolved = (_normal(folder / target) for target in LINK.findall(text))
    return list(dict.fromkeys(resolved))


def section(folder: str, order: list[str], texts: dict[str, str]) -> list[NavEntry]:
    """The entries of one folder: its pages, and each subfolder as a section of its own."""
    entries: list[NavEntry] = []
    seen: set[str] = set()
    depth = len(PurePosixPath(folder).parts)
    for page in order:
        parts = PurePosixPath(page).parent.parts
        if "/".join(parts[:depth]) != folder:
            continue
        if len(parts) == depth:
            entries.append(page)
        elif (sub := "/".join(parts[: depth + 1])) not in seen:
            seen.add(sub)
            entries.append({title(f"{sub}/index.md", texts): section(sub, order, texts)})
    return entries


def title(page: str, texts: dict[str, str]) -> str:
    """A page's first heading, as plain text (the title of a subfolder's section)."""
    found = HEADING.search(texts.get(page, ""))
    return found.group(1).replace("`", "") if found else PurePosixPath(page).parent.name


def _normal(path: PurePosixPath) -> str:
    """``a/b/../c.md`` → ``a/c.md``."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)
