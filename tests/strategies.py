"""Shared hypothesis generators."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from detente.outcomes import Issue, OutcomeSpace

# --- outcome spaces -------------------------------------------------------------------------


@st.composite
def outcome_spaces(draw: st.DrawFn, max_issues: int = 4, max_values: int = 5) -> OutcomeSpace:
    """Small outcome spaces mixing named, integer and item issues."""
    n = draw(st.integers(1, max_issues))
    issues = []
    for k in range(n):
        kind = draw(st.sampled_from(["values", "integer", "item"]))
        if kind == "item":
            issues.append(Issue.item(f"i{k}"))
        elif kind == "integer":
            low = draw(st.integers(-5, 5))
            issues.append(Issue.integer(f"i{k}", low, low + draw(st.integers(0, max_values - 1))))
        else:
            size = draw(st.integers(1, max_values))
            issues.append(Issue(f"i{k}", tuple(f"v{j}" for j in range(size))))
    return OutcomeSpace(tuple(issues))


# --- utility matrices ------------------------------------------------------------------------


GRID_UTILITY = st.integers(0, 6).map(float)
"""Utilities on a coarse grid: many exact ties and duplicate outcomes."""

GRID_OR_UNACCEPTABLE = st.integers(-1, 6).map(lambda k: -np.inf if k < 0 else float(k))
"""Grid utilities, with about one entry in eight unacceptable (``-inf``)."""

REAL_UTILITY = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
"""Arbitrary finite utilities (ties are rare)."""

PARTY_COUNTS = st.integers(2, 4)
OUTCOME_COUNTS = st.integers(0, 40)


@st.composite
def utility_matrices(
    draw: st.DrawFn,
    parties: st.SearchStrategy[int] = PARTY_COUNTS,
    outcomes: st.SearchStrategy[int] = OUTCOME_COUNTS,
    elements: st.SearchStrategy[float] = GRID_OR_UNACCEPTABLE,
) -> np.ndarray:
    """``U[outcome, party]`` matrices (float64)."""
    shape = (draw(outcomes), draw(parties))
    matrix: np.ndarray = draw(hnp.arrays(np.float64, shape, elements=elements))
    return matrix


def disagreement_points(n_parties: int) -> st.SearchStrategy[np.ndarray]:
    """Reservation values on the same grid as :data:`GRID_UTILITY`, mostly low."""
    return hnp.arrays(np.float64, (n_parties,), elements=st.integers(-1, 4).map(float))


@st.composite
def bargaining_problems(
    draw: st.DrawFn,
    parties: st.SearchStrategy[int] = PARTY_COUNTS,
    outcomes: st.SearchStrategy[int] = OUTCOME_COUNTS,
    elements: st.SearchStrategy[float] = GRID_OR_UNACCEPTABLE,
) -> tuple[np.ndarray, np.ndarray]:
    """A utility matrix and a disagreement point for it."""
    matrix = draw(utility_matrices(parties, outcomes, elements))
    return matrix, draw(disagreement_points(matrix.shape[1]))


# --- negotiation engine: small scenarios for sessions and strategies ------------------------

from detente.parties import Party  # noqa: E402
from detente.scenario import Scenario  # noqa: E402
from detente.utility import Constrained, LinearAdditive, Requirement  # noqa: E402


def pie_scenario(slices: int = 20, reservations: tuple[float, float] = (0.0, 0.0)) -> Scenario:
    """Split a pie of ``slices`` pieces: party a gets ``x / slices``, party b the rest."""
    space = OutcomeSpace((Issue.integer("x", 0, slices),))
    share = tuple(k / slices for k in range(slices + 1))
    a = Party("a", LinearAdditive((1.0,), (share,)), reservation=reservations[0])
    b = Party("b", LinearAdditive((1.0,), (share[::-1],)), reservation=reservations[1])
    return Scenario("pie", space, (a, b))


def trade_scenario() -> Scenario:
    """Two issues, partly opposed, with reservations and a hard constraint for b."""
    space = OutcomeSpace((Issue.integer("price", 0, 9), Issue("relief", ("none", "some", "full"))))
    a = Party("a", LinearAdditive((0.7, 0.3), (tuple(range(10)), (0.0, 3.0, 9.0))), reservation=2.0)
    b_base = LinearAdditive((0.5, 0.5), (tuple(range(9, -1, -1)), (9.0, 5.0, 0.0)))
    b = Party("b", Constrained(b_base, (Requirement(1, frozenset({0, 1})),)), reservation=1.5)
    return Scenario("trade", space, (a, b))


def stakeholder_scenario() -> Scenario:
    """Three signatories and a non-signatory stakeholder over two issues."""
    space = OutcomeSpace((Issue.integer("p", 0, 4), Issue.integer("q", 0, 4)))
    ramp, down = (0, 1, 2, 3, 4), (4, 3, 2, 1, 0)
    parties = (
        Party("a", LinearAdditive((1.0, 0.2), (ramp, ramp)), reservation=0.5),
        Party("b", LinearAdditive((0.3, 1.0), (down, ramp)), reservation=0.5),
        Party("c", LinearAdditive((0.6, 0.6), (down, down)), reservation=0.5),
        Party("s", LinearAdditive((1.0, 1.0), (ramp, down)), signatory=False),
    )
    return Scenario("three", space, parties)
