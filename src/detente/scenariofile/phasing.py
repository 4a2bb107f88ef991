"""The scenario-file sections of phased agreements: ``items:``, ``trust:`` and ``phasing:``.

These pydantic models describe what a file may say (formulas are already
numbers when they see it); :func:`build_phasing` turns them into the
:class:`~detente.trust.TrustTable` and :class:`Phasing` values a scenario
carries, checking every cross-reference with the file position of the field.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from detente.errors import ScenarioError
from detente.parties import Party
from detente.phasing.deal import Deal, Stake
from detente.phasing.designer import DEFAULT_TIME_LIMIT
from detente.phasing.items import Item, Link, party_values
from detente.phasing.plan import Phasing
from detente.phasing.responses import Response
from detente.phasing.schedule import Schedule
from detente.phasing.truth import TrueType
from detente.scenariofile.calendar import CalendarSpec, build_calendar
from detente.scenariofile.labels import Label
from detente.scenariofile.locations import FileTree, PathKey
from detente.trust import BetaReputation, Hazard, Record, TrustModel, TrustTable, TwoTypes

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class ItemSpec(_Spec):
    """A concession: who gives it, what it is worth to whom, how it can be delivered."""

    name: str = Field(min_length=1)
    label: Label | None = None
    giver: str = Field(description="Party id of the party that delivers the item.")
    cost: float = Field(default=0.0, description="Giver's one-time cost per unit delivered.")
    value: dict[str, float] = Field(
        default_factory=dict, description="One-time value per unit delivered, by party id."
    )
    flow: dict[str, float] = Field(
        default_factory=dict,
        description="Value per unit per stage, every stage from delivery on, by party id.",
    )
    flow_cost: float = Field(default=0.0, description="Giver's cost per unit per stage.")
    binary: bool = Field(default=False, description="Delivered whole in one stage, or not at all.")
    min: float = Field(default=0.0, ge=0.0, description="Least total amount of the deal.")
    max: float | None = Field(
        default=None, ge=0.0, description="Largest total amount (none: no bound)."
    )
    per_stage: float | None = Field(
        default=None, gt=0.0, description="Largest amount in one stage."
    )
    reversibility: Probability = Field(
        default=0.0,
        description="Share of the receiver's benefit the giver withdraws if the receiver reneges.",
    )
    leverage: dict[str, float] = Field(
        default_factory=dict,
        description="Shift of a party's outside option per unit delivered (from the next stage on).",
    )
    unit: str | None = Field(
        default=None,
        description="What one unit of the amount is, e.g. 'share of UN relief' or 't HFO' "
        "(display only; a binary item takes none).",
    )
    description: str | None = None
    covert_gain: float = Field(
        default=0.0,
        ge=0.0,
        description="Giver's gain per stage per unit delivered when it cheats on the item "
        "covertly (e.g. undeclared enrichment under a freeze).",
    )
    detection: Probability = Field(
        default=0.0,
        description="Probability per stage that covert cheating on the item is detected "
        "without any verification item.",
    )
    detection_lag: int = Field(
        default=0, ge=0, description="Stages from the detection of cheating to its punishment."
    )
    verifies: dict[str, Probability] = Field(
        default_factory=dict,
        description="A verification item (binary: an inspection regime in place or not): the "
        "probability per stage it detects covert cheating on each named item, once delivered.",
    )

    @model_validator(mode="after")
    def _bounds(self) -> ItemSpec:
        if self.max is not None and self.min > self.max:
            raise ValueError(f"item {self.name!r}: min {self.min} is above max {self.max}")
        return self


class RecordSpec(_Spec):
    """Observed steps of the trustee: in this relationship, or elsewhere with a relevance weight."""

    honoured: float = Field(default=0.0, ge=0.0)
    reneged: float = Field(default=0.0, ge=0.0)
    relevance: Probability = 1.0
    source: str | None = None


class BetaSpec(_Spec):
    """Beta reputation: prior ``(alpha, beta)``, records, forgetting factor."""

    alpha: float = Field(default=1.0, gt=0.0)
    beta: float = Field(default=1.0, gt=0.0)
    records: list[RecordSpec] = Field(default_factory=list)
    forgetting: Probability = 1.0


class TypesSpec(_Spec):
    """Two types: the probability of an opportunist and each type's reneging probability."""

    opportunist: Probability = Field(description="Prior probability of an opportunist.")
    renege_opportunist: Probability = 1.0
    renege_trustworthy: Probability = 0.0
    honoured: int = Field(default=0, ge=0, description="Steps observed honoured so far.")
    reneged: int = Field(default=0, ge=0, description="Steps observed reneged on so far.")


