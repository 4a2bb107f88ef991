"""The registry tables in docs/reference/strategies.md.

Regenerate after changing a registry: ``PYTHONPATH=src python -m tests.docs_tables``.
"""

from __future__ import annotations

import re
from pathlib import Path

from detente.protocols import PROTOCOLS
from detente.registry import Registry
from detente.strategies import ACCEPTANCE, STRATEGIES
from detente.strategies.models import MODELS

PAGE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "strategies.md"
REGISTRIES: dict[str, Registry[object]] = {
    "STRATEGIES": STRATEGIES,  # type: ignore[dict-item]
    "ACCEPTANCE": ACCEPTANCE,  # type: ignore[dict-item]
    "MODELS": MODELS,  # type: ignore[dict-item]
    "PROTOCOLS": PROTOCOLS,  # type: ignore[dict-item]
}


def block(name: str) -> str:
    """The generated block for one registry, markers included."""
    return f"<!-- generated: {name} -->\n{REGISTRIES[name].markdown()}\n<!-- end -->"


def main() -> None:
    text = PAGE.read_text()
    for name in REGISTRIES:
        pattern = re.compile(rf"<!-- generated: {name} -->\n.*?<!-- end -->", re.DOTALL)
        text = pattern.sub(lambda _: block(name), text)  # noqa: B023
    PAGE.write_text(text)


if __name__ == "__main__":
    main()
