"""The batch engine: thousands of sessions of one scenario in lockstep, identical to the
reference engine session by session (see :mod:`detente.batch.engine`)."""

from detente.batch.engine import (
    ENGINES,
    BatchNegotiator,
    BatchSession,
    choose_engine,
    unsupported,
)
from detente.batch.forms import BatchAcceptance, BatchOffering, batch_form, register_form
from detente.batch.results import BatchResults, Tally

__all__ = [
    "ENGINES",
    "BatchAcceptance",
    "BatchNegotiator",
    "BatchOffering",
    "BatchResults",
    "BatchSession",
    "Tally",
    "batch_form",
    "choose_engine",
    "register_form",
    "unsupported",
]
