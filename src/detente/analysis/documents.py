"""The result documents, typed: what ``analyze``, ``phase``, ``implement`` and ``simulate`` return.

Each document is a frozen dataclass whose fields are the facts its readers
(the terminal, the report, sweeps and claims) use, and whose ``json()`` is
exactly what the command prints with ``--json``: the same keys, in the same
order, with the same values. Facts a reader needs that the JSON does not
carry live on the typed value only, so the JSON never changes for them: each
issue's kind and each item's giver (:class:`IssueFacts`, on
:attr:`AnalyzeDocument.issues`), and which items are binary and which a total
sums (:class:`ItemUnits`, whose units alone are in the JSON), declared by the
scenario and never inferred from numbers.

The documents are built by the steps of :mod:`detente.analysis.pipeline` and
by :mod:`detente.analysis.phasing`; this module only describes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from detente.outcomes import IssueKind

if TYPE_CHECKING:
    from detente.session import Summary

Json = dict[str, Any]
"""A JSON object as the commands print it (key order is output order)."""

Outcome = Mapping[str, object]
"""An outcome as ``{issue: value}`` with JSON-ready values."""

Stages = tuple[Mapping[str, float], ...]
"""A schedule as ``({item: amount}, ...)``, one mapping per stage."""


def _stages(stages: Stages | None) -> list[dict[str, float]] | None:
    return None if stages is None else [dict(stage) for stage in stages]


# --------------------------------------------------------------------------- what is traded


@dataclass(frozen=True, slots=True)
class IssueFacts:
    """One issue as readers need it: its kind, its number of values and, for an item, its giver.

    ``giver`` is the party the scenario's ``items:`` section names as delivering
    the item of the same name (``None`` for other kinds, or when no item says).

    >>> IssueFacts("yongbyon", "item", 2, "nk").is_item
    True
    """

    name: str
    kind: IssueKind
    size: int
    giver: str | None = None

    @property
    def is_item(self) -> bool:
        """Whether the issue is a binary item (delivered or not)."""
        return self.kind == "item"


def kinds(issues: tuple[IssueFacts, ...]) -> dict[str, IssueKind]:
    """``{issue: kind}``.

    >>> kinds((IssueFacts("a", "item", 2), IssueFacts("price", "integer", 5)))
    {'a': 'item', 'price': 'integer'}
    """
    return {issue.name: issue.kind for issue in issues}


def givers(issues: tuple[IssueFacts, ...]) -> dict[str, str]:
    """``{item: giver}`` over the items whose giver the scenario declares.

    >>> givers((IssueFacts("a", "item", 2, "us"), IssueFacts("b", "item", 2)))
    {'a': 'us'}
    """
    return {issue.name: issue.giver for issue in issues if issue.giver is not None}


# --------------------------------------------------------------------------- solutions


@dataclass(frozen=True, slots=True)
class SolutionDoc:
    """A bargaining solution's outcome, every party's utility there and its number of ties."""

    outcome: Outcome
    utilities: tuple[float, ...]
    ties: int

    def json(self) -> Json:
        """``{outcome, utilities, ties}``."""
        return {"outcome": dict(self.outcome), "utilities": list(self.utilities), "ties": self.ties}

    def agreement_json(self) -> Json:
        """``{outcome, utilities}``: the solution as an agreement."""
        return {"outcome": dict(self.outcome), "utilities": list(self.utilities)}


@dataclass(frozen=True, slots=True)
class SolutionSet:
    """Every bargaining solution by name (``None`` where there is none) and why some have none."""

    found: Mapping[str, SolutionDoc | None]
    reasons: Mapping[str, str]

    def json(self) -> Json:
        """``{name: solution or null}``."""
        return {name: None if s is None else s.json() for name, s in self.found.items()}


@dataclass(frozen=True, slots=True)
class PositionDoc:
    """A named position: its outcome, holder, every party's utility, and who would accept it.

    ``rational``: every signatory prefers it (weakly) to no deal; ``ratifiable``:
    it lies in every signatory's win-set; ``in_win_set``: by party.
    """

    outcome: Outcome
    held_by: str | None
    utilities: tuple[float, ...]
    rational: bool
    ratifiable: bool
    in_win_set: Mapping[str, bool]

    def json(self) -> Json:
        """``positions.NAME`` of ``analyze``."""
        return {
            "outcome": dict(self.outcome),
            "held_by": self.held_by,
            "utilities": list(self.utilities),
            "rational": self.rational,
            "ratifiable": self.ratifiable,
            "in_win_set": dict(self.in_win_set),
        }


@dataclass(frozen=True, slots=True)
class CoreDoc:
    """The bargaining problem: parties, issues, outcome counts, the frontier, the solutions.

    ``solutions`` range over the individually rational outcomes (the
    unrestricted ones, whatever the parties' factions).
    """

    scenario: str
    parties: tuple[str, ...]
    signatories: tuple[str, ...]
    issues: tuple[IssueFacts, ...]
    n_outcomes: int
    reservation_values: tuple[float, ...]
    n_rational: int
    pareto: tuple[tuple[float, ...], ...]
    solutions: SolutionSet

    def json(self) -> Json:
        """The first keys of ``analyze``, up to ``solutions`` and ``solution_reasons``."""
        document: Json = {
            "scenario": self.scenario,
            "parties": list(self.parties),
            "signatories": list(self.signatories),
            "issues": {issue.name: issue.size for issue in self.issues},
            "n_outcomes": self.n_outcomes,
            "reservation_values": list(self.reservation_values),
            "n_rational": self.n_rational,
            "pareto": [list(u) for u in self.pareto],
            "solutions": self.solutions.json(),
        }
        if self.solutions.reasons:
            document["solution_reasons"] = dict(self.solutions.reasons)
        return document


# --------------------------------------------------------------------------- two-level games


@dataclass(frozen=True, slots=True)
class WinSetDoc:
    """A party's win-set size and whether it signs."""

    size: int
    signatory: bool

    def json(self) -> Json:
        """``{size, signatory}``."""
        return {"size": self.size, "signatory": self.signatory}


@dataclass(frozen=True, slots=True)
class EffectDoc:
    """How a signatory's best ratifiable deal treats a stakeholder (see :class:`~detente.twolevel.Effect`)."""

    verdict: str
    low: float
    high: float
    reservation: float

    def json(self) -> Json:
        """``{verdict, utility: [low, high], reservation}``."""
        return {
            "verdict": self.verdict,
            "utility": [self.low, self.high],
            "reservation": self.reservation,
        }


@dataclass(frozen=True, slots=True)
class TwoLevelDoc:
    """Win-sets, the ratifiable (Nash) agreement, what the stakeholders get.

    ``restricted`` holds the solutions restricted to the intersection of the
    signatories' win-sets when a party declares factions (``scope`` is then
    ``"ratifiable"``); without factions they are the core's and it is ``None``.
    ``agreement_reason`` says why there is no agreement (empty when there is one).
    """

    win_sets: Mapping[str, WinSetDoc]
    intersection_size: int
    agreement: SolutionDoc | None
    agreement_reason: str
    stakeholders: Mapping[str, Mapping[str, float | None]]
    effects: Mapping[str, Mapping[str, EffectDoc]]
    scope: Literal["ratifiable", "rational"]
    restricted: SolutionSet | None = None

    def json(self) -> Json:
        """The two-level keys of ``analyze``, from ``win_sets`` to ``solution_scope``."""
        document: Json = {
            "win_sets": {p: w.json() for p, w in self.win_sets.items()},
            "intersection_size": self.intersection_size,
            "agreement": None if self.agreement is None else self.agreement.agreement_json(),
        }
        if self.agreement is None:
            document["agreement_reason"] = self.agreement_reason
        document["stakeholders"] = {p: dict(row) for p, row in self.stakeholders.items()}
        document["stakeholder_effects"] = {
            s: {p: e.json() for p, e in row.items()} for s, row in self.effects.items()
        }
        document["solution_scope"] = self.scope
        return document


@dataclass(frozen=True, slots=True)
class SweepPoint:
    """Win-set sizes and the ratifiable Nash agreement at one weight of a varied faction."""

    weight: float
    win_sets: Mapping[str, int]
    intersection_size: int
    agreement: SolutionDoc | None
    agreement_reason: str

    def json(self) -> Json:
        """``{weight, win_sets, intersection_size, agreement, agreement_reason?}``."""
        document: Json = {
            "weight": self.weight,
            "win_sets": dict(self.win_sets),
            "intersection_size": self.intersection_size,
            "agreement": None if self.agreement is None else self.agreement.agreement_json(),
        }
        if self.agreement is None:
            document["agreement_reason"] = self.agreement_reason
        return document


@dataclass(frozen=True, slots=True)
class FactionSweepDoc:
    """``faction_sweep`` (``analyze --vary-faction``): win-sets over a grid of one faction's weight.

    ``impossible`` lists the weight ranges (runs of grid points) at which no
    agreement is ratifiable, as ``(first, last)``.
    """

    party: str
    faction: str
    points: tuple[SweepPoint, ...]
    impossible: tuple[tuple[float, float], ...]

    def json(self) -> Json:
        """``{party, faction, points, impossible}``."""
        return {
            "party": self.party,
            "faction": self.faction,
            "points": [p.json() for p in self.points],
            "impossible": [list(run) for run in self.impossible],
        }


# --------------------------------------------------------------------------- trust, domain


@dataclass(frozen=True, slots=True)
class TrustDoc:
    """``trust`` (``{truster: {trustee: probability of honouring}}``) and the models behind it."""

    matrix: Mapping[str, Mapping[str, float]]
    models: Mapping[str, Mapping[str, Mapping[str, float | str]]]

    def json(self) -> Json:
        """``{trust, trust_models}``."""
        return {
            "trust": {a: dict(row) for a, row in self.matrix.items()},
            "trust_models": {
                a: {b: dict(model) for b, model in row.items()} for a, row in self.models.items()
            },
        }


@dataclass(frozen=True, slots=True)
class DomainDoc:
    """Where an imported domain came from: format, files, real-issue grid, discounts, repairs."""

    format: str
    files: tuple[str, ...]
    real_steps: int | None
    discount_factors: Mapping[str, float]
    repairs: tuple[str, ...]
    notes: tuple[str, ...]

    DISCOUNTING: ClassVar[str] = "not applied (GENIUS discounts over normalised time)"

    def json(self) -> Json:
        """``domain`` of ``analyze``."""
        return {
            "format": self.format,
            "files": list(self.files),
            "real_steps": self.real_steps,
            "discount_factors": dict(self.discount_factors),
            "discounting": self.DISCOUNTING,
            "repairs": list(self.repairs),
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- phasing


@dataclass(frozen=True, slots=True)
class ItemUnits:
    """How a deal's amounts read: each item's unit, the binary items, and what a total sums.

    ``units`` maps every item to its declared unit (``None``: a plain number);
    ``binary`` items are delivered whole and shown by their name alone;
    ``measured`` are the items whose amounts a total sums (``phasing.measure``).
    Readers pass the number already formatted their way.

    >>> units = ItemUnits({"yongbyon": None, "un_relief": "share of UN relief"},
    ...                   ("yongbyon",), ("yongbyon", "un_relief"))
    >>> units.amount("yongbyon", "1"), units.amount("un_relief", "0.5")
    ('yongbyon', 'un_relief 0.5 share of UN relief')
    >>> units.total("1.5"), units.total("2", again=True)
    ('1.5 (yongbyon, un_relief)', '2 (the same items)')
    >>> ItemUnits({"hfo": "t HFO"}, (), ("hfo",)).total("50,000", again=True)
    '50,000 t HFO'
    """

    units: Mapping[str, str | None]
    binary: tuple[str, ...]
    measured: tuple[str, ...]

    @property
    def measure_unit(self) -> str | None:
        """The unit every measured item has, or ``None`` when they do not share one."""
        found = {self.units.get(item) for item in self.measured}
        return found.pop() if len(found) == 1 else None

    def amount(self, item: str, number: str) -> str:
        """An item and its amount: a binary item by name, others with the number and unit."""
        if item in self.binary:
            return item
        unit = self.units.get(item)
        return f"{item} {number}" if unit is None else f"{item} {number} {unit}"

    def total(self, number: str, again: bool = False) -> str:
        """A total in the measure's unit, or with the measured items named when they differ
        (``again``: as "the same items", when the reader has just seen them named)."""
        unit = self.measure_unit
        if unit is not None:
            return f"{number} {unit}"
        if again:
            return f"{number} (the same items)"
        return f"{number} ({', '.join(self.measured) or 'the measured items'})"

    def json(self) -> dict[str, str | None]:
        """``units``: ``{item: unit or null}``."""
        return dict(self.units)


@dataclass(frozen=True, slots=True)
class OneShotDoc:
    """The one-stage exchange: whether it is self-enforcing and the most it carries."""

    feasible: bool
    max_total: float | None

    def json(self) -> Json:
        """``{feasible, max_total}``."""
        return {"feasible": self.feasible, "max_total": self.max_total}


@dataclass(frozen=True, slots=True)
class OnsetDoc:
    """Starting to cheat covertly at one stage of the schedule (``verification.ITEM.stages``):
    the stage (from 1), the covert ``gain`` per period and the ``detection`` in it, the
    ``verifiers`` (verification items watching the item) delivered in it, cheating's ``excess``
    over honouring at the stage's start, whether starting there ``pays``, and the least
    detection that, held from the stage on, deters starting there (``None``: none up to 1)
    (:class:`detente.phasing.covert.Onset`)."""

    stage: int
    gain: float
    detection: float
    verifiers: tuple[str, ...]
    excess: float
    pays: bool
    min_detection: float | None

    def json(self) -> Json:
        """The onset as ``phase --json`` reports it."""
        return {
            "stage": self.stage,
            "gain": self.gain,
            "detection": self.detection,
            "verifiers": list(self.verifiers),
            "excess": self.excess,
            "pays": self.pays,
            "min_detection": self.min_detection,
        }


@dataclass(frozen=True, slots=True)
class DeterrenceDoc:
    """Whether covert cheating on one cheating-prone item pays once a schedule is carried out.

    ``schedule`` says which schedule (``phasing.schedule``, ``designed``, or ``None``
    when there is none: the other facts are then unknown, ``detection`` aside).
    ``min_detection`` is the least detection probability per stage that deters
    (``None``: none up to 1 does), ``detection`` the probability with the
    verification items the schedule delivers, ``gain`` the covert gain per stage
    at the amount delivered, ``stake`` the giver's stake per stage in the deal
    (``F``), ``lag`` the stages from detection to punishment
    (``docs/explanation/self-enforcement.md``, "Verification"). During the schedule
    ("Cheating during the schedule"): ``stages`` judges starting to cheat at every stage
    from the item's first delivery on, ``pays_from`` is the first stage at which it pays
    (``None``: none does).
    """

    giver: str
    schedule: str | None
    detection: float
    min_detection: float | None
    deterred: bool | None
    gain: float | None
    stake: float | None
    lag: int
    pays_from: int | None = None
    stages: tuple[OnsetDoc, ...] = ()

    def json(self) -> Json:
        """``verification.ITEM``."""
        return {
            "min_detection": self.min_detection,
            "detection": self.detection,
            "deterred": self.deterred,
            "giver": self.giver,
            "gain": self.gain,
            "stake": self.stake,
            "lag": self.lag,
            "schedule": self.schedule,
            "pays_from": self.pays_from,
            "stages": [stage.json() for stage in self.stages],
        }


def _verification(items: Mapping[str, DeterrenceDoc]) -> Json:
    return {item: doc.json() for item, doc in items.items()}


@dataclass(frozen=True, slots=True)
class PackageDoc:
    """A fixed package (a position's or the agreement's items): at once, or in how many stages.

    ``violated`` and ``worst_slack`` describe the one-shot exchange's broken
    incentive constraints (``None`` when it was not checked). ``units`` (not in
    the JSON: the ``phasing`` document has them) measure the package's own items.
    """

    package: Mapping[str, float]
    units: ItemUnits
    one_shot_feasible: bool
    violated: tuple[str, ...] | None
    worst_slack: float | None
    min_stages: int | None
    max_stages: int
    schedule: Stages | None
    completion_probability: float | None
    reason: str
    weight_changes: tuple[WeightChangeDoc, ...] | None = None
    verification: Mapping[str, DeterrenceDoc] = field(default_factory=dict)
    """Covert cheating on the package's cheating-prone items: on its schedule, else at its
    totals (``schedule``: ``package``)."""
    given: GivenDocument | None = None
    """The position's own ``schedule``, when it gives one: checked, its equilibrium path and
    covert cheating on it (as ``phase --given --position NAME``)."""

    def json(self) -> Json:
        """``phasing.positions.NAME`` and ``phasing.agreement`` of ``analyze``."""
        document: Json = {
            "package": dict(self.package),
            "one_shot": {
                "feasible": self.one_shot_feasible,
                "violated": None if self.violated is None else list(self.violated),
                "worst_slack": self.worst_slack,
            },
            "min_stages": self.min_stages,
            "max_stages": self.max_stages,
            "schedule": _stages(self.schedule),
            "completion_probability": self.completion_probability,
            "reason": self.reason,
        }
        if self.weight_changes is not None:
            document["weight_changes"] = [w.json() for w in self.weight_changes]
        if self.verification:
            document["verification"] = _verification(self.verification)
        if self.given is not None:
            document["given"] = self.given.json()
        return document


@dataclass(frozen=True, slots=True)
class PhasingDoc:
    """``phasing`` of ``analyze``: the best schedule of the scenario's deal and the one-shot.

    ``min_stages`` is reported only when the scenario sets a target
    (``searched``). ``positions`` are the named positions phased as fixed
    packages; ``agreement`` the bargaining agreement's package, when there is an
    agreement (``has_agreement``) — ``None`` if its outcome names no item.
    ``calendar`` is there when the deal has one (:class:`CalendarDoc`).
    """

    stages: int
    objective: str
    target: float | None
    status: str
    feasible: bool
    max_total: float | None
    value: float | None
    completion_probability: float | None
    one_shot: OneShotDoc | None
    searched: bool
    min_stages: int | None
    schedule: Stages | None
    units: ItemUnits
    positions: Mapping[str, PackageDoc]
    has_agreement: bool
    agreement: PackageDoc | None
    verification: Mapping[str, DeterrenceDoc] = field(default_factory=dict)
    """Covert cheating on each cheating-prone item, on the given schedule when the scenario
    has one, else on the best one: ``analyze``'s top-level ``verification`` (not in ``phasing``)."""
    calendar: CalendarDoc | None = None

    def json(self) -> Json:
        """``phasing`` of ``analyze``."""
        document: Json = {
            "stages": self.stages,
            "objective": self.objective,
            "target": self.target,
            "status": self.status,
            "feasible": self.feasible,
            "max_total": self.max_total,
            "value": self.value,
            "completion_probability": self.completion_probability,
            "one_shot": None if self.one_shot is None else self.one_shot.json(),
        }
        if self.searched:
            document["min_stages"] = self.min_stages
        document["schedule"] = _stages(self.schedule)
        document["units"] = self.units.json()
        if self.positions:
            document["positions"] = {name: p.json() for name, p in self.positions.items()}
        if self.has_agreement:
            document["agreement"] = None if self.agreement is None else self.agreement.json()
        if self.calendar is not None:
            document["calendar"] = self.calendar.json()
        return document


# --------------------------------------------------------------------------- calendar


@dataclass(frozen=True, slots=True)
class StageDatesDoc:
    """A stage's dates: it starts on ``start``, the next one on ``end``; ``periods`` is its
    length in the calendar's periods (dates as ``YYYY-MM-DD``)."""

    stage: int
    start: str
    end: str
    periods: float

    def json(self) -> Json:
        """``{stage, start, end, periods}``."""
        return {"stage": self.stage, "start": self.start, "end": self.end, "periods": self.periods}

    @property
    def span(self) -> str:
        """``2019-03-01 to 2019-09-01``: the dates as text."""
        return f"{self.start} to {self.end}"


def stage_dates_json(dates: tuple[StageDatesDoc, ...]) -> list[Json]:
    """``[{stage, start, end, periods}, ...]``."""
    return [d.json() for d in dates]


@dataclass(frozen=True, slots=True)
class EventDoc:
    """A dated event of the calendar: its kind (``hazard``, ``deadline``, ``faction``), the
    stage (from 1) it takes effect in, ``None`` after the stages listed, and what it does."""

    name: str
    date: str
    kind: str
    stage: int | None
    party: str | None = None
    hazard: float | None = None
    faction: str | None = None
    weight: float | None = None
    source: str | None = None

    def json(self) -> Json:
        """``{name, date, kind, stage, ...}``: the fields its kind has."""
        document: Json = {"name": self.name, "date": self.date, "kind": self.kind}
        document["stage"] = self.stage
        for key in ("party", "hazard", "faction", "weight", "source"):
            value = getattr(self, key)
            if value is not None:
                document[key] = value
        return document


@dataclass(frozen=True, slots=True)
class WeightChangeDoc:
    """Whether a package is still in a party's win-set once a faction's weight changes.

    ``in_win_set`` is ``None`` when it cannot be said (no item is named like an issue);
    ``stage`` is the stage (from 1) of the package's schedule the change falls in,
    ``None`` when the schedule is over by then (or there is none). When the package leaves
    the win-set, every move of the party from that stage is reneged on (a fixed package's
    deal counts it; a designed schedule's only reports it).
    """

    event: str
    date: str
    party: str
    faction: str
    weight: float
    stage: int | None
    in_win_set: bool | None

    def json(self) -> Json:
        """``{event, date, party, faction, weight, stage, in_win_set}``."""
        return {
            "event": self.event,
            "date": self.date,
            "party": self.party,
            "faction": self.faction,
            "weight": self.weight,
            "stage": self.stage,
            "in_win_set": self.in_win_set,
        }


@dataclass(frozen=True, slots=True)
class CalendarDoc:
    """``phasing.calendar`` of ``analyze``: the stage dates, the events, the costs of delay,
    and what the faction changes do to the best schedule's package."""

    start: str
    period: str
    stages: tuple[StageDatesDoc, ...]
    events: tuple[EventDoc, ...]
    delay_cost: Mapping[str, float]
    weight_changes: tuple[WeightChangeDoc, ...]

    def json(self) -> Json:
        """``{start, period, stages, events, delay_cost, weight_changes}``."""
        return {
            "start": self.start,
            "period": self.period,
            "stages": stage_dates_json(self.stages),
            "events": [e.json() for e in self.events],
            "delay_cost": dict(self.delay_cost),
            "weight_changes": [w.json() for w in self.weight_changes],
        }


# --------------------------------------------------------------------------- analyze


@dataclass(frozen=True, slots=True)
class AnalyzeDocument:
    """What ``detente analyze`` returns: every section of the analysis of one scenario.

    ``positions`` and ``parameters`` are empty, and ``domain``, ``phasing``,
    ``claims`` and ``faction_sweep`` are ``None``, when the scenario has nothing
    for them. ``parameters`` are the named parameters' values as the analysis
    used them (after ``--set``), so a claim can read ``parameters.NAME``. ``labels`` is
    every id's display name by kind (:mod:`detente.analysis.labels`).
    """

    core: CoreDoc
    positions: Mapping[str, PositionDoc]
    two_level: TwoLevelDoc
    domain: DomainDoc | None
    trust: TrustDoc
    phasing: PhasingDoc | None
    claims: Mapping[str, bool] | None = None
    faction_sweep: FactionSweepDoc | None = None
    parameters: Mapping[str, object] = field(default_factory=dict)
    retrodiction: Json | None = None
    """The model against the case's record (a scenario with ``record:``; see
    :func:`detente.analysis.retrodiction.case_json`)."""
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def issues(self) -> tuple[IssueFacts, ...]:
        """Every issue with its kind and, for an item, its giver."""
        return self.core.issues

    @property
    def solutions(self) -> SolutionSet:
        """The solutions ``analyze`` reports: restricted to the win-sets when there are factions."""
        return self.two_level.restricted or self.core.solutions

    def kinds(self) -> dict[str, IssueKind]:
        """``{issue: kind}``."""
        return kinds(self.issues)

    def json(self) -> Json:
        """The ``analyze --json`` document."""
        document = self.core.json()
        if self.positions:
            document["positions"] = {name: p.json() for name, p in self.positions.items()}
        document.update(self.two_level.json())
        restricted = self.two_level.restricted
        if restricted is not None:
            # the restricted solutions take the core's keys; the core's move aside
            document["solutions_unrestricted"] = document["solutions"]
            document["solutions"] = restricted.json()
            if restricted.reasons:
                document["solution_reasons"] = dict(restricted.reasons)
        if self.domain is not None:
            document["domain"] = self.domain.json()
        document.update(self.trust.json())
        if self.phasing is not None:
            document["phasing"] = self.phasing.json()
            if self.phasing.verification:
                document["verification"] = _verification(self.phasing.verification)
        if self.parameters:
            document["parameters"] = dict(self.parameters)
        if self.retrodiction is not None:
            document["retrodiction"] = dict(self.retrodiction)
        if self.claims is not None:
            document["claims"] = dict(self.claims)
        if self.faction_sweep is not None:
            document["faction_sweep"] = self.faction_sweep.json()
        if self.labels:
            document["labels"] = {kind: dict(names) for kind, names in self.labels.items()}
        return document


# --------------------------------------------------------------------------- phase, implement, simulate


@dataclass(frozen=True, slots=True)
class StageSearchDoc:
    """The fewest stages that carry a target (``phase --min-stages``): ``None`` if none does."""

    min_stages: int | None
    target: float | None


@dataclass(frozen=True, slots=True)
class PhaseDocument:
    """What ``detente phase`` returns: a designed schedule, its checks and the one-shot.

    ``search`` is set by ``--min-stages`` (``reason`` is then the search's). With a
    calendar, ``stage_dates`` dates the schedule's stages and ``weight_changes`` says what
    the faction changes do to its package.
    """

    stages: int | None
    objective: str
    status: str
    max_total: float | None
    value: float | None
    schedule: Stages | None
    cumulative: Stages | None
    units: ItemUnits
    binding: tuple[str, ...]
    slack: Mapping[str, float]
    completion_probability: float | None
    expected_values: Mapping[str, float]
    one_shot: OneShotDoc | None
    gap: float | None
    reason: str
    search: StageSearchDoc | None = None
    verification: Mapping[str, DeterrenceDoc] = field(default_factory=dict)
    stage_dates: tuple[StageDatesDoc, ...] | None = None
    weight_changes: tuple[WeightChangeDoc, ...] | None = None

    def json(self) -> Json:
        """The ``phase --json`` document."""
        document: Json = {
            "stages": self.stages,
            "objective": self.objective,
            "status": self.status,
            "max_total": self.max_total,
            "value": self.value,
            "schedule": _stages(self.schedule),
            "cumulative": _stages(self.cumulative),
            "units": self.units.json(),
            "binding": list(self.binding),
            "slack": dict(self.slack),
            "completion_probability": self.completion_probability,
            "expected_values": dict(self.expected_values),
            "one_shot": None if self.one_shot is None else self.one_shot.json(),
            "gap": self.gap,
            "reason": self.reason,
        }
        if self.search is not None:
            document["min_stages"] = self.search.min_stages
            document["target"] = self.search.target
        if self.verification:
            document["verification"] = _verification(self.verification)
        _calendar_keys(document, self.stage_dates, self.weight_changes)
        return document


def _calendar_keys(
    document: Json,
    dates: tuple[StageDatesDoc, ...] | None,
    changes: tuple[WeightChangeDoc, ...] | None,
) -> None:
    """Add ``stage_dates`` and ``weight_changes`` to a schedule's document, when it has them."""
    if dates is not None:
        document["stage_dates"] = stage_dates_json(dates)
    if changes is not None:
        document["weight_changes"] = [w.json() for w in changes]


@dataclass(frozen=True, slots=True)
class AnswerDoc:
    """A response carried out: ``item`` stops from ``stage`` (one past the last: after the
    schedule), ``share`` of its stock withdrawn (a snap-back; 0 for a suspension)."""

    item: str
    stage: int
    share: float

    def json(self) -> Json:
        """``{item, stage, share}``."""
        return {"item": self.item, "stage": self.stage, "share": self.share}


@dataclass(frozen=True, slots=True)
class BreakDoc:
    """Where a path breaks: the first mover that does not honour in full, its slack and its
    shortfall; the one item it withholds (``None``: everything), and whether the others
    answer in proportion (``answers``) and the deal goes on."""

    stage: int
    party: str
    slack: float
    shortfall: float
    dates: StageDatesDoc | None = None
    withholds: str | None = None
    goes_on: bool = False
    answers: tuple[AnswerDoc, ...] = ()

    def json(self) -> Json:
        """Where and why the path breaks, as ``path.breaks`` of the documents."""
        document: Json = {
            "stage": self.stage,
            "party": self.party,
            "slack": self.slack,
            "shortfall": self.shortfall,
            "withholds": self.withholds,
            "goes_on": self.goes_on,
            "answers": [answer.json() for answer in self.answers],
        }
        if self.dates is not None:
            document.update(start=self.dates.start, end=self.dates.end)
        return document


@dataclass(frozen=True, slots=True)
class LapseDoc:
    """Where a deadline cuts a schedule off: the first stage it cuts, and the deadline."""

    stage: int
    event: str
    date: str

    def json(self) -> Json:
        """``{stage, deadline}``."""
        return {"stage": self.stage, "event": self.event, "date": self.date}


@dataclass(frozen=True, slots=True)
class PathDoc:
    """The equilibrium path of a schedule: completed, or where it breaks; each party's value;
    ``then``: when the deal goes on after the break, the path of the modified schedule from
    the next move on (its values at that stage)."""

    completed: bool
    breaks: BreakDoc | None
    carried_out: int
    values: Mapping[str, float]
    lapses: LapseDoc | None = None
    then: PathDoc | None = None

    def json(self) -> Json:
        """The ``path`` key of ``phase`` and ``implement``."""
        document: Json = {
            "completed": self.completed,
            "breaks": None if self.breaks is None else self.breaks.json(),
            "carried_out": self.carried_out,
            "values": dict(self.values),
            "then": None if self.then is None else self.then.json(),
        }
        if self.lapses is not None:
            document["lapses"] = self.lapses.json()
        return document


@dataclass(frozen=True, slots=True)
class GivenDocument:
    """What ``detente phase --given`` returns: a given schedule, its check and its path.

    ``source`` says where the schedule comes from (``phasing.schedule`` or
    ``positions.NAME.schedule``); trailing empty stages are dropped. ``stage_dates`` and
    ``weight_changes`` as for :class:`PhaseDocument`.
    """

    source: str
    stages: int
    schedule: Stages
    cumulative: Stages
    units: ItemUnits
    self_enforcing: bool
    slack: Mapping[str, float]
    completion_probability: float
    expected_values: Mapping[str, float]
    path: PathDoc
    verification: Mapping[str, DeterrenceDoc] = field(default_factory=dict)
    stage_dates: tuple[StageDatesDoc, ...] | None = None
    weight_changes: tuple[WeightChangeDoc, ...] | None = None

    def json(self) -> Json:
        """The ``phase --given --json`` document."""
        document: Json = {
            "source": self.source,
            "stages": self.stages,
            "schedule": _stages(self.schedule),
            "cumulative": _stages(self.cumulative),
            "units": self.units.json(),
            "self_enforcing": self.self_enforcing,
            "slack": dict(self.slack),
            "completion_probability": self.completion_probability,
            "expected_values": dict(self.expected_values),
            "path": self.path.json(),
        }
        if self.verification:
            document["verification"] = _verification(self.verification)
        _calendar_keys(document, self.stage_dates, self.weight_changes)
        return document


@dataclass(frozen=True, slots=True)
class ImplementDocument:
    """What ``detente implement`` returns: a schedule carried out ``sessions`` times.

    With a calendar, ``stage_dates`` dates each stage of the histogram (the JSON's
    ``break_dates``) and ``lapsed`` counts the sessions a deadline ended (in the first stage
    it cuts off).
    """

    sessions: int
    seed: int
    stages: int
    schedule: Stages
    units: ItemUnits
    completion_rate: float
    completion_probability: float
    break_stage_histogram: tuple[int, ...]
    expected_values: Mapping[str, float]
    reneged_by: Mapping[str, int]
    stage_dates: tuple[StageDatesDoc, ...] | None = None
    lapsed: int = 0
    deviations: tuple[DeviationCount, ...] = ()
    went_on: int = 0

    def breakdowns_by_date(self) -> list[Json]:
        """``[{stage, start, end, breakdowns}, ...]``: the histogram beside each stage's dates."""
        dates = self.stage_dates or ()
        return [
            {"stage": d.stage, "start": d.start, "end": d.end, "breakdowns": count}
            for d, count in zip(dates, self.break_stage_histogram, strict=True)
        ]

    def json(self) -> Json:
        """The ``implement --json`` document."""
        document: Json = {
            "sessions": self.sessions,
            "seed": self.seed,
            "stages": self.stages,
            "schedule": _stages(self.schedule),
            "units": self.units.json(),
            "completion_rate": self.completion_rate,
            "completion_probability": self.completion_probability,
            "break_stage_histogram": list(self.break_stage_histogram),
            "expected_values": dict(self.expected_values),
            "reneged_by": dict(self.reneged_by),
            "deviations": [d.json() for d in self.deviations],
            "went_on": self.went_on,
        }
        if self.stage_dates is not None:
            document["break_dates"] = self.breakdowns_by_date()
            document["lapsed"] = self.lapsed
        return document


@dataclass(frozen=True, slots=True)
class DeviationCount:
    """Sessions in which ``party`` withheld ``item`` (``None``: everything) in ``stage`` and
    the deal went on (``goes_on``) or ended (a single item withheld)."""

    stage: int
    party: str
    item: str | None
    goes_on: bool
    sessions: int

    def json(self) -> Json:
        """``{party, item, stage, sessions, goes_on}``."""
        return {
            "stage": self.stage,
            "party": self.party,
            "item": self.item,
            "goes_on": self.goes_on,
            "sessions": self.sessions,
        }


@dataclass(frozen=True, slots=True)
class SimulateDocument:
    """What ``detente simulate`` returns: the summary of many sessions and the engine that ran them."""

    summary: Summary
    issues: tuple[str, ...]
    engine: str

    def json(self) -> Json:
        """The ``simulate --json`` document."""
        return self.summary.to_json(self.issues) | {"engine": self.engine}
