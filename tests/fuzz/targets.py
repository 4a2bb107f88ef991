"""What fuzzing checks: every reader of user input returns a sound value or a DetenteError.

Each target takes an input and returns normally when the code under test behaved:
it gave a value (a scenario whose numbers are real and finite, a finite formula
value, a parsed claim with a truth value) or refused with a :class:`DetenteError`.
Any other exception escapes, and the fuzzer reports it with the input. The hypothesis
tests (``tests/test_fuzz.py``) and the atheris harness (``tests/fuzz/atheris_fuzz.py``)
share these targets.
"""

from __future__ import annotations

import contextlib
import math
import resource
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np

from detente.claims import Claim
from detente.errors import DetenteError
from detente.formats import load_domain
from detente.scenario import Scenario
from detente.scenariofile import formulas
from detente.scenariofile.loader import build_scenario, parse_yaml

PARAMETERS = {"p": 0.5, "q": -2.0, "zero": 0.0, "big": 1e300}
"""The parameters a fuzzed formula may name."""
RESULTS: dict[str, object] = {
    "n_rational": 3,
    "flag": True,
    "missing": None,
    "name": "a",
    "solutions": {"nash": {"utilities": [1.0, 2.5], "outcome": {"deal": "a"}, "ties": 1}},
    "reservation_values": [0.0, 0.5],
    "positions": {"opening": {"rational": False, "utilities": [1.0, -1.0]}},
}
"""Results a fuzzed claim is evaluated on (the shape of ``analyze --json``)."""
SMALL = 10_000
"""Largest outcome space whose utilities a target computes to check they are finite."""
HEADROOM = 2**30
"""Address space a target may add to the process (a reader past it raises MemoryError)."""


@contextlib.contextmanager
def bounded_memory(headroom: int = HEADROOM) -> Iterator[None]:
    """Let the process grow by at most ``headroom`` bytes inside the block (Linux).

    An input that makes a reader allocate without bound (an integer issue of 10^12
    values) then raises MemoryError, a finding, instead of taking the machine's memory.
    """
    statm = Path("/proc/self/statm")
    if not statm.exists():
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    size = int(statm.read_text().split()[0]) * resource.getpagesize()
    limit = size + headroom if hard == resource.RLIM_INFINITY else min(hard, size + headroom)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def yaml_scenario(text: str) -> None:
    """Parse and build a scenario file's text."""
    with bounded_memory():
        try:
            scenario = build_scenario(parse_yaml(text, "fuzz.yaml"))
        except DetenteError:
            return
        check_sound(scenario)


def formula(text: str) -> None:
    """Evaluate a formula over :data:`PARAMETERS`: a finite float or a refusal."""
    try:
        value = formulas.evaluate(text, PARAMETERS)
    except (DetenteError, formulas.FormulaError):
        return
    assert isinstance(value, float) and math.isfinite(value), (text, value)


def claim(text: str) -> None:
    """Parse a claim and evaluate it on :data:`RESULTS`."""
    try:
        parsed = Claim.parse("fuzz", text)
        parsed.check(RESULTS)
        holds = parsed.holds(RESULTS)
    except DetenteError:
        return
    assert holds in (True, False), (text, holds)


def domain(files: Mapping[str, bytes]) -> None:
    """Read a GENIUS, GeniusWeb or NegoLog domain made of ``files`` (name → content)."""
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            (Path(folder) / name).write_bytes(content)
        with bounded_memory():
            try:
                scenario = load_domain(folder)
            except DetenteError:
                return
            check_sound(scenario)


def check_sound(scenario: Scenario) -> None:
    """What a scenario that was read must be: finite reservations and discounts, real utilities.

    A utility of ``-inf`` marks an unacceptable outcome; NaN and ``+inf`` are never read.
    """
    for party in scenario.parties:
        assert math.isfinite(party.reservation), (party.id, party.reservation)
        assert 0 < party.discount <= 1, (party.id, party.discount)
    if scenario.space.size <= SMALL:
        matrix = scenario.utility_matrix(SMALL)
        assert not np.isnan(matrix).any() and not np.isposinf(matrix).any(), matrix
