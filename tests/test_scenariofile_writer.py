"""Writing a scenario as YAML: only finite numbers are ever written."""

from __future__ import annotations

import math

import pytest

from detente.errors import DetenteError
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.scenario import Scenario
from detente.scenariofile.loader import build_scenario, parse_yaml
from detente.scenariofile.writer import to_scenario_yaml
from detente.utility import LinearAdditive

SPACE = OutcomeSpace((Issue("deal", ("small", "big")),))


def scenario(table: tuple[float, float], reservation: float = 0.0) -> Scenario:
    parties = (
        Party("a", LinearAdditive((1.0,), (table,)), reservation=reservation),
        Party("b", LinearAdditive((1.0,), ((0.2, 1.0),))),
    )
    return Scenario("demo", SPACE, parties)


@pytest.mark.parametrize(
    ("table", "reservation", "field"),
    [
        ((1.0, math.nan), 0.0, "parties[0].utility.values.deal.big: nan"),
        ((1.0, 0.5), math.inf, "parties[0].reservation: inf"),
    ],
)
def test_a_non_finite_number_is_never_written(
    table: tuple[float, float], reservation: float, field: str
) -> None:
    with pytest.raises(DetenteError, match="is not a finite number") as caught:
        to_scenario_yaml(scenario(table, reservation))
    assert str(caught.value).startswith(field)


def test_a_written_scenario_reads_back() -> None:
    text = to_scenario_yaml(scenario((1.0, 0.5), 0.25))
    back = build_scenario(parse_yaml(text, "written.yaml"))
    assert back.parties[0].reservation == 0.25
    assert back.utility_matrix()[:, 0].tolist() == [1.0, 0.5]
