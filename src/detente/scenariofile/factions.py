"""The factions of a party entry: from its validated spec to :class:`~detente.factions.Domestic`.

Range checks (weights >= 0, a threshold in (0, 1]) happen in the file model;
the cross-references (veto players and the leading faction must be factions of
the party; not every weight may be zero) are checked here, with the file
position of the offending field.
"""

from __future__ import annotations

from detente.errors import UnknownNameError
from detente.factions import Derived, Domestic, Faction, Given, Leading, NegotiatingBasis
from detente.ratification import Majority, NoRatification, RatificationRule, Unanimity, Veto
from detente.scenariofile.locations import FileTree, PathKey
from detente.scenariofile.model import LeadingSpec, PartySpec, RatificationSpec
from detente.utility import Utility


def build_domestic(
    spec: PartySpec, utilities: tuple[Utility, ...], tree: FileTree, path: PathKey
) -> Domestic:
    """The factions, negotiating basis and ratification rule of a party entry.

    ``utilities`` are the factions' utilities, already built, in file order.
    """
    assert spec.factions is not None
    ids = tuple(f.id for f in spec.factions)
    _check_ids(ids, tree, (*path, "factions"))
    factions = tuple(
        Faction(f.id, u, f.weight, f.reservation, f.name or "")
        for f, u in zip(spec.factions, utilities, strict=True)
    )
    if all(f.weight == 0.0 for f in factions):
        raise tree.error(
            (*path, "factions"),
            f"faction weights are all zero ({', '.join(ids)}); at least one must be positive",
        )
    rule = _rule(spec, ids, tree, (*path, "ratification"))
    basis = _basis(spec, ids, tree, (*path, "negotiating_utility"))
    anticipated = not isinstance(spec.ratification, RatificationSpec) or (
        spec.ratification.anticipated
    )
    return tree.located(path, lambda: Domestic(factions, rule, basis, anticipated))


def _check_ids(ids: tuple[str, ...], tree: FileTree, path: PathKey) -> None:
    for k, faction_id in enumerate(ids):
        if faction_id in ids[:k]:
            raise tree.error((*path, k, "id"), f"faction {faction_id!r} is declared twice")


def _known(name: str, ids: tuple[str, ...], what: str, tree: FileTree, path: PathKey) -> None:
    if name not in ids:
        raise tree.error(
            path,
            f"{what} {name!r} is not a faction; factions are: {', '.join(ids)}",
            UnknownNameError,
        )


def _rule(spec: PartySpec, ids: tuple[str, ...], tree: FileTree, path: PathKey) -> RatificationRule:
    rule = spec.ratification
    if isinstance(rule, str):
        rule = RatificationSpec(rule=rule)
    if rule is None or rule.rule == "none":
        return NoRatification()
    if rule.rule == "unanimity":
        return Unanimity()
    if rule.rule == "majority":
        return Majority(0.5 if rule.threshold is None else rule.threshold)
    players = rule.players or []
    for k, player in enumerate(players):
        _known(player, ids, "veto player", tree, (*path, "players", k))
    return Veto(tuple(players))


def _basis(
    spec: PartySpec, ids: tuple[str, ...], tree: FileTree, path: PathKey
) -> NegotiatingBasis:
    basis = spec.negotiating_utility
    if isinstance(basis, LeadingSpec):
        _known(basis.leading, ids, "leading faction", tree, (*path, "leading"))
        return Leading(basis.leading)
    if basis == "given" or (basis is None and spec.utility is not None):
        return Given()
    return Derived()
