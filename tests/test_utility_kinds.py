"""Utility kinds: each declared once, in its own module, and every reader found by the registry."""

from __future__ import annotations

import pkgutil
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
EXAMPLES: dict[str, dict[str, Any]] = {
    "linear": {"weights": {"n": 2.0}, "values": {"n": [0, 1, 3], "x": 0.5}, "ceiling": 4.0},
    "table": {
        "type": "table",
        "outcomes": [{"outcome": {"deal": "big", "n": 1, "x": 1}, "utility": 9}],
    },
    "rectangles": {
        "type": "rectangles",
        "scale": 2.0,
        "boxes": [{"utility": 3, "bounds": {"n": [1, 2]}}, {"utility": 1, "bounds": {"x": [1, 1]}}],
    },
}


def test_every_module_of_the_package_but_the_shared_ones_declares_one_kind() -> None:
    modules = {m.name for m in pkgutil.iter_modules(detente.utility.__path__)} - {"base", "kinds"}
    declared = {kind.build.__module__.rpartition(".")[2] for kind in kinds().values()}
    assert declared == modules
    assert set(kinds()) == {"linear", "table", "rectangles"}


@pytest.mark.parametrize("name", list(kinds()))
def test_a_kind_writes_what_it_reads(name: str) -> None:
    kind = kinds()[name]
    utility = kind.build(kind.spec.model_validate(EXAMPLES[name]), SPACE)
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
        register(type(linear)("linear", linear.spec, (), linear.build, linear.data, "another"))


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
    for name, example in EXAMPLES.items():
        kind = kinds()[name]
        utility = kind.build(kind.spec.model_validate(example), SPACE)
        from detente.parties import Party
        from detente.scenario import Scenario

        scenario = Scenario("w", SPACE, (Party("a", utility), Party("b", utility)))
        again = build(to_scenario_yaml(scenario))
        assert np.array_equal(scenario.utility_matrix(), again.utility_matrix())
