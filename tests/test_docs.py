"""The README's and the docs' Python examples run as written, from the repository root."""

from __future__ import annotations

import json
import re
import sys
import types

import pytest

from tests.conftest import CLI, REPO

sys.path.insert(0, str(REPO / "docs" / "hooks"))
import command_pages  # the pages the site generates

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
    module = types.ModuleType("__docs__")  # a real module, so a block may define dataclasses
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(code, where, "exec"), module.__dict__)


def test_relative_links_point_at_files() -> None:
    generated = {(REPO / "docs" / path).resolve() for path in command_pages.paths()}
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#:]+)\)", page.read_text()):
            path = (page.parent / target).resolve()
            assert path.exists() or path in generated, (
                f"{page.relative_to(REPO)} links to missing {target}"
            )


def documented_keys(heading: str) -> set[str]:
    """The keys in the first column of the table under ``heading`` in docs/reference/cli.md."""
    text = (REPO / "docs" / "reference" / "cli.md").read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", section, re.MULTILINE))


@pytest.mark.parametrize(
    ("heading", "args"),
    [
        ("`analyze --json`", ["analyze", "scenarios/theory/two-level.yaml", "--json"]),
        ("`analyze --json`", ["analyze", "scenarios/theory/action-for-action.yaml", "--json"]),
        ("`analyze --json`", ["analyze", "scenarios/theory/verification.yaml", "--json"]),
        (
            "`simulate --json`",
            ["simulate", "scenarios/theory/worked-example.yaml", "--strategies", "nash", "--json"],
        ),
        ("`spe --json`", ["spe", "scenarios/theory/worked-example.yaml", "--json"]),
    ],
)
def test_every_json_key_a_command_prints_is_documented(
    heading: str, args: list[str], detente_cli: CLI
) -> None:
    done = detente_cli(*args, cwd=REPO)
    assert done.returncode == 0, done.stderr
    printed = set(json.loads(done.stdout))
    documented = documented_keys(heading) | {"parties", "deadline"}
    documented |= {"trust", "trust_models", "phasing", "solutions_unrestricted"}  # in prose
    assert printed <= documented, printed - documented


def test_every_literature_key_cited_is_listed_in_the_literature_page() -> None:
    key = re.compile(r"\[([A-Z][A-Za-z]+[0-9]{4}[a-z]?)\]")
    sources = [*sorted((REPO / "src").rglob("*.py")), *PAGES]
    cited = {k for path in sources for k in key.findall(path.read_text(encoding="utf-8"))}
    listed = set(key.findall((REPO / "docs" / "reference" / "literature.md").read_text()))
    assert cited - listed == set()
