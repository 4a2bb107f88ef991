"""The documentation site: its command pages, its API reference, and the how-to's worked case.

The site itself is built ``--strict`` by ``make docs`` (part of ``make test``); these tests pin
what the build cannot see: that the generated command pages are what the command line prints,
that every public module has an API page and every public name a docstring, and that the
"write a new case" how-to quotes its file and its numbers as the commands give them.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import os
import pkgutil
import re
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import detente
from detente.cli import COMMANDS
from tests.conftest import CLI, REPO

DOCS = REPO / "docs"
sys.path.insert(0, str(DOCS / "hooks"))
import command_pages  # noqa: E402  (the site's hooks, importable once their folder is on the path)
import docstrings  # noqa: E402
import repo_files  # noqa: E402
import site_nav  # noqa: E402

API = DOCS / "reference" / "api"

INTERNAL = {
    "detente.__main__": "the `python -m detente` entry point",
    "detente.cli*": "the command line: documented by the generated command pages",
    "detente.scenariofile*": "the file layer: the format is in reference/scenario-files.md (`loader` has a page)",
    "detente.report.*": "the report's sections and templates (the package's entry points have a page)",
    "detente.analysis.*": "the analysis pipeline's steps (`pipeline` and `documents` have pages)",
    "detente.batch.*": "the batch engine's forms, state and streams (`engine`, `results` have pages)",
    "detente.experiments.chunks": "how the runner splits work",
    "detente.experiments.progress": "the progress bar on stderr",
    "detente.formats.origin": "a field of imported scenarios",
    "detente.formats.reading": "bounded file reading for the format readers",
    "detente.formats.xmlsource": "XML parsing for the format readers",
    "detente.files": "safe output files for the command line",
    "detente.printable": "escaping control characters for the command line",
    "detente.sizes": "the size limits (docs/reference/limits.md)",
    "detente.explorer*": "the explorer web app: documented by how-to/explore.md and the serve command page",
}
"""Modules outside the Python API (fnmatch patterns, each with the reason), unless an API page
renders them: every other module must have a page."""

DIRECTIVE = re.compile(r"^::: ([\w.]+)", re.MULTILINE)


def documented_modules() -> dict[str, str]:
    """Module → the API page that renders it (``::: module``)."""
    return {
        module: page.name
        for page in sorted(API.glob("*.md"))
        for module in DIRECTIVE.findall(page.read_text(encoding="utf-8"))
    }


def all_modules() -> list[str]:
    """Every module of the package."""
    found = pkgutil.walk_packages(detente.__path__, prefix="detente.")
    return ["detente", *sorted(info.name for info in found)]


def is_internal(module: str) -> bool:
    return any(fnmatch(module, pattern) for pattern in INTERNAL)


def public_modules() -> list[str]:
    """The modules the API reference covers: those its pages render."""
    return sorted(documented_modules())


def test_every_module_is_on_an_api_page_or_declared_internal() -> None:
    modules = all_modules()
    assert set(documented_modules()) <= set(modules), "an API page names a missing module"
    undocumented = [m for m in modules if not is_internal(m) and m not in documented_modules()]
    assert undocumented == [], "add `::: MODULE` to a page of docs/reference/api/ (or to INTERNAL)"
    assert [p for p in INTERNAL if not any(fnmatch(m, p) for m in modules)] == []


def public_members(module: ModuleType) -> list[tuple[str, Any]]:
    """The functions and classes a module defines, and their methods and properties."""
    members: list[tuple[str, Any]] = []
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value):
            members.append((name, value))
        elif inspect.isclass(value):
            members.append((name, value))
            members += [(f"{name}.{n}", m) for n, m in class_members(value)]
    return members


def class_members(cls: type) -> list[tuple[str, Any]]:
    """The public methods and properties a class's own body defines."""
    own: list[tuple[str, Any]] = []
    fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    for name, value in vars(cls).items():
        if name.startswith("_") or name in fields:
            continue
        target = value.__func__ if isinstance(value, staticmethod | classmethod) else value
        if isinstance(target, property) or (
            inspect.isfunction(target) and target.__qualname__.startswith(f"{cls.__qualname__}.")
        ):
            own.append((name, getattr(cls, name) if not isinstance(target, property) else target))
    return own


