"""A view's results: the scenario at some parameter values, analysed once and cached.

:func:`evaluate` builds the scenario from its text with the view's ``--set`` values
(:class:`~detente.experiments.scenario_text.ScenarioText`, the loader sweeps use), runs the
analysis pipeline (the ``analyze --json`` document), reads the claims on it, and keeps what the
page draws beyond the document: every outcome's utility to two signatories with the win-sets
(the outcome scatter), and, for the agreement and each named position, the schedule the page
shows and its equilibrium path (as ``phase --given`` computes it). A schedule is the designed
one when the package is self-enforcing within its stages; otherwise the whole package at once
(the one-shot exchange), whose path says who breaks it. Views are cached by their values, so
going back to a state costs nothing.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from detente.analysis.calendar import struck
from detente.analysis.phasing import given_document
from detente.analysis.pipeline import analysis_of
from detente.analysis.solutions import Bargaining
from detente.analysis.twolevel import ratification
from detente.errors import DetenteError
from detente.experiments.scenario_text import ScenarioText
from detente.labels import Labels
from detente.phasing.schedule import Schedule
from detente.scenario import ParameterValue, Scenario
from detente.twolevel import WinSets

AGREEMENT = "agreement"
"""The package name of the ratifiable agreement (beside the named positions)."""


@dataclass(frozen=True, slots=True)
class Cloud:
    """Every outcome's utility to two signatories (``x``: the first, ``y``: the second), which
    win-sets it lies in (``in_win_set[party]``) and the ratifiable ones (``common``)."""

    parties: tuple[str, str]
    x: NDArray[np.float64] = field(compare=False, repr=False)
    y: NDArray[np.float64] = field(compare=False, repr=False)
    in_win_set: Mapping[str, NDArray[np.bool_]] = field(compare=False, repr=False)
    common: NDArray[np.bool_] = field(compare=False, repr=False)
    reservation: tuple[float, float] = (0.0, 0.0)

    @property
    def size(self) -> int:
        """How many outcomes."""
        return int(self.x.size)


@dataclass(frozen=True, slots=True)
class Package:
    """A package the page can show as a schedule: its items' amounts, the schedule shown
    (``designed``: a self-enforcing one; else the whole package in one stage), its equilibrium
    path (``phase --given``'s ``path``) and each item's giver."""

    name: str
    amounts: Mapping[str, float]
    schedule: tuple[Mapping[str, float], ...]
    designed: bool
    path: Mapping[str, Any]
    givers: Mapping[str, str]
    reason: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What a view shows: the ``analyze --json`` document, each claim's truth, the outcome
    cloud and the packages; or the one-line ``error`` that stopped the analysis."""

    overrides: tuple[tuple[str, ParameterValue], ...]
    document: Mapping[str, Any] = field(default_factory=dict)
    claims: Mapping[str, bool] = field(default_factory=dict)
    cloud: Cloud | None = None
    packages: Mapping[str, Package] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None

    @property
    def labels(self) -> Labels:
        """The display names the document carries (the id in words where none is declared)."""
        return Labels.of(self.document)


def evaluate(text: ScenarioText, overrides: tuple[tuple[str, ParameterValue], ...]) -> Evaluation:
    """The view of ``text`` at ``overrides`` (sorted ``(name, value)`` pairs), cached."""
    return _evaluate(text, overrides)


@functools.lru_cache(maxsize=256)
def _evaluate(text: ScenarioText, overrides: tuple[tuple[str, ParameterValue], ...]) -> Evaluation:
    start = time.perf_counter()
    try:
        scenario = text.build(dict(overrides))
        base = Bargaining.of(scenario)
        analysis = analysis_of(scenario, base)
        document = analysis.json()
        claims = {c.name: c.holds(document) for c in scenario.claims}
        ratified = ratification(scenario, base)
        agreement = None if ratified.agreement is None else ratified.agreement.index
        packages = _packages(scenario, document, agreement)
        cloud = _cloud(scenario, base, ratified.win_sets)
    except DetenteError as error:
        return Evaluation(overrides, error=str(error), seconds=time.perf_counter() - start)
    return Evaluation(overrides, document, claims, cloud, packages, time.perf_counter() - start)


def _cloud(scenario: Scenario, base: Bargaining, win_sets: WinSets) -> Cloud | None:
    """The outcome scatter's data: the first two signatories' utilities (none with fewer)."""
    signatories = [i for i, p in enumerate(scenario.parties) if p.signatory]
    if len(signatories) < 2:
        return None
    a, b = signatories[:2]
    ids = scenario.party_ids
    U = base.utilities
    return Cloud(
        (ids[a], ids[b]),
        U[:, a].astype(np.float64),
        U[:, b].astype(np.float64),
        {ids[i]: win_sets.masks[:, i] for i in range(len(ids))},
        np.asarray(win_sets.common, dtype=bool),
        (float(base.disagreement[a]), float(base.disagreement[b])),
    )


def _packages(
    scenario: Scenario, document: Mapping[str, Any], agreement: int | None
) -> dict[str, Package]:
    """The agreement's and each position's schedule and path, where the analysis phased them."""
    plan = scenario.phasing
    phasing = document.get("phasing")
    if plan is None or not phasing:
        return {}
    indices = {name: p.index for name, p in scenario.positions.items()}
    found: dict[str, Package] = {}
    phased = {
        **({AGREEMENT: phasing["agreement"]} if phasing.get("agreement") else {}),
        **phasing.get("positions", {}),
    }
    givers = {item.name: item.giver for item in plan.deal.items}
    for name, package in phased.items():
        index = agreement if name == AGREEMENT else indices.get(name)
        deal = plan.deal if index is None else struck(scenario, plan.deal, index)
        designed = package["schedule"] is not None
        stages = package["schedule"] if designed else [package["package"]]
        schedule = Schedule.from_stages(deal.item_names, stages)
        given = given_document(deal, schedule, f"phasing.positions.{name}", scenario, index)
        found[name] = Package(
            name,
            dict(package["package"]),
            tuple(dict(s) for s in stages),
            designed,
            given.path.json(),
            givers,
            package["reason"],
        )
    return found


def cache_info() -> str:
    """How the view cache is used (hits, misses, size), for the server's log."""
    return str(_evaluate.cache_info())


def describe_overrides(labels: Labels, overrides: Mapping[str, ParameterValue]) -> str:
    """The changed values in words, e.g. ``hard-liners' weight 3``, or ``the file's values``."""
    if not overrides:
        return "the file's values"
    return ", ".join(f"{labels.parameter(n)} {v}" for n, v in overrides.items())
