"""Statistics of utilities over outcomes drawn uniformly: for spaces too large to enumerate.

A 10¹⁰-outcome domain cannot be enumerated, but its utilities can be
described from a uniform sample: per party the mean, spread and quantiles,
and the share of outcomes every signatory weakly prefers to no deal. The
draw is explicit (a :class:`numpy.random.Generator`) and reported with the
results.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.errors import TooLargeError
from detente.outcomes import ENUMERATION_LIMIT
from detente.scenario import Scenario
from detente.utility import utility_matrix

SAMPLE_SIZE = 100_000
"""Outcomes drawn by default."""

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def sampled_statistics(
    scenario: Scenario, rng: np.random.Generator, n: int = SAMPLE_SIZE
) -> dict[str, Any]:
    """Utility statistics per party over ``n`` outcomes drawn uniformly (with replacement).

    >>> from detente.outcomes import Issue, OutcomeSpace
    >>> from detente.parties import Party
    >>> from detente.utility import LinearAdditive
    >>> space = OutcomeSpace((Issue.integer("x", 0, 1),))
    >>> s = Scenario("s", space, (Party("a", LinearAdditive((1.0,), ((0.0, 1.0),))),
    ...                           Party("b", LinearAdditive((1.0,), ((1.0, 0.0),)))))
    >>> stats = sampled_statistics(s, np.random.default_rng(0), 1000)
    >>> stats["parties"]["a"]["min"], stats["parties"]["a"]["max"], stats["rational_fraction"]
    (0.0, 1.0, 1.0)
    """
    indices = scenario.space.sample(rng, n)
    utilities = utility_matrix(scenario.space, [p.utility for p in scenario.parties], indices)
    signatories = [i for i, p in enumerate(scenario.parties) if p.signatory]
    rational = np.all(utilities[:, signatories] >= scenario.reservations[signatories], axis=1)
    return {
        "n": int(n),
        "parties": {
            party.id: _describe(utilities[:, k]) for k, party in enumerate(scenario.parties)
        },
        "rational_fraction": float(rational.mean()),
    }


def _describe(column: np.ndarray) -> dict[str, Any]:
    finite = column[np.isfinite(column)]
    if not len(finite):
        return {"mean": None, "std": None, "min": None, "max": None, "quantiles": {}}
    return {
        "mean": float(finite.mean()),
        "std": float(finite.std()),
        "min": float(finite.min()),
        "max": float(finite.max()),
        "quantiles": {f"{q:g}": float(np.quantile(finite, q)) for q in QUANTILES},
    }


def too_large_document(
    scenario: Scenario, limit: int = ENUMERATION_LIMIT, seed: int = 0, n: int = SAMPLE_SIZE
) -> dict[str, Any]:
    """The analysis document of a space too large to enumerate: structure, refusal, samples.

    ``n_rational``, ``pareto`` and ``solutions`` are ``None``; ``refused``
    says why and how to raise the limit; ``sampled`` holds
    :func:`sampled_statistics` for a draw seeded with ``seed``.
    """
    try:
        scenario.space.require_enumerable("analysis (Pareto frontier, solutions)", limit)
        refused = None
    except TooLargeError as error:
        refused = error.message
    sampled = sampled_statistics(scenario, np.random.default_rng(seed), n)
    return {
        "scenario": scenario.name,
        "parties": list(scenario.party_ids),
        "signatories": [p.id for p in scenario.parties if p.signatory],
        "issues": {i.name: len(i) for i in scenario.space.issues},
        "n_outcomes": scenario.space.size,
        "reservation_values": [float(r) for r in scenario.reservations],
        "enumerable": False,
        "refused": refused,
        "n_rational": None,
        "pareto": None,
        "solutions": None,
        "sampled": {**sampled, "seed": seed},
    }
