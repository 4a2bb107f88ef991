"""Deviations: every way a mover can fail to honour its move in full, and what follows.

At a move (a party delivering its items of a stage) the mover may honour
everything, **renege on everything** (withhold every item it still gives), or
**withhold one item** it delivers in the move and honour the others. A
withheld item is cancelled for good. What follows is the others' declared
response (:mod:`detente.phasing.responses`): when any withheld item is
answered by ``end``, or has no response, the deal breaks down as in the
original model; otherwise every response to the withheld items is carried out
and the deal goes on along the *modified* schedule:

* the withheld items' amounts are zero from the move's stage on;
* a response's target is cut from the responder's next move on: in the same
  stage if its giver moves after the withholder, else from the next stage;
* a ``snap_back`` of share ``f`` withdraws ``f`` of the target's stock
  delivered by then, at that move: a *withdrawal*, kept in extra rows (one
  per snapped-back item, given by its giver) whose amounts are negative and
  whose one-time value is the receivers' positive gains, so a withdrawal
  claws them back (the giver gets no refund of its cost), stops that share of
  the flows and leaves leverage alone, as a breakdown does with the
  reversible share. A withdrawal after the last stage is kept apart
  (``post``) and valued after the schedule.

The modified schedule is a linear function of the original (masking, and a
share of a stock), so a deviation's value is affine in the amounts and the
designer stays a linear program. This module is the structure (which
deviations exist, what they change); :mod:`detente.phasing.enforcement` values
them (``docs/explanation/self-enforcement.md``, "Partial compliance and
proportional response").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from detente.phasing.deal import Deal
from detente.phasing.items import Item, party_values
from detente.phasing.responses import ends_everything
from detente.utility import FloatArray

MOVE_TOLERANCE = 1e-9
"""An amount below which nothing is delivered (as :data:`detente.phasing.enforcement.MOVE_TOLERANCE`)."""


@dataclass(frozen=True, slots=True)
class Deviation:
    """One way the mover at move group ``group`` fails to honour its move in full.

    ``withheld`` are the item positions it withholds (cancelled from the stage
    on); ``item`` is the one item withheld, ``None`` when it reneges on
    everything; ``ends`` whether the deal then breaks down (else the declared
    responses are carried out and the deal goes on).
    """

    group: int
    party: int
    withheld: tuple[int, ...]
    item: int | None
    ends: bool
    label: str


@dataclass(frozen=True, slots=True)
class Answer:
    """A response carried out: item ``item`` cut from stage ``stage`` (0-based; the number of
    stages: after the schedule), ``share`` of its stock withdrawn then."""

    item: int
    stage: int
    share: float


@dataclass(frozen=True, slots=True)
class Modified:
    """A schedule as modified by deviations: ``amounts[item, stage]`` over the deal's items
    and the withdrawal rows, ``post[item]`` the withdrawals after the last stage, and the
    items no longer in the deal (withheld, or cut by a response)."""

    amounts: FloatArray
    post: FloatArray
    cancelled: frozenset[int] = frozenset()


class Deviations:
    """The deviations of a deal over ``stages`` stages and the arrays they act on.

    ``after`` is the deal as it is valued once a deviation has been made: one
    withdrawal row appended per item some response snaps back, and no
    completion value (the whole schedule is no longer carried out). Every
    array of this class is over its items.

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.responses import Response
    >>> deal = Deal((Stake("A", 0.9), Stake("B", 0.9)),
    ...             (Item("a", "A", cost=1), Item("b1", "B", cost=1), Item("b2", "B", cost=1)),
    ...             (("A",), ("B",)), responses=(Response("b1", "snap_back", "a", 0.5),))
    >>> moves = Deviations(deal, 2)
    >>> [(d.label, d.ends) for d in moves.at(1, 1)]
    [('stage 1: B', True), ('stage 1: B withholds b1', False)]
    """

    def __init__(self, deal: Deal, stages: int) -> None:
        self.original, self.stages = deal, stages
        index = {party: k for k, party in enumerate(deal.parties)}
        self.groups = tuple(tuple(index[p] for p in g) for g in deal.order)
        names = deal.item_names
        self.ends = tuple(ends_everything(name, deal.responses) for name in names)
        """Per item: whether withholding it ends the deal."""
        self.answers = tuple(
            tuple(
                (deal.item_index(r.item), r.share)
                for r in deal.responses
                if r.to == name and not r.ends and r.item is not None
            )
            for name in names
        )
        """Per item: ``(target, share)`` of every response to withholding it."""
        targets = sorted({t for answers in self.answers for t, share in answers if share > 0})
        self.shadow = {t: len(names) + k for k, t in enumerate(targets)}
        """Target item → its withdrawal row."""
        self.rows = _withdrawal_rows(deal, targets)
        items = (*deal.items, *self.rows)
        group_of = {p: g for g, members in enumerate(self.groups) for p in members}
        self.giver = np.array([index[it.giver] for it in items])
        self.item_group = np.array([group_of[int(p)] for p in self.giver])
        self.rest = _rest(deal, items)
        """Per row: its giver's value of delivering a unit of it just before a breakdown."""
        self.trivial = not deal.responses and not any(
            len(mine) > 1 and (self.rest[mine] > 0.0).any() for mine in self._items_by_party()
        )
        """No responses, and no single-item deviation the renege-all one does not dominate:
        the deal's deviations are those of the original model (reneging on everything)."""

    @cached_property
    def after(self) -> Deal:
        """The deal after a deviation (see the class)."""
        return _after(self.original, self.rows)

    @property
    def size(self) -> int:
        """Rows: the deal's items, then the withdrawal rows."""
        return len(self.original.items) + len(self.rows)

    def _items_by_party(self) -> Iterator[list[int]]:
        for p in range(len(self.original.parties)):
            yield [i for i, it in enumerate(self.original.items) if self.giver[i] == p]

    def padded(self, amounts: FloatArray) -> Modified:
        """The original schedule ``amounts[item, stage]`` as a :class:`Modified` (no deviation)."""
        X = np.zeros((self.size, amounts.shape[-1]))
        X[: amounts.shape[0]] = amounts
        return Modified(X, np.zeros(self.size))

    # --- which deviations exist ---------------------------------------------------------------

    def at(
        self,
        n: int,
        p: int,
        cancelled: frozenset[int] = frozenset(),
        amounts: FloatArray | None = None,
    ) -> list[Deviation]:
        """The deviations at ``p``'s move in group ``n``: reneging on everything, then
        withholding each single item.

        With ``amounts`` (a state's ``[row, stage]``) only items delivered in the move can be
        withheld singly; without, every item the party gives (the designer's rows, which
        cannot know which amounts will be zero). A single-item deviation is left out when it
        is reneging on everything (the party's only item), and when it ends the deal and is
        dominated: the ending single-item deviation delivers the party's other items and
        then breaks down, which differs from reneging on everything (also ending, since it
        withholds the same item) by ``Σ_j x_j · rest_j`` over the other items ``j``
        delivered in the move (:func:`_rest`: their value to the giver, delivered just
        before a breakdown, which is linear in what the group delivers). When every
        ``rest_j ≤ 0`` (and the move snaps nothing back) that difference is ≤ 0 for every
        schedule, so reneging on everything is worth at least as much and the single-item
        deviation can never be the mover's best one.
        """
        t = n // len(self.groups)
        mine = [
            i for i in range(len(self.original.items)) if self.giver[i] == p and i not in cancelled
        ]
        if not mine:
            return []
        party = self.original.parties[p]
        everything = Deviation(
            n, p, tuple(mine), None, any(self.ends[i] for i in mine), f"stage {t + 1}: {party}"
        )
        singles = self._singles(mine, amounts, t, p)
        names = self.original.item_names
        return [everything] + [
            Deviation(n, p, (i,), i, self.ends[i], f"stage {t + 1}: {party} withholds {names[i]}")
            for i in singles
        ]

    def _singles(
        self,
        mine: list[int],
        amounts: FloatArray | None,
        t: int,
        p: int = -1,
    ) -> list[int]:
        if len(mine) < 2:
            return []
        delivered = mine if amounts is None else [i for i in mine if amounts[i, t] > MOVE_TOLERANCE]
        withdraws = amounts is not None and any(
            abs(amounts[row, t]) > MOVE_TOLERANCE
            for row in self.shadow.values()
            if self.giver[row] == p
        )
        kept = []
        for i in delivered:
            dominated = all(self.rest[j] <= 0.0 for j in mine if j != i) and not withdraws
            if not (self.ends[i] and dominated):
                kept.append(i)
        return kept

    def every(self, checked: int) -> Iterator[Deviation]:
        """Every structural deviation at every move of the first ``checked`` move groups."""
        G = len(self.groups)
        for n in range(checked):
            for p in self.groups[n % G]:
                yield from self.at(n, p)

    # --- what a deviation changes ------------------------------------------------------------

    def answers_to(self, deviations: Sequence[Deviation]) -> tuple[Answer, ...]:
        """The responses the others carry out after ``deviations`` (made in one move group and
        none of them ending): each target once, with the largest share any response gives."""
        if not deviations:
            return ()
        n = deviations[0].group
        t, g = divmod(n, len(self.groups))
        shares: dict[int, float] = {}
        for deviation in deviations:
            for i in deviation.withheld:
                for target, share in self.answers[i]:
                    shares[target] = max(shares.get(target, 0.0), share)
        return tuple(
            Answer(target, t if self.item_group[target] > g else t + 1, share)
            for target, share in sorted(shares.items())
        )

    def apply(self, state: Modified, deviations: Sequence[Deviation]) -> Modified:
        """The schedule after ``deviations`` in one move group, none of them ending."""
        t = deviations[0].group // len(self.groups)
        X, post = state.amounts.copy(), state.post.copy()
        answers = self.answers_to(deviations)
        stocks = [self._stock(state, a) for a in answers]
        cancelled = set(state.cancelled)
        for deviation in deviations:
            X[list(deviation.withheld), t:] = 0.0
            cancelled.update(deviation.withheld)
        for answer, stock in zip(answers, stocks, strict=True):
            X[answer.item, answer.stage :] = 0.0
            cancelled.add(answer.item)
            if answer.share > 0.0:
                row = self.shadow[answer.item]
                if answer.stage < self.stages:
                    X[row, answer.stage] -= answer.share * stock
                else:
                    post[row] -= answer.share * stock
        return Modified(X, post, frozenset(cancelled))

    def _stock(self, state: Modified, answer: Answer) -> float:
        """The target's stock when the response takes effect, net of earlier withdrawals
        (those due at the same move included)."""
        X, s = state.amounts, answer.stage
        stock = float(X[answer.item, :s].sum())
        row = self.shadow.get(answer.item)
        if row is not None:
            stock += float(X[row, : s + 1].sum()) + (state.post[row] if s >= self.stages else 0.0)
        return stock

    def masked(self, amounts: FloatArray, deviations: Iterable[Deviation]) -> FloatArray:
        """``amounts[..., row, stage]`` with the deviations' withheld items cut from their
        stage on (what is delivered in the move group when the deal breaks down there)."""
        X = amounts.copy()
        for deviation in deviations:
            t = deviation.group // len(self.groups)
            X[..., list(deviation.withheld), t:] = 0.0
        return X

    def linear(
        self, deviation: Deviation, coefficients: FloatArray, post: FloatArray
    ) -> FloatArray:
        """``[item, stage]`` coefficients of ``f(modified(X))`` in the original amounts ``X``,
        for an affine ``f`` whose coefficients on the modified schedule are ``coefficients``
        (``[row, stage]``) and ``post`` (``[row]``); the original schedule has no withdrawal.
        """
        items = len(self.original.items)
        t = deviation.group // len(self.groups)
        row = coefficients[:items].copy()
        row[list(deviation.withheld), t:] = 0.0
        for answer in self.answers_to([deviation]):
            row[answer.item, answer.stage :] = 0.0
            if answer.share > 0.0:
                shadow = self.shadow[answer.item]
                unit = (
                    coefficients[shadow, answer.stage]
                    if answer.stage < self.stages
                    else post[shadow]
                )
                row[answer.item, : answer.stage] -= answer.share * unit
        return row


