"""The scenario file layer: the only code that knows the scenario YAML format.

:mod:`~detente.scenariofile.loader` reads a file (safe YAML, parameters and
formulas, validation against :mod:`~detente.scenariofile.model`) and
:mod:`~detente.scenariofile.build` turns it into the plain
:class:`~detente.scenario.Scenario` value the computations use;
:mod:`~detente.scenariofile.writer` writes a scenario back as YAML. Domain
modules raise :class:`~detente.errors.DetenteError` without a position; this
layer attaches ``file:line:col`` in one way (:mod:`~detente.scenariofile.locations`).
"""
