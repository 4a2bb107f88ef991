"""Coverage-guided fuzzing of the readers with atheris (libFuzzer), beyond ``make test``.

    python tests/fuzz/atheris_fuzz.py TARGET [libFuzzer options, e.g. -max_total_time=60]

TARGET is one of :data:`TARGETS`. The harness runs the same checks as ``tests/test_fuzz.py``
(:mod:`tests.fuzz.targets`: a sound value or a DetenteError, never another exception) on
inputs libFuzzer grows from seeds, with detente instrumented for coverage. libFuzzer
writes an input that breaks a check as ``crash-*`` where ``-artifact_prefix`` says;
``make fuzz`` runs every target for ``FUZZ_SECONDS`` and keeps findings in ``out/fuzz``.
atheris is not a dependency of the suite: ``pip install -e '.[fuzz]'``.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FORMATS = ROOT / "tests" / "fixtures" / "formats"
DOMAIN_FILES = {
    "genius": ("dom.xml", "a.xml", "b.xml"),
    "geniusweb": ("trip.json", "trip1.json", "trip2.json"),
    "negolog": ("profileA.json", "profileB.json"),
}
"""The files a fuzzed domain is made of; the input holds their contents split at NUL bytes."""
SEED_FOLDERS = {"genius": "genius_integer", "geniusweb": "geniusweb", "negolog": "negolog"}
TARGETS = ("yaml", "formula", "claim", *DOMAIN_FILES)


def harness(target: str, atheris: Any, targets: ModuleType) -> Callable[[bytes], None]:
    """The function libFuzzer calls with each input, for ``target``."""

    def text(data: bytes) -> str:
        return str(atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data)))

    def files(data: bytes) -> None:
        names = DOMAIN_FILES[target]
        parts = data.split(b"\0", len(names) - 1)
        targets.domain(dict(zip(names, parts + [b""] * (len(names) - len(parts)), strict=True)))

    return {
        "yaml": lambda data: targets.yaml_scenario(text(data)),
        "formula": lambda data: targets.formula("=" + text(data)),
        "claim": lambda data: targets.claim(text(data)),
    }.get(target, files)


def seeds(target: str, folder: Path) -> None:
    """Valid inputs for libFuzzer to start from."""
    if target in DOMAIN_FILES:
        source = FORMATS / SEED_FOLDERS[target]
        contents = [(source / name).read_bytes() for name in DOMAIN_FILES[target]]
        (folder / "fixture").write_bytes(b"\0".join(contents))
        return
    examples = {
        "yaml": [(ROOT / "tests" / "hostile" / "base.yaml").read_bytes()],
        "formula": [b"(1 - p) * big", b"min(p, q) ** 2", b"sqrt(abs(q)) / zero"],
        "claim": [b"n_rational > 0 and not flag", b"solutions.nash.utilities[1] >= 2.5"],
    }[target]
    for i, example in enumerate(examples):
        (folder / f"seed-{i}").write_bytes(example)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: atheris_fuzz.py {{{','.join(TARGETS)}}} [libFuzzer options]")
    target = sys.argv[1]
    atheris = importlib.import_module("atheris")  # here, so the suite collects this file without it
    sys.path.insert(0, str(ROOT))
    with atheris.instrument_imports(include=["detente"]):
        targets = importlib.import_module("tests.fuzz.targets")
    with tempfile.TemporaryDirectory() as corpus:
        seeds(target, Path(corpus))
        atheris.Setup([sys.argv[0], *sys.argv[2:], corpus], harness(target, atheris, targets))
        atheris.Fuzz()


if __name__ == "__main__":
    main()