def documented(owner: str, value: Any, module: ModuleType) -> bool:
    """Whether a member has a docstring: its own, a base class's (``inspect.getdoc``), or, for a
    method, that of the same method on a ``Protocol`` of the package the class implements."""
    if isinstance(value, property):
        return bool(value.__doc__ and value.__doc__.strip())
    if "." not in owner:
        return bool(value.__doc__ and value.__doc__.strip())
    cls_name, method = owner.split(".")
    cls = getattr(module, cls_name)
    return bool(inspect.getdoc(getattr(cls, method))) or any(
        method in vars(protocol) and inspect.getdoc(vars(protocol)[method])
        for protocol in protocols()
        if implements(cls, protocol)
    )


def protocols() -> list[type]:
    """Every ``typing.Protocol`` the public modules define."""
    found = []
    for name in public_modules():
        for value in vars(importlib.import_module(name)).values():
            if inspect.isclass(value) and getattr(value, "_is_protocol", False):
                found.append(value)
    return found


def implements(cls: type, protocol: type) -> bool:
    """Whether ``cls`` has every public method the protocol declares (structural typing)."""
    declared = [n for n, v in vars(protocol).items() if not n.startswith("_") and callable(v)]
    return bool(declared) and all(hasattr(cls, n) for n in declared)


