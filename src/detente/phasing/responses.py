"""Proportional responses: what the others do when a party withholds one of its items.

A deal may declare, per item, how the others answer its giver withholding it
(``phasing.responses`` in a scenario file): ``suspend`` another party's item
(its deliveries stop from the response on), ``snap_back`` a share of another
party's item (as suspend, and that share of its delivered stock is withdrawn:
its flows stop and the receivers' one-time gains are clawed back), or ``end``
everything. An item with no declared response keeps the meaning of the
original model: withholding it ends everything. The semantics, and how a
deviation is valued, are in ``docs/explanation/self-enforcement.md``
("Partial compliance and proportional response").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from detente.errors import FieldError
from detente.phasing.items import Item

ResponseKind = Literal["suspend", "snap_back", "end"]
RESPONSE_KINDS: tuple[ResponseKind, ...] = ("suspend", "snap_back", "end")


@dataclass(frozen=True, slots=True)
class Response:
    """How the others answer when the giver of ``to`` withholds it.

    ``suspend``: the deliveries of ``item`` (given by another party) stop from
    the response on. ``snap_back``: as suspend, and ``fraction`` of the stock of
    ``item`` delivered by then is withdrawn. ``end``: the deal breaks down, as
    when no response is declared. A response takes effect at the next move of
    ``item``'s giver: in the same stage if it moves after the withholder, else
    in the next stage.

    >>> Response("yongbyon", "snap_back", "un_relief", 0.5).fraction
    0.5
    >>> Response("yongbyon", "end", "un_relief")
    Traceback (most recent call last):
    ...
    detente.errors.FieldError: a response 'end' to 'yongbyon' ends everything: it names no item
    """

    to: str
    kind: ResponseKind
    item: str | None = None
    fraction: float | None = None

    def __post_init__(self) -> None:
        where = f"a response {self.kind!r} to {self.to!r}"
        if self.kind not in RESPONSE_KINDS:
            raise FieldError(
                f"{where}: unknown response; choose one of {', '.join(RESPONSE_KINDS)}",
                ("response",),
            )
        if self.kind == "end":
            if self.item is not None:
                raise FieldError(f"{where} ends everything: it names no item", ("item",))
            if self.fraction is not None:
                raise FieldError(f"{where} ends everything: it takes no fraction", ("fraction",))
            return
        if self.item is None:
            raise FieldError(f"{where} needs the item it {self._verb()}", ("item",))
        if self.kind == "suspend" and self.fraction is not None:
            raise FieldError(
                f"{where} stops later deliveries only: it takes no fraction "
                "(snap_back withdraws a fraction of the stock)",
                ("fraction",),
            )
        if self.kind == "snap_back":
            f = self.fraction
            if f is None:
                raise FieldError(
                    f"{where} needs the fraction of {self.item!r} it withdraws, in (0, 1]",
                    ("fraction",),
                )
            if not math.isfinite(f) or not 0.0 < f <= 1.0:
                raise FieldError(
                    f"{where}: the fraction of {self.item!r} withdrawn must be in (0, 1], got {f}",
                    ("fraction",),
                )

    def _verb(self) -> str:
        return "suspends" if self.kind == "suspend" else "snaps back"

    @property
    def ends(self) -> bool:
        """Whether the response ends the deal."""
        return self.kind == "end"

    @property
    def share(self) -> float:
        """The share of the target's delivered stock withdrawn (0 for a suspension)."""
        return (self.fraction or 0.0) if self.kind == "snap_back" else 0.0


def check_responses(responses: Sequence[Response], items: Iterable[Item]) -> None:
    """Refuse responses naming unknown items, a target given by the withholder, or repeats.

    Errors carry the field path ``("responses", k, field)`` for the file layer.

    >>> from detente.phasing.items import Item
    >>> items = [Item("a", "A"), Item("b", "A")]
    >>> check_responses([Response("a", "suspend", "b")], items)
    Traceback (most recent call last):
    ...
    detente.errors.FieldError: response to 'a' suspends 'b', which A gives too: a party does not answer itself; name an item another party gives
    """
    givers = {item.name: item.giver for item in items}
    known = ", ".join(givers)
    seen: set[tuple[str, str | None]] = set()
    ending: set[str] = set()
    answered: set[str] = set()
    for k, response in enumerate(responses):
        for field, name in (("to", response.to), ("item", response.item)):
            if name is not None and name not in givers:
                raise FieldError(
                    f"unknown item {name!r}; items are: {known}", ("responses", k, field)
                )
        if response.item is not None and givers[response.item] == givers[response.to]:
            raise FieldError(
                f"response to {response.to!r} {response._verb()} {response.item!r}, which "
                f"{givers[response.to]} gives too: a party does not answer itself; name an item "
                "another party gives",
                ("responses", k, "item"),
            )
        key = (response.to, response.item)
        if key in seen:
            what = "ending" if response.item is None else f"answering with {response.item!r}"
            raise FieldError(
                f"a second response to {response.to!r} {what}: declare each once",
                ("responses", k),
            )
        if response.to in (ending if not response.ends else answered):
            raise FieldError(
                f"item {response.to!r} is answered by 'end' and by another response: 'end' ends "
                "everything, so give it alone",
                ("responses", k),
            )
        seen.add(key)
        (ending if response.ends else answered).add(response.to)


def ends_everything(item: str, responses: Iterable[Response]) -> bool:
    """Whether withholding ``item`` ends the deal: it has an ``end`` response, or none.

    >>> ends_everything("a", []), ends_everything("a", [Response("a", "suspend", "b")])
    (True, False)
    """
    mine = [r for r in responses if r.to == item]
    return not mine or any(r.ends for r in mine)
