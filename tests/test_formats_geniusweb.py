"""GeniusWeb (both value-utility spellings) and NegoLog JSON domains."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detente.errors import ScenarioError
from detente.formats import load_domain

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def test_geniusweb_reads_discreteutils_and_discrete_value_set_utilities() -> None:
    scenario = load_domain(FIXTURES / "geniusweb")
    assert scenario.origin is not None and scenario.origin.format == "geniusweb"
    assert scenario.party_ids == ("trip1", "trip2")
    assert scenario.space.names == ("place", "days")
    u = scenario.utility_matrix().reshape(3, 2, 2)
    np.testing.assert_allclose(
        u[:, :, 0],
        0.6 * np.array([1.0, 0.5, 0.25])[:, None] + 0.4 * np.array([0.2, 1.0]),
        atol=1e-15,
    )
    np.testing.assert_allclose(
        u[:, :, 1],
        0.3 * np.array([0.0, 1.0, 0.5])[:, None] + 0.7 * np.array([1.0, 0.0]),
        atol=1e-15,
    )


def test_geniusweb_reservation_is_the_utility_of_the_reservation_bid_or_zero() -> None:
    scenario = load_domain(FIXTURES / "geniusweb")
    np.testing.assert_allclose(scenario.reservations, [0.6 * 0.5 + 0.4 * 0.2, 0.0], atol=1e-15)


def test_geniusweb_without_domain_file_uses_a_profile_s_embedded_domain() -> None:
    files = [FIXTURES / "geniusweb" / n for n in ("trip1.json", "trip2.json")]
    assert load_domain(files).space.size == 6


def test_geniusweb_other_json_in_a_folder_is_skipped_with_a_note() -> None:
    origin = load_domain(FIXTURES / "geniusweb").origin
    assert origin is not None
    assert origin.notes == ("skipped specials.json: neither a domain nor a profile",)


def test_given_explicitly_a_non_domain_file_is_an_error() -> None:
    files = [FIXTURES / "geniusweb" / n for n in ("trip.json", "trip1.json", "specials.json")]
    with pytest.raises(ScenarioError, match="not a domain or profile file"):
        load_domain(files)


def test_geniusweb_sum_of_groups_profiles_are_not_supported(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_bytes((FIXTURES / "geniusweb" / "trip.json").read_bytes())
    (tmp_path / "a.json").write_bytes((FIXTURES / "geniusweb" / "trip1.json").read_bytes())
    (tmp_path / "b.json").write_text(json.dumps({"SumOfGroupsUtilitySpace": {}}))
    with pytest.raises(ScenarioError, match="not supported: GeniusWeb SumOfGroupsUtilitySpace"):
        load_domain(tmp_path)


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{\n  "issues": [1,\n}')
    (tmp_path / "b.json").write_text("{}")
    with pytest.raises(ScenarioError, match=r"a\.json:3:1: not valid JSON"):
        load_domain(tmp_path)


def test_negolog_weights_values_and_reservation_values() -> None:
    scenario = load_domain(FIXTURES / "negolog")
    assert scenario.origin is not None and scenario.origin.format == "negolog"
    assert scenario.party_ids == ("profileA", "profileB")
    assert scenario.reservations.tolist() == [0.3, 0.1]
    u = scenario.utility_matrix().reshape(2, 3, 2)
    a = 0.25 * np.array([1.0, 0.4])[:, None] + 0.75 * np.array([0.2, 1.0, 0.6])
    b = 0.5 * np.array([0.0, 1.0])[:, None] + 0.5 * np.array([1.0, 0.0, 0.5])
    np.testing.assert_allclose(u[:, :, 0], a, atol=1e-15)
    np.testing.assert_allclose(u[:, :, 1], b, atol=1e-15)


def test_negolog_profiles_must_share_their_issues(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes((FIXTURES / "negolog" / "profileA.json").read_bytes())
    other = json.loads((FIXTURES / "negolog" / "profileB.json").read_text())
    other["issues"]["issueB"].pop("valueC")
    (tmp_path / "b.json").write_text(json.dumps(other))
    with pytest.raises(ScenarioError, match="issueB: values differ"):
        load_domain(tmp_path)


def _geniusweb_with_place_values(folder: Path, values: list[object]) -> Path:
    for name in ("trip1.json", "trip2.json"):
        (folder / name).write_bytes((FIXTURES / "geniusweb" / name).read_bytes())
    domain = json.loads((FIXTURES / "geniusweb" / "trip.json").read_text())
    domain["issuesValues"]["place"]["values"] = values
    (folder / "trip.json").write_text(json.dumps(domain))
    return folder


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        (["Tokyo", "Osaka", "Tokyo"], "'Tokyo' is listed twice"),
        ([1, 2, 1.0], "1 and 1.0 are the same value twice"),
        (["1", 2, 1], "'1' and 1 are the same value twice"),
    ],
)
def test_geniusweb_a_value_listed_twice_is_refused_not_merged(
    tmp_path: Path, values: list[object], problem: str
) -> None:
    folder = _geniusweb_with_place_values(tmp_path, values)
    with pytest.raises(ScenarioError) as caught:
        load_domain(folder)
    expected = f"{folder / 'trip.json'}: issuesValues.place: {problem}; list each value once"
    assert str(caught.value) == expected


def test_geniusweb_values_listed_once_keep_their_order(tmp_path: Path) -> None:
    folder = _geniusweb_with_place_values(tmp_path, ["Kyoto", "Tokyo", "Osaka"])
    assert load_domain(folder).space.issue("place").values == ("Kyoto", "Tokyo", "Osaka")


def _negolog_with_first_profile(folder: Path, text: str) -> ScenarioError:
    """The error reading a NegoLog domain whose first profile is ``text`` (the second as shipped)."""
    (folder / "a.json").write_text(text)
    (folder / "b.json").write_bytes((FIXTURES / "negolog" / "profileB.json").read_bytes())
    with pytest.raises(ScenarioError) as caught:
        load_domain(folder)
    return caught.value


def test_a_json_key_listed_twice_in_one_object_is_refused_not_dropped(tmp_path: Path) -> None:
    text = (FIXTURES / "negolog" / "profileA.json").read_text()
    error = _negolog_with_first_profile(
        tmp_path, text.replace('"valueB": 0.4', '"valueB": 0.4, "valueA": 0')
    )
    expected = (
        f"{tmp_path / 'a.json'}: the key 'valueA' is listed twice in one object; list each key once"
    )
    assert str(error) == expected


def test_negolog_an_issue_without_values_is_refused_naming_file_and_issue(tmp_path: Path) -> None:
    first = json.loads((FIXTURES / "negolog" / "profileA.json").read_text())
    first["issues"]["issueB"] = {}
    error = _negolog_with_first_profile(tmp_path, json.dumps(first))
    expected = (
        f"{tmp_path / 'a.json'}: issues.issueB: the issue lists no values; give it at least one"
    )
    assert str(error) == expected
