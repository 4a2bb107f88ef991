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


# --- batch engine: small negotiations (scenario, protocol, strategies) ----------------------

from detente.parties import Party as _BatchParty  # noqa: E402
from detente.protocols import (  # noqa: E402
    AlternatingOffers as _BatchAlternating,
)
from detente.protocols import (  # noqa: E402
    NegotiationProtocol as _BatchProtocol,
)
from detente.protocols import (  # noqa: E402
    StackedAlternatingOffers as _BatchStacked,
)
from detente.scenario import Scenario as _BatchScenario  # noqa: E402
from detente.utility import Constrained as _BatchConstrained  # noqa: E402
from detente.utility import LinearAdditive as _BatchLinear  # noqa: E402
from detente.utility import Requirement as _BatchRequirement  # noqa: E402

BATCH_SPECS = (
    "boulware",
    "linear",
    "conceder",
    "boulware(exponent=2.0, accept='threshold(level=0.5)|deadline')",
    "conceder(accept='probability(p=0.2)|next')",
    "linear(accept='next|probability(p=0.5)')",
    "linear(accept='threshold(level=0.7, below_reservation=True)')",
    "hardline",
    "hardline(accept='deadline')",
    "hardline(package={'i0': 1})",
    "nash",
    "random",
    "random(p_accept=0.9)",
)
"""Vectorisable strategy specs for any number of parties."""

BATCH_BILATERAL_SPECS = (
    "tit-for-tat",
    "tit-for-tat(reciprocity=0.5, accept='probability(p=0.3)|next')",
)
"""Vectorisable strategy specs for two parties only."""


@st.composite
def batch_parties(draw: st.DrawFn, space: OutcomeSpace, party_id: str) -> _BatchParty:
    """A party with small integer value tables (many ties), maybe a hard constraint."""
    tables = tuple(
        tuple(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))) for n in space.shape
    )
    weights = tuple(draw(st.sampled_from([0.5, 1.0, 2.0])) for _ in space.shape)
    utility: _BatchLinear | _BatchConstrained = _BatchLinear(weights, tables)
    if draw(st.booleans()) and space.shape[0] > 1:
        utility = _BatchConstrained(utility, (_BatchRequirement(0, frozenset({0, 1})),))
    reservation = draw(st.sampled_from([0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.5, 6.0]))
    discount = draw(st.sampled_from([1.0, 0.9, 0.5]))
    return _BatchParty(party_id, utility, reservation=reservation, discount=discount)


@st.composite
def batch_negotiations(
    draw: st.DrawFn,
    max_parties: int = 3,
    pool: tuple[str, ...] | None = None,
    min_deadline: int = 1,
) -> tuple[_BatchScenario, _BatchProtocol, list[str]]:
    """A small scenario, an (stacked) alternating-offers protocol and one spec per signatory
    (from ``pool`` when given)."""
    shape = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    space = OutcomeSpace(tuple(Issue.integer(f"i{k}", 0, n - 1) for k, n in enumerate(shape)))
    n = draw(st.integers(2, max_parties))
    parties = [draw(batch_parties(space, f"p{k}")) for k in range(n)]
    if draw(st.booleans()):
        stakeholder = draw(batch_parties(space, "s"))
        parties.append(_BatchParty("s", stakeholder.utility, signatory=False))
    deadline = draw(st.integers(min_deadline, max(min_deadline, 12)))
    opener = draw(st.integers(0, n - 1))
    discounting = draw(st.booleans())
    protocol: _BatchProtocol = (
        _BatchAlternating(deadline, opener, discounting)
        if n == 2
        else _BatchStacked(deadline, opener, discounting)
    )
    if pool is None:
        pool = BATCH_SPECS + (BATCH_BILATERAL_SPECS if n == 2 else ())
    specs = [draw(st.sampled_from(pool)) for _ in range(n)]
    return _BatchScenario("batch", space, tuple(parties)), protocol, specs
