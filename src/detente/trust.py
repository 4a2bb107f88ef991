"""Trust: how likely one party thinks another is to honour its next step.

Three belief models answer the same question, "what probability does the
truster assign to the trustee honouring its next step?", and update after the
truster observes a step:

* :class:`BetaReputation` — the trustee's compliance probability is
  ``θ ~ Beta(α, β)``, built from a prior, the trustee's own record and
  third-party records weighted by their relevance, with an optional
  forgetting factor [Josang2002];
* :class:`TwoTypes` — the trustee is an opportunist or trustworthy, each type
  reneging with its own probability; beliefs follow Bayes' rule [Kydd2000];
* :class:`Hazard` — a plain exogenous reneging probability per move.

All three are immutable: :meth:`~TrustModel.after` returns the updated belief.
:func:`compliance_path` gives the beliefs a schedule is checked against: the
probability of honouring each of the trustee's next moves given that it
honoured all the earlier ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from detente.errors import DetenteError


def _probability(value: float, what: str) -> float:
    if not 0.0 <= value <= 1.0:
        raise DetenteError(f"{what} must be a probability in [0, 1], got {value}")
    return float(value)


@runtime_checkable
class TrustModel(Protocol):
    """A truster's belief about one trustee."""

    def honour_probability(self) -> float:
        """Probability the trustee honours its next step."""
        ...

    def after(self, honoured: bool) -> TrustModel:
        """The belief after observing the trustee honour (or renege on) a step."""
        ...


@dataclass(frozen=True, slots=True)
class Record:
    """Observed behaviour: ``honoured`` steps kept, ``reneged`` steps broken.

    ``relevance`` weighs a record from another relationship (a withdrawal from
    another agreement counts for less than a broken step in this one); ``weight``
    weighs the event itself (returning some remains counts for less than an
    eight-year freeze): each step counts ``relevance × weight``.
    """

    honoured: float = 0.0
    reneged: float = 0.0
    relevance: float = 1.0
    weight: float = 1.0

    def __post_init__(self) -> None:
        if self.honoured < 0 or self.reneged < 0:
            raise DetenteError(
                f"record counts must be non-negative, got {self.honoured}, {self.reneged}"
            )
        _probability(self.relevance, "a record's relevance weight")
        if not self.weight >= 0:
            raise DetenteError(f"a record's weight must be non-negative, got {self.weight}")


@dataclass(frozen=True, slots=True)
class BetaReputation:
    """Beta–Bernoulli reputation [Josang2002].

    The evidence (weighted compliances ``r`` and renegings ``s``) decays by the
    forgetting factor ``λ`` before each new observation (``r ← λ r + new``);
    the prior ``(α, β)`` does not decay. [Josang2002]: Beta(2, 2), an own record
    of 3 compliances and 1 reneging, and one third-party reneging of relevance
    0.5 give Beta(5, 3.5):

    >>> rep = BetaReputation(2, 2, (Record(3, 1), Record(0, 1, relevance=0.5)))
    >>> rep.posterior
    (5.0, 3.5)
    >>> round(rep.honour_probability(), 6)
    0.588235
    """

    alpha: float = 1.0
    beta: float = 1.0
    records: tuple[Record, ...] = ()
    forgetting: float = 1.0

    def __post_init__(self) -> None:
        if self.alpha <= 0 or self.beta <= 0:
            raise DetenteError(f"Beta prior needs α > 0 and β > 0, got ({self.alpha}, {self.beta})")
        _probability(self.forgetting, "the forgetting factor λ")

    @property
    def evidence(self) -> tuple[float, float]:
        """Weighted compliances and renegings."""
        honoured = sum(r.relevance * r.weight * r.honoured for r in self.records)
        reneged = sum(r.relevance * r.weight * r.reneged for r in self.records)
        return honoured, reneged

    @property
    def posterior(self) -> tuple[float, float]:
        """``(α + r, β + s)``."""
        honoured, reneged = self.evidence
        return self.alpha + honoured, self.beta + reneged

    def honour_probability(self) -> float:
        """Posterior mean of the compliance probability."""
        a, b = self.posterior
        return a / (a + b)

    def after(self, honoured: bool) -> BetaReputation:
        """Decay the evidence by ``λ``, then add the observation."""
        r, s = self.evidence
        lam = self.forgetting
        record = Record(lam * r + honoured, lam * s + (not honoured))
        return BetaReputation(self.alpha, self.beta, (record,), self.forgetting)


