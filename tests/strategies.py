"""Shared hypothesis generators."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from detente.factions import Derived, Domestic, Faction, Given, Leading
from detente.outcomes import Issue, OutcomeSpace
from detente.parties import Party
from detente.phasing import Deal, Item, Link, Stake, party_values
from detente.ratification import Majority, NoRatification, RatificationRule, Unanimity, Veto
from detente.scenario import Scenario
from detente.trust import Hazard, TrustTable
from detente.utility import TableUtility

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


# --- factions and ratification (issue 5) -------------------------------------

Contest = tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]
"""``(F[outcome, faction], reservations, weight shares, faction ids)``."""

small_utilities = st.floats(-5, 5, allow_nan=False, width=32).map(lambda x: round(float(x), 2))


@st.composite
def faction_contests(draw: st.DrawFn) -> Contest:
    """``(F[outcome, faction], reservations, shares, ids)`` for a random internal contest."""
    n_outcomes = draw(st.integers(1, 12))
    n_factions = draw(st.integers(1, 5))
    F = draw(hnp.arrays(np.float64, (n_outcomes, n_factions), elements=small_utilities))
    reservations = draw(hnp.arrays(np.float64, (n_factions,), elements=small_utilities))
    weights = draw(st.lists(st.integers(0, 4), min_size=n_factions, max_size=n_factions))
    weights[draw(st.integers(0, n_factions - 1))] += 1
    shares = np.array(weights, dtype=np.float64) / sum(weights)
    ids = tuple(f"f{i}" for i in range(n_factions))
    return F, reservations, shares, ids


def _table(values: list[float]) -> TableUtility:
    return TableUtility(tuple(range(len(values))), tuple(values))


@st.composite
def ratification_rules(draw: st.DrawFn, ids: tuple[str, ...]) -> RatificationRule:
    """Any ratification rule over factions ``ids``."""
    kind = draw(st.sampled_from(["majority", "veto", "unanimity", "none"]))
    if kind == "majority":
        return Majority(draw(st.sampled_from([0.25, 0.5, 2 / 3, 1.0])))
    if kind == "veto":
        return Veto(tuple(draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))))
    return Unanimity() if kind == "unanimity" else NoRatification()


@st.composite
def domestic_parties(
    draw: st.DrawFn, party_id: str, n_outcomes: int, signatory: bool, informed: bool = True
) -> Party:
    """A party with 1-3 factions over a one-issue space of ``n_outcomes`` outcomes.

    Its negotiator anticipates ratification unless ``informed`` is false (then maybe not).
    """
    n = draw(st.integers(1, 3))
    ids = tuple(f"{party_id}{i}" for i in range(n))
    factions = tuple(
        Faction(
            fid,
            _table(draw(st.lists(small_utilities, min_size=n_outcomes, max_size=n_outcomes))),
            weight=draw(st.sampled_from([0.5, 1.0, 2.0])),
            reservation=draw(st.none() | small_utilities),
        )
        for fid in ids
    )
    basis = draw(st.sampled_from([Given(), Derived(), Leading(ids[0])]))
    own = _table(draw(st.lists(small_utilities, min_size=n_outcomes, max_size=n_outcomes)))
    anticipated = informed or draw(st.booleans())
    domestic = Domestic(factions, draw(ratification_rules(ids)), basis, anticipated)
    return Party(
        party_id,
        domestic.negotiating_utility(own),
        reservation=draw(small_utilities),
        signatory=signatory,
        domestic=domestic,
    )


@st.composite
def two_level_scenarios(draw: st.DrawFn, informed: bool = True) -> Scenario:
    """Two or three signatories with factions plus one stakeholder, over 2-15 outcomes.

    With ``informed`` false, some negotiators may not anticipate ratification.
    """
    n_outcomes = draw(st.integers(2, 15))
    space = OutcomeSpace((Issue.integer("x", 0, n_outcomes - 1),))
    n_signatories = draw(st.integers(2, 3))
    parties = [
        draw(domestic_parties(f"p{i}", n_outcomes, True, informed)) for i in range(n_signatories)
    ]
    parties.append(draw(domestic_parties("s", n_outcomes, False)))
    return Scenario("random two-level", space, tuple(parties))


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


# --- phasing: deals to design schedules for ----------------------------------------------


@st.composite
def action_for_action_deals(draw: st.DrawFn, hazards: bool = True) -> Deal:
    """THEORY §3.1's family: A steps, B answers with a linked step, completion values, hazards."""
    number = st.floats(0.1, 3.0)
    delta = draw(st.floats(0.5, 1.0))
    h_a = draw(st.floats(0.0, 0.4)) if hazards else 0.0
    h_b = draw(st.floats(0.0, 0.4)) if hazards else 0.0
    rate = draw(st.floats(0.5, 2.0))
    return Deal(
        stakes=(
            Stake("A", delta, completion=draw(st.floats(0.0, 8.0))),
            Stake("B", delta, completion=draw(st.floats(0.0, 8.0))),
        ),
        items=(
            Item(
                "a", "A", cost=draw(number), value=party_values({"B": draw(number)}), total=(0, 50)
            ),
            Item(
                "b",
                "B",
                cost=draw(number),
                value=party_values({"A": draw(number)}),
                reversibility=draw(st.floats(0.0, 1.0)),
            ),
        ),
        order=(("A",), ("B",)),
        links=(Link("a", "b", rate),),
        trust=TrustTable({("A", "B"): Hazard(h_b), ("B", "A"): Hazard(h_a)}),
        measure=("a",),
    )


