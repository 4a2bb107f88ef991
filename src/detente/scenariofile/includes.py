"""``include:``: a scenario file built on shared files, e.g. a case library's common parameters.

A file may say ``include: common.yaml`` or ``include: [a.yaml, b.yaml]`` (paths relative
to the including file). The included files are read (each within the scenario file's
size limit and parsed as plain data, :mod:`~detente.scenariofile.plainyaml`), merged in
order (a later one over an earlier one), and the including file is merged over them:

- two mappings merge key by key, recursively; the including file's value wins;
- any other value (a list, a number, text) is replaced whole by the including file's;
- ``KEY+: [...]`` appends its list to the included ``KEY`` list (or starts it).

Includes nest up to :data:`MAX_INCLUDE_DEPTH` files deep; one file read as part of another
twice in one chain is a cycle (an error); at most :data:`MAX_INCLUDED_FILES` includes are
read in all, and their text adds up to at most the size limit of one scenario file, so a
file that includes another many times over (an "include bomb") is refused before it grows.
An included file must lie in the top-level file's folder or below it (an absolute path, or
one that leaves the folder, is refused): a case library is one folder.

Every node keeps the file it came from (:func:`~detente.scenariofile.locations.origin_of`),
so errors point at the file, line and column where the offending value is written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from detente.errors import Location, ScenarioError
from detente.formats.reading import MAX_SCENARIO_BYTES, size_limit
from detente.scenariofile.locations import ORIGIN, FileTree, origin_of

INCLUDE = "include"
APPEND = "+"
MAX_INCLUDE_DEPTH = 8
"""Longest chain of files including one another (the top-level file counts)."""
MAX_INCLUDED_FILES = 32
"""Most includes read for one scenario (a file included twice counts twice)."""

Reader = Callable[[str], str | None]
"""A file's text by its path, or ``None`` if there is no such file."""
Parser = Callable[[str, str], FileTree]
"""``parse(text, file)``: the parsed file (:func:`~detente.scenariofile.loader.parse_yaml`)."""


@dataclass(slots=True)
class _Budget:
    """What one scenario's includes may still read."""

    files: int = MAX_INCLUDED_FILES
    chars: int = field(default_factory=lambda: size_limit(MAX_SCENARIO_BYTES))


def load_tree(path: str, text: str, parse: Parser, read: Reader) -> FileTree:
    """The file ``path`` (whose ``text`` is given) with its includes merged in.

    A file without ``include:`` is returned as parsed, unchanged.
    """
    tree = parse(text, path)
    if INCLUDE not in tree.root:
        return tree
    folder = _folder(path)
    root = _merged(
        tree,
        parse,
        read,
        (path,),
        folder,
        _Budget(chars=size_limit(MAX_SCENARIO_BYTES) - len(text)),
    )
    return FileTree(path, root)


def _folder(path: str) -> str:
    return os.path.dirname(os.path.realpath(path))


def _merged(
    tree: FileTree,
    parse: Parser,
    read: Reader,
    chain: tuple[str, ...],
    folder: str,
    budget: _Budget,
) -> Any:
    """``tree``'s root (without its ``include:``) merged over its included files, recursively;
    every key of the result records the file it came from."""
    own = CommentedMap()
    for key, value in tree.root.items():
        if key != INCLUDE:
            own[key] = value
            own.lc.add_kv_line_col(key, tree.root.lc.data[key])
    setattr(own, ORIGIN, dict.fromkeys(own, tree.file))
    if INCLUDE not in tree.root:
        return own
    base: Any = None
    for index, target in _targets(tree):
        where = (INCLUDE, index) if isinstance(tree.root[INCLUDE], list) else (INCLUDE,)
        included = parse(_read(tree, where, target, read, chain, folder, budget), target)
        root = _merged(included, parse, read, (*chain, target), folder, budget)
        base = root if base is None else merge(base, root, target, target)
    return merge(base, own, tree.file, tree.file)


def _targets(tree: FileTree) -> list[tuple[int, str]]:
    value = tree.root.get(INCLUDE)
    names = value if isinstance(value, list) else [value]
    if not names or not all(isinstance(name, str) and name.strip() for name in names):
        raise tree.error(
            (INCLUDE,), "`include` must be a file name or a list of file names, e.g. common.yaml"
        )
    base = os.path.dirname(tree.file)
    return [(i, os.path.normpath(os.path.join(base, name))) for i, name in enumerate(names)]