@dataclass(frozen=True, slots=True)
class TwoTypes:
    """Opportunist or trustworthy, with Bayesian updating [Kydd2000].

    Prior P(opportunist) = 0.3, opportunists renege with
    probability 1, trustworthy types with 0.1; one observed reneging:

    >>> round(TwoTypes(0.3, 1.0, 0.1).after(False).opportunist, 6)
    0.810811
    """

    opportunist: float
    renege_opportunist: float = 1.0
    renege_trustworthy: float = 0.0

    def __post_init__(self) -> None:
        _probability(self.opportunist, "the probability of an opportunist")
        _probability(self.renege_opportunist, "an opportunist's reneging probability")
        _probability(self.renege_trustworthy, "a trustworthy type's reneging probability")

    def honour_probability(self) -> float:
        """``1 − Σ_type P(type) · P(renege | type)``."""
        mu = self.opportunist
        return 1.0 - mu * self.renege_opportunist - (1.0 - mu) * self.renege_trustworthy

    def after(self, honoured: bool) -> TwoTypes:
        """Bayes' rule on the type after one observed step."""
        like_opp = 1.0 - self.renege_opportunist if honoured else self.renege_opportunist
        like_good = 1.0 - self.renege_trustworthy if honoured else self.renege_trustworthy
        mu = self.opportunist
        evidence = mu * like_opp + (1.0 - mu) * like_good
        posterior = mu if evidence == 0.0 else mu * like_opp / evidence
        return TwoTypes(posterior, self.renege_opportunist, self.renege_trustworthy)


@dataclass(frozen=True, slots=True)
class Hazard:
    """A constant exogenous probability of reneging at every move.

    >>> Hazard(0.2).after(True).honour_probability()
    0.8
    """

    renege: float = 0.0

    def __post_init__(self) -> None:
        _probability(self.renege, "a reneging hazard")

    def honour_probability(self) -> float:
        """``1 − h``."""
        return 1.0 - self.renege

    def after(self, honoured: bool) -> Hazard:
        """Unchanged: the hazard does not learn."""
        return self


FULL_TRUST = Hazard(0.0)
"""The belief of a truster that has no doubt at all."""


def compliance_path(model: TrustModel, moves: int) -> tuple[float, ...]:
    """Probability of honouring each of the next ``moves`` steps, given the earlier ones were.

    >>> [round(p, 4) for p in compliance_path(BetaReputation(1, 1), 3)]
    [0.5, 0.6667, 0.75]
    """
    probabilities = []
    for _ in range(moves):
        probabilities.append(model.honour_probability())
        model = model.after(True)
    return tuple(probabilities)


def cooperation_threshold(
    reward: float, sucker: float, punishment: float, temptation: float
) -> float:
    """Least probability of the other cooperating at which a trustworthy type cooperates.

    ``π* = (P − S) / ((R − T_g) + (P − S))`` for a trustworthy type whose
    temptation ``T_g`` is below the reward ``R`` [Kydd2000], e.g.:

    >>> cooperation_threshold(reward=2, sucker=-2, punishment=0, temptation=1)
    0.6666666666666666
    """
    gain, loss = reward - temptation, punishment - sucker
    if gain <= 0:
        raise DetenteError(
            f"a trustworthy type needs temptation below reward, got T_g={temptation} >= R={reward}"
        )
    if loss < 0:
        raise DetenteError(f"the sucker's payoff {sucker} must not exceed punishment {punishment}")
    return loss / (gain + loss)


@dataclass(frozen=True, slots=True)
class TrustTable:
    """Every truster's belief about every trustee; missing pairs trust fully.

    >>> table = TrustTable({("A", "B"): Hazard(0.25)})
    >>> table.honour_probability("A", "B"), table.honour_probability("B", "A")
    (0.75, 1.0)
    """

    beliefs: Mapping[tuple[str, str], TrustModel]

    def model(self, truster: str, trustee: str) -> TrustModel:
        """The truster's belief about the trustee."""
        return self.beliefs.get((truster, trustee), FULL_TRUST)

    def honour_probability(self, truster: str, trustee: str) -> float:
        """Probability the truster assigns to the trustee honouring its next step."""
        return self.model(truster, trustee).honour_probability()

    def parties(self) -> tuple[str, ...]:
        """Every party named as truster or trustee."""
        return tuple(dict.fromkeys(p for pair in self.beliefs for p in pair))

    def matrix(self, parties: tuple[str, ...]) -> dict[str, dict[str, float]]:
        """``{truster: {trustee: probability}}`` over distinct pairs of ``parties``."""
        return {i: {j: self.honour_probability(i, j) for j in parties if j != i} for i in parties}
