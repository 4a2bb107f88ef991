"""The Iran case library (scenarios/iran/): the JCPOA of 14 July 2015 validates, cites every fact,
uses only the trust records dated before it, and its record and the model's retrodiction on
the point estimate are what the reasoning in the file says.

Each case is built once per module (a JCPOA build and prediction take about 0.1 s)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from detente.analysis.retrodiction import predict
from detente.experiments.retrodiction import load_cases
from detente.experiments.scenario_text import ScenarioText
from detente.record import Break
from detente.scenario import Scenario
from tests.library_files import raw, strings

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios" / "iran"
JCPOA = LIBRARY / "jcpoa-2015.yaml"
CITATION = re.compile(r"\[@([A-Za-z0-9_.:-]+)\]")


@pytest.fixture(scope="module")
def text() -> ScenarioText:
    return ScenarioText.read(JCPOA)


@pytest.fixture(scope="module")
def jcpoa(text: ScenarioText) -> Scenario:
    return text.build({})


def test_every_iran_file_validates_and_the_case_includes_the_common_file(
    detente_cli: Any,
) -> None:
    done = detente_cli("validate", JCPOA)
    assert done.returncode == 0, done.stderr
    assert "2 parties, 12 issues" in done.stdout
    assert raw(JCPOA)["include"] == "common.yaml"
    assert "record" not in raw(LIBRARY / "common.yaml")  # the common file is not a case


def test_every_citation_is_defined_and_every_event_and_trust_record_cites_one() -> None:
    common, case = raw(LIBRARY / "common.yaml"), raw(JCPOA)
    defined = set(common["sources"]) | set(case.get("sources") or {})
    cited = {key for doc in (common, case) for s in strings(doc) for key in CITATION.findall(s)}
    assert cited <= defined, cited - defined
    assert cited == defined  # no source left uncited
    for event in case["record"]["events"]:
        assert CITATION.search(event["source"]), event
    for truster in common["trust"].values():
        for trustee in truster.values():
            for record in trustee["beta"]["records"]:
                assert CITATION.search(record["source"]), record
                assert "weight" in record and "assumption" in record["source"], record


def test_every_modelling_number_is_a_parameter_with_a_range_and_an_assumption() -> None:
    for path in (LIBRARY / "common.yaml", JCPOA):
        for name, spec in raw(path)["parameters"].items():
            assert "range" in spec, name
            assert spec["source"].startswith("assumption"), name


def test_trust_records_are_dated_and_the_case_uses_exactly_those_before_its_date(
    jcpoa: Scenario,
) -> None:
    """Both the files (every record dated) and the mechanism (used iff dated before the case):
    the 2018 withdrawal and Iran's 2019 reductions are left out of the 2015 case."""
    assert jcpoa.date == "2015-07-14"
    evidence = jcpoa.trust_evidence
    assert evidence and all(e.date is not None for e in evidence)
    for e in evidence:
        assert e.date is not None
        assert e.used == (e.date < "2015-07-14"), e
    left_out = sorted(e.date for e in evidence if not e.used if e.date is not None)
    assert left_out == ["2018-05-08", "2019-05-08"]
    # Iran's belief in the US: Beta(1 + 0.5 + 1, 1) from the Algiers Accords (weight 0.5)
    # and the interim relief (weight 1); without the withdrawal, which weighs 2.
    assert jcpoa.trust.honour_probability("iran", "us") == pytest.approx(2.5 / 3.5)
    # The sanctioning side's: 1 + 1 + 2 honoured (2003 suspension, JPOA kept, weight 2),
    # 1 + 3 reneged (Natanz 2002, Isfahan 2005, Fordow 2009): Beta(4, 4).
    assert jcpoa.trust.honour_probability("us", "iran") == pytest.approx(0.5)


def test_record_events_are_dated_in_the_schedule_and_the_record_breaks_at_the_us_in_2018(
    jcpoa: Scenario,
) -> None:
    record = jcpoa.record
    assert record is not None and record.agreed == "jcpoa"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.date) for e in record.events)
    assert all(e.date >= "2015-07-14" for e in record.events)
    outcome = record.outcome(4)
    assert outcome.formed and outcome.carried_out == 2 and not outcome.completed
    assert outcome.breaks == Break(3, "us", "2018-05-08", "withdrew")
    halted_by_iran = [e.date for e in record.events if e.party == "iran" and e.did == "halted"]
    assert halted_by_iran[0] == "2019-05-08"  # the step-by-step reductions come after


def test_the_point_estimate_does_not_retrodict_the_record_the_us_reneges_on_the_relief(
    jcpoa: Scenario,
) -> None:
    """At the point estimate the US's yearly balance once Iran's one-time steps are in is
    negative (inspections v_inspect = 3 a year against kappa_e x oil = 0.3 x 15 = 4.5 a year
    of Iran's revenue), and the reversible share Iran can take back, with a belief of 0.5 that
    Iran keeps its later steps, does not make up for the relief's cost: the US reneges on the
    relief in stage 1, whether or not it foresees the 2018 change. The record says stage 3."""
    prediction = predict(jcpoa)
    assert prediction.outcome.formed
    assert prediction.outcome.breaks is not None
    assert (prediction.outcome.breaks.stage, prediction.outcome.breaks.party) == (1, "us")


def test_with_the_relief_worth_paying_for_the_2018_change_breaks_stage_3_at_the_us(
    text: ScenarioText,
) -> None:
    """At kappa_e = 0.2 (inside its range) the US's yearly balance is zero and the expected path
    completes; the inauguration (hard-liners 0.9 of the engagers' weight) keeps the JCPOA in
    the US win-set, Bolton's arrival (2) takes it out in stage 3: the US reneges there, as in
    the record. Had the inauguration done it (w_hard_2017 = 1.2), the model would say stage 2."""
    matched = predict(text.build({"kappa_e": 0.2})).outcome
    assert matched.carried_out == 2
    assert matched.breaks == Break(3, "us", "2017-07-14", None)
    early = predict(text.build({"kappa_e": 0.2, "w_hard_2017": 1.2})).outcome
    assert early.breaks == Break(2, "us", "2016-07-14", None)
    unchanged = predict(text.build({"kappa_e": 0.2, "w_hard_2018": 1.0})).outcome
    assert unchanged.completed and unchanged.breaks is None


def test_retrodict_lists_the_case_and_says_whether_it_matches(detente_cli: Any) -> None:
    import json

    done = detente_cli("retrodict", LIBRARY, "--json")
    assert done.returncode == 0, done.stderr
    cases = json.loads(done.stdout)["cases"]
    assert [c["case"] for c in cases] == ["jcpoa-2015"]
    assert cases[0]["match"] is False
    assert cases[0]["record"]["breaks"]["stage"] == 3
    assert cases[0]["model"]["breaks"]["stage"] == 1
    assert [c.name for c in load_cases(LIBRARY)] == ["jcpoa-2015"]
