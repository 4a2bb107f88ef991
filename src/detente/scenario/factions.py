"""The factions of a party entry: from its validated spec to :class:`~detente.factions.Domestic`.

Range checks (weights >= 0, a threshold in (0, 1]) happen in the file model;
the cross-references (veto players and the leading faction must be factions of
the party; not every weight may be zero) are checked here, with the file
position of the offending field.
"""

from __future__ import annotations

from detente.errors import DetenteError, UnknownNameError
from detente.factions import Derived, Domestic, Faction, Given, Leading, NegotiatingBasis
from detente.ratification import Majority, NoRatification, RatificationRule, Unanimity, Veto
from detente.scenario.loader import PathKey, Source
from detente.scenario.model import LeadingSpec, PartySpec, RatificationSpec
from detente.utility import Utility


def build_domestic(
    spec: PartySpec, utilities: tuple[Utility, ...], source: Source, path: PathKey
) -> Domestic:
    """The factions, negotiating basis and ratification rule of a party entry.

    ``utilities`` are the factions' utilities, already built, in file order.
    """
    assert spec.factions is not None
    ids = tuple(f.id for f in spec.factions)
    _check_ids(ids, source, (*path, "factions"))
    factions = tuple(
        Faction(f.id, u, f.weight, f.reservation, f.name or "")
        for f, u in zip(spec.factions, utilities, strict=True)
    )
    if all(f.weight == 0.0 for f in factions):
        raise source.error(
            (*path, "factions"),
            f"faction weights are all zero ({', '.join(ids)}); at least one must be positive",
        )
    rule = _rule(spec, ids, source, (*path, "ratification"))
    basis = _basis(spec, ids, source, (*path, "negotiating_utility"))
    anticipated = not isinstance(spec.ratification, RatificationSpec) or (
        spec.ratification.anticipated
    )
    try:
        return Domestic(factions, rule, basis, anticipated)
    except DetenteError as error:
        raise source.error(path, error.message, type(error)) from None


def _check_ids(ids: tuple[str, ...], source: Source, path: PathKey) -> None:
    for k, faction_id in enumerate(ids):
        if faction_id in ids[:k]:
            raise source.error((*path, k, "id"), f"faction {faction_id!r} is declared twice")


def _known(name: str, ids: tuple[str, ...], what: str, source: Source, path: PathKey) -> None:
    if name not in ids:
        raise source.error(
            path,
            f"{what} {name!r} is not a faction; factions are: {', '.join(ids)}",
            UnknownNameError,
        )


def _rule(spec: PartySpec, ids: tuple[str, ...], source: Source, path: PathKey) -> RatificationRule:
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
        _known(player, ids, "veto player", source, (*path, "players", k))
    return Veto(tuple(players))


def _basis(
    spec: PartySpec, ids: tuple[str, ...], source: Source, path: PathKey
) -> NegotiatingBasis:
    basis = spec.negotiating_utility
    if isinstance(basis, LeadingSpec):
        _known(basis.leading, ids, "leading faction", source, (*path, "leading"))
        return Leading(basis.leading)
    if basis == "given" or (basis is None and spec.utility is not None):
        return Given()
    return Derived()
