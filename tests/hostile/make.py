"""Hostile inputs too large, too special or too odd to commit, made fresh in a folder.

``corpus.toml`` names one of these with ``make = "NAME"`` (and ``size = N`` where the
input has a size); each function writes its input into ``folder`` and returns the path
to give the command. The inputs are made at test time, so the repository holds a few
lines rather than megabytes, and a FIFO or an odd file name needs no special checkout.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

BASE = Path(__file__).parent / "base.yaml"
"""A small valid scenario the YAML makers extend."""


def deep_block(folder: Path, size: int) -> Path:
    """A block mapping nested ``size`` levels deep."""
    lines = [f"{'  ' * level}k{level}:" for level in range(size)]
    return _yaml(folder, "bomb:\n" + "\n".join("  " + line for line in lines) + " 1\n")


def deep_flow_sequence(folder: Path, size: int) -> Path:
    """``[[[…]]]``, ``size`` levels deep."""
    return _yaml(folder, "bomb: " + "[" * size + "]" * size + "\n")


def deep_flow_mapping(folder: Path, size: int) -> Path:
    """``{a: {a: …}}``, ``size`` levels deep."""
    return _yaml(folder, "bomb: " + "{a: " * size + "1" + "}" * size + "\n")


def huge_file(folder: Path, size: int) -> Path:
    """A valid scenario padded with ``size`` MB of comment lines."""
    path = folder / "huge.yaml"
    line = "# " + "padding " * 12 + "\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(BASE.read_text(encoding="utf-8"))
        out.write(line * (size * 2**20 // len(line)))
    return path


def long_sum(folder: Path, size: int) -> Path:
    """A formula ``=1+1+…`` of ``size`` terms (a parse tree ``size`` deep)."""
    return _reservation(folder, "+".join(["1"] * size))


def deep_unary(folder: Path, size: int) -> Path:
    """A formula ``=----…1`` with ``size`` signs."""
    return _reservation(folder, "-" * size + "1")


def long_formula(folder: Path, size: float) -> Path:
    """A flat formula of about ``size`` MB: a sum of products, ``p*1+p*1+…``."""
    return _reservation(folder, "+".join(["p*1"] * (int(size * 2**20) // 4)))


def reference_chain(folder: Path, size: int) -> Path:
    """``size`` parameters, each the previous one plus one."""
    chain = [f'  q{i}: {{value: "=q{i - 1} + 1", source: "assumption"}}' for i in range(1, size)]
    text = BASE.read_text(encoding="utf-8").replace(
        "parameters:\n",
        'parameters:\n  q0: {value: 0, source: "assumption"}\n' + "\n".join(chain) + "\n",
    )
    path = folder / "chain.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def fifo(folder: Path, size: int) -> Path:
    """A named pipe called ``scenario.yaml`` that nobody writes to."""
    path = folder / "scenario.yaml"
    os.mkfifo(path)
    return path


def folder_named_yaml(folder: Path, size: int) -> Path:
    """An empty folder called ``scenario.yaml``."""
    path = folder / "scenario.yaml"
    path.mkdir()
    return path


def missing_with_escapes(folder: Path, size: int) -> Path:
    """A file that does not exist, its name holding escape sequences and markup (no slash)."""
    return folder / "\x1b]8;;mailto:x@example.invalid\x1b\\[blink]oops\x1b[5m.yaml"


def deep_json_domain(folder: Path, size: int) -> Path:
    """A GeniusWeb domain whose values list is nested ``size`` levels deep."""
    domain = folder / "deep"
    domain.mkdir()
    deep = "[" * size + "]" * size
    (domain / "trip.json").write_text(
        '{"name": "trip", "issuesValues": {"place": {"values": ' + deep + "}}}", encoding="utf-8"
    )
    for name, weight in (("trip1", 0.6), ("trip2", 0.3)):
        profile = {
            "LinearAdditiveUtilitySpace": {
                "issueUtilities": {"place": {"discreteutils": {"valueUtilities": {"x": 1.0}}}},
                "issueWeights": {"place": weight},
                "name": name,
            }
        }
        (domain / f"{name}.json").write_text(json.dumps(profile), encoding="utf-8")
    return domain


def deep_xml_domain(folder: Path, size: int) -> Path:
    """A GENIUS domain whose objective holds elements nested ``size`` levels deep."""
    domain = folder / "deep"
    domain.mkdir()
    nested = "<objective>" * size + "</objective>" * size
    (domain / "dom.xml").write_text(
        f'<negotiation_template><utility_space number_of_issues="1">{nested}'
        "</utility_space></negotiation_template>",
        encoding="utf-8",
    )
    for name in ("a", "b"):
        (domain / f"{name}.xml").write_text(
            f"<utility_space>{nested}</utility_space>", encoding="utf-8"
        )
    return domain


def escaped_file_names(folder: Path, size: int) -> Path:
    """A NegoLog domain whose profile files (the party ids) are named with markup and escapes.

    A file name cannot hold a slash, so the markup is an opening tag and the link a mailto.
    """
    domain = folder / "names"
    domain.mkdir()
    names = ("a[bold][blink]", "\x1b]8;;mailto:x@example.invalid\x1b\\b\x1b[5m")
    for name, weight in zip(names, (0.25, 0.75), strict=True):
        profile = {
            "reservationValue": 0.1,
            "issueWeights": {"x": weight, "y": 1 - weight},
            "issues": {"x": {"p": 1.0, "q": 0.0}, "y": {"p": 0.0, "q": 1.0}},
        }
        (domain / f"{name}.json").write_text(json.dumps(profile), encoding="utf-8")
    return domain


def _yaml(folder: Path, extra: str) -> Path:
    path = folder / "scenario.yaml"
    path.write_text(BASE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def _reservation(folder: Path, formula: str) -> Path:
    text = BASE.read_text(encoding="utf-8").replace("reservation: 0", f'reservation: "={formula}"')
    path = folder / "formula.yaml"
    path.write_text(text, encoding="utf-8")
    return path


MAKERS: dict[str, Callable[[Path, int], Path]] = {
    f.__name__: f
    for f in (
        deep_block,
        deep_flow_sequence,
        deep_flow_mapping,
        huge_file,
        long_sum,
        deep_unary,
        long_formula,
        reference_chain,
        fifo,
        folder_named_yaml,
        missing_with_escapes,
        deep_json_domain,
        deep_xml_domain,
        escaped_file_names,
    )
}
"""Every maker by the name ``corpus.toml`` gives it."""