def random_deal(rng: np.random.Generator, n_items: int, parties: int = 3) -> Deal:
    """A random deal with one-time values, flows, reversibility, leverage and hazards.

    Used by the property tests and by ``benchmarks/phasing.py``.
    """
    ids = tuple(f"P{k}" for k in range(parties))
    items = []
    for i in range(n_items):
        giver = ids[i % parties]
        others = [p for p in ids if p != giver]
        items.append(
            Item(
                f"item{i}",
                giver,
                cost=float(rng.uniform(0.5, 2.0)),
                value=party_values({p: float(rng.uniform(0.0, 2.0)) for p in others}),
                flow=party_values({p: float(rng.uniform(0.0, 0.2)) for p in others}),
                total=(0.0, float(rng.uniform(1.0, 5.0))),
                reversibility=float(rng.uniform(0.0, 1.0)),
                leverage=party_values({giver: float(-rng.uniform(0.0, 0.5))}),
                binary=bool(i % 7 == 6),
            )
        )
    stakes = tuple(
        Stake(p, float(rng.uniform(0.85, 0.95)), completion=float(rng.uniform(5.0, 20.0)))
        for p in ids
    )
    beliefs = {(a, b): Hazard(float(rng.uniform(0.0, 0.1))) for a in ids for b in ids if a != b}
    return Deal(stakes, tuple(items), tuple((p,) for p in ids), trust=TrustTable(beliefs))


def random_verified_deal(
    rng: np.random.Generator, n_items: int, cheating: int, verifiers: int, parties: int = 3
) -> Deal:
    """:func:`random_deal` whose first ``cheating`` items are cheating-prone (covert gains,
    some detection, lags of 0-2 stages) and whose last ``verifiers`` items are inspection
    regimes (binary), each verifying one or two of them.

    Used by the property tests of verification and by ``benchmarks/phasing.py``.
    """
    deal = random_deal(rng, n_items, parties)
    items = list(deal.items)
    for i in range(cheating):
        items[i] = replace(
            items[i],
            covert_gain=float(rng.uniform(0.05, 0.5)),
            detection=float(rng.uniform(0.0, 0.1)),
            detection_lag=int(rng.integers(0, 3)),
        )
    names = [item.name for item in items[:cheating]]
    for k in range(verifiers):
        i = n_items - 1 - k
        watched = rng.choice(names, size=min(len(names), int(rng.integers(1, 3))), replace=False)
        items[i] = replace(
            items[i],
            binary=True,
            total=(0.0, 1.0),
            verifies=tuple((str(name), float(rng.uniform(0.2, 0.8))) for name in watched),
        )
    return replace(deal, items=tuple(items))


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
from detente.registry import Parameter as _Parameter  # noqa: E402
from detente.registry import Registry as _Registry  # noqa: E402
from detente.scenario import Scenario as _BatchScenario  # noqa: E402
from detente.strategies import ACCEPTANCE as _ACCEPTANCE  # noqa: E402
from detente.strategies import STRATEGIES as _STRATEGIES  # noqa: E402
from detente.strategies.base import spec_string as _spec_string  # noqa: E402
from detente.strategies.models import MODELS as _MODELS  # noqa: E402
from detente.utility import Constrained as _BatchConstrained  # noqa: E402
from detente.utility import LinearAdditive as _BatchLinear  # noqa: E402
from detente.utility import Requirement as _BatchRequirement  # noqa: E402


