"""A scenario file as a sweep needs it: text that travels to any worker and rebuilds per draw.

The text is parsed once per process and rebuilt with each draw's parameter
values (formulas that use a parameter follow it), so workers need neither the
file nor a shared file system.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detente.claims import Claim
from detente.errors import ScenarioError
from detente.experiments.draws import Choice, Drawn, Uncertain
from detente.scenario import ParameterRecord, ParameterValue, Scenario
from detente.scenariofile.includes import declared, load_tree
from detente.scenariofile.loader import build_scenario, parse_yaml, read_included, read_text
from detente.scenariofile.locations import FileTree, plain


@functools.lru_cache(maxsize=8)
def _parse(
    text: str, file: str, includes: tuple[tuple[str, str], ...] = ()
) -> tuple[FileTree, Any]:
    """The parsed file (its includes merged in, from their ``includes`` texts) and its plain
    data, once per process and file content."""
    tree = load_tree(file, text, parse_yaml, dict(includes).get)
    return tree, plain(tree.root)


@dataclass(frozen=True, slots=True)
class ScenarioText:
    """A scenario file's content, with fixed ``--set`` overrides applied under every draw."""

    file: str
    text: str
    sets: tuple[tuple[str, ParameterValue], ...] = ()
    includes: tuple[tuple[str, str], ...] = ()
    """The text of every file ``include:`` reads (path, text), so workers need no files."""

    @classmethod
    def read(
        cls, path: str | Path, sets: Mapping[str, ParameterValue] | None = None
    ) -> ScenarioText:
        """Read and check a scenario file (errors as ``detente validate`` reports them)."""
        text = read_text(path)
        included: dict[str, str] = {}

        def read(file: str) -> str | None:
            found = read_included(file)
            if found is not None:
                included[file] = found
            return found

        load_tree(str(path), text, parse_yaml, read)
        overrides = tuple(sorted((sets or {}).items()))
        scenario = cls(str(path), text, overrides, tuple(included.items()))
        scenario.build({})
        return scenario

    @property
    def tree(self) -> FileTree:
        """The parsed file (cached per process)."""
        return _parse(self.text, self.file, self.includes)[0]

    def build(self, overrides: Mapping[str, ParameterValue]) -> Scenario:
        """The scenario with the ``--set`` values and then ``overrides`` applied."""
        if not overrides:
            return _point(self)
        tree, raw = _parse(self.text, self.file, self.includes)
        return build_scenario(tree, {**dict(self.sets), **overrides}, raw)

    @property
    def claims(self) -> tuple[Claim, ...]:
        """The claims the file declares."""
        return _point(self).claims

    def shared(self) -> frozenset[str]:
        """The parameters declared in the files the scenario includes (a library's shared
        parameters)."""
        return declared(self.includes, parse_yaml, "parameters")

    def identity(self) -> Mapping[str, object]:
        """The content hash of the file and the fixed overrides: what resuming must match."""
        content = self.text + "".join(f"\0{file}\0{text}" for file, text in self.includes)
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        return {"scenario": f"sha256:{digest}", "sets": dict(self.sets)}

    def uncertain(self) -> tuple[Drawn, ...]:
        """The parameters a sweep draws: those with a range or choices, except those fixed by
        ``--set``."""
        fixed = dict(self.sets)
        drawn: list[Drawn] = []
        for name, record in _point(self).parameter_records.items():
            if name in fixed:
                continue
            if record.choices is not None:
                drawn.append(_choice(record))
                continue
            if record.range is None or record.range[0] == record.range[1]:
                continue
            draw = functools.partial(
                Uncertain,
                name,
                *record.range,
                record.distribution,
                float(record.value),
                record.mode,
                record.sd,
                record.integer,
            )
            drawn.append(self.tree.located(("parameters", name), draw, ScenarioError))
        return tuple(drawn)


def _choice(record: ParameterRecord) -> Choice:
    """The draw of a categorical parameter (its file value is its point estimate's label)."""
    assert record.choices is not None
    labels, probabilities = zip(*record.choices, strict=True)
    return Choice(record.name, labels, probabilities, str(record.value))


@functools.lru_cache(maxsize=8)
def _point(text: ScenarioText) -> Scenario:
    """The scenario at the point estimate (with the fixed ``--set`` values), built once."""
    tree, raw = _parse(text.text, text.file, text.includes)
    return build_scenario(tree, dict(text.sets), raw)
