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