class BeliefSpec(_Spec):
    """One truster's belief about one trustee: exactly one of hazard, beta, types."""

    hazard: Probability | None = None
    beta: BetaSpec | None = None
    types: TypesSpec | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> BeliefSpec:
        given = [k for k in ("hazard", "beta", "types") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of hazard, beta, types (got {given or 'none'})")
        return self

    def model(self) -> TrustModel:
        """The belief as a trust model."""
        if self.beta is not None:
            b = self.beta
            records = tuple(Record(r.honoured, r.reneged, r.relevance) for r in b.records)
            return BetaReputation(b.alpha, b.beta, records, b.forgetting)
        if self.types is not None:
            t = self.types
            model = TwoTypes(t.opportunist, t.renege_opportunist, t.renege_trustworthy)
            for honoured in [True] * t.honoured + [False] * t.reneged:
                model = model.after(honoured)
            return model
        return Hazard(self.hazard or 0.0)


TrustSpec = dict[str, dict[str, BeliefSpec]]
"""``{truster: {trustee: belief}}``."""


class LinkSpec(_Spec):
    """Within every stage, ``target``'s amount is ``rate`` times ``source``'s."""

    source: str
    target: str
    rate: float = Field(default=1.0, ge=0.0)


class ResponseSpec(_Spec):
    """How the others answer a party withholding ``to``: suspend or snap back ``item``, or end."""

    to: str = Field(description="The item whose withholding is answered.")
    response: Literal["suspend", "snap_back", "end"] = Field(
        description="suspend: item's deliveries stop; snap_back: as suspend, and fraction of "
        "its delivered stock is withdrawn; end: the deal breaks down."
    )
    item: str | None = Field(
        default=None,
        description="The item suspended or snapped back (given by another party than to's "
        "giver); end names none.",
    )
    fraction: float | None = Field(
        default=None, description="snap_back only: the share of item's stock withdrawn, in (0, 1]."
    )
    source: str | None = None


class TruthSpec(_Spec):
    """A party's true type: what it does, whatever the others believe of it."""

    committed: Probability = Field(
        default=0.0,
        description="Probability the party is committed: it honours every move it has to make "
        "(else it is an opportunist, reneging exactly where the equilibrium path has it renege).",
    )
    hazard: Probability = Field(
        default=0.0, description="Probability an exogenous event strikes any one of its moves."
    )
    source: str | None = None


class PhasingSpec(_Spec):
    """How the deal is carried out and what the designer looks for."""

    order: list[list[str]] | Literal["simultaneous"] | None = Field(
        default=None,
        description="Move groups inside a stage, e.g. [[A], [B]] (A, then B answers); "
        "'simultaneous' for one group of every giver; default: givers one after another.",
    )
    stages: int = Field(default=1, ge=1, description="Default number of stages.")
    max_stages: int = Field(default=50, ge=1, description="Most stages --min-stages tries.")
    objective: Literal["total", "surplus", "completion"] = "total"
    target: float | None = Field(default=None, ge=0.0, description="Measured total to carry out.")
    links: list[LinkSpec] = Field(default_factory=list)
    truth: dict[str, TruthSpec] = Field(
        default_factory=dict,
        description="True types by party (default: what the first belief about it implies).",
    )
    equal_steps: list[str] = Field(
        default_factory=list, description="Items whose amount must be equal in every stage."
    )
    measure: list[str] = Field(
        default_factory=list, description="Items whose amounts make up the total (default all)."
    )
    tail: int = Field(
        default=0, ge=0, description="Final stages left unchecked: an open-ended future."
    )
    outside: dict[str, float] = Field(
        default_factory=dict, description="Present value of a breakdown, by party id."
    )
    completion: dict[str, float] = Field(
        default_factory=dict, description="Value once the whole schedule is carried out."
    )
    schedule: list[dict[str, float]] | None = Field(
        default=None,
        description="A fixed schedule to check and implement: {item: amount} per stage.",
    )
    time_limit: float = Field(default=DEFAULT_TIME_LIMIT, gt=0.0)
    calendar: CalendarSpec | None = Field(
        default=None,
        description="Stage dates, dated events (elections, deadlines, faction changes) and "
        "the cost of delay (without it a stage is one period).",
    )
    responses: list[ResponseSpec] = Field(
        default_factory=list,
        description="How the others answer a party withholding one of its items (an item "
        "without one: withholding it ends everything).",
    )


def build_trust(
    spec: TrustSpec | None, parties: Sequence[str], tree: FileTree
) -> TrustTable | None:
    """The trust table a ``trust:`` section declares."""
    if spec is None:
        return None
    beliefs: dict[tuple[str, str], TrustModel] = {}
    for truster, row in spec.items():
        _known(truster, parties, tree, ("trust", truster))
        for trustee, belief in row.items():
            _known(trustee, parties, tree, ("trust", truster, trustee))
            if trustee == truster:
                raise tree.error(("trust", truster, trustee), "a party's belief about itself")
            beliefs[(truster, trustee)] = belief.model()
    return TrustTable(beliefs)


def _known(party: str, parties: Sequence[str], tree: FileTree, path: PathKey) -> None:
    if party not in parties:
        raise tree.error(path, f"unknown party {party!r}; parties are: {', '.join(parties)}")


def _item(spec: ItemSpec, parties: Sequence[str], tree: FileTree, path: PathKey) -> Item:
    _known(spec.giver, parties, tree, (*path, "giver"))
    for field in ("value", "flow", "leverage"):
        for party in getattr(spec, field):
            _known(party, parties, tree, (*path, field, party))
    return tree.located(
        path,
        lambda: Item(
            spec.name,
            spec.giver,
            party_values(spec.value),
            party_values(spec.flow),
            spec.cost,
            spec.flow_cost,
            spec.binary,
            (spec.min, math.inf if spec.max is None else spec.max),
            math.inf if spec.per_stage is None else spec.per_stage,
            spec.reversibility,
            party_values(spec.leverage),
            spec.unit,
            covert_gain=spec.covert_gain,
            detection=spec.detection,
            detection_lag=spec.detection_lag,
            verifies=tuple(spec.verifies.items()),
        ),
        ScenarioError,
    )


def _check_verification(
    items: Sequence[ItemSpec], parties: Sequence[Party], tree: FileTree
) -> None:
    """Every item a verification item names exists, and every cheating-prone item's giver
    discounts the future, located in the file if not."""
    names = [spec.name for spec in items]
    by_name = {spec.name: spec for spec in items}
    discount = {party.id: party.discount for party in parties}
    for i, spec in enumerate(items):
        for name in spec.verifies:
            if name not in names:
                raise tree.error(
                    ("items", i, "verifies", name),
                    f"item {spec.name!r} verifies unknown item {name!r}; items are: "
                    f"{', '.join(names)}",
                )
            if "covert_gain" not in by_name[name].model_fields_set:
                raise tree.error(
                    ("items", i, "verifies", name),
                    f"item {spec.name!r} verifies item {name!r}, which declares no covert_gain: "
                    f"there is no cheating to detect; give {name!r} a covert_gain or leave it "
                    "out of verifies",
                )
        if spec.covert_gain > 0 and discount[spec.giver] >= 1.0:
            raise tree.error(
                ("items", i, "covert_gain"),
                f"item {spec.name!r}: its giver {spec.giver!r} has discount 1, so a covert gain "
                "per stage forever is worth infinitely much; give the party a discount below 1",
            )


def _order(
    spec: PhasingSpec, items: Sequence[Item], parties: Sequence[str]
) -> tuple[tuple[str, ...], ...]:
    givers = [p for p in parties if any(it.giver == p for it in items)]
    if spec.order == "simultaneous":
        return (tuple(givers),)
    if spec.order is None:
        return tuple((p,) for p in givers)
    return tuple(tuple(group) for group in spec.order)


def _names(names: Sequence[str], items: Sequence[str], tree: FileTree, path: PathKey) -> None:
    for k, name in enumerate(names):
        if name not in items:
            raise tree.error((*path, k), f"unknown item {name!r}; items are: {', '.join(items)}")


def _check_references(
    spec: PhasingSpec, names: Sequence[str], ids: Sequence[str], tree: FileTree
) -> None:
    """Every item and party the phasing section names exists, located in the file if not."""
    for k, link in enumerate(spec.links):
        for end in ("source", "target"):
            _names([getattr(link, end)], names, tree, ("phasing", "links", k, end))
    _names(spec.equal_steps, names, tree, ("phasing", "equal_steps"))
    _names(spec.measure, names, tree, ("phasing", "measure"))
    for field in ("outside", "completion", "truth"):
        for party in getattr(spec, field):
            _known(party, ids, tree, ("phasing", field, party))
    if isinstance(spec.order, list):
        for g, group in enumerate(spec.order):
            for k, party in enumerate(group):
                _known(party, ids, tree, ("phasing", "order", g, k))


def build_phasing(
    items: Sequence[ItemSpec] | None,
    spec: PhasingSpec | None,
    parties: Sequence[Party],
    trust: TrustTable | None,
    tree: FileTree,
) -> Phasing | None:
    """The phasing a scenario's ``items:`` and ``phasing:`` sections declare."""
    if items is None:
        if spec is not None:
            raise tree.error(("phasing",), "a phasing section needs an items: section")
        return None
    spec = spec or PhasingSpec()
    ids = [p.id for p in parties]
    built = [_item(s, ids, tree, ("items", i)) for i, s in enumerate(items)]
    _check_verification(items, parties, tree)
    names = [it.name for it in built]
    _check_references(spec, names, ids, tree)
    order = _order(spec, built, ids)
    stakes = tuple(
        Stake(p.id, p.discount, spec.outside.get(p.id, 0.0), spec.completion.get(p.id, 0.0))
        for p in parties
    )
    links = tuple(Link(x.source, x.target, x.rate) for x in spec.links)
    calendar = build_calendar(spec.calendar, parties, tree, ("phasing", "calendar"))
    responses = tuple(
        _response(r, tree, ("phasing", "responses", k)) for k, r in enumerate(spec.responses)
    )
    deal = tree.located(
        ("phasing",),
        lambda: Deal(
            stakes,
            tuple(built),
            order,
            links=links,
            trust=trust or TrustTable({}),
            equal_steps=tuple(spec.equal_steps),
            measure=tuple(spec.measure),
            tail=spec.tail,
            truth=tuple((p, TrueType(t.committed, t.hazard)) for p, t in spec.truth.items()),
            calendar=calendar,
            responses=responses,
        ),
        ScenarioError,
    )
    return Phasing(
        deal,
        spec.stages,
        spec.max_stages,
        spec.objective,
        spec.target,
        build_schedule(spec.schedule, names, tree, ("phasing", "schedule")),
        spec.time_limit,
    )


def _response(spec: ResponseSpec, tree: FileTree, path: PathKey) -> Response:
    return tree.located(
        path, lambda: Response(spec.to, spec.response, spec.item, spec.fraction), ScenarioError
    )


def build_schedule(
    stages: list[dict[str, float]] | None, names: Sequence[str], tree: FileTree, path: PathKey
) -> Schedule | None:
    """The schedule a ``schedule:`` entry gives (``{item: amount}`` per stage), or ``None``."""
    if stages is None:
        return None
    if not stages:
        raise tree.error(path, "a schedule needs at least one stage")
    for k, stage in enumerate(stages):
        _names(list(stage), names, tree, (*path, k))
    return Schedule.from_stages(names, stages)
