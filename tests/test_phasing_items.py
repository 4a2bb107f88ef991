"""Items, links and deals: what is accepted and what is refused."""

from __future__ import annotations

import pytest

from detente.errors import DetenteError
from detente.phasing import Deal, Item, Link, Stake, party_values
from detente.phasing.items import check_links
from detente.trust import Hazard, TrustTable


def test_an_items_giver_pays_its_cost_and_receivers_get_their_value() -> None:
    item = Item(
        "x",
        "A",
        cost=2.0,
        value=party_values({"B": 3.0}),
        flow=party_values({"B": 0.5}),
        flow_cost=0.1,
    )
    assert (item.once("A"), item.once("B"), item.once("C")) == (-2.0, 3.0, 0.0)
    assert (item.per_stage_flow("A"), item.per_stage_flow("B")) == (-0.1, 0.5)


def test_binary_items_are_capped_at_one() -> None:
    assert Item("x", "A", binary=True).total == (0.0, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reversibility": 1.5}, "reversibility"),
        ({"reversibility": -0.1}, "reversibility"),
        ({"total": (2.0, 1.0)}, "total bounds"),
        ({"per_stage": 0.0}, "per_stage"),
    ],
)
def test_bad_item_fields_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(DetenteError, match=message):
        Item("x", "A", **kwargs)  # type: ignore[arg-type]


def test_a_link_cycle_is_refused() -> None:
    with pytest.raises(DetenteError, match="cycle"):
        check_links([Link("a", "b"), Link("b", "c"), Link("c", "a")], ["a", "b", "c"])


def test_a_chain_into_a_cycle_is_refused_without_looping() -> None:
    with pytest.raises(DetenteError, match="cycle"):
        check_links([Link("c", "d"), Link("b", "c"), Link("c", "b")], ["b", "c", "d"])


def test_a_chain_of_links_is_fine() -> None:
    check_links([Link("a", "b", 2.0), Link("b", "c", 0.5)], ["a", "b", "c"])


def test_an_item_targeted_twice_is_refused() -> None:
    with pytest.raises(DetenteError, match="two links"):
        check_links([Link("a", "c"), Link("b", "c")], ["a", "b", "c"])


def test_links_to_unknown_items_are_refused() -> None:
    with pytest.raises(DetenteError, match="unknown item 'zz'"):
        check_links([Link("a", "zz")], ["a"])


def deal(**changes: object) -> Deal:
    fields: dict[str, object] = {
        "stakes": (Stake("A"), Stake("B")),
        "items": (Item("x", "A"),),
        "order": (("A",), ("B",)),
    }
    fields.update(changes)
    return Deal(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"items": (Item("x", "C"),)}, "unknown party 'C'"),
        ({"order": (("B",),)}, "never moves"),
        ({"order": (("A", "B"), ("A",))}, "moves twice"),
        ({"items": ()}, "at least one item"),
        ({"items": (Item("x", "A"), Item("x", "A"))}, "declared twice"),
        ({"equal_steps": ("y",)}, "unknown item 'y'"),
        ({"trust": TrustTable({("A", "Z"): Hazard(0.1)})}, "unknown party 'Z'"),
        ({"tail": -1}, "tail"),
        ({"stakes": (Stake("A"), Stake("B"), Stake("A"))}, "two stakes"),
    ],
)
def test_inconsistent_deals_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(DetenteError, match=message):
        deal(**changes)


def test_discounts_outside_the_unit_interval_are_refused() -> None:
    with pytest.raises(DetenteError, match="discount"):
        Stake("A", discount=1.5)
