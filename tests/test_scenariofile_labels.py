"""``label:``: display names declared in a scenario file, checked where they stand, carried
into the analysis document's ``labels`` for every id of each kind."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from detente.analysis import analyze
from detente.labels import KINDS, Labels
from detente.scenariofile.loader import load_scenario
from tests.conftest import SCENARIOS, assert_one_line_error, in_process

LABELLED = """\
name: labels
parameters:
  base: {value: 2, range: [1, 3], label: Base price}
  rule: {value: veto, choices: [veto, none], label: "Hard-liners' rule"}
  scale: 3
issues:
  - {name: un_relief, label: UN sanctions relief, values: [0, 1]}
  - {name: test_halt, type: item}
parties:
  - id: us
    name: United States
    utility: {values: {un_relief: {slope: -1}, test_halt: 2}}
  - id: nk
    utility: {values: {un_relief: {slope: 2}, test_halt: -1}}
positions:
  offer: {label: The Hanoi offer, outcome: {un_relief: 1, test_halt: 1}}
  other: {outcome: {un_relief: 0}}
items:
  - {name: un_relief, giver: us, value: {nk: 1}}
  - {name: test_halt, label: Written test halt, giver: nk, binary: true, value: {us: 1}}
claims:
  short_form: n_rational > 0
  long_form: {expr: n_rational > 0, label: Some deal beats no deal}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_analysis_document_names_every_id_of_every_kind(tmp_path: Path) -> None:
    labels = analyze(load_scenario(write(tmp_path, LABELLED)))["labels"]
    assert labels == {
        "parties": {"us": "United States", "nk": "nk"},
        "issues": {"un_relief": "UN sanctions relief", "test_halt": "test halt"},
        # an item without a label of its own takes its issue's
        "items": {"un_relief": "UN sanctions relief", "test_halt": "Written test halt"},
        "parameters": {"base": "Base price", "rule": "Hard-liners' rule", "scale": "scale"},
        "positions": {"offer": "The Hanoi offer", "other": "other"},
        "claims": {"short_form": "short form", "long_form": "Some deal beats no deal"},
    }


def test_labels_reads_the_document_the_analysis_writes(tmp_path: Path) -> None:
    labels = Labels.of(analyze(load_scenario(write(tmp_path, LABELLED))))
    assert (labels.party("us"), labels.item("un_relief"), labels.claim("long_form")) == (
        "United States",
        "UN sanctions relief",
        "Some deal beats no deal",
    )


def test_a_scenario_without_labels_or_items_still_lists_every_kind() -> None:
    labels = analyze(load_scenario(SCENARIOS / "theory" / "worked-example.yaml"))["labels"]
    assert list(labels) == list(KINDS)
    assert labels["items"] == {} and labels["parties"] == {"A": "Side A", "B": "Side B"}


def test_a_label_is_trimmed(tmp_path: Path) -> None:
    text = LABELLED.replace("label: Base price", 'label: "  Base price  "')
    assert analyze(load_scenario(write(tmp_path, text)))["labels"]["parameters"]["base"] == (
        "Base price"
    )


@pytest.mark.parametrize(
    ("old", "new", "place", "field", "fragment"),
    [
        ("label: Base price", 'label: ""', "s.yaml:3:", "parameters.base.label", "not be empty"),
        ("label: Base price", 'label: "  "', "s.yaml:3:", "parameters.base.label", "not be empty"),
        ("UN sanctions relief", '"UN\\nrelief"', "s.yaml:7:", "issues[0].label", "one line"),
        ("The Hanoi offer", "x" * 61, "s.yaml:16:11", "positions.offer.label", "at most 60"),
        ("Written test halt", "[a, b]", "s.yaml:20:23", "items[1].label", "valid string"),
        ("Some deal beats no deal", "''", "s.yaml:23:37", "claims.long_form.label", "not be empty"),
        ('"Hard-liners\' rule"', "3", "s.yaml:4:", "parameters.rule.label", "valid string"),
    ],
)
def test_a_bad_label_is_one_line_at_its_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    place: str,
    field: str,
    fragment: str,
) -> None:
    assert old in LABELLED
    path = write(tmp_path, LABELLED.replace(old, new, 1))
    done = in_process(capsys, "validate", path)
    assert_one_line_error(done, place, f"{field}: ", fragment)


SHIPPED_CASES = [
    *sorted(SCENARIOS.glob("*.yaml")),
    *sorted((SCENARIOS / "textbook").glob("*.yaml")),
    # a library's common.yaml is shared by its cases, not a scenario on its own
    *sorted(p for p in (SCENARIOS / "korea").glob("*.yaml") if p.name != "common.yaml"),
    *sorted(p for p in (SCENARIOS / "iran").glob("*.yaml") if p.name != "common.yaml"),
]


@pytest.mark.parametrize("path", SHIPPED_CASES, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_shipped_case_labels_everything_it_names(path: Path) -> None:
    scenario = load_scenario(path)
    declared = scenario.labels
    names = {
        "issues": [i.name for i in scenario.space.issues],
        "parameters": list(scenario.parameter_records),
        "positions": list(scenario.positions),
        "claims": [c.name for c in scenario.claims],
    }
    for kind, ids in names.items():
        assert sorted(declared.get(kind, {})) == sorted(ids), kind
    labels = [label for table in declared.values() for label in table.values()]
    assert [label for label in labels if re.search(r"\d", label)] == []  # no number in a label
    assert all(p.name for p in scenario.parties)


def test_hanoi_names_un_relief_and_the_parties_for_a_reader() -> None:
    labels = Labels.of(analyze(load_scenario(SCENARIOS / "hanoi-2019.yaml")))
    assert labels.item("un_relief") == "UN sanctions relief"
    assert labels.party("us") == "United States"
    assert labels.position("nk_hanoi_offer") == "North Korea's Hanoi offer"


def test_a_sweep_stores_no_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sweep"
    done = in_process(
        capsys, "sweep", write(tmp_path, LABELLED), "--draws", "3", "--seed", "1", "--out", out
    )
    assert done.returncode == 0, done.stderr
    columns = pq.read_schema(next(out.glob("*.parquet"))).names
    assert "result.n_rational" in columns
    assert [c for c in columns if "labels" in c] == []
