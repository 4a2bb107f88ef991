"""The hostile-input corpus (``corpus.toml``, its inputs and ``make.py``) and the families fixing it."""

OPEN_FAMILIES: frozenset[str] = frozenset()
"""Families of issue 19 whose fixes are not merged on this branch: their corpus cases and
fuzz findings report as xfail, saying what went wrong. Remove a family when it is merged."""