@pytest.mark.parametrize("name", public_modules())
def test_every_public_name_has_a_docstring(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__ and module.__doc__.strip(), f"{name} has no module docstring"
    missing = [m for m, value in public_members(module) if not documented(m, value, module)]
    assert missing == [], f"{name}: no docstring on {missing}"


def test_each_command_has_a_page_with_its_help_as_the_command_line_prints_it() -> None:
    pages = command_pages.pages()
    assert set(pages) == {f"reference/commands/{c}.md" for c in COMMANDS} | {
        "reference/commands/index.md"
    }
    for name in ("validate", "summarize"):
        printed = subprocess.run(
            [sys.executable, "-m", "detente", name, "--help"],
            capture_output=True,
            text=True,
            env={**os.environ, "COLUMNS": str(command_pages.WIDTH), "NO_COLOR": "1"},
            check=True,
        )
        block = pages[f"reference/commands/{name}.md"].split("```text\n")[1].split("\n```")[0]
        assert block == "\n".join(line.rstrip() for line in printed.stdout.splitlines()).strip("\n")
        assert f"Usage: detente {name} [OPTIONS]" in block


def test_the_command_line_reference_links_every_commands_page() -> None:
    text = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(commands/(\w+)\.md\)", text)) - {"index"}
    assert linked == set(COMMANDS), "link each command's row to commands/NAME.md"


def test_the_navigation_follows_the_home_page_and_holds_every_page() -> None:
    nav = site_nav.navigation(DOCS)
    assert nav[0] == "index.md"
    assert [next(iter(entry)) for entry in nav[1:]] == list(site_nav.SECTIONS.values())
    flat = json.dumps(nav)
    on_disk = {p.relative_to(DOCS).as_posix() for p in site_nav.pages(DOCS)}
    assert all(f'"{page}"' in flat for page in on_disk | set(command_pages.paths()))
    how_to = nav[2]["How-to guides"]  # type: ignore[index]
    assert how_to[0] == "how-to/write-a-case.md"  # the home page lists it first


def test_a_page_no_index_links_fails_the_build(tmp_path: Path) -> None:
    (tmp_path / "how-to").mkdir()
    (tmp_path / "index.md").write_text("# Home\n\n## How-to guides\n- [A](how-to/a.md)\n")
    (tmp_path / "how-to" / "a.md").write_text("# A\n")
    (tmp_path / "how-to" / "orphan.md").write_text("# Orphan\n")
    with pytest.raises(Exception, match=r"docs/how-to/orphan\.md is linked from no index"):
        site_nav.navigation(tmp_path)


def test_a_link_to_a_repository_file_outside_the_docs_reaches_a_published_copy() -> None:
    tutorial = DOCS / "tutorials" / "hanoi-2019.md"
    found = repo_files.repository_target(tutorial, "../../scenarios/hanoi-2019.yaml", DOCS)
    assert found == (REPO / "scenarios" / "hanoi-2019.yaml").resolve()
    assert repo_files.repository_target(tutorial, "../reference/cli.md", DOCS) is None
    assert repo_files.repository_target(tutorial, "../../scenarios/missing.yaml", DOCS) is None


def test_doctest_examples_are_fenced_and_literature_keys_linked() -> None:
    text = "Sum [Nash1950].\n\n>>> f([1])\n[1]\n\nSee ``[Nash1950]``."
    assert docstrings.cite(docstrings.fence_examples(text)) == (
        "Sum [[Nash1950]](../literature.md).\n\n```pycon\n>>> f([1])\n[1]\n```\n\nSee ``[Nash1950]``."
    )


HOW_TO = DOCS / "how-to" / "write-a-case.md"
CASE = "examples/new-start-2010.yaml"


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)\n```", text, re.DOTALL)


def percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def solution_rows(document: dict[str, Any]) -> list[str]:
    """The how-to's table of bargaining solutions, from ``analyze --json``."""
    rows = []
    for name, found in document["solutions"].items():
        us, russia = found["utilities"]
        outcome = found["outcome"]
        rows.append(
            f"| {name} | {outcome['warheads']} | {outcome['launchers']} | {us:.3g} | {russia:.3g} |"
        )
    return rows


def claim_rows(summary: dict[str, Any]) -> list[str]:
    """The how-to's table of claim shares, from ``summarize --json``."""
    rows = []
    for name, claim in summary["claims"].items():
        driver = next(iter(claim["sensitivity"]))
        interval = f"{percent(claim['low'])}–{percent(claim['high'])}"
        rows.append(f"| `{name}` | {percent(claim['share'])} | {interval} | `{driver}` |")
    return rows


def analyze_sentence(document: dict[str, Any]) -> str:
    return (
        f"{document['n_rational']} of the {document['n_outcomes']} outcomes are at least as good "
        f"as no treaty for both sides, and the Pareto frontier has {len(document['pareto'])} points."
    )


def case_outputs(cli: CLI, sweep: Path) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """What the how-to's commands print: validate's line, analyze's and summarize's documents."""
    validated = cli("validate", CASE, cwd=REPO)
    analyzed = cli("analyze", CASE, "--json", cwd=REPO)
    swept = cli("sweep", CASE, "--draws", "50", "--seed", "1", "--out", sweep, cwd=REPO)
    summarized = cli("summarize", sweep, "--json", cwd=REPO)
    for done in (validated, analyzed, swept, summarized):
        assert done.returncode == 0, done.stderr
    return validated.stdout.strip(), json.loads(analyzed.stdout), json.loads(summarized.stdout)


def test_the_how_to_yaml_blocks_are_the_shipped_case() -> None:
    blocks = yaml_blocks(HOW_TO.read_text(encoding="utf-8"))
    assert "\n\n".join(blocks) + "\n" == (REPO / CASE).read_text(encoding="utf-8")


def test_the_how_to_quotes_what_the_commands_print(detente_cli: CLI, tmp_path: Path) -> None:
    page = HOW_TO.read_text(encoding="utf-8")
    validated, document, summary = case_outputs(detente_cli, tmp_path / "sweep")
    assert validated.startswith("ok: ") and f"$ detente validate {CASE}\n{validated}\n" in page
    assert analyze_sentence(document) in page
    assert all(row in page for row in solution_rows(document))
    assert all(row in page for row in claim_rows(summary))
    assert summary["draws"] == 50 and set(document["claims"]) == set(summary["claims"])
    assert all(document["claims"].values()), (
        "every claim holds on the point estimate, as the page says"
    )
