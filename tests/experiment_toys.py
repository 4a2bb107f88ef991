"""Toy scenario models and evaluations for the experiments tests (importable by workers)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from detente.claims import Claim, Value
from detente.experiments import Sweep, Uncertain
from detente.experiments.designs import DesignKind
from detente.outcomes import Issue, OutcomeSpace
from detente.scenario import ParameterRecord, Scenario

X = Uncertain("x", 0.0, 1.0)
Y = Uncertain("y", 2.0, 4.0, "triangular", mode=3.0)
Z = Uncertain("z", -1.0, 1.0, "normal", value=0.0, sd=0.5)


@dataclass(frozen=True, slots=True)
class ToyModel:
    """A one-item scenario whose only content is its parameters."""

    defaults: tuple[tuple[str, float], ...] = (("x", 0.5), ("y", 3.0), ("z", 0.0))
    delay: float = 0.0

    def build(self, overrides: Mapping[str, float]) -> Scenario:
        space = OutcomeSpace((Issue.item("deal"),))
        values = {**dict(self.defaults), **overrides}
        records = {name: ParameterRecord(name, value) for name, value in values.items()}
        return Scenario("toy", space, (), parameter_records=records, description=str(self.delay))

    def identity(self) -> Mapping[str, object]:
        return {"scenario": "toy", "delay": self.delay}

    def uncertain(self) -> tuple[Uncertain, ...]:
        return (X, Y, Z)


def toy_results(scenario: Scenario) -> dict[str, Value]:
    """Result fields with every shape a real evaluation has: nested, null, lists, booleans."""
    delay = float(scenario.description)
    if delay:
        time.sleep(delay)
    x, y, z = (scenario.parameters[k] for k in ("x", "y", "z"))
    return {
        "x": x,
        "feasible": x > 0.5,
        "solutions": {"nash": {"value": x * y, "index": int(x * 10)}, "none": None},
        "agreement": None if x < 0.2 else {"value": z},
        "stages": [x, y][: 1 + int(x > 0.5)],
    }


CLAIMS = (
    Claim.parse("big", "x > 0.3"),
    Claim.parse("product", "solutions.nash.value > 1.5 and agreement.value != null"),
)


def toy_sweep(
    draws: int,
    seed: int | None = 7,
    design: DesignKind = "random",
    delay: float = 0.0,
    parameters: tuple[Uncertain, ...] = (X, Y, Z),
) -> Sweep:
    return Sweep(ToyModel(delay=delay), parameters, toy_results, draws, CLAIMS, seed, design)


BREAKS = """\
name: Draws that break
parameters:
  d_A: {value: 1, range: [0, 10]}
  delta: {value: 0.9, range: [0.5, 1.5]}
issues:
  - name: deal
    values: [Small, Medium, Big]
parties:
  - id: A
    reservation: =d_A
    discount: =delta
    utility: {type: linear, values: {deal: {Small: 6, Medium: 4, Big: 1}}}
  - id: B
    utility: {type: linear, values: {deal: {Small: 2, Medium: 5, Big: 9}}}
claims:
  several:
    expr: n_rational >= 2
"""
"""A discount drawn above 1 makes an invalid scenario; a reservation above 6 leaves no deal."""


CHOOSING = """\
name: a choice of ratification rule
parameters:
  rule: {value: veto, choices: {veto: 0.6, none: 0.4}, source: "assumption: test"}
  n: {value: 2, choices: [1, 2, 3]}
  x: {value: 0.5, range: [0, 1]}
  y: =x * n
issues:
  - {name: r, values: [0, 1, 2, 3]}
parties:
  - id: a
    name: Side A
    reservation: 0
    factions:
      - {id: lead, utility: {values: {r: {slope: 1}}}}
      - {id: hawk, utility: {values: {r: {slope: -1, intercept: =y}}}}
    negotiating_utility: {leading: lead}
    ratification: {select: rule, cases: {veto: {rule: veto, players: [hawk]}, none: none}}
  - id: b
    name: Side B
    reservation: 0
    utility: {values: {r: {slope: -1, intercept: 4}}}
variants:
  free: {set: {rule: none}, description: no veto}
positions:
  p: {outcome: {r: 2}}
claims:
  vetoed: {expr: "positions.p.in_win_set.a == false"}
"""
"""A hawk with a veto (or no say: ``rule``) over A's side of a split: A gets r, B 4 - r. The hawk
accepts ``r <= x * n``, so position p (r = 2) is vetoed iff the rule is veto and x * n < 2."""
