"""A deal to be carried out in stages: items, the parties' stakes, the move order, trust."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from detente.errors import DetenteError
from detente.phasing.calendar import Calendar
from detente.phasing.items import Item, Link, check_links, check_verifies
from detente.phasing.responses import Response, check_responses
from detente.phasing.truth import TrueType
from detente.trust import TrustTable


@dataclass(frozen=True, slots=True)
class Stake:
    """What one party has riding on the deal.

    ``outside`` is the present value of a breakdown to the party (beyond the
    flows of items already delivered, which go on unless withdrawn), before
    any leverage shift; ``completion`` is paid once the whole schedule has been
    carried out; ``discount`` is the factor per stage.
    """

    party: str
    discount: float = 1.0
    outside: float = 0.0
    completion: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 < self.discount <= 1.0:
            raise DetenteError(
                f"party {self.party!r}: discount must be in (0, 1], got {self.discount}"
            )
        for name in ("outside", "completion"):
            if not math.isfinite(getattr(self, name)):
                raise DetenteError(f"party {self.party!r}: {name} value must be finite")


@dataclass(frozen=True, slots=True)
class Deal:
    """Everything the schedule designer and the self-enforcement check need.

    ``order`` lists the move groups of every stage: ``(("A",), ("B",))`` is
    "A moves, then B answers"; ``(("A", "B"),)`` is simultaneous moves. Every
    giver must move; parties that never move (stakeholders) only receive.
    ``equal_steps`` names items whose amount must be the same in every stage;
    ``measure`` names the items whose amounts make up the deal's ``total``
    (all items by default). ``tail`` is a number of final stages whose moves are
    not checked: they stand in for the open-ended future of an infinite-horizon
    relationship, truncated (without it, a relationship whose schedule ends
    unravels from its last stage back, as in [LockwoodThomas2002]). ``truth`` declares
    parties' true types (:mod:`detente.phasing.truth`); the others' follow their beliefs.
    ``calendar`` dates the stages (:mod:`detente.phasing.calendar`): stage lengths, dated
    events and the cost of delay; without one a stage is one period.
    ``responses`` declares how the others answer a party withholding one of its items
    (:mod:`detente.phasing.responses`); withholding an item without one ends everything.

    >>> from detente.phasing.items import party_values
    >>> deal = Deal(
    ...     stakes=(Stake("A"), Stake("B")),
    ...     items=(Item("x", "A", value=party_values({"B": 1})),),
    ...     order=(("A",), ("B",)),
    ... )
    >>> deal.parties, deal.measured
    (('A', 'B'), ('x',))
    """

    stakes: tuple[Stake, ...]
    items: tuple[Item, ...]
    order: tuple[tuple[str, ...], ...]
    links: tuple[Link, ...] = ()
    trust: TrustTable = field(default_factory=lambda: TrustTable({}))
    equal_steps: tuple[str, ...] = ()
    measure: tuple[str, ...] = ()
    tail: int = 0
    truth: tuple[tuple[str, TrueType], ...] = ()
    calendar: Calendar | None = None
    responses: tuple[Response, ...] = ()
    _names: dict[str, int] = field(init=False, repr=False, compare=False, default_factory=dict)
    _parties: list[str] = field(init=False, repr=False, compare=False, default_factory=list)

    def __post_init__(self) -> None:
        # names are looked up for every row of every program: index them once
        self._names.update((item.name, i) for i, item in enumerate(self.items))
        self._parties.extend(s.party for s in self.stakes)
        if self.tail < 0:
            raise DetenteError(f"tail must be a number of stages >= 0, got {self.tail}")
        self._check_names()
        check_links(self.links, self.item_names)
        check_verifies(self.items)
        check_responses(self.responses, self.items)
        movers = [p for group in self.order for p in group]
        if len(set(movers)) != len(movers):
            raise DetenteError(f"a party moves twice in one stage: order {self._order_text()}")
        for item in self.items:
            if item.giver not in movers:
                raise DetenteError(
                    f"item {item.name!r}: its giver {item.giver!r} never moves; "
                    f"add it to the move order {self._order_text()}"
                )
        for party in self.trust.parties():
            self._known_party(party, "trust")
        for party, _ in self.truth:
            self._known_party(party, "truth")
        for party in () if self.calendar is None else self.calendar.parties:
            self._known_party(party, "the calendar")

    def _order_text(self) -> str:
        return " then ".join("+".join(group) for group in self.order) or "(empty)"

    def _known_party(self, party: str, where: str) -> None:
        if party not in self.parties:
            raise DetenteError(
                f"{where} names unknown party {party!r}; parties are: {', '.join(self.parties)}"
            )

    def _check_names(self) -> None:
        if len(set(self.parties)) != len(self.parties):
            raise DetenteError(f"a party has two stakes: {', '.join(self.parties)}")
        if len(set(self.item_names)) != len(self.item_names):
            raise DetenteError(f"an item is declared twice: {', '.join(self.item_names)}")
        if not self.items:
            raise DetenteError("a deal needs at least one item")
        for item in self.items:
            for party in item.parties:
                self._known_party(party, f"item {item.name!r}")
        for group in self.order:
            for party in group:
                self._known_party(party, "the move order")
        for name in (*self.equal_steps, *self.measure):
            self.item_index(name)

    @property
    def parties(self) -> tuple[str, ...]:
        """Party ids, in stake order."""
        return tuple(self._parties)

    @property
    def item_names(self) -> tuple[str, ...]:
        """Item names, in order."""
        return tuple(i.name for i in self.items)

    @property
    def measured(self) -> tuple[str, ...]:
        """The items whose amounts make up ``total``."""
        return self.measure or self.item_names

    def item_index(self, name: str) -> int:
        """Position of the item called ``name``."""
        try:
            return self._names[name]
        except KeyError:
            raise DetenteError(
                f"unknown item {name!r}; items are: {', '.join(self.item_names)}"
            ) from None

    def party_index(self, party: str) -> int:
        """Position of ``party`` among the stakes."""
        self._known_party(party, "a reference")
        return self.parties.index(party)


def fix_package(deal: Deal, amounts: Mapping[str, float]) -> Deal:
    """The deal with every named item's total fixed at its amount, measured by those items.

    >>> from detente.phasing.items import Item, party_values
    >>> deal = Deal((Stake("A"), Stake("B")), (Item("x", "A", value=party_values({"B": 1})),),
    ...             (("A",),))
    >>> fix_package(deal, {"x": 2.0}).items[0].total
    (2.0, 2.0)
    """
    for name in amounts:
        deal.item_index(name)
    if not amounts:
        raise DetenteError("a package names at least one of the deal's items")
    items = tuple(
        replace(item, total=(amounts[item.name], amounts[item.name]))
        if item.name in amounts
        else item
        for item in deal.items
    )
    for item in items:
        low, high = item.total
        if item.name in amounts and (item.binary and high not in (0.0, 1.0)):
            raise DetenteError(f"binary item {item.name!r} is delivered whole: 0 or 1, got {low}")
    return replace(deal, items=items, measure=tuple(n for n in deal.item_names if n in amounts))
