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
from detente.scenariofile.loader import build_scenario, parse_yaml, read_text
from detente.scenariofile.locations import FileTree, plain


@functools.lru_cache(maxsize=8)
def _parse(text: str, file: str) -> tuple[FileTree, Any]:
    """The parsed file and its plain data, once per process and file content."""
    tree = parse_yaml(text, file)
    return tree, plain(tree.root)


@dataclass(frozen=True, slots=True)
class ScenarioText:
    """A scenario file's content, with fixed ``--set`` overrides applied under every draw."""

    file: str
    text: str
    sets: tuple[tuple[str, ParameterValue], ...] = ()

    @classmethod
    def read(
        cls, path: str | Path, sets: Mapping[str, ParameterValue] | None = None
    ) -> ScenarioText:
        """Read and check a scenario file (errors as ``detente validate`` reports them)."""
        text = read_text(path)
        scenario = cls(str(path), text, tuple(sorted((sets or {}).items())))
        scenario.build({})
        return scenario

    @property
    def tree(self) -> FileTree:
        """The parsed file (cached per process)."""
        return _parse(self.text, self.file)[0]

    def build(self, overrides: Mapping[str, ParameterValue]) -> Scenario:
        """The scenario with the ``--set`` values and then ``overrides`` applied."""
        if not overrides:
            return _point(self)
        tree, raw = _parse(self.text, self.file)
        return build_scenario(tree, {**dict(self.sets), **overrides}, raw)

    @property
    def claims(self) -> tuple[Claim, ...]:
        """The claims the file declares."""
        return _point(self).claims

    def identity(self) -> Mapping[str, object]:
        """The content hash of the file and the fixed overrides: what resuming must match."""
        digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
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
    tree, raw = _parse(text.text, text.file)
    return build_scenario(tree, dict(text.sets), raw)
