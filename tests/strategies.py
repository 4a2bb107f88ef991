"""Shared hypothesis generators."""

from __future__ import annotations

from hypothesis import strategies as st

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
