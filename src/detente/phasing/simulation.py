"""Simulated implementation: carry a schedule out many times with seeded randomness.

Each session draws every party's true type (:mod:`detente.phasing.truth`):
committed with its probability, else an opportunist. At each non-empty move
the mover's hazard may strike (the whole move fails, the deal breaks down); an
opportunist also deviates wherever the schedule's equilibrium path
(:mod:`detente.phasing.path`) has it deviate, a committed party never does. An
empty move cannot be reneged. A deviation the others answer in proportion
(:mod:`detente.phasing.deviations`) lets the session go on along the modified
schedule, whose own plan the opportunists then follow; any other ends the
session, and everyone gets its breakdown value. Beliefs never decide what a
party does, only what the others expect: that is what the path is computed
from. A dated strike (:mod:`detente.phasing.calendar`) adds its probability at
the move it falls on; a deadline ends every session still running there (a lapse).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.phasing.deal import Deal
from detente.phasing.deviations import Deviation
from detente.phasing.enforcement import Valuation
from detente.phasing.path import Game, Node, equilibrium_game, equilibrium_path
from detente.phasing.schedule import Schedule, aligned
from detente.utility import FloatArray


@dataclass(frozen=True, slots=True)
class Implementation:
    """What happened over many simulated sessions.

    ``break_stage_histogram[k]`` counts the sessions that broke down in stage
    ``k + 1``; ``completion_probability`` is the analytic probability that every
    move is honoured, over the true types (what the completion rate converges to).
    ``deviations`` counts, per ``(stage, party, item withheld or None for everything,
    whether the deal went on)``, the sessions in which an opportunist withheld one item, or
    deviated and the deal went on (reneging on everything and ending it is counted in
    ``reneged_by``); ``went_on`` the sessions carried to the end after such a deviation,
    which are not completed.
    ``lapsed`` counts the sessions a deadline ended unfinished, with no one reneging
    (in the first stage it cuts off).
    """

    sessions: int
    completion_rate: float
    break_stage_histogram: tuple[int, ...]
    expected_values: tuple[tuple[str, float], ...]
    completion_probability: float
    reneged_by: tuple[tuple[str, int], ...]
    deviations: tuple[tuple[int, str, str | None, bool, int], ...] = ()
    went_on: int = 0
    lapsed: int = 0


def implement(
    deal: Deal, schedule: Schedule, sessions: int, rng: np.random.Generator
) -> Implementation:
    """Carry ``schedule`` out ``sessions`` times.

    >>> from detente.phasing.deal import Stake
    >>> from detente.phasing.items import Item, party_values
    >>> from detente.trust import Hazard, TrustTable
    >>> deal = Deal((Stake("A"), Stake("B")),
    ...             (Item("x", "A", value=party_values({"B": 1})),), (("A",),),
    ...             trust=TrustTable({("B", "A"): Hazard(0.5)}))
    >>> run = implement(deal, Schedule(("x",), ((1.0,), (1.0,))), 4000, np.random.default_rng(1))
    >>> run.completion_probability, abs(run.completion_rate - 0.25) < 0.02
    (0.25, True)
    """
    schedule = schedule.trimmed()
    if sessions < 1:
        raise DetenteError(f"the number of sessions must be at least 1, got {sessions}")
    X = aligned(deal, schedule)[None]
    valuation = Valuation(deal, schedule.stages)
    game = equilibrium_game(deal, schedule, valuation)
    if not game.trivial:
        return _Sessions(game, sessions, rng).run()
    path = equilibrium_path(deal, schedule, valuation)
    active = valuation.active(X)
    struck = valuation.strikes(active)
    committed = [rng.random(sessions) < t.committed for t in valuation.types]
    broke_at = np.full(sessions, -1)
    renegers = np.zeros(sessions, dtype=np.int64)
    G = len(valuation.groups)
    for n in range(valuation.n_groups):
        alive = broke_at < 0
        t = n // G
        for p in valuation.groups[n % G]:
            if not active[p, t]:
                continue  # nothing to withhold, nothing to strike
            reneges = rng.random(sessions) < _hazard(valuation.types[p].hazard, struck[p, t])
            if path.reneges(t + 1, deal.parties[p]):
                reneges |= ~committed[p]
            renegers[alive & reneges] |= 1 << p
        broke_at[alive & (renegers > 0)] = n
    return _summarise(valuation, X, broke_at, renegers, path.completion_probability)


def _hazard(own: float, spared: float) -> float:
    """A move's hazard: the mover's own, combined with the dated strikes that spare it with
    probability ``spared`` (``1 − (1 − h)(1 − p)``)."""
    return own if spared == 1.0 else 1.0 - (1.0 - own) * spared


def _summarise(
    valuation: Valuation,
    X: FloatArray,
    broke_at: np.ndarray,
    renegers: np.ndarray,
    completion_probability: float,
) -> Implementation:
    deal, G = valuation.deal, len(valuation.groups)
    parties = range(len(deal.parties))
    full = [valuation.continuation(X, p, np.ones_like(valuation.truth))[0] for p in parties]
    values = np.tile([v[0] for v in full], (len(broke_at), 1))
    for (n, mask), count in Counter(zip(broke_at.tolist(), renegers.tolist(), strict=True)).items():
        if n < 0:
            continue
        who = frozenset(p for p in parties if mask >> p & 1)
        rows = (broke_at == n) & (renegers == mask)
        for p in parties:
            discount = valuation.reach[p, n // G]
            after = valuation.breakdown(X, p, n, who)[0]
            values[rows, p] = full[p][0] + discount * (after - full[p][n])
        del count
    stages = valuation.stages
    histogram = np.bincount(broke_at[broke_at >= 0] // G, minlength=stages)
    blame = Counter(p for mask in renegers.tolist() for p in parties if mask >> p & 1)
    lapsed = int(np.sum(broke_at < 0)) if valuation.lapses else 0
    return Implementation(
        sessions=len(broke_at),
        completion_rate=0.0 if valuation.lapses else float(np.mean(broke_at < 0)),
        break_stage_histogram=tuple(int(c) for c in histogram),
        expected_values=tuple(
            zip(deal.parties, (float(v) for v in values.mean(axis=0)), strict=True)
        ),
        completion_probability=completion_probability,
        reneged_by=tuple((deal.parties[p], blame[p]) for p in parties),
        lapsed=lapsed,
    )


class _Sessions:
    """Sessions of a deal some of whose deviations go on or withhold one item: each session
    is at a node of the game (the schedule as the deviations so far left it) and follows
    that node's plan."""

    def __init__(self, game: Game, sessions: int, rng: np.random.Generator) -> None:
        self.game, self.rng, self.v = game, rng, game.valuation
        self.committed = [rng.random(sessions) < t.committed for t in self.v.types]
        self.nodes: list[Node] = [game.root]
        self.spared = [game.root.v.strikes(game.root.active)]
        """Per node: ``[party, stage]``, the chance no dated event strikes the move."""
        self.at = np.zeros(sessions, dtype=np.int64)
        """Each session's node (an index into ``nodes``)."""
        self.broke_at = np.full(sessions, -1)
        self.failed = np.zeros(sessions, dtype=np.int64)
        """Bit ``p``: party ``p``'s move failed (its hazard struck) in the breakdown group."""
        self.made = np.zeros(sessions, dtype=np.int64)
        """Bit ``p``: party ``p`` deviated in the breakdown group."""
        self.deviated = np.zeros(sessions, dtype=np.bool_)
        self.counts: Counter[tuple[int, str, str | None, bool]] = Counter()

    def run(self) -> Implementation:
        for n in range(self.v.n_groups):
            self._group(n)
        return self._summary()

    def _group(self, n: int) -> None:
        """Every alive session's move group ``n``: hazards, then the plan's deviations."""
        v, G = self.v, len(self.v.groups)
        t, members = n // G, v.groups[n % G]
        alive = self.broke_at < 0
        failed = np.zeros(len(alive), dtype=np.int64)
        for p in members:
            active = np.array([node.active[p, t] for node in self.nodes])[self.at]
            if not (active & alive).any():
                continue  # nothing to withhold, nothing to strike, in any session
            spared = np.array([node[p, t] for node in self.spared])
            hazard = np.array([_hazard(v.types[p].hazard, s) for s in spared])[self.at]
            struck = self.rng.random(len(alive)) < hazard
            failed[struck & active] |= 1 << p
        made = np.zeros(len(alive), dtype=np.int64)
        for k, node in enumerate(self.nodes):
            here = alive & (self.at == k)
            for p in members:
                if node.deviation(n, p) is not None:
                    made[here & ~self.committed[p] & (failed >> p & 1 == 0)] |= 1 << p
        for k, fails, makes in sorted(
            set(
                zip(
                    self.at[alive].tolist(),
                    failed[alive].tolist(),
                    made[alive].tolist(),
                    strict=True,
                )
            )
        ):
            if fails or makes:
                rows = alive & (self.at == k) & (failed == fails) & (made == makes)
                self._outcome(n, k, fails, makes, rows)

    def _outcome(self, n: int, k: int, fails: int, makes: int, rows: np.ndarray) -> None:
        node, G = self.nodes[k], len(self.v.groups)
        parties = self.v.deal.parties
        devs = [d for p in self.v.groups[n % G] if makes >> p & 1 if (d := node.deviation(n, p))]
        names = self.game.moves.original.item_names
        count = int(rows.sum())
        for d in devs:
            if d.item is not None or not d.ends:
                item = None if d.item is None else names[d.item]
                self.counts[(n // G + 1, parties[d.party], item, not d.ends)] += count
        if fails or any(d.ends for d in devs):
            self.broke_at[rows], self.failed[rows], self.made[rows] = n, fails, makes
            return
        child = node.child(n, devs)
        if child not in self.nodes:
            self.nodes.append(child)
            self.spared.append(child.v.strikes(child.active))
        self.at[rows] = self.nodes.index(child)
        self.deviated[rows] = True

    def _summary(self) -> Implementation:
        v, G = self.v, len(self.v.groups)
        parties = range(len(v.deal.parties))
        values = np.zeros((len(self.at), len(parties)))
        ones = np.ones((len(parties), *v.truth.shape))
        keys = zip(
            self.at.tolist(),
            self.broke_at.tolist(),
            self.failed.tolist(),
            self.made.tolist(),
            strict=True,
        )
        for k, n, fails, makes in set(keys):
            node = self.nodes[k]
            full = node.v.continuations(node.X, ones, node.post)[0]
            rows = (
                (self.at == k)
                & (self.broke_at == n)
                & (self.failed == fails)
                & (self.made == makes)
            )
            if n < 0:
                values[rows] = full[0]
                continue
            devs = [node.deviation(n, p) for p in parties if makes >> p & 1]
            X = self.game.moves.masked(node.X, [d for d in devs if d is not None])
            failed = frozenset(p for p in parties if fails >> p & 1)
            after = node.v.breakdowns(X, n, failed)[0]
            discount = v.reach[:, n // G]
            values[rows] = full[0] + discount * (after - full[n])
        broken = self.broke_at >= 0
        histogram = np.bincount(self.broke_at[broken] // G, minlength=v.stages)
        blame = Counter(
            p
            for fails, makes, n, k in zip(
                self.failed.tolist(),
                self.made.tolist(),
                self.broke_at.tolist(),
                self.at.tolist(),
                strict=True,
            )
            if n >= 0
            for p in parties
            if fails >> p & 1 or (makes >> p & 1 and self._ends(k, n, p))
        )
        return Implementation(
            sessions=len(self.at),
            completion_rate=0.0 if v.lapses else float(np.mean(~broken & ~self.deviated)),
            break_stage_histogram=tuple(int(c) for c in histogram),
            expected_values=tuple(
                zip(v.deal.parties, (float(x) for x in values.mean(axis=0)), strict=True)
            ),
            completion_probability=self.game.root.over_types(frozenset())[1],
            reneged_by=tuple((v.deal.parties[p], blame[p]) for p in parties),
            deviations=tuple((*key, c) for key, c in sorted(self.counts.items(), key=_order)),
            went_on=int((~broken & self.deviated).sum()),
            lapsed=int((~broken).sum()) if v.lapses else 0,
        )

    def _ends(self, k: int, n: int, p: int) -> bool:
        deviation: Deviation | None = self.nodes[k].deviation(n, p)
        return deviation is not None and deviation.ends


def _order(entry: tuple[tuple[int, str, str | None, bool], int]) -> tuple[int, str, str, bool]:
    (stage, party, item, goes_on), _ = entry
    return stage, party, item or "", goes_on
