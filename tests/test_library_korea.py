"""The Korea case library (scenarios/korea): every case validates on the common file, cites its
facts, dates its record and uses only earlier trust records; ``detente retrodict`` lines each
case up against its record.

The point-estimate retrodictions asserted below, and why:

- Agreed Framework 1994: no match. The hard-liners' weight from 20 Jan 2001 (1.5 > 1, the
  engagers 1) takes the framework out of what the US can ratify (the hard-liners value it at
  -1.38: the reactors cost them 4.6 + 2 x 8), so the US's next move, the fuel oil of stage 7
  (Oct 2000 - Oct 2001), is struck: the model has the US break it in stage 7; the record has
  North Korea's enrichment under the freeze confronted in October 2002 (stage 8). Without
  the strike North Korea would stop at its last step, the dismantlement of stage 10.
- Singapore 2018: no match. The statement carried out at once is not self-enforcing: the US,
  answering in the only stage, keeps what North Korea gave and skips its own costs (model:
  breaks in stage 1 at us); the record shows both sides' first steps and North Korea ending
  the Stockholm talks in October 2019 (stage 2 at nk).
- Hanoi 2019: no match. The record says no deal formed; the model finds an agreement both
  sides prefer to no deal that the US (engagers 1, hard-liners 1.2 under the weighted
  majority) can ratify.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from detente.analysis.pipeline import analyze
from detente.analysis.retrodiction import predict
from detente.errors import ScenarioError
from detente.experiments.scenario_text import ScenarioText
from detente.scenario import Scenario
from detente.scenariofile.loader import parse_yaml, read_yaml

LIBRARY = Path(__file__).resolve().parent.parent / "scenarios" / "korea"
CASES = {
    "agreed-framework-1994": "1994-10-21",
    "singapore-2018": "2018-06-12",
    "hanoi-2019": "2019-02-27",
}
CITE = re.compile(r"\[@[A-Za-z0-9_.:-]+\]")


def build(name: str) -> Scenario:
    return ScenarioText.read(LIBRARY / f"{name}.yaml").build({})


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return {name: build(name) for name in CASES}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_case_validates_on_the_common_file_with_its_date(
    scenarios: dict[str, Scenario], name: str
) -> None:
    scenario = scenarios[name]
    assert scenario.date == CASES[name]
    assert scenario.record is not None
    path = LIBRARY / f"{name}.yaml"
    assert parse_yaml(path.read_text(encoding="utf-8"), str(path)).root["include"] == "common.yaml"
    # the shared parameters come from the common file, unchanged in range
    common = read_yaml(LIBRARY / "common.yaml").root["parameters"]
    for shared in ("delta_us", "delta_nk", "kappa_e", "kappa_h", "q_ntm", "w_third"):
        record = scenario.parameter_records[shared]
        assert record.range == tuple(common[shared]["range"])


def test_each_case_takes_the_hard_liners_weight_of_its_period(
    scenarios: dict[str, Scenario],
) -> None:
    period = {
        "agreed-framework-1994": "w_hard_clinton",
        "singapore-2018": "w_hard_bolton",
        "hanoi-2019": "w_hard_biegun",
    }
    for name, parameter in period.items():
        values = scenarios[name].parameters
        assert values["w_hard"] == values[parameter]
    assert [scenarios[n].parameters["w_hard"] for n in period] == [0.6, 1.5, 1.2]


def _walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


@pytest.mark.parametrize("file", ["common", *sorted(CASES)])
def test_every_fact_is_cited_and_every_modelling_number_an_assumption(file: str) -> None:
    root = read_yaml(LIBRARY / f"{file}.yaml").root
    defined = set(root.get("sources") or {}) | set(
        read_yaml(LIBRARY / "common.yaml").root["sources"]
    )
    for path, node in _walk(root):
        if isinstance(node, str):
            for key in re.findall(r"\[@([A-Za-z0-9_.:-]+)\]", node):
                assert key in defined, (file, path, key)
    for name, parameter in (root.get("parameters") or {}).items():
        if isinstance(parameter, dict) and ("range" in parameter or "choices" in parameter):
            assert "assumption" in parameter["source"], (file, name)
    record = root.get("record")
    for event in (record or {}).get("events", []):
        assert event["date"] and CITE.search(event["source"]), (file, event)
    for row in (root.get("trust") or {}).values():
        for belief in row.values():
            for entry in belief["beta"].get("records", []):
                assert entry["date"] and CITE.search(entry["source"]), (file, entry)


def test_each_case_uses_exactly_the_trust_records_dated_before_it(
    scenarios: dict[str, Scenario],
) -> None:
    dates = {e.date for e in build("hanoi-2019").trust_evidence}
    assert len(dates) > 15
    for name, scenario in scenarios.items():
        evidence = scenario.trust_evidence
        assert evidence and all(e.date is not None for e in evidence)
        assert all(e.used == (str(e.date) < CASES[name]) for e in evidence), name
    assert not any(e.used for e in scenarios["agreed-framework-1994"].trust_evidence)
    # Singapore leaves out the remains (27 Jul 2018) and the exercises suspended at the summit
    left = {(e.date, e.truster) for e in scenarios["singapore-2018"].trust_evidence if not e.used}
    assert left == {("2018-07-27", "us"), ("2018-06-12", "nk")}
    # Hanoi uses Libya 2011 (a third party, relevance w_third), BDA and the delisting
    used = {e.date for e in scenarios["hanoi-2019"].trust_evidence if e.used}
    assert {"2011-03-22", "2005-09-15", "2007-06-25", "2008-10-11", "2018-07-27"} <= used
    weights = {(e.date, e.truster): e.weight for e in scenarios["hanoi-2019"].trust_evidence}
    assert weights[("2018-07-27", "us")] < weights[("2002-10-16", "us")]
    assert weights[("2002-12-22", "us")] > weights[("2002-10-16", "us")]


def test_a_case_may_not_write_a_trust_record_dated_after_it(tmp_path: Path) -> None:
    shutil.copy(LIBRARY / "common.yaml", tmp_path / "common.yaml")
    case = (LIBRARY / "singapore-2018.yaml").read_text(encoding="utf-8")
    late = (
        "trust:\n  us:\n    nk:\n      beta:\n        records+:\n"
        '          - {date: 2018-07-27, honoured: 1, source: "[@remains-2018]"}\n'
    )
    (tmp_path / "case.yaml").write_text(case + late, encoding="utf-8")
    with pytest.raises(ScenarioError, match="not before the case's date 2018-06-12"):
        ScenarioText.read(tmp_path / "case.yaml").build({})


def test_the_record_says_what_happened(scenarios: dict[str, Scenario]) -> None:
    outcomes = {n: s.record.outcome() for n, s in scenarios.items() if s.record is not None}
    framework = outcomes["agreed-framework-1994"]
    assert framework.formed and framework.breaks is not None
    assert (framework.breaks.stage, framework.breaks.party, framework.breaks.date) == (
        8,
        "nk",
        "2002-10-16",
    )
    singapore = outcomes["singapore-2018"]
    assert singapore.formed and singapore.carried_out == 1
    assert singapore.breaks is not None and singapore.breaks.party == "nk"
    assert not outcomes["hanoi-2019"].formed


def test_retrodict_prints_one_row_per_case_and_scores_the_point_estimate(detente_cli: Any) -> None:
    table = detente_cli("retrodict", LIBRARY)
    assert table.returncode == 0, table.stderr
    rows = [line for line in table.stdout.splitlines() if any(n in line for n in CASES)]
    assert [next(n for n in CASES if n in row) for row in rows] == list(CASES)
    result = detente_cli("retrodict", LIBRARY, "--json")
    assert result.returncode == 0, result.stderr
    cases = {c["case"]: c for c in json.loads(result.stdout)["cases"]}
    assert set(CASES) <= set(cases)
    assert [cases[n]["date"] for n in CASES] == list(CASES.values())
    framework = cases["agreed-framework-1994"]
    assert framework["match"] is False
    assert framework["model"]["breaks"]["stage"] == 7
    assert framework["model"]["breaks"]["party"] == "us"
    assert framework["model"]["carried_out"] == 6
    assert framework["model"]["stages"] == 10
    singapore = cases["singapore-2018"]
    assert singapore["match"] is False
    assert (singapore["model"]["breaks"]["stage"], singapore["model"]["breaks"]["party"]) == (
        1,
        "us",
    )
    assert singapore["record"]["trust_records"]["left_out"] == 2
    hanoi = cases["hanoi-2019"]
    assert hanoi["record"]["formed"] is False
    assert hanoi["model"]["formed"] is True
    assert hanoi["match"] is False
    assert all(c["share"] is None for c in cases.values())


def test_without_the_bush_hardliners_north_korea_stops_at_its_last_step() -> None:
    scenario = ScenarioText.read(LIBRARY / "agreed-framework-1994.yaml").build(
        {"w_hard_bush1": 0.8}
    )
    outcome = predict(scenario).outcome
    assert outcome.breaks is not None
    assert (outcome.breaks.stage, outcome.breaks.party, outcome.carried_out) == (10, "nk", 9)


def test_the_agreed_framework_s_questions_on_the_point_estimate(
    scenarios: dict[str, Scenario],
) -> None:
    """Both negotiators prefer the framework to no deal (US 12.36, NK 2.16) and fuel alone
    leaves NK below no deal (-0.84); covert enrichment under the freeze would pay from the
    first year, before the special inspections of stage 8, which then deter it; the Bush
    hard-liners take the framework out of what the US can ratify."""
    claims = analyze(scenarios["agreed-framework-1994"])["claims"]
    assert {name for name, holds in claims.items() if holds} == {
        "framework_beats_no_deal",
        "fuel_alone_does_not_pay",
        "bush_hardliners_end_it",
        "enrichment_pays_before_inspections",
        "inspections_deter_enrichment",
    }
