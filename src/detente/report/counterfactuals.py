"""The report's structural what-ifs and counterfactuals: the variants beside the base case.

The producer (:func:`counterfactual_comparison`, run by :func:`detente.report.producers.counterfactuals_document`) compares the base case with the variants the
file declares and, for each categorical parameter, with each label the point estimate
does not choose and no declared variant sets alone (:mod:`detente.experiments.compare`);
the section (:func:`detente.report.sections.counterfactuals_section`) shows the comparison table, each variant's changes in
plain sentences, and, with a sweep, every claim's share given each choice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from detente.experiments.compare import compare
from detente.report.data import Document
from detente.scenario import ParameterValue, Scenario, Variant

Rebuild = Callable[[Mapping[str, ParameterValue]], Scenario]
"""Builds the scenario's file with other parameter values."""


def choice_variants(scenario: Scenario) -> list[Variant]:
    """The declared variants, then one per label of each categorical parameter that the point
    estimate does not choose and no declared variant sets on its own."""
    variants = list(scenario.variants.values())
    declared = {v.sets for v in variants}
    for name, record in scenario.parameter_records.items():
        for label, _ in record.choices or ():
            sets = ((name, label),)
            if label != record.value and sets not in declared:
                variants.append(Variant(f"{name}={label}", sets, None))
    return variants


def counterfactual_comparison(scenario: Scenario, rebuild: Rebuild | None) -> Document | None:
    """The comparison of the base case with :func:`choice_variants`, with each categorical
    parameter's choices; ``None`` without variants or a way to ``rebuild`` the scenario."""
    variants = choice_variants(scenario)
    if not variants or rebuild is None:
        return None
    document = compare(rebuild, {}, variants)
    document["choices"] = {
        name: {"value": record.value, "choices": dict(record.choices)}
        for name, record in scenario.parameter_records.items()
        if record.choices is not None
    }
    return document
