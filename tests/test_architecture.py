"""The package's layers: no import cycle, and only the file layer knows the scenario YAML.

Every import counts, top-level, lazy (inside a function) and ``TYPE_CHECKING``
alike: a cycle hidden behind a lazy import is still a cycle in the design. A
module importing the package it lies in (``from detente.formats import genius``
in ``detente.formats.domain``) is not counted: that is the package re-exporting
its parts, not a dependency between designs.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import detente

PACKAGE = Path(detente.__file__).parent


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["detente", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The package's modules that module ``name`` (file ``path``) imports anywhere."""
    base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                module = ".".join([*base[: len(base) - node.level + 1], node.module or ""])
            else:
                module = node.module or ""
            targets = [module.rstrip("."), *(f"{module}.{a.name}" for a in node.names)]
        else:
            continue
        for target in targets:
            while target and target not in known:  # the longest module the name lies in
                target = target.rpartition(".")[0]
            if target and not within(name, (target,)):  # a package's own __init__ is no cycle
                yield target


def within(name: str, packages: tuple[str, ...]) -> bool:
    """Whether module ``name`` is one of ``packages`` or lies inside one."""
    return any(name == p or name.startswith(f"{p}.") for p in packages)


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: set(imported(name, path, set(found))) for name, path in found.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for successor in sorted(edges[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle_hidden_behind_a_lazy_import() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c"]]


def test_lazy_and_type_checking_imports_count(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from detente.scenario import Scenario\n"
        "def f():\n    from detente.analysis import analyze\n"
    )
    known = set(modules())
    assert set(imported("detente.m", module, known)) >= {"detente.scenario", "detente.analysis"}


def test_only_the_file_layer_and_the_domain_readers_know_yaml() -> None:
    readers = {
        name
        for name, path in modules().items()
        if "ruamel" in path.read_text(encoding="utf-8")
        and not within(name, ("detente.scenariofile", "detente.formats"))
    }
    assert readers == set()


def test_domain_modules_never_import_the_file_layer_or_the_interfaces() -> None:
    upper = ("detente.scenariofile", "detente.analysis", "detente.cli", "detente.report")
    lower = (
        "detente.outcomes",
        "detente.utility",
        "detente.parties",
        "detente.factions",
        "detente.ratification",
        "detente.trust",
        "detente.solutions",
        "detente.claims",
        "detente.scenario",
        "detente.phasing",
        "detente.protocols",
        "detente.strategies",
        "detente.session",
        "detente.batch",
        "detente.twolevel",
        "detente.table",
        "detente.equilibrium",
    )
    edges = graph()
    wrong = sorted(
        (name, target)
        for name, targets in edges.items()
        if within(name, lower)
        for target in targets
        if within(target, upper)
    )
    assert wrong == []


def test_report_and_sweep_read_the_scenario_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.cli import main

    scenario = Path(__file__).parents[1] / "scenarios" / "theory" / "two-level.yaml"
    reads: list[str] = []

    def counting(real: Any) -> Any:
        def counted(path: str | Path, *args: Any, **kwargs: Any) -> Any:
            if Path(path).name == scenario.name:
                reads.append(str(path))
            return real(path, *args, **kwargs)

        return counted

    monkeypatch.setattr(os, "open", counting(os.open))  # how input files are read
    monkeypatch.setattr(Path, "read_text", counting(Path.read_text))
    sweep = tmp_path / "sweep"
    for argv in (
        ["sweep", str(scenario), "--draws", "4", "--seed", "1", "--out", str(sweep)],
        ["report", str(scenario), "--sweep", str(sweep), "-o", str(tmp_path / "r.html")],
    ):
        reads.clear()
        main(argv)  # returns on success, raises SystemExit on failure
        assert len(reads) == 1, argv[0]


def test_the_package_cites_no_file_outside_the_repository() -> None:
    """Comments cite the literature (docs/reference/literature.md) and docs/explanation/."""
    found = [
        name
        for name, path in modules().items()
        if "THEORY" in path.read_text(encoding="utf-8")
        or "DESIGN.md" in path.read_text(encoding="utf-8")
    ]
    assert found == []
