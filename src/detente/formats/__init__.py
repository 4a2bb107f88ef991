"""Interoperability: GENIUS XML, GeniusWeb JSON and NegoLog JSON domains."""

from detente.formats.domain import domain_source, load_domain
from detente.formats.origin import DEFAULT_REAL_STEPS, DomainOrigin

__all__ = ["DEFAULT_REAL_STEPS", "DomainOrigin", "domain_source", "load_domain"]
