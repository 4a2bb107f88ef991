"""GENIUS XML read exactly as GENIUS 10.4 evaluates it: one fixture per rule.

Expected utilities are computed by hand from the fixture files (see the
comments in each file), never by calling detente.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError, ScenarioError
from detente.formats import load_domain
from detente.utility import Capped

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def matrix(folder: str, **options: object) -> np.ndarray:
    return load_domain(FIXTURES / folder, **options).utility_matrix()  # type: ignore[arg-type]


def test_weights_and_evaluators_attach_by_index_not_position() -> None:
    scenario = load_domain(FIXTURES / "genius_index")
    assert scenario.space.names == ("colour", "size")
    # a: colour red 5/5 (the repeated item's last evaluation), blue 2/5; size S 1/4, L 4/4
    expected_a = [
        0.75 * 1 + 0.25 * 0.25,
        0.75 * 1 + 0.25 * 1,
        0.75 * 0.4 + 0.25 * 0.25,
        0.75 * 0.4 + 0.25,
    ]
    np.testing.assert_allclose(scenario.utility_matrix()[:, 0], expected_a, rtol=0, atol=1e-15)


def test_root_objective_numbered_one_and_its_weight_are_ignored() -> None:
    scenario = load_domain(FIXTURES / "genius_index")
    assert scenario.utility_matrix()[:, 0].max() == pytest.approx(1.0)


def test_duplicate_domain_values_count_once_and_are_noted() -> None:
    # as GENIUS matches values by their text; ANAC 2012's FlightBooking domain repeats one
    scenario = load_domain(FIXTURES / "genius_index")
    assert scenario.space.issue("colour").values == ("red", "blue")
    assert scenario.origin is not None
    assert scenario.origin.notes == (
        "dom.xml: issue 'colour' lists 'blue' more than once; counted once, as GENIUS matches "
        "values by their text",
    )


def test_discrete_evaluations_are_divided_by_their_largest_and_zeroed_below_1e_5() -> None:
    # b: colour's largest evaluation 5e-6 < 1e-5 -> 0; size 0.2/0.5 and 0.5/0.5
    np.testing.assert_allclose(matrix("genius_index")[:, 1], [0.2, 0.5, 0.2, 0.5], atol=1e-15)


def test_reservation_defaults_to_zero_and_old_discount_forms_mean_no_discount() -> None:
    scenario = load_domain(FIXTURES / "genius_index")
    assert scenario.reservations.tolist() == [0.3, 0.0]
    assert scenario.origin is not None
    assert scenario.origin.discount_factors == (0.9, 1.0)
    assert [p.discount for p in scenario.parties] == [1.0, 1.0]


def test_integer_evaluator_shifts_by_lowerbound_and_clamps() -> None:
    scenario = load_domain(FIXTURES / "genius_integer")
    assert scenario.space.issue("price").values == (2, 3, 4, 5, 6)
    u = scenario.utility_matrix().reshape(5, 2, 2)
    price_a = np.array([0.0, 0.1, 0.4, 0.7, 1.0])  # clamp(0.3 (x-2) - 0.2)
    price_b = np.array([1.0, 0.7, 0.2, 0.0, 0.0])  # clamp(-0.5 (x-2) + 1.2)
    np.testing.assert_allclose(u[:, 0, 0], 0.8 * price_a, atol=1e-15)
    np.testing.assert_allclose(u[:, 1, 0], 0.8 * price_a + 0.2, atol=1e-15)
    np.testing.assert_allclose(u[:, 0, 1], 0.6 * price_b + 0.4, atol=1e-15)
    np.testing.assert_allclose(u[:, 1, 1], 0.6 * price_b + 0.4 / 3, atol=1e-15)


def test_discount_factor_zero_or_above_one_means_none() -> None:
    origin = load_domain(FIXTURES / "genius_integer").origin
    assert origin is not None and origin.discount_factors == (1.0, 1.0)


def test_real_issues_use_linear_triangular_and_constant_evaluators_on_a_grid() -> None:
    scenario = load_domain(FIXTURES / "genius_real", real_steps=5)
    assert scenario.space.issue("quality").values == (0.0, 0.25, 0.5, 0.75, 1.0)
    assert scenario.space.issue("price").values == (10.0, 12.5, 15.0, 17.5, 20.0)
    assert scenario.origin is not None and scenario.origin.real_steps == 5
    u = scenario.utility_matrix().reshape(5, 5, 2)
    quality_a = np.array([0.0, 0.0, 0.5, 1.0, 1.0])  # clamp(2x - 0.5)
    price_a = np.array([0.0, 0.25, 0.5, 0.75, 1.0])  # clamp(0.1x - 1)
    quality_b = np.array([0.0, 0.05 / 0.3, 1.0, 1 - 0.25 / 0.3, 0.0])  # triangular 0.2/0.8/0.5
    np.testing.assert_allclose(
        u[:, :, 0], 0.5 * quality_a[:, None] + 0.5 * price_a[None, :], atol=1e-12
    )
    expected_b = np.broadcast_to(0.6 * quality_b[:, None] + 0.4 * 0.3, (5, 5))
    np.testing.assert_allclose(u[:, :, 1], expected_b, atol=1e-12)


def test_real_grid_size_follows_real_steps() -> None:
    assert load_domain(FIXTURES / "genius_real", real_steps=3).space.size == 9
    with pytest.raises(DetenteError, match="real_steps"):
        load_domain(FIXTURES / "genius_real", real_steps=1)


def test_hyper_rectangles_sum_inclusive_boxes_over_maxutility_capped_at_one() -> None:
    scenario = load_domain(FIXTURES / "genius_rectangles")
    u = scenario.utility_matrix().reshape(4, 3, 2)
    expected_a = [[0.4, 0.1, 0.1], [0.4, 0.6, 0.6], [0.4, 0.6, 0.6], [0.4, 0.1, 1.0]]
    expected_b = [[1.0, 1.0, 1.0], [0.5, 0.5, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    np.testing.assert_allclose(u[:, :, 0], expected_a, atol=1e-15)
    np.testing.assert_allclose(u[:, :, 1], expected_b, atol=1e-15)
    assert scenario.reservations.tolist() == [0.25, 0.0]


def test_non_domain_files_in_a_folder_are_skipped_and_noted() -> None:
    origin = load_domain(FIXTURES / "genius_rectangles").origin
    assert origin is not None
    assert origin.notes == ("skipped results.csv: not .xml or .json",)


def test_weights_above_one_are_used_as_written_and_the_sum_capped_at_one() -> None:
    scenario = load_domain(FIXTURES / "genius_capped")
    assert isinstance(scenario.parties[0].utility, Capped)
    np.testing.assert_allclose(scenario.utility_matrix()[:, 0], [0.3, 0.9, 0.6, 1.0], atol=1e-15)
    np.testing.assert_allclose(scenario.utility_matrix()[:, 1], [1.0, 1.0, 0.65, 0.65], atol=1e-15)


def test_party_ids_are_profile_stems_ordered_by_file_name(tmp_path: Path) -> None:
    files = [FIXTURES / "genius_index" / n for n in ("b.xml", "dom.xml", "a.xml")]
    assert load_domain(files).party_ids == ("a", "b")


@pytest.mark.parametrize("kind", ["UNCERTAIN", "constraint"])
def test_uncertain_and_constraint_profiles_are_not_supported(tmp_path: Path, kind: str) -> None:
    for name in ("dom.xml", "b.xml"):
        (tmp_path / name).write_bytes((FIXTURES / "genius_index" / name).read_bytes())
    (tmp_path / "a.xml").write_text(
        f'<utility_space type="{kind}"><objective index="0"/></utility_space>'
    )
    with pytest.raises(ScenarioError, match=f"not supported: {kind.upper()} profiles") as error:
        load_domain(tmp_path)
    assert str(error.value).startswith(str(tmp_path / "a.xml"))


def test_an_issue_without_weight_is_an_error_naming_it(tmp_path: Path) -> None:
    for name in ("dom.xml", "b.xml"):
        (tmp_path / name).write_bytes((FIXTURES / "genius_index" / name).read_bytes())
    text = (
        (FIXTURES / "genius_index" / "a.xml")
        .read_text()
        .replace('<weight index="2" value="0.25"/>', "")
    )
    (tmp_path / "a.xml").write_text(text)
    with pytest.raises(ScenarioError, match="'size' \\(index 2\\) has no weight"):
        load_domain(tmp_path)


def test_a_value_without_evaluation_is_an_error(tmp_path: Path) -> None:
    for name in ("dom.xml", "b.xml"):
        (tmp_path / name).write_bytes((FIXTURES / "genius_index" / name).read_bytes())
    text = (
        (FIXTURES / "genius_index" / "a.xml")
        .read_text()
        .replace('value="blue" evaluation="2"', 'value="green" evaluation="2"')
    )
    (tmp_path / "a.xml").write_text(text)
    with pytest.raises(ScenarioError, match="no evaluation for value\\(s\\) 'blue'"):
        load_domain(tmp_path)


def test_a_single_profile_is_not_a_negotiation(tmp_path: Path) -> None:
    for name in ("dom.xml", "a.xml"):
        (tmp_path / name).write_bytes((FIXTURES / "genius_index" / name).read_bytes())
    with pytest.raises(ScenarioError, match="at least two profiles"):
        load_domain(tmp_path)


def test_repeated_issue_names_are_an_error(tmp_path: Path) -> None:
    for name in ("a.xml", "b.xml"):
        (tmp_path / name).write_bytes((FIXTURES / "genius_index" / name).read_bytes())
    text = (
        (FIXTURES / "genius_index" / "dom.xml").read_text().replace('name="size"', 'name="colour"')
    )
    (tmp_path / "dom.xml").write_text(text)
    with pytest.raises(ScenarioError, match="duplicate issue names"):
        load_domain(tmp_path)


def test_real_steps_beyond_the_issue_limit_are_refused_before_the_grid_is_made() -> None:
    with pytest.raises(DetenteError, match="real_steps must be from 2 to 20,000,000"):
        load_domain(FIXTURES / "genius_real", real_steps=10**9)


def test_a_real_range_too_narrow_for_its_grid_is_an_error(tmp_path: Path) -> None:
    for name in ("a.xml", "b.xml", "dom.xml"):
        text = (FIXTURES / "genius_real" / name).read_text()
        (tmp_path / name).write_text(text)
    domain = (tmp_path / "dom.xml").read_text()
    wide = '<range lowerbound="0" upperbound="1"/>'
    assert wide in domain
    (tmp_path / "dom.xml").write_text(domain.replace(wide, wide.replace('"1"', '"5e-323"')))
    with pytest.raises(ScenarioError, match="too narrow for 21 distinct grid points"):
        load_domain(tmp_path)


@pytest.mark.parametrize(
    ("attribute", "value", "message"),
    [
        ('<hyperRectangle utility="10">', '<hyperRectangle utility="10" weight="x">', "weight"),
        (
            '<hyperRectangle utility="10">',
            '<hyperRectangle utility="1e308" weight="1e10">',
            "finite",
        ),
        ('weight="1" aggregation', 'weight="NaN" aggregation', "ufun: weight: 'NaN'"),
    ],
)
def test_rectangle_weights_are_finite_numbers(
    tmp_path: Path, attribute: str, value: str, message: str
) -> None:
    for name in ("a.xml", "b.xml", "dom.xml"):
        (tmp_path / name).write_text((FIXTURES / "genius_rectangles" / name).read_text())
    profile = (tmp_path / "a.xml").read_text()
    assert attribute in profile
    (tmp_path / "a.xml").write_text(profile.replace(attribute, value, 1))
    with pytest.raises(ScenarioError, match=message) as caught:
        load_domain(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'a.xml'}: ")


def test_a_negative_weight_is_refused_but_zero_beside_a_positive_one_is_read(
    tmp_path: Path,
) -> None:
    for name in ("dom.xml", "b.xml"):
        (tmp_path / name).write_bytes((FIXTURES / "genius_index" / name).read_bytes())
    profile = (FIXTURES / "genius_index" / "a.xml").read_text()
    (tmp_path / "a.xml").write_text(profile.replace('value="0.25"', 'value="0"'))
    assert load_domain(tmp_path).parties[0].utility.weights[1] == 0.0  # type: ignore[attr-defined]
    (tmp_path / "a.xml").write_text(profile.replace('value="0.25"', 'value="-0.25"'))
    with pytest.raises(ScenarioError, match=r"of issue 'size' is -0\.25; issue weights may not be"):
        load_domain(tmp_path)
