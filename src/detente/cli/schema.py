"""``detente schema``: the JSON Schema of scenario files."""

from __future__ import annotations

import json
import sys

from detente.scenariofile.model import ScenarioFile


def schema() -> None:
    """Print the JSON Schema that scenario files are validated against."""
    sys.stdout.write(json.dumps(ScenarioFile.model_json_schema(), indent=2) + "\n")
