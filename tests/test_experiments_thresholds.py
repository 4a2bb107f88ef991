"""Thresholds, two-way maps and the tornado, against thresholds derived by hand and direct analyses."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.analysis import analyze
from detente.errors import DetenteError
from detente.experiments import thresholds as th
from detente.experiments.scenario_text import ScenarioText

BREAK_EVEN = Path(__file__).parent / "fixtures" / "thresholds" / "break-even.yaml"
"""Nash picks MediumDeal iff 5m > max(12, 9k); BigDeal iff 9k > max(12, 5m) (see the file)."""


@pytest.fixture(scope="module")
def text() -> ScenarioText:
    return ScenarioText.read(BREAK_EVEN)


@pytest.fixture
def evaluations(text: ScenarioText) -> th.Evaluations:
    return th.Evaluations(text)


def claim(text: ScenarioText, name: str) -> th.ClaimTarget:
    return th.claim_target(text.claims, name, text.file)


def search(
    evaluations: th.Evaluations, name: str, grid: int = 17, tolerance: float | None = None
) -> th.OneWay:
    return th.OneWay.of(evaluations.records[name], grid, tolerance)


def holds_at(text: ScenarioText, name: str, values: dict[str, float]) -> bool:
    return claim(text, name).claim.holds(analyze(text.build(values)))


def test_a_threshold_is_the_hand_derived_break_even_and_the_claim_differs_on_each_side(
    text: ScenarioText, evaluations: th.Evaluations
) -> None:
    document = th.threshold(evaluations, claim(text, "nash_medium"), search(evaluations, "m"))
    assert document["tolerance"] == pytest.approx(8e-3)  # 1/1000 of the range [0, 8]
    [crossing] = document["crossings"]
    assert crossing["value"] == pytest.approx(12 / 5, abs=document["tolerance"] / 2)
    assert (crossing["below"], crossing["above"]) == (False, True)
    half = document["tolerance"] / 2
    assert holds_at(text, "nash_medium", {"m": crossing["value"] - half}) is False
    assert holds_at(text, "nash_medium", {"m": crossing["value"] + half}) is True
    assert document["point"] is True and document["at"] == 4


def test_a_finer_tolerance_narrows_the_crossing(
    text: ScenarioText, evaluations: th.Evaluations
) -> None:
    document = th.threshold(
        evaluations, claim(text, "nash_medium"), search(evaluations, "m", 5, 1e-6)
    )
    assert document["crossings"][0]["value"] == pytest.approx(2.4, abs=5e-7)
    assert document["grid"] == 5


def test_an_integer_parameter_crosses_at_the_first_whole_number_on_the_far_side(
    text: ScenarioText, evaluations: th.Evaluations
) -> None:
    document = th.threshold(evaluations, claim(text, "nash_big"), search(evaluations, "k", 3))
    assert document["integer"] is True and document["tolerance"] == 1
    assert document["crossings"] == [{"value": 3, "below": False, "above": True}]
    assert holds_at(text, "nash_big", {"k": 2}) is False
    assert holds_at(text, "nash_big", {"k": 3}) is True


def test_a_discrete_field_is_bisected_with_its_values_on_each_side(
    text: ScenarioText, evaluations: th.Evaluations
) -> None:
    target = th.field_target("solutions.nash.outcome.deal", analyze(text.build({})))
    document = th.threshold(evaluations, target, search(evaluations, "m"))
    assert document["field"] == "solutions.nash.outcome.deal"
    [crossing] = document["crossings"]
    assert (crossing["below"], crossing["above"]) == ("SmallDeal", "MediumDeal")
    assert crossing["value"] == pytest.approx(2.4, abs=document["tolerance"] / 2)


def test_a_real_field_gives_its_profile_and_the_crossings_of_a_level(
    text: ScenarioText, evaluations: th.Evaluations
) -> None:
    target = th.field_target("solutions.nash.utilities[0]", analyze(text.build({})))
    profiled = th.threshold(evaluations, target, search(evaluations, "m", 9))
    assert "crossings" not in profiled
    # A's utility at the Nash point: 6 (SmallDeal) while m < 2.4, then m itself.
    assert profiled["profile"] == [[x, 6.0 if x < 2.4 else x] for x in range(9)]
    level = th.threshold(evaluations, target, search(evaluations, "m", 9), level=5)
    low, high = (c["value"] for c in level["crossings"])
    assert low == pytest.approx(2.4, abs=4e-3) and high == pytest.approx(5, abs=4e-3)
    assert level["crossings"][0]["below"] == 6.0


def test_the_two_way_map_matches_direct_analyses(
    text: ScenarioText, evaluations: th.Evaluations
) -> None:
    first, second = search(evaluations, "m", 5), search(evaluations, "k", 4)
    grid = th.two_way(evaluations, claim(text, "nash_big"), first, second)
    assert grid["parameters"] == ["m", "k"] and grid["rows"] == "k"
    assert grid["grid"] == {"m": [0.0, 2.0, 4.0, 6.0, 8.0], "k": [0.0, 2.0, 4.0, 6.0]}
    for j, k in enumerate(grid["grid"]["k"]):
        for i, m in enumerate(grid["grid"]["m"]):
            assert grid["holds"][j][i] is (9 * k > max(12, 5 * m))
    assert grid["holds"][2][2] == holds_at(text, "nash_big", {"m": 4, "k": 4})


def test_the_tornado_matches_direct_analyses_at_each_end(
    text: ScenarioText, evaluations: th.Evaluations
) -> None:
    point = analyze(text.build({}))
    fields = [th.field_target(f, point) for f in th.default_fields(point)]
    claims = [th.ClaimTarget(c) for c in text.claims]
    document = th.tornado(evaluations, claims, fields)
    rows = {r["name"]: r for r in document["parameters"]}
    assert set(rows) == {"m", "k"}  # "fixed" has no range
    for name, row in rows.items():
        for end in ("low", "high"):
            direct = analyze(text.build({name: row[end]}))
            for c in text.claims:
                assert row["claims"][c.name][end] is c.holds(direct)
            assert (
                row["fields"]["agreement.utilities[0]"][end] == direct["agreement"]["utilities"][0]
            )
    assert rows["k"]["flips"] == ["nash_medium", "nash_big"]  # at k = 6 Nash is BigDeal
    assert rows["m"]["fields"]["agreement.utilities[0]"] == {
        "low": 6.0,
        "point": 4.0,
        "high": 8.0,
        "swing": 4.0,
    }
    assert [r["name"] for r in document["parameters"]] == ["k", "m"]  # most flips first


def test_every_point_is_analysed_once(text: ScenarioText, evaluations: th.Evaluations) -> None:
    th.threshold(evaluations, claim(text, "nash_medium"), search(evaluations, "m", 5))
    before = evaluations.count
    th.threshold(evaluations, claim(text, "nash_big"), search(evaluations, "m", 5))
    assert evaluations.count == before  # same grid; nash_big never holds at k = 1: no bisection
    assert th.Evaluations(text).key({"m": 4}) == ()  # the point estimate is the empty key


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda t, e: th.claim_target(t.claims, "nash_medum", t.file), "did you mean nash_medium"),
        (lambda t, e: th.ranged(e.records, "mm", t.file), "no such parameter"),
        (lambda t, e: th.ranged(e.records, "fixed", t.file), "has no range"),
        (
            lambda t, e: th.field_target("solutions.nash.utility", analyze(t.build({}))),
            "solutions.nash.utilities",
        ),
        (lambda t, e: th.field_target("solutions.nash", analyze(t.build({}))), "is a object"),
        (lambda t, e: th.grid_values(0, 1, 1, False), "--grid must be at least 2"),
    ],
)
def test_bad_requests_are_one_line_errors(text, evaluations, call, fragment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DetenteError) as raised:
        call(text, evaluations)
    assert fragment in str(raised.value) and "\n" not in str(raised.value)


@given(
    cuts=st.lists(st.floats(0.01, 0.99), min_size=1, max_size=4, unique=True),
    grid=st.integers(2, 40),
)
def test_bisection_finds_every_change_wider_apart_than_the_grid(
    cuts: list[float], grid: int
) -> None:
    cuts = sorted(cuts)
    spacing = 1 / (grid - 1)
    if any(b - a <= spacing for a, b in itertools.pairwise(cuts)):
        return  # (closer than the grid spacing: may be missed, as documented)

    def state(x: float) -> bool:
        return sum(x >= c for c in cuts) % 2 == 1

    found = th.crossings(state, th.grid_values(0, 1, grid, False), 1e-4, False)
    assert [c.value for c in found] == pytest.approx(cuts, abs=5e-5)
    for c in found:
        assert (c.below, c.above) == (state(c.value - 5e-5), state(c.value + 5e-5))


def test_workers_give_the_same_analyses_as_one_process(text: ScenarioText) -> None:
    points = [{"m": m, "k": k} for m in (0.0, 3.0, 8.0) for k in (0.0, 4.0)]
    alone, parallel = th.Evaluations(text), th.Evaluations(text, workers=2)
    alone.prefetch(points)
    parallel.prefetch(points)
    assert parallel.cache == alone.cache and alone.count == len(points)


def test_values_that_make_no_valid_scenario_count_as_not_holding(tmp_path: Path) -> None:
    path = tmp_path / "invalid-above-4.yaml"
    path.write_text(
        BREAK_EVEN.read_text().replace("  - id: A\n", "  - id: A\n    discount: =0.5 + m/8\n")
    )
    text = ScenarioText.read(path, {"m": 2})  # (the file's point m = 4 is valid: discount 1)
    evaluations = th.Evaluations(text)
    document = th.threshold(evaluations, claim(text, "nash_medium"), search(evaluations, "m"))
    # a discount above 1 (m > 4) is no valid scenario: the claim holds only on (2.4, 4]
    low, high = document["crossings"]
    assert (low["below"], low["above"], high["below"], high["above"]) == (False, True, True, False)
    assert low["value"] == pytest.approx(2.4, abs=4e-3)
    assert high["value"] == pytest.approx(4, abs=4e-3)
    invalid = [dict(key)["m"] for key, results in evaluations.cache.items() if results is None]
    assert evaluations.invalid == len(invalid) >= 8  # the grid's 4.5, 5, ..., 8 at least
    assert all(m > 4 for m in invalid)


def with_a_choice(tmp_path: Path) -> Path:
    """The break-even file with a categorical ``rule``: under ``big`` A values BigDeal at 30,
    so Nash picks BigDeal (270 > 20) and neither claim keeps its point-estimate truth."""
    path = tmp_path / "break-even-choice.yaml"
    text = BREAK_EVEN.read_text().replace(
        "  fixed: {value: 1,",
        '  rule: {value: usual, choices: {usual: 0.6, big: 0.4}, source: "test: a choice"}\n'
        "  fixed: {value: 1,",
    )
    path.write_text(
        text.replace(
            "BigDeal: =k*fixed}", "BigDeal: {select: rule, cases: {usual: =k*fixed, big: 30}}}"
        )
    )
    return path


def test_the_tornado_swings_a_categorical_parameter_to_each_label(tmp_path: Path) -> None:
    text = ScenarioText.read(with_a_choice(tmp_path))
    point = analyze(text.build({}))
    fields = [th.field_target("agreement.utilities[0]", point)]
    claims = [th.ClaimTarget(c) for c in text.claims]
    document = th.tornado(th.Evaluations(text), claims, fields)
    rows = {r["name"]: r for r in document["parameters"]}
    assert set(rows) == {d.name for d in text.uncertain()} == {"m", "k", "rule"}
    rule = rows["rule"]
    assert "low" not in rule and "high" not in rule and rule["point"] == "usual"
    for label in ("usual", "big"):
        direct = analyze(text.build({"rule": label}))
        for c in text.claims:
            assert rule["labels"][label]["claims"][c.name] is c.holds(direct)
        assert (
            rule["labels"][label]["fields"]["agreement.utilities[0]"]
            == (direct["agreement"]["utilities"][0])
        )
    assert rule["labels"]["big"]["claims"] == {"nash_medium": False, "nash_big": True}
    assert rule["claims"] == {"nash_medium": {"point": True}, "nash_big": {"point": False}}
    assert rule["flips"] == ["nash_medium", "nash_big"]
    assert rule["fields"]["agreement.utilities[0]"] == {"point": 4.0, "swing": 26.0}
    # ranked with the others: rule and k flip both claims, rule's utility swing (26) is larger
    assert [r["name"] for r in document["parameters"]] == ["rule", "k", "m"]


def test_a_parameter_fixed_by_set_is_not_swung(tmp_path: Path) -> None:
    text = ScenarioText.read(with_a_choice(tmp_path), {"rule": "big"})
    assert [r.name for r in th.swung_parameters(text)] == ["m", "k"]
