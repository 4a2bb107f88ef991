"""Parameter draws: the right distributions, inside their ranges, independent of chunking."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from detente.errors import DetenteError
from detente.experiments import Choice, Chunk, Uncertain, draw_values
from detente.experiments.chunks import automatic_chunk_size, plan_chunks
from detente.experiments.designs import DESIGNS, Design, DesignKind, next_power_of_two

SHAPES = [
    Uncertain("u", 0.0, 1.0),
    Uncertain("t", 2.0, 4.0, "triangular", mode=3.0),
    Uncertain("n", -1.0, 1.0, "normal", value=0.0, sd=0.5),
]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=20))
def test_values_stay_in_range_and_grow_with_the_unit_point(points: list[float]) -> None:
    u = np.sort(np.array(points))
    for parameter in SHAPES:
        values = parameter.values(u)
        assert np.all((parameter.low <= values) & (values <= parameter.high))
        assert np.all(np.diff(values) >= -1e-12)


@pytest.mark.parametrize(
    ("parameter", "reference"),
    [
        (SHAPES[0], stats.uniform(0.0, 1.0)),
        (SHAPES[1], stats.triang(0.5, loc=2.0, scale=2.0)),
        (SHAPES[2], stats.truncnorm(-2.0, 2.0, loc=0.0, scale=0.5)),
    ],
)
def test_draws_follow_their_distribution(parameter: Uncertain, reference: object) -> None:
    values = draw_values([parameter], 11, Chunk(0, 0, 2000))[parameter.name]
    assert stats.kstest(values, reference.cdf).pvalue > 0.01  # type: ignore[attr-defined]


def test_defaults_centre_the_triangle_and_the_normal_on_the_value() -> None:
    assert Uncertain("a", 0.0, 4.0, "triangular", value=1.0).centre == 1.0
    assert Uncertain("a", 0.0, 4.0, "normal").centre == 2.0
    values = Uncertain("a", 0.0, 4.0, "normal").values(np.array([0.5]))
    assert values.tolist() == pytest.approx([2.0])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("a", 1.0, 1.0), "low < high"),
        (("a", 0.0, 1.0, "triangular", None, 2.0), "must lie in its range"),
        (("a", 0.0, 1.0, "normal", 0.5, None, 0.0), "must be positive"),
    ],
)
def test_bad_parameter_specifications_are_clean_errors(
    arguments: tuple[object, ...], message: str
) -> None:
    with pytest.raises(DetenteError, match=message):
        Uncertain(*arguments)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 40), st.integers(1, 12), st.sampled_from(DESIGNS))
def test_any_chunking_gives_the_same_draws(draws: int, size: int, kind: DesignKind) -> None:
    if kind == "saltelli":
        draws = next_power_of_two(draws)
    design = Design.of(kind, draws, parameters=1)
    whole = draw_values(SHAPES[:1], 5, Chunk(0, 0, design.rows), design)["u"]
    parts = [
        draw_values(SHAPES[:1], 5, chunk, design)["u"] for chunk in plan_chunks(design.rows, size)
    ]
    assert np.array_equal(np.concatenate(parts), whole)


def test_automatic_chunks_hold_enough_work_yet_feed_every_worker() -> None:
    assert automatic_chunk_size(10**5, 0.01, 2) == 100  # 1 s of work per task
    assert automatic_chunk_size(10**5, 1e-6, 2) == 12_500  # at least 4 chunks per worker
    assert automatic_chunk_size(10**8, 1e-3, 1) == 50_000  # at most 2 000 files


# --------------------------------------------------------------------------- choices

RULE = Choice("rule", ("veto", "majority", "none"), (0.6, 0.3, 0.1), "veto")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0.0, 10.0), min_size=2, max_size=6).filter(lambda w: sum(w) > 0),
    st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=1, max_size=30),
)
def test_a_choice_inverts_its_cumulative_probabilities(
    weights: list[float], points: list[float]
) -> None:
    probabilities = tuple(w / sum(weights) for w in weights)
    labels = tuple(f"l{k}" for k in range(len(weights)))
    drawn = Choice("c", labels, probabilities, labels[0]).values(np.array(points))
    cumulative = np.cumsum(probabilities) / np.sum(probabilities)
    for u, label in zip(points, drawn, strict=True):
        k = labels.index(label)
        assert probabilities[k] > 0  # a label of probability 0 is never drawn
        assert (cumulative[k - 1] if k else 0.0) <= u
        assert u < cumulative[k] or k == len(labels) - 1  # the last step is exactly 1


def test_choices_are_drawn_with_their_probabilities() -> None:
    """4,000 independent draws: each label's count within 4 binomial standard deviations of
    n p (a false alarm has probability below 1e-4 per label; the seed makes it deterministic)."""
    n = 4000
    drawn = draw_values([RULE], 11, Chunk(0, 0, n))["rule"]
    for label, p in zip(RULE.labels, RULE.probabilities, strict=True):
        count = int(np.sum(drawn == label))
        assert abs(count - n * p) <= 4 * np.sqrt(n * p * (1 - p)), (label, count)


def test_a_latin_hypercube_stratifies_the_choices() -> None:
    drawn = draw_values([RULE], 3, Chunk(0, 0, 100), Design.of("lhs", 100, 1))["rule"]
    assert [int(np.sum(drawn == label)) for label in RULE.labels] == [60, 30, 10]


@pytest.mark.parametrize(("size", "lhs"), [(1, False), (7, False), (7, True)])
def test_any_chunking_gives_the_same_labels(size: int, lhs: bool) -> None:
    total = 40
    parameters: list[Uncertain | Choice] = [Uncertain("x", 0.0, 1.0), RULE]
    design = Design.of("lhs" if lhs else "random", total, len(parameters))
    whole = draw_values(parameters, 5, Chunk(0, 0, total), design)
    parts = [draw_values(parameters, 5, chunk, design) for chunk in plan_chunks(total, size)]
    assert np.concatenate([p["rule"] for p in parts]).tolist() == whole["rule"].tolist()
    assert set(whole["rule"]) <= set(RULE.labels)


def test_a_bad_choice_is_a_clean_error() -> None:
    with pytest.raises(DetenteError, match="at least two labels"):
        Choice("c", ("a",), (1.0,), "a")
    with pytest.raises(DetenteError, match="'b' is not one of the labels a, c"):
        Choice("c", ("a", "c"), (0.5, 0.5), "b")
