"""A move struck for certain by a dated event is where its party breaks the deal.

scenarios/theory/calendar.yaml with A moving first in every stage, B's last step costing
c_B3 = 2 (so that the whole deal pays B) and a record: A's hawks
gain weight on 2019-11-06 (stage 2, 2019-07-01 to 2020-01-01); at w_hawks = 3 they outweigh
the engagers and take the full deal out of A's win-set, so A's move of stage 2 is struck
(known to all). The path prices the strike in but reports only the moves a party chooses to
renege on (every move honoured, completion probability 0); the retrodiction reports A
breaking in stage 2, one stage carried out. At w_hawks = 1 nothing is struck
and the deal is completed (the election's hazard set to 0).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.analysis.retrodiction import predict
from detente.record import Break, Outcome
from detente.scenariofile.loader import load_scenario
from tests.conftest import edited_copy

CALENDAR = Path(__file__).resolve().parent.parent / "scenarios" / "theory" / "calendar.yaml"
RECORD = """
date: 2019-01-01
record:
  agreed: full_deal
  events:
    - {date: 2019-02-01, party: A, did: delivered, item: step_a, stage: 1, source: "assumption"}
    - {date: 2019-03-01, party: B, did: delivered, item: step_b1, stage: 1, source: "assumption"}
    - {date: 2019-12-01, party: A, did: halted, item: step_a, source: "assumption"}
"""


@pytest.fixture
def a_first(tmp_path: Path) -> Path:
    path = edited_copy(CALENDAR, tmp_path, "  order: [[B], [A]]", "  order: [[A], [B]]")
    path.write_text(path.read_text(encoding="utf-8") + RECORD, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("w_hawks", "outcome"),
    [
        (3.0, Outcome(True, 1, False, Break(2, "A", "2019-07-01"))),
        (1.0, Outcome(True, 3, True, None)),
    ],
)
def test_a_certain_strike_is_where_its_party_breaks(
    a_first: Path, w_hawks: float, outcome: Outcome
) -> None:
    scenario = load_scenario(a_first, {"w_hawks": w_hawks, "p_election": 0.0, "c_B3": 2.0})
    assert predict(scenario).outcome == outcome
    assert scenario.record is not None
    assert scenario.record.outcome(3) == Outcome(
        True, 1, False, Break(2, "A", "2019-12-01", "halted")
    )