def batch_strategies(parties: int) -> tuple[str, ...]:
    """Every strategy registered as vectorisable that ``parties`` signatories can play."""
    return tuple(
        e.name for e in _STRATEGIES if e.vectorisable and (parties == 2 or not e.bilateral_only)
    )


def _numbers(parameter: _Parameter) -> st.SearchStrategy[float] | st.SearchStrategy[int]:
    """Values within a numeric parameter's declared range: its ends, its default, any between."""
    valid = parameter.range
    low = -10.0 if valid.low is None else valid.low
    high = low + 10.0 if valid.high is None else valid.high
    if parameter.type is int:
        return st.integers(int(np.ceil(low)), int(np.floor(high))).filter(valid.contains)
    ends = [x for x in (low, high, parameter.default) if valid.contains(x)]
    return st.sampled_from(ends) | st.floats(low, high, exclude_min=valid.open_low)


@st.composite
def packages(draw: st.DrawFn, space: OutcomeSpace) -> dict[str, object]:
    """``{issue: value}`` for up to two issues of ``space``."""
    issues = draw(st.lists(st.sampled_from(space.issues), max_size=2, unique_by=lambda i: i.name))
    return {issue.name: draw(st.sampled_from(issue.values)) for issue in issues}


def parameter_values(parameter: _Parameter, space: OutcomeSpace) -> st.SearchStrategy[object]:
    """Valid values of a declared parameter, from its type and range.

    Text parameters follow the strategies' conventions: ``accept`` takes vectorisable
    acceptance policies joined by ``|``, ``model`` a registered opponent model;
    other text keeps its default. A ``dict`` is a package ``{issue: value}`` of ``space``.
    """
    if parameter.type is bool:
        return st.booleans()
    if parameter.type in (int, float):
        return _numbers(parameter)
    if parameter.type is dict:
        return packages(space)
    if parameter.name == "accept":
        policies = tuple(e.name for e in _ACCEPTANCE if e.vectorisable)
        one = registered_specs(_ACCEPTANCE, policies, space)
        return st.lists(one, min_size=1, max_size=2).map("|".join)
    if parameter.name == "model":
        return st.sampled_from(_MODELS.names())
    return st.just(parameter.default)


@st.composite
def registered_specs(
    draw: st.DrawFn, registry: _Registry[Any], names: tuple[str, ...], space: OutcomeSpace
) -> str:
    """A spec of one of ``names`` in ``registry``, each parameter left out or drawn."""
    entry = registry.entry(draw(st.sampled_from(names)))
    shown = {
        p.name: draw(parameter_values(p, space)) for p in entry.parameters if draw(st.booleans())
    }
    return _spec_string(entry.name, **shown)


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
    names: tuple[str, ...] | None = None,
    min_deadline: int = 1,
) -> tuple[_BatchScenario, _BatchProtocol, list[str]]:
    """A small scenario, an (stacked) alternating-offers protocol and one spec per signatory:
    a registered vectorisable strategy (one of ``names`` when given) with drawn parameters."""
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
    pool = tuple(x for x in batch_strategies(n) if names is None or x in names)
    specs = [draw(registered_specs(_STRATEGIES, pool, space)) for _ in range(n)]
    return _BatchScenario("batch", space, tuple(parties)), protocol, specs
