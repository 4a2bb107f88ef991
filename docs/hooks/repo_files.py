"""Links from a page to a file of the repository outside ``docs/`` (a scenario file, say).

On GitHub such a link (``../../scenarios/hanoi-2019.yaml``) opens the file. On the site the
file is published as a copy under ``repo/`` (``repo/scenarios/hanoi-2019.yaml``) and the link
is pointed at the copy, so the reader still reaches the file and ``--strict`` still fails on
a link to a file that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

COPIES = "repo"
"""Folder of the site that holds the published copies."""

LINK = re.compile(r"(\]\()([^)#\s:]+)((?:#[^)]*)?\))")


def repository_target(page: Path, target: str, docs: Path) -> Path | None:
    """The repository file a link of ``page`` points at, if it lies outside the docs folder."""
    path = (page.parent / target).resolve()
    root = docs.resolve().parent
    if path.is_relative_to(docs.resolve()) or not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Publish a copy of every repository file a page links to."""
    docs = Path(config.docs_dir)
    published: set[Path] = set()
    for page in sorted(docs.rglob("*.md")):
        for _, target, _ in LINK.findall(page.read_text(encoding="utf-8")):
            found = repository_target(page, target, docs)
            if found is not None and found not in published:
                published.add(found)
                uri = f"{COPIES}/{found.relative_to(docs.resolve().parent).as_posix()}"
                files.append(File.generated(config, uri, abs_src_path=str(found)))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Point the page's links to repository files at their published copies."""
    if page.file.abs_src_path is None:
        return markdown
    docs = Path(config.docs_dir)
    source = Path(page.file.abs_src_path)
    depth = len(Path(page.file.src_uri).parent.parts)

    def retarget(link: re.Match[str]) -> str:
        found = repository_target(source, link.group(2), docs)
        if found is None:
            return link.group(0)
        copy = "../" * depth + f"{COPIES}/{found.relative_to(docs.resolve().parent).as_posix()}"
        return f"{link.group(1)}{copy}{link.group(3)}"

    return LINK.sub(retarget, markdown)
