"""The ``claims:`` section of a scenario file: named statements in the claims language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from detente.claims import Claim, ClaimError, parse
from detente.scenariofile.labels import Label
from detente.scenariofile.locations import FileTree

CLAIM_NAME = r"^[A-Za-z_][A-Za-z0-9_\-]*$"


class ClaimSpec(BaseModel):
    """A claim in a scenario file, long form; the short form is the expression alone."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    expr: str = Field(min_length=1, description="The statement, in the claims language.")
    label: Label | None = None
    description: str = Field(default="", description="What the claim means, in words.")


ClaimEntry = Annotated[str, Field(min_length=1)] | ClaimSpec
ClaimName = Annotated[str, Field(pattern=CLAIM_NAME)]
ClaimEntries = dict[ClaimName, ClaimEntry]
"""The ``claims:`` section: ``{name: expression}`` or ``{name: {expr, description}}``."""


def build_claims(entries: Mapping[str, str | ClaimSpec], tree: FileTree) -> tuple[Claim, ...]:
    """Parse a ``claims:`` section; errors name the claim's place in the file.

    >>> tree = FileTree("a.yaml", {})
    >>> [c.name for c in build_claims({"small": "x < 1", "big": ClaimSpec(expr="x > 9")}, tree)]
    ['small', 'big']
    """
    claims = []
    for name, entry in entries.items():
        spec = entry if isinstance(entry, ClaimSpec) else ClaimSpec(expr=entry)
        location = tree.at(("claims", name) if isinstance(entry, str) else ("claims", name, "expr"))
        try:
            claims.append(Claim(name, spec.expr, parse(spec.expr), spec.description, location))
        except ClaimError as error:
            raise ClaimError(error.message, location) from None
    return tuple(claims)
