"""Interoperability: GENIUS XML, GeniusWeb JSON and NegoLog JSON domains.

:func:`load_domain` reads a domain into a :class:`~detente.scenario.Scenario`
with GENIUS 10.4's own utility definition; :func:`export_domain` writes one
back as GENIUS or GeniusWeb files (:func:`detente.scenariofile.writer.to_scenario_yaml`
writes it as a detente scenario file). See ``docs/how-to/genius-domains.md`` for the rules.
"""

from detente.formats.domain import domain_source, load_domain
from detente.formats.export import export_domain
from detente.formats.origin import DEFAULT_REAL_STEPS, DomainOrigin

__all__ = [
    "DEFAULT_REAL_STEPS",
    "DomainOrigin",
    "domain_source",
    "export_domain",
    "load_domain",
]
