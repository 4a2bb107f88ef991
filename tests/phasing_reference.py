"""An independent, forward, path-by-path evaluation of detente's self-enforcement semantics.

It enumerates the paths of play explicitly and does the payoff accounting stage by
stage, unlike :class:`detente.phasing.enforcement.Valuation`'s backward recursion,
so the tests can check the valuation (and the designer's schedules) against it.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from detente.phasing import Deal, Item, Stake, party_values
from detente.phasing.truth import from_belief
from detente.trust import Hazard, TrustTable, TwoTypes, compliance_path

HORIZON = 300
"""Stages of flows summed explicitly (δ ≤ 0.9 makes the rest negligible)."""


def path_value(
    deal: Deal,
    amounts: np.ndarray,
    party: str,
    start: int,
    honour: dict[int, set[str]],
    renegers: set[str],
) -> float:
    """Party's present value (at the stage of group ``start``) of one path of play.

    Groups before ``start`` were honoured by everyone; groups ``start`` to the
    breakdown group are honoured by ``honour[g]``; the breakdown group (the last
    key) has ``renegers``. With no renegers the schedule is completed. Written
    forward, stage by stage, independently of detente's backward valuation.
    """
    stake = next(s for s in deal.stakes if s.party == party)
    groups = len(deal.order)
    stages = amounts.shape[1]
    delta = stake.discount
    t0 = start // groups
    end = max(honour) if honour else start - 1
    delivered = np.zeros_like(amounts)
    value = 0.0
    for n in range(end + 1):
        t, g = divmod(n, groups)
        movers = set(deal.order[g]) if n < start else honour[n]
        for i, item in enumerate(deal.items):
            if item.giver in movers and item.giver in deal.order[g]:
                delivered[i, t] = amounts[i, t]
                if n >= start:
                    value += delta ** (t - t0) * amounts[i, t] * item.once(party)
    broke = bool(renegers)
    t_end = end // groups if honour else t0
    level = delivered.sum(axis=1)
    if broke:
        scale = np.array([1 - it.reversibility for it in deal.items])
        before = delivered[:, :t_end].sum(axis=1)
        outside = stake.outside + sum(
            before[i] * it.leverage_on(party) for i, it in enumerate(deal.items)
        )
        value += delta ** (t_end - t0) * outside
        for i, it in enumerate(deal.items):  # a breakdown undoes the reversible share
            value -= delta ** (t_end - t0) * it.reversibility * level[i] * max(it.once(party), 0)
    flow = np.array([it.per_stage_flow(party) for it in deal.items])
    for u in range(t0, t0 + HORIZON):
        lv = level * scale if broke and u >= t_end else delivered[:, : u + 1].sum(axis=1)
        value += delta ** (u - t0) * float(lv @ flow)
    if not broke:
        value += delta ** (stages - 1 - t0) * stake.completion
    return value


def reference_slack(deal: Deal, amounts: np.ndarray, party: str, start: int) -> float:
    """Honouring minus reneging at ``party``'s move in group ``start``, by enumerating paths."""
    groups, stages = len(deal.order), amounts.shape[1]
    others = lambda n: [q for q in deal.order[n % groups] if q != party]  # noqa: E731

    def belief(q: str, n: int) -> float:
        return compliance_path(deal.trust.model(party, q), stages)[n // groups]

    def subsets(members: list[str], n: int) -> list[tuple[set[str], float]]:
        """Every set of renegers among ``members`` at group ``n``, with its probability."""
        out = []
        for mask in range(2 ** len(members)):
            chosen = {q for k, q in enumerate(members) if mask >> k & 1}
            p = 1.0
            for q in members:
                p *= (1 - belief(q, n)) if q in chosen else belief(q, n)
            out.append((chosen, p))
        return out

    honour_value, prefix, reach = 0.0, {}, 1.0
    for current in range(start, stages * groups):
        members = set(deal.order[current % groups])
        for chosen, p in subsets(others(current), current):
            path = {**prefix, current: members - chosen}
            if chosen:
                honour_value += reach * p * path_value(deal, amounts, party, start, path, chosen)
        stay = np.prod([belief(q, current) for q in others(current)]) if others(current) else 1.0
        prefix = {**prefix, current: members}
        reach *= stay
    honour_value += reach * path_value(deal, amounts, party, start, prefix, set())
    renege_value = 0.0
    for chosen, p in subsets(others(start), start):
        members = set(deal.order[start % groups]) - chosen - {party}
        renege_value += p * path_value(
            deal, amounts, party, start, {start: members}, chosen | {party}
        )
    return honour_value - renege_value


def active_moves(deal: Deal, amounts: np.ndarray) -> dict[int, str]:
    """Group → mover of every non-empty move (sequential orders: one mover per group)."""
    groups = len(deal.order)
    moves = {}
    for n in range(amounts.shape[1] * groups):
        (mover,) = deal.order[n % groups]
        given = [i for i, it in enumerate(deal.items) if it.giver == mover]
        if any(abs(amounts[i, n // groups]) > 1e-9 for i in given):
            moves[n] = mover
    return moves


def plan_value(
    deal: Deal, amounts: np.ndarray, party: str, start: int, plan: dict[int, bool], honours: bool
) -> float:
    """Party's expected value from group ``start`` (its own move there honoured or not), every
    later non-empty move following ``plan`` (a planned honour still fails with the party's
    belief about the mover, a planned renege is honoured with its belief that the mover is
    committed; its own moves follow the plan), by enumerating the paths."""
    groups, stages = len(deal.order), amounts.shape[1]
    moves = active_moves(deal, amounts)
    everyone = {n: set(deal.order[n % groups]) for n in range(stages * groups)}
    if not honours:
        return path_value(deal, amounts, party, start, {start: set()}, {party})

    def chance(n: int) -> float:
        mover = moves.get(n)
        if mover is None:
            return 1.0
        if mover == party:
            return 1.0 if plan[n] else 0.0
        model = deal.trust.model(party, mover)
        if not plan[n]:  # reneged by an opportunist: honoured if the mover is committed
            return from_belief(model).committed if (party, mover) in deal.trust.beliefs else 0.0
        return compliance_path(model, stages)[n // groups]

    value, reach, prefix = 0.0, 1.0, {start: everyone[start]}
    for n in range(start + 1, stages * groups):
        stay = chance(n)
        if stay < 1.0:
            broken = {**prefix, n: everyone[n] - {moves[n]}}
            value += (
                reach * (1 - stay) * path_value(deal, amounts, party, start, broken, {moves[n]})
            )
        reach *= stay
        prefix = {**prefix, n: everyone[n]}
    return value + reach * path_value(deal, amounts, party, start, prefix, set())


def brute_force_plans(deal: Deal, amounts: np.ndarray) -> list[dict[int, bool]]:
    """Every honour/renege plan over the non-empty moves that is subgame perfect (each move a
    best response to the plan after it, ties honouring), found by enumerating all plans."""
    moves = active_moves(deal, amounts)
    order = sorted(moves)
    found = []
    for mask in range(2 ** len(order)):
        plan = {n: not (mask >> k & 1) for k, n in enumerate(order)}
        best = True
        for n in order:
            honour = plan_value(deal, amounts, moves[n], n, plan, True)
            renege = plan_value(deal, amounts, moves[n], n, plan, False)
            slack = honour - renege
            if plan[n] != (slack >= -1e-6 * (1 + abs(slack))):
                best = False
                break
        if best:
            found.append(plan)
    return found


@st.composite
def sequential_deals(draw: st.DrawFn) -> tuple[Deal, np.ndarray]:
    """Two parties moving one after the other; some amounts zero (empty moves)."""
    deal, _ = draw(small_deals(simultaneous=False))
    stages = draw(st.integers(1, 3))
    amount = st.one_of(st.just(0.0), st.floats(0.1, 2.0))
    amounts = np.array([[draw(amount) for _ in range(stages)] for _ in deal.items])
    return deal, amounts


@st.composite
def small_deals(draw: st.DrawFn, simultaneous: bool | None = None) -> tuple[Deal, np.ndarray]:
    """Two or three parties, flows, reversibility, leverage, beliefs, either move order."""
    parties = ["A", "B", "C"][: draw(st.integers(2, 3))]
    num = st.floats(0.0, 2.0)
    items = tuple(
        Item(
            f"i{k}",
            parties[k % len(parties)],
            cost=draw(num),
            value=party_values({p: draw(num) for p in parties}),
            flow=party_values({p: draw(st.floats(0.0, 0.3)) for p in parties}),
            reversibility=draw(st.floats(0.0, 1.0)),
            leverage=party_values({p: draw(st.floats(-1.0, 1.0)) for p in parties}),
        )
        for k in range(draw(st.integers(1, 4)))
    )
    if simultaneous is None:
        simultaneous = draw(st.booleans())
    givers = list(dict.fromkeys(it.giver for it in items))
    order = (tuple(givers),) if simultaneous else tuple((p,) for p in givers)
    stakes = tuple(
        Stake(p, draw(st.floats(0.6, 0.9)), draw(st.floats(-2.0, 2.0)), draw(st.floats(0.0, 5.0)))
        for p in parties
    )
    beliefs = {
        (a, b): draw(
            st.sampled_from(
                [Hazard(draw(st.floats(0.0, 0.5))), TwoTypes(draw(st.floats(0, 1)), 0.9, 0.1)]
            )
        )
        for a in parties
        for b in parties
        if a != b
    }
    deal = Deal(stakes, items, order, trust=TrustTable(beliefs))
    stages = draw(st.integers(1, 3))
    amounts = np.array([[draw(st.floats(0.0, 2.0)) for _ in range(stages)] for _ in items])
    return deal, amounts
