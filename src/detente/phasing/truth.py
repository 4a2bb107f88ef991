"""What a party really is: committed or opportunist, and its exogenous hazard.

Beliefs (:mod:`detente.trust`) decide what the *others* are willing to do: they
weigh the moves a schedule's incentive constraints and equilibrium path look
ahead to. What actually happens is decided by each party's true type, drawn
once per implementation:

* a **committed** party honours every move it has to make, unless an
  exogenous hazard strikes (a coup, an election, an accident);
* an **opportunist** follows the equilibrium path
  (:mod:`detente.phasing.path`): it reneges exactly where reneging pays, and
  is struck by the same hazard elsewhere.

So a schedule whose path completes is completed by opportunists too, with
probability ``Π (1 − hazard)`` over its non-empty moves; one whose path breaks
at a party's move is completed only if that party is committed. The truth is
declared per party (``phasing.truth``), or taken from the belief the first
truster holds about the party (:func:`from_belief`).
"""

from __future__ import annotations

from dataclasses import dataclass

from detente.errors import DetenteError
from detente.trust import BetaReputation, Hazard, TrustModel, TwoTypes


@dataclass(frozen=True, slots=True)
class TrueType:
    """A party's true type: the probability it is committed, and its hazard per move.

    >>> TrueType(committed=0.7, hazard=0.1).hazard
    0.1
    """

    committed: float = 0.0
    hazard: float = 0.0

    def __post_init__(self) -> None:
        for name in ("committed", "hazard"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise DetenteError(f"truth: {name} must be a probability in [0, 1], got {value}")


def from_belief(model: TrustModel | None) -> TrueType:
    """The truth a belief implies when none is declared.

    A two-type belief: committed with the trustworthy type's probability, struck
    by the trustworthy type's reneging rate (the opportunist's rate was what the
    others feared; what it does is the path's). A Beta reputation: committed
    with its mean, no hazard. A hazard: an opportunist struck by that hazard. No
    belief: an opportunist, no hazard.

    >>> from_belief(TwoTypes(0.3, 1.0, 0.1))
    TrueType(committed=0.7, hazard=0.1)
    >>> from_belief(BetaReputation(3, 1)).committed
    0.75
    >>> from_belief(Hazard(0.05))
    TrueType(committed=0.0, hazard=0.05)
    """
    if isinstance(model, TwoTypes):
        return TrueType(1.0 - model.opportunist, model.renege_trustworthy)
    if isinstance(model, BetaReputation):
        return TrueType(model.honour_probability(), 0.0)
    if isinstance(model, Hazard):
        return TrueType(0.0, model.renege)
    return TrueType()
