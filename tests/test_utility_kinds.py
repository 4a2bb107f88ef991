"""Utility kinds: each declared once, in its own module, and every reader found by the registry."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import detente.utility
from detente.errors import DetenteError, UnknownNameError
from detente.outcomes import Issue, OutcomeSpace
from detente.scenariofile.loader import parse_yaml
from detente.scenariofile.model import ScenarioFile
from detente.scenariofile.writer import to_scenario_yaml
from detente.utility.kinds import kinds, register, to_data

SPACE = OutcomeSpace((Issue("deal", ("small", "big")), Issue.integer("n", 0, 2), Issue.item("x")))


def test_every_module_of_the_package_but_the_shared_ones_declares_one_kind() -> None:
    modules = {m.name for m in pkgutil.iter_modules(detente.utility.__path__)} - {"base", "kinds"}
    declared = {kind.build.__module__.rpartition(".")[2] for kind in kinds().values()}
    assert declared == modules
    assert next(iter(kinds())) == "linear"  # the default type comes first


@pytest.mark.parametrize("name", list(kinds()))
def test_a_kind_writes_what_it_reads(name: str) -> None:
    kind = kinds()[name]
    utility = kind.build(kind.spec.model_validate(kind.example), SPACE)
    written = to_data(utility, SPACE)
    assert written is not None and written["type"] == name
    again = kind.build(kind.spec.model_validate(written), SPACE)
    everything = np.arange(SPACE.size)
    assert np.array_equal(utility.evaluate(SPACE, everything), again.evaluate(SPACE, everything))


def test_the_file_schema_offers_every_registered_kind() -> None:
    schema = str(ScenarioFile.model_json_schema())
    for kind in kinds().values():
        assert kind.spec.__name__ in schema


def test_a_kind_is_registered_once() -> None:
    linear = kinds()["linear"]
    assert register(linear) is linear  # the same declaration again is harmless
    with pytest.raises(DetenteError, match="registered twice"):
        register(type(linear)("linear", linear.spec, (), linear.build, linear.data, "another", {}))


def scenario_text(utility: str) -> str:
    return (
        "name: kinds\nissues:\n  - {name: n, range: [0, 2]}\nparties:\n"
        "  - id: a\n    reservation: 0\n    utility: {type: linear, values: {n: [0, 1, 2]}}\n"
        f"  - id: b\n    reservation: 0\n    utility:\n{utility}"
    )


def build(text: str) -> Any:
    from detente.scenariofile.loader import build_scenario

    return build_scenario(parse_yaml(text, "k.yaml"))


def test_an_error_deep_in_a_kind_is_located_at_its_line_in_the_file() -> None:
    text = scenario_text(
        "      type: rectangles\n      boxes:\n        - utility: 1\n"
        "          bounds: {m: [0, 1]}\n"
    )
    with pytest.raises(UnknownNameError) as raised:
        build(text)
    assert str(raised.value).startswith("k.yaml:14:20: ")
    assert "parties[1].utility.boxes[0].bounds.m" in str(raised.value)


def test_every_kind_survives_the_yaml_writer(tmp_path: Path) -> None:
    for kind in kinds().values():
        utility = kind.build(kind.spec.model_validate(kind.example), SPACE)
        from detente.parties import Party
        from detente.scenario import Scenario

        scenario = Scenario("w", SPACE, (Party("a", utility), Party("b", utility)))
        again = build(to_scenario_yaml(scenario))
        assert np.array_equal(scenario.utility_matrix(), again.utility_matrix())


def test_the_methods_never_load_the_file_schema() -> None:
    """The kinds declare their entries with pydantic; only the file layer should load it."""
    code = (
        "import sys, detente.phasing, detente.factions, detente.solutions, detente.session, "
        "detente.batch, detente.twolevel, detente.utility; "
        "from detente.utility import utility_matrix; "
        "print('pydantic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