def _rest(deal: Deal, items: Sequence[Item]) -> FloatArray:
    """Per item: what a unit of it is worth to its giver when delivered just before a
    breakdown: its one-time value, the flows that go on (the irreversible share, forever),
    less the reversible share of a positive one-time value clawed back."""
    stakes = {s.party: s for s in deal.stakes}
    rest = []
    for item in items:
        stake = stakes[item.giver]
        forever = 1.0 / (1.0 - stake.discount) if stake.discount < 1.0 else 0.0
        once = item.once(item.giver)
        kept = 1.0 - item.reversibility
        rest.append(
            once
            + forever * kept * item.per_stage_flow(item.giver)
            - item.reversibility * max(once, 0.0)
        )
    return np.array(rest, dtype=np.float64)


def _withdrawal_rows(deal: Deal, targets: Sequence[int]) -> list[Item]:
    """One withdrawal row per target, given by the target's giver, worth the receivers'
    positive one-time gains and the target's flows and reversibility per unit, no cost, no
    leverage (a negative amount withdraws stock)."""
    taken = set(deal.item_names)
    rows = []
    for t in targets:
        item = deal.items[t]
        name = f"{item.name} (withdrawn)"
        while name in taken:
            name += "'"
        taken.add(name)
        gains = {p: max(item.once(p), 0.0) for p in deal.parties if item.once(p) > 0.0}
        rows.append(
            Item(
                name,
                item.giver,
                value=party_values(gains),
                flow=item.flow,
                flow_cost=item.flow_cost,
                reversibility=item.reversibility,
            )
        )
    return rows


def _after(deal: Deal, rows: Sequence[Item]) -> Deal:
    """``deal`` after a deviation: its withdrawal rows appended, no completion value."""
    return replace(
        deal,
        stakes=tuple(replace(stake, completion=0.0) for stake in deal.stakes),
        items=(*deal.items, *rows),
        links=(),
        equal_steps=(),
        measure=(),
        responses=(),
    )
