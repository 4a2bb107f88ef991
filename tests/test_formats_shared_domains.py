"""The 48 shared real domains: every one loads, round-trips, and matches GENIUS by hand.

Expected reservations, discount factors and sizes come from the data's own
``INDEX.tsv``; the hand-computed utilities below are read off the XML files.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError, ScenarioError
from detente.formats import load_domain
from detente.formats.export import export_domain
from detente.scenario import Scenario
from detente.scenariofile.loader import load_scenario
from detente.scenariofile.writer import to_scenario_yaml
from detente.utility import utility_matrix
from tests.shared_domains import MALFORMED, NOT_SUPPORTED, ROWS, SHARED, folder_ids, needs_shared

pytestmark = needs_shared
LOADABLE = [row for row in ROWS if row["folder"] not in NOT_SUPPORTED]


def _enumerable(row: dict[str, str]) -> bool:
    size = row["n_outcomes"].split()[0]
    return size == "continuous" or (size.isdigit() and int(size) <= 2_000_000)


ENUMERABLE = [row for row in LOADABLE if _enumerable(row)]
_cache: dict[str, Scenario] = {}


def load(folder: str) -> Scenario:
    if folder not in _cache:
        assert SHARED is not None
        _cache[folder] = load_domain(SHARED / folder)
    return _cache[folder]


def test_the_index_lists_48_domains_and_4_malformed_originals() -> None:
    assert len(ROWS) == 48 and len(MALFORMED) == 4


@pytest.mark.parametrize("row", LOADABLE, ids=folder_ids(LOADABLE))
def test_every_domain_loads_with_the_indexed_parties_reservations_and_discounts(
    row: dict[str, str],
) -> None:
    scenario = load(row["folder"])
    assert len(scenario.parties) == int(row["n_parties"])
    assert scenario.reservations.tolist() == pytest.approx(json.loads(row["reservation_values"]))
    assert scenario.origin is not None
    assert list(scenario.origin.discount_factors) == pytest.approx(
        json.loads(row["discount_factors"])
    )
    size = row["n_outcomes"].split()[0]
    if size.isdigit():
        assert scenario.space.size == int(size)


@pytest.mark.parametrize("folder", sorted(NOT_SUPPORTED))
def test_domains_genius_cannot_evaluate_are_refused_as_not_supported(folder: str) -> None:
    assert SHARED is not None
    with pytest.raises(ScenarioError, match=f"not supported: .*{NOT_SUPPORTED[folder]}"):
        load_domain(SHARED / folder)


@pytest.mark.parametrize("row", ENUMERABLE, ids=folder_ids(ENUMERABLE))
def test_import_export_import_gives_identical_utility_matrices(row: dict[str, str]) -> None:
    original = load(row["folder"])
    expected = original.utility_matrix()
    formats = ["genius"]
    if original.origin is not None and original.origin.format != "genius":
        formats.append("geniusweb")
    for fmt in formats:
        with tempfile.TemporaryDirectory() as folder:
            export_domain(original, fmt, folder)  # type: ignore[arg-type]
            again = load_domain(folder)
            assert again.party_ids == original.party_ids
            np.testing.assert_allclose(again.utility_matrix(), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("row", LOADABLE, ids=folder_ids(LOADABLE))
def test_yaml_import_gives_identical_utilities(row: dict[str, str], tmp_path: Path) -> None:
    original = load(row["folder"])
    path = tmp_path / "s.yaml"
    path.write_text(to_scenario_yaml(original))
    again = load_scenario(path)
    indices = original.space.sample(np.random.default_rng(0), 20_000)
    before = utility_matrix(original.space, [p.utility for p in original.parties], indices)
    after = utility_matrix(again.space, [p.utility for p in again.parties], indices)
    np.testing.assert_array_equal(after, before)
    assert again.reservations.tolist() == original.reservations.tolist()


def test_ultimatum_matches_genius_by_hand() -> None:
    u = load("Ultimatum_2013")
    w1, w2 = 0.39622042590756595, 0.603779574092434  # Ultimatum_util1.xml
    # Issue1 A/B/C = 100/20/2, Issue2 X/Y/Z = 100/20/2: divided by 100
    assert u.utility_matrix()[u.space.to_index(("A", "X")), 0] == pytest.approx(w1 + w2, abs=1e-15)
    assert u.utility_matrix()[u.space.to_index(("B", "Z")), 0] == pytest.approx(
        w1 * 0.2 + w2 * 0.02, abs=1e-15
    )


def test_fitness_with_the_objective_numbered_one_matches_genius_by_hand() -> None:
    u = load("Fitness_2012B")
    w = (
        0.15354168265071755,
        0.04506011216336407,
        0.2981224975326285,
        0.29905439297725833,
        0.20422131467603144,
    )
    worst = u.space.to_index(("running", "5hour", "~80km", "as boot-camp", "10"))
    expected = w[0] * 1 / 5 + w[1] * 1 / 4 + w[2] * 1 / 4 + w[3] * 1 / 4 + w[4] * 0 / 10
    assert u.utility_matrix()[worst, 0] == pytest.approx(expected, abs=1e-15)


def test_integer_domain_matches_genius_by_hand() -> None:
    u = load("IntegerDomain")
    # prof1: price slope 0.08 offset 0.3 from -5; otherprice slope 0.1 offset 0; weights 0.75/0.25
    at = u.space.to_index((5, 0))
    assert u.utility_matrix()[at, 0] == pytest.approx(
        0.75 * 1.0 + 0.25 * 0.5, abs=1e-15
    )  # 1.1 -> 1
    at = u.space.to_index((-5, -5))
    assert u.utility_matrix()[at, 0] == pytest.approx(0.75 * 0.3, abs=1e-15)


def test_a_repeated_item_keeps_its_last_evaluation_as_in_genius() -> None:
    u = load("AMPOvsCity")  # ampo: <item value="0" evaluation="0"/> then evaluation="8", max 100
    issue = u.space.issues[0]
    table = u.parties[0].utility.tables[0]  # type: ignore[attr-defined]
    assert table[issue.index_of("0")] == pytest.approx(0.08)


def test_weights_summing_above_one_are_capped_at_one_as_in_genius() -> None:
    u = load("M_JapanTrip_SYAgent_2016")  # util1 weights 0.6 + 0.1 + 0.2 + 0.2 = 1.1
    assert u.utility_matrix()[:, 0].max() == 1.0


@pytest.mark.parametrize("row", MALFORMED, ids=folder_ids(MALFORMED))
def test_malformed_originals_give_one_line_errors_with_place(row: dict[str, str]) -> None:
    assert SHARED is not None
    with pytest.raises(DetenteError) as error:
        load_domain(SHARED / row["folder"])
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(str(SHARED / row["folder"]))
    assert message.split(": ")[0].count(":") == 2  # file:line:column


@pytest.mark.parametrize(
    ("original", "copy"),
    [
        ("Car_2011_genius_original", "Car_2011"),
        ("SmartPhone_2013_genius_original", "SmartPhone_2013"),
        ("ANAC2014_10issues_genius_original", "ANAC2014_10issues"),
        ("Symposium_2015_genius_original", None),
    ],
)
def test_lenient_reading_repairs_the_originals_to_what_the_cleaned_copies_say(
    original: str, copy: str | None
) -> None:
    assert SHARED is not None
    repaired = load_domain(SHARED / "_malformed_originals" / original, lenient=True)
    assert repaired.origin is not None and repaired.origin.repairs
    if copy is None:
        return
    clean = load(copy)
    indices = clean.space.sample(np.random.default_rng(1), 50_000)
    expected = utility_matrix(clean.space, [p.utility for p in clean.parties], indices)
    got = utility_matrix(repaired.space, [p.utility for p in repaired.parties], indices)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