def _read(
    tree: FileTree,
    where: tuple[str | int, ...],
    target: str,
    read: Reader,
    chain: tuple[str, ...],
    folder: str,
    budget: _Budget,
) -> str:
    """The text of the included file ``target``, after every check on including it."""
    named = str(tree.root[INCLUDE][where[-1]] if len(where) == 2 else tree.root[INCLUDE])
    if os.path.isabs(named) or not _inside(target, folder):
        raise tree.error(
            where,
            f"include {named!r}: outside the scenario's folder ({folder}); an included file "
            "must be in the folder of the file you load, or below it",
        )
    if os.path.realpath(target) in {os.path.realpath(c) for c in chain}:
        cycle = " → ".join(Path(c).name for c in (*chain, target))
        raise tree.error(where, f"include {named!r}: files include each other in a cycle: {cycle}")
    if len(chain) >= MAX_INCLUDE_DEPTH:
        raise tree.error(
            where, f"include {named!r}: includes nested more than {MAX_INCLUDE_DEPTH} files deep"
        )
    budget.files -= 1
    if budget.files < 0:
        raise tree.error(
            where, f"include {named!r}: more than {MAX_INCLUDED_FILES} includes in one scenario"
        )
    text = read(target)
    if text is None:
        raise tree.error(where, f"include {named!r}: no such file ({target})")
    budget.chars -= len(text)
    if budget.chars < 0:
        raise tree.error(
            where,
            f"include {named!r}: the scenario and its includes add up to more than "
            f"{size_limit(MAX_SCENARIO_BYTES):,} characters, the size limit of one scenario file",
        )
    return text


def _inside(target: str, folder: str) -> bool:
    real = os.path.realpath(target)
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def merge(base: Any, over: Any, base_file: str, over_file: str) -> Any:
    """``over`` (from ``over_file``) merged over ``base`` (from ``base_file``): mappings key by
    key (``over`` wins), ``KEY+`` appending to a list, anything else replaced; each key of a
    merged mapping remembers the file it came from."""
    if not (isinstance(base, CommentedMap) and isinstance(over, CommentedMap)):
        return over
    merged = CommentedMap()
    origins: dict[str | int, str] = {}
    for key, value in base.items():
        merged[key] = value
        merged.lc.add_kv_line_col(key, base.lc.data[key])
        origins[key] = origin_of(base, key, base_file)
    for key, value in over.items():
        name = key[: -len(APPEND)] if isinstance(key, str) and key.endswith(APPEND) else key
        source = origin_of(over, key, over_file)
        if name != key:
            value = _appended(merged.get(name), value, key, over, origins.get(name, ""), source)
        elif isinstance(merged.get(name), CommentedMap) and isinstance(value, CommentedMap):
            value = merge(merged[name], value, origins[name], source)
        merged[name] = value
        merged.lc.add_kv_line_col(name, over.lc.data[key])
        origins[name] = source
    setattr(merged, ORIGIN, origins)
    return merged


def _appended(
    base: Any, value: Any, key: str, over: CommentedMap, base_file: str, over_file: str
) -> Any:
    """``base`` (an included list, or nothing) followed by the list ``value`` of ``KEY+``."""
    if not isinstance(value, CommentedSeq) or not (base is None or isinstance(base, CommentedSeq)):
        line, column = over.lc.key(key)
        raise ScenarioError(
            f"`{key}` appends a list to the included list `{key[: -len(APPEND)]}`: both must "
            "be lists",
            Location(over_file, line + 1, column + 1, key),
        )
    if base is None:
        return value
    joined = CommentedSeq([*base, *value])
    origins: dict[str | int, str] = {}
    for i in range(len(base)):
        joined.lc.add_idx_line_col(i, base.lc.data[i])
        origins[i] = origin_of(base, i, base_file)
    for j in range(len(value)):
        joined.lc.add_idx_line_col(len(base) + j, value.lc.data[j])
        origins[len(base) + j] = over_file
    setattr(joined, ORIGIN, origins)
    return joined


def declared(files: Sequence[tuple[str, str]], parse: Parser, section: str) -> frozenset[str]:
    """The keys the ``section`` mapping of any of ``files`` ((path, text) pairs, e.g. the
    files a case includes) declares: ``declared(included, parse, "parameters")`` are the
    parameters a library's cases share."""
    names: set[str] = set()
    for file, text in files:
        found = parse(text, file).root.get(section)
        if isinstance(found, dict):
            names.update(str(name) for name in found)
    return frozenset(names)
