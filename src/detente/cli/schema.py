"""``detente schema``: the JSON Schema of scenario files."""

from __future__ import annotations

import json
import sys

from detente.scenariofile.model import json_schema


def schema() -> None:
    """Print the JSON Schema that scenario files are validated against (numbers may be formulas)."""
    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")
