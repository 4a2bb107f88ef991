"""Items: the concessions a deal is made of, and the links between them."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from detente.errors import DetenteError, FieldError

PartyValues = tuple[tuple[str, float], ...]
"""Per-party numbers as ``((party, number), ...)``: immutable and ordered."""

Probabilities = tuple[tuple[str, float], ...]
"""Per-item probabilities as ``((item, probability), ...)``: immutable and ordered."""


def party_values(mapping: Mapping[str, float] | None) -> PartyValues:
    """``{party: number}`` as an immutable :data:`PartyValues`.

    >>> party_values({"B": 1.5})
    (('B', 1.5),)
    """
    return tuple((str(k), float(v)) for k, v in (mapping or {}).items())


@dataclass(frozen=True, slots=True)
class Item:
    """A concession delivered by ``giver``, in one or more steps.

    Amounts are per unit of the item. ``value`` is what each party gains once,
    when a unit is delivered; ``flow`` what it gains in every stage from the
    delivery on (sanctions relief, a test moratorium); the giver's costs are
    ``cost`` (once) and ``flow_cost`` (per stage). ``total`` bounds the amount
    delivered over the whole schedule, ``per_stage`` the amount in one stage; a
    ``binary`` item is delivered whole in one stage or not at all.

    ``reversibility`` is the share of the benefit the giver withdraws if a
    receiver later reneges: that share of the one-time value is clawed back
    from the reneger and that share of the item's flows stops (snap-back).
    ``leverage`` shifts parties' outside options per unit delivered, from the
    next stage on (dismantling weapons lowers the giver's). ``unit`` says what
    one unit of the amount is ("share of UN relief", "t HFO"), for display only;
    ``None``: a plain number (a binary item is named, never measured).

    Covert cheating and verification (:mod:`detente.phasing.verification`):
    ``covert_gain`` is the giver's gain per stage per unit delivered when it
    cheats on the item covertly (undeclared enrichment under a freeze);
    ``detection`` the probability per stage that cheating is detected with no
    verification item in place, ``detection_lag`` the stages from detection to
    punishment. ``verifies`` makes the item a verification item (an inspection
    regime, binary): once delivered it detects cheating on each named item with
    the given probability per stage.

    >>> step = Item("a_step", giver="A", cost=1.0, value=party_values({"B": 1.5}))
    >>> step.once("A"), step.once("B")
    (-1.0, 1.5)
    """

    name: str
    giver: str
    value: PartyValues = ()
    flow: PartyValues = ()
    cost: float = 0.0
    flow_cost: float = 0.0
    binary: bool = False
    total: tuple[float, float] = (0.0, math.inf)
    per_stage: float = math.inf
    reversibility: float = 0.0
    leverage: PartyValues = ()
    unit: str | None = None
    covert_gain: float = 0.0
    detection: float = 0.0
    detection_lag: int = 0
    verifies: Probabilities = ()

    def __post_init__(self) -> None:
        low, high = self.total
        where = f"item {self.name!r}"
        if not 0.0 <= low <= high:
            raise DetenteError(
                f"{where}: total bounds must satisfy 0 <= low <= high, got {self.total}"
            )
        if self.per_stage <= 0:
            raise DetenteError(f"{where}: per_stage must be positive, got {self.per_stage}")
        if not 0.0 <= self.reversibility <= 1.0:
            raise DetenteError(
                f"{where}: reversibility must be in [0, 1], got {self.reversibility}"
            )
        if self.binary and high > 1:
            object.__setattr__(self, "total", (min(low, 1.0), 1.0))
        if self.binary and low > 1:
            raise DetenteError(f"{where}: a binary item's total is at most 1, got {low}")
        self._check_unit(where)
        self._check_verification(where)

    def _check_verification(self, where: str) -> None:
        if not 0.0 <= self.covert_gain < math.inf:
            raise FieldError(
                f"{where}: a covert gain is a gain per stage >= 0, got {self.covert_gain}",
                ("covert_gain",),
            )
        if not 0.0 <= self.detection <= 1.0:
            raise FieldError(
                f"{where}: detection is a probability per stage in [0, 1], got {self.detection}",
                ("detection",),
            )
        lag = self.detection_lag
        if isinstance(lag, bool) or not isinstance(lag, numbers.Integral) or lag < 0:
            raise FieldError(
                f"{where}: detection_lag is a whole number of stages >= 0, got {lag!r}",
                ("detection_lag",),
            )
        for name, q in self.verifies:
            if not 0.0 <= q <= 1.0:
                raise FieldError(
                    f"{where}: verifies {name!r} with probability {q}; give one in [0, 1]",
                    ("verifies", name),
                )
            if name == self.name:
                raise FieldError(
                    f"{where} verifies itself; an inspection regime verifies other items",
                    ("verifies", name),
                )
        if self.verifies and not self.binary:
            raise FieldError(
                f"{where} verifies items, so it is an inspection regime in place or not: "
                "declare it binary: true",
                ("verifies",),
            )

    def _check_unit(self, where: str) -> None:
        if self.unit is None:
            return
        if not self.unit.strip() or not self.unit.isprintable():
            raise FieldError(f"{where}: a unit is words on one line, got {self.unit!r}", ("unit",))
        if self.binary:
            raise FieldError(
                f"{where} is binary: delivered whole and shown by its name, it takes no unit",
                ("unit",),
            )

    def once(self, party: str) -> float:
        """One-time value of a delivered unit to ``party`` (the giver's net of its cost)."""
        return dict(self.value).get(party, 0.0) - (self.cost if party == self.giver else 0.0)

    def per_stage_flow(self, party: str) -> float:
        """Per-stage value of a delivered unit to ``party`` (the giver's net of its flow cost)."""
        own = self.flow_cost if party == self.giver else 0.0
        return dict(self.flow).get(party, 0.0) - own

    def leverage_on(self, party: str) -> float:
        """Shift of ``party``'s outside option per unit delivered."""
        return dict(self.leverage).get(party, 0.0)

    @property
    def parties(self) -> tuple[str, ...]:
        """Every party the item names."""
        named = (
            self.giver,
            *(p for table in (self.value, self.flow, self.leverage) for p, _ in table),
        )
        return tuple(dict.fromkeys(named))


@dataclass(frozen=True, slots=True)
class Link:
    """Within every stage, ``target``'s amount is ``rate`` times ``source``'s.

    A matched step ("B answers A's step with an equal step") is a link of rate 1.
    """

    source: str
    target: str
    rate: float = 1.0

    def __post_init__(self) -> None:
        if self.rate < 0 or not math.isfinite(self.rate):
            raise DetenteError(
                f"link {self.source} -> {self.target}: rate must be >= 0, got {self.rate}"
            )
        if self.source == self.target:
            raise DetenteError(f"link {self.source} -> {self.target} links an item to itself")


def check_links(links: Iterable[Link], items: Iterable[str]) -> None:
    """Refuse links naming unknown items, items linked twice as a target, or cycles.

    >>> check_links([Link("a", "b"), Link("b", "a")], ["a", "b"])
    Traceback (most recent call last):
    ...
    detente.errors.DetenteError: links form a cycle: b -> a -> b
    """
    known = set(items)
    parent: dict[str, str] = {}
    for link in links:
        for name in (link.source, link.target):
            if name not in known:
                raise DetenteError(
                    f"link names unknown item {name!r}; items are: {', '.join(sorted(known))}"
                )
        if link.target in parent:
            raise DetenteError(f"item {link.target!r} is the target of two links; link it once")
        parent[link.target] = link.source
    for start in parent:
        path, node = [start], start
        while node in parent and parent[node] not in path[1:]:
            node = parent[node]
            if node == start:
                chain = " -> ".join(reversed([*path, node]))
                raise DetenteError(f"links form a cycle: {chain}")
            path.append(node)


def check_verifies(items: Iterable[Item]) -> None:
    """Refuse a verification item naming an item the deal does not have.

    >>> check_verifies([Item("inspections", "A", binary=True, verifies=(("freeze", 0.5),))])
    Traceback (most recent call last):
    ...
    detente.errors.FieldError: item 'inspections' verifies unknown item 'freeze'; items are: inspections
    """
    items = tuple(items)
    names = [item.name for item in items]
    for item in items:
        for name, _ in item.verifies:
            if name not in names:
                raise FieldError(
                    f"item {item.name!r} verifies unknown item {name!r}; "
                    f"items are: {', '.join(names)}",
                    ("verifies", name),
                )
