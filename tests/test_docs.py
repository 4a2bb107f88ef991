"""The README's and the docs' Python examples run as written, from the repository root."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def python_blocks() -> list[tuple[str, str]]:
    blocks = []
    for page in PAGES:
        for k, code in enumerate(BLOCK.findall(page.read_text())):
            blocks.append((f"{page.relative_to(REPO)}#{k}", code))
    return blocks


@pytest.mark.parametrize(("where", "code"), python_blocks(), ids=[w for w, _ in python_blocks()])
def test_python_block_runs(where: str, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


def test_relative_links_point_at_files() -> None:
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#:]+)\)", page.read_text()):
            assert (page.parent / target).exists(), (
                f"{page.relative_to(REPO)} links to missing {target}"
            )
