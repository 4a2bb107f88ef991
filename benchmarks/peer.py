"""Run a piece of code in the NegMAS benchmark environment and get JSON back.

NegMAS is the peer detente measures itself against. It is never a dependency of
detente: it lives in its own virtual environment (``make bench-env`` creates
``benchmarks/.venv-negmas``; ``DETENTE_NEGMAS_PYTHON`` may point elsewhere). The
peer's code runs in a subprocess with that interpreter; inputs go in as JSON on
stdin and results come back as one JSON document on stdout.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

NEGMAS_PYTHON = Path(
    os.environ.get(
        "DETENTE_NEGMAS_PYTHON", Path(__file__).resolve().parent / ".venv-negmas" / "bin" / "python"
    )
)


def negmas_available() -> bool:
    """Whether the NegMAS environment exists and imports negmas."""
    if not NEGMAS_PYTHON.exists():
        return False
    probe = subprocess.run(
        [str(NEGMAS_PYTHON), "-c", "import negmas"], capture_output=True, check=False
    )
    return probe.returncode == 0


def run_negmas(script: str, payload: dict[str, Any], timeout: float = 3600) -> dict[str, Any]:
    """Run ``script`` under the NegMAS interpreter with ``payload`` as JSON on stdin.

    The script must print exactly one JSON document on stdout.
    """
    done = subprocess.run(
        [str(NEGMAS_PYTHON), "-c", script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"NegMAS script failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result
