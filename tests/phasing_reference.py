"""An independent, forward, path-by-path evaluation of detente's self-enforcement semantics.

It enumerates the paths of play explicitly and does the payoff accounting stage by
stage, unlike :class:`detente.phasing.enforcement.Valuation`'s backward recursion,
so the tests can check the valuation (and the designer's schedules) against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import product

import numpy as np
from hypothesis import strategies as st

from detente.phasing import Deal, Item, Stake, party_values
from detente.phasing.responses import Response
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


def _items(draw: st.DrawFn, parties: Sequence[str], count: int) -> tuple[Item, ...]:
    """``count`` random items given in turn by ``parties``: one-time values and costs, flows,
    reversibility and leverage."""
    num = st.floats(0.0, 2.0)
    return tuple(
        Item(
            f"i{k}",
            parties[k % len(parties)],
            cost=draw(num),
            value=party_values({p: draw(num) for p in parties}),
            flow=party_values({p: draw(st.floats(0.0, 0.3)) for p in parties}),
            reversibility=draw(st.floats(0.0, 1.0)),
            leverage=party_values({p: draw(st.floats(-1.0, 1.0)) for p in parties}),
        )
        for k in range(count)
    )


def _stakes_and_beliefs(
    draw: st.DrawFn, parties: Sequence[str]
) -> tuple[tuple[Stake, ...], dict[tuple[str, str], Hazard | TwoTypes]]:
    """Random stakes (discount, outside option, completion value) and every party's belief
    about every other (a hazard or two types)."""
    stakes = tuple(
        Stake(p, draw(st.floats(0.6, 0.9)), draw(st.floats(-2.0, 2.0)), draw(st.floats(0.0, 5.0)))
        for p in parties
    )
    beliefs: dict[tuple[str, str], Hazard | TwoTypes] = {
        (a, b): draw(
            st.sampled_from(
                [Hazard(draw(st.floats(0.0, 0.5))), TwoTypes(draw(st.floats(0, 1)), 0.9, 0.1)]
            )
        )
        for a in parties
        for b in parties
        if a != b
    }
    return stakes, beliefs


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
    items = _items(draw, parties, draw(st.integers(1, 4)))
    if simultaneous is None:
        simultaneous = draw(st.booleans())
    givers = list(dict.fromkeys(it.giver for it in items))
    order = (tuple(givers),) if simultaneous else tuple((p,) for p in givers)
    stakes, beliefs = _stakes_and_beliefs(draw, parties)
    deal = Deal(stakes, items, order, trust=TrustTable(beliefs))
    stages = draw(st.integers(1, 3))
    amounts = np.array([[draw(st.floats(0.0, 2.0)) for _ in range(stages)] for _ in items])
    return deal, amounts


# --- partial compliance: single-item withholdings and proportional responses --------------
#
# An independent forward accounting of plays in which a mover may withhold items and the
# others answer with the declared responses, written without detente's deviation machinery:
# a schedule is its deliveries ``X[item, stage]``, withdrawals ``W[item, stage]`` (stock
# taken back at the move of the item's giver), withdrawals after the schedule ``post[item]``,
# the items no longer in the deal, and whether the completion value is still paid.


@dataclass(frozen=True)
class Play:
    """A schedule as the deviations so far left it."""

    X: np.ndarray
    W: np.ndarray
    post: np.ndarray
    cancelled: frozenset[int] = frozenset()
    completion: bool = True


def fresh(amounts: np.ndarray) -> Play:
    return Play(amounts, np.zeros_like(amounts), np.zeros(amounts.shape[0]))


def _group_of(deal: Deal, party: str) -> int:
    return next(g for g, members in enumerate(deal.order) if party in members)


def play_value(
    deal: Deal,
    play: Play,
    party: str,
    origin: int,
    moves: dict[int, tuple[set[int], set[str]]],
    broke: bool,
) -> float:
    """Party's value (at the stage of group ``origin``) of one play: groups before ``origin``
    carried out in full, group ``n`` of ``moves`` delivering the items and making the
    withdrawals of the movers given, up to its last group; then a breakdown (``broke``) or,
    when every group was played, the end of the schedule."""
    G, K = len(deal.order), play.X.shape[1]
    stake = next(s for s in deal.stakes if s.party == party)
    d = stake.discount
    t0 = origin // G
    last = max(moves) if moves else origin - 1
    delivered = np.zeros_like(play.X)
    withdrawn = np.zeros_like(play.X)
    value = 0.0
    for n in range(last + 1):
        t, g = divmod(n, G)
        if n < origin:
            items = {i for i, it in enumerate(deal.items) if _group_of(deal, it.giver) == g}
            movers = set(deal.order[g])
        else:
            items, movers = moves[n]
        for i, it in enumerate(deal.items):
            if _group_of(deal, it.giver) != g:
                continue
            if i in items:
                delivered[i, t] = play.X[i, t]
                if n >= origin:
                    value += d ** (t - t0) * play.X[i, t] * it.once(party)
            if it.giver in movers and play.W[i, t]:
                withdrawn[i, t] = play.W[i, t]
                if n >= origin:
                    value -= d ** (t - t0) * play.W[i, t] * max(it.once(party), 0.0)
    flow = np.array([it.per_stage_flow(party) for it in deal.items])
    forever = 1.0 / (1.0 - d) if d < 1 else 0.0
    t_end = last // G
    for u in range(t0, t_end if broke else K):
        level = delivered[:, : u + 1].sum(axis=1) - withdrawn[:, : u + 1].sum(axis=1)
        value += d**u / d**t0 * float(level @ flow)
    level = delivered.sum(axis=1) - withdrawn.sum(axis=1)
    if broke:
        rho = np.array([it.reversibility for it in deal.items])
        before = delivered[:, :t_end].sum(axis=1)
        gains = np.array([max(it.once(party), 0.0) for it in deal.items])
        outside = stake.outside + sum(
            b * it.leverage_on(party) for b, it in zip(before, deal.items, strict=True)
        )
        value += d ** (t_end - t0) * (outside - float((rho * level) @ gains))
        value += d ** (t_end - t0) * forever * float((level * (1 - rho)) @ flow)
        return value
    gains = np.array([max(it.once(party), 0.0) for it in deal.items])
    value -= d ** (K - t0) * float(play.post @ gains)
    value += d ** (K - t0) * forever * float((level - play.post) @ flow)
    if play.completion:
        value += d ** (K - 1 - t0) * stake.completion
    return value


def _mine(deal: Deal, play: Play, party: str) -> list[int]:
    return [i for i, it in enumerate(deal.items) if it.giver == party and i not in play.cancelled]


def choices(deal: Deal, play: Play, n: int) -> list[object]:
    """The mover's options at group ``n`` (sequential orders): ``"honour"``, ``"all"`` and
    every item it delivers in the move, when it gives more than one (no dominance pruning)."""
    (mover,) = deal.order[n % len(deal.order)]
    mine = _mine(deal, play, mover)
    t = n // len(deal.order)
    singles = [i for i in mine if play.X[i, t] > 1e-9] if len(mine) > 1 else []
    return ["honour", "all", *singles]


def withheld(deal: Deal, play: Play, n: int, choice: object) -> list[int]:
    (mover,) = deal.order[n % len(deal.order)]
    return _mine(deal, play, mover) if choice == "all" else [int(choice)]  # type: ignore[call-overload]


def ends(deal: Deal, items: list[int]) -> bool:
    def ending(i: int) -> bool:
        mine = [r for r in deal.responses if r.to == deal.items[i].name]
        return not mine or any(r.kind == "end" for r in mine)

    return any(ending(i) for i in items)


def modify(deal: Deal, play: Play, n: int, items: list[int]) -> Play:
    """The schedule after the mover of group ``n`` withholds ``items`` (none ending)."""
    G, K = len(deal.order), play.X.shape[1]
    t, g = divmod(n, G)
    X, W, post = play.X.copy(), play.W.copy(), play.post.copy()
    shares: dict[int, float] = {}
    for i in items:
        for r in deal.responses:
            if r.to == deal.items[i].name and r.item is not None:
                target = deal.item_names.index(r.item)
                shares[target] = max(shares.get(target, 0.0), r.fraction or 0.0)
    for i in items:
        X[i, t:] = 0.0
    for target, share in shares.items():
        s = t if _group_of(deal, deal.items[target].giver) > g else t + 1
        stock = play.X[target, :s].sum() - play.W[target, : s + 1].sum()
        if s >= K:
            stock -= play.post[target]
        X[target, s:] = 0.0
        if s < K:
            W[target, s] += share * stock
        else:
            post[target] += share * stock
    return Play(X, W, post, play.cancelled | set(items) | set(shares), completion=False)


def activity(deal: Deal, play: Play) -> np.ndarray:
    """``[party, stage]``: whether the party delivers or withdraws anything in the stage."""
    act = np.zeros((len(deal.parties), play.X.shape[1]), dtype=bool)
    for i, it in enumerate(deal.items):
        act[deal.parties.index(it.giver)] |= (play.X[i] > 1e-9) | (play.W[i] != 0)
    return act


def _belief(deal: Deal, party: str, q: str, t: int, stages: int) -> float:
    return compliance_path(deal.trust.model(party, q), stages)[t]


def believed(
    deal: Deal,
    play: Play,
    party: str,
    origin: int,
    start: int,
    act: np.ndarray,
    sure: bool,
) -> float:
    """Party's value (at the stage of ``origin``) of ``play`` carried out as believed from
    group ``start`` (groups ``origin``..``start - 1`` carried out in full): its own moves
    honoured, every other non-empty move (per ``act``) honoured with its belief, a failure a
    breakdown; ``sure``: the move at ``start`` is made for sure."""
    G, K = len(deal.order), play.X.shape[1]
    everyone = {
        n: (
            {i for i, it in enumerate(deal.items) if _group_of(deal, it.giver) == n % G},
            set(deal.order[n % G]),
        )
        for n in range(K * G)
    }
    prefix = {n: everyone[n] for n in range(origin, start)}
    value, reach = 0.0, 1.0
    for n in range(start, K * G):
        (q,) = deal.order[n % G]
        t = n // G
        if q != party and act[deal.parties.index(q), t] and not (sure and n == start):
            p = _belief(deal, party, q, t, K)
            failed = {**prefix, n: (set(), set())}
            value += reach * (1 - p) * play_value(deal, play, party, origin, failed, True)
            reach *= p
        prefix[n] = everyone[n]
    return value + reach * play_value(deal, play, party, origin, prefix, False)


def deviation_value(
    deal: Deal, play: Play, party: str, origin: int, n: int, choice: object, act: np.ndarray
) -> float:
    """The one-shot value to ``party`` (at the stage of ``origin``) of the mover of group
    ``n`` making ``choice`` (not honouring), everything before carried out."""
    G = len(deal.order)
    items = withheld(deal, play, n, choice)
    (mover,) = deal.order[n % G]
    prefix = {
        m: (
            {i for i, it in enumerate(deal.items) if _group_of(deal, it.giver) == m % G},
            set(deal.order[m % G]),
        )
        for m in range(origin, n)
    }
    if ends(deal, items):
        mine = {i for i, it in enumerate(deal.items) if _group_of(deal, it.giver) == n % G}
        movers = set() if choice == "all" else {mover}
        prefix[n] = (mine - set(items) if choice != "all" else set(), movers)
        return play_value(deal, play, party, origin, prefix, True)
    return believed(deal, modify(deal, play, n, items), party, origin, n, act, sure=True)


def reference_plan_value(
    deal: Deal, play: Play, party: str, n: int, plan: dict[int, object]
) -> float:
    """Party's value (at the stage of group ``n``) of honouring its move there, every later
    non-empty move following ``plan`` (a planned honour fails with the party's belief, a
    planned deviation is honoured with its belief that the mover is committed, else made;
    the party's own moves follow the plan)."""
    G, K = len(deal.order), play.X.shape[1]
    act = activity(deal, play)
    everyone = {
        m: (
            {i for i, it in enumerate(deal.items) if _group_of(deal, it.giver) == m % G},
            set(deal.order[m % G]),
        )
        for m in range(K * G)
    }
    prefix = {n: everyone[n]}
    value, reach = 0.0, 1.0
    for m in range(n + 1, K * G):
        (q,) = deal.order[m % G]
        if m in plan:
            t = m // G
            if plan[m] == "honour":
                stay = 1.0 if q == party else _belief(deal, party, q, t, K)
                other = play_value(deal, play, party, n, {**prefix, m: (set(), set())}, True)
            else:
                stay = 0.0 if q == party else _committed(deal, party, q)
                other = deviation_value(deal, play, party, n, m, plan[m], act)
            value += reach * (1 - stay) * other
            reach *= stay
        prefix[m] = everyone[m]
    return value + reach * play_value(deal, play, party, n, prefix, False)


def _committed(deal: Deal, truster: str, trustee: str) -> float:
    if (truster, trustee) not in deal.trust.beliefs:
        return 0.0
    return from_belief(deal.trust.model(truster, trustee)).committed


def consistent_plans(deal: Deal, play: Play, start: int = 0) -> list[dict[int, object]]:
    """Every plan of honour / renege-all / withhold-one-item over the non-empty moves from
    group ``start`` on in which each move is a best response to the plan after it (ties
    honour; a deviation within the tolerance of the best one is accepted), by enumerating
    all plans."""
    G, K = len(deal.order), play.X.shape[1]
    act = activity(deal, play)
    moves = [
        n
        for n in range(start, K * G)
        if act[deal.parties.index(deal.order[n % G][0]), n // G]
        and _mine(deal, play, deal.order[n % G][0])
    ]
    options = [choices(deal, play, n) for n in moves]
    deviations = {
        n: {c: deviation_value(deal, play, deal.order[n % G][0], n, n, c, act) for c in opts[1:]}
        for n, opts in zip(moves, options, strict=True)
    }
    memo: dict[tuple[int, tuple[object, ...]], float] = {}
    found = []
    for plan_choices in product(*options):
        plan = dict(zip(moves, plan_choices, strict=True))
        good = True
        for k, n in enumerate(moves):
            key = (n, tuple(plan_choices[k + 1 :]))
            if key not in memo:
                memo[key] = reference_plan_value(deal, play, deal.order[n % G][0], n, plan)
            honour = memo[key]
            best = max(deviations[n].values())
            tol = 1e-6 * (1 + abs(honour - best))
            if plan[n] == "honour":
                good = honour >= best - tol
            else:
                good = honour < best + tol and deviations[n][plan[n]] >= best - tol
            if not good:
                break
        if good:
            found.append(plan)
    return found


@st.composite
def responses_for(draw: st.DrawFn, deal: Deal) -> Deal:
    """``deal`` with declared responses: per item none, end, or suspending or snapping back
    one or two items of other parties."""
    responses = []
    for item in deal.items:
        others = [o.name for o in deal.items if o.giver != item.giver]
        kind = draw(st.sampled_from(["none", "end", "suspend", "snap_back", "snap_back"]))
        if kind == "end":
            responses.append(Response(item.name, "end"))
        elif kind != "none" and others:
            targets = draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True))
            for target in targets:
                share = draw(st.floats(0.05, 1.0)) if kind == "snap_back" else None
                responses.append(Response(item.name, kind, target, share))
    return replace(deal, responses=tuple(responses))


@st.composite
def responsive_deals(
    draw: st.DrawFn, simultaneous: bool = False, max_stages: int = 2
) -> tuple[Deal, np.ndarray]:
    """Deals of two (sometimes three) parties giving two or three items each, flows,
    reversibility, leverage, beliefs, declared responses, and small schedules with some
    amounts zero (empty moves, items not delivered in a stage)."""
    parties = ["A", "B", "C"][: draw(st.sampled_from([2, 2, 3]))]
    count = draw(st.integers(len(parties) + 1, 2 * len(parties) + (1 if len(parties) == 2 else 0)))
    items = _items(draw, parties, count)
    order = (tuple(parties),) if simultaneous else tuple((p,) for p in parties)
    stakes, beliefs = _stakes_and_beliefs(draw, parties)
    deal = draw(responses_for(Deal(stakes, items, order, trust=TrustTable(beliefs))))
    stages = draw(st.integers(1, max_stages))
    amount = st.one_of(st.just(0.0), st.floats(0.1, 2.0))
    amounts = np.array([[draw(amount) for _ in range(stages)] for _ in items])
    return deal, amounts
