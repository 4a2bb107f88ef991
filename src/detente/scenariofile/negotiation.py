"""The ``protocol:`` section of a scenario file: how the negotiation is run."""

from __future__ import annotations

from functools import partial

from pydantic import BaseModel, ConfigDict, Field

from detente.protocols import PROTOCOLS, load_protocol
from detente.scenario import NegotiationSpec
from detente.scenariofile.locations import FileTree


class ProtocolSpec(BaseModel):
    """The ``protocol:`` section: how the negotiation is run.

    ``kind`` is a registered protocol name; ``strategies`` optionally gives each
    signatory's default strategy as a spec string (``detente simulate`` uses them
    when ``--strategies`` is not given).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    kind: str = Field(default="alternating-offers", description="Registered protocol name.")
    deadline: int = Field(default=100, ge=1, description="Number of rounds.")
    opener: str | None = Field(default=None, description="Id of the party proposing first.")
    discounting: bool = Field(default=True, description="Discount agreements per round.")
    strategies: dict[str, str] = Field(
        default_factory=dict, description="Default strategy spec per party id."
    )


def build_negotiation(
    spec: ProtocolSpec, party_ids: tuple[str, ...], tree: FileTree
) -> NegotiationSpec:
    """The negotiation a ``protocol:`` section describes, checked against the parties."""
    from detente.strategies import load_strategy  # the strategies load only for a protocol:

    tree.located(("protocol", "kind"), partial(PROTOCOLS.entry, spec.kind))
    if spec.opener is not None and spec.opener not in party_ids:
        raise tree.error(
            ("protocol", "opener"),
            f"no party {spec.opener!r}; parties are: {', '.join(party_ids)}",
        )
    arguments = f"deadline={spec.deadline}, discounting={spec.discounting}"
    if spec.opener is not None:
        arguments += f", opener={spec.opener!r}"
    negotiation = NegotiationSpec(f"{spec.kind}({arguments})", tuple(spec.strategies.items()))
    tree.located(("protocol",), partial(load_protocol, negotiation.protocol))
    for party, strategy in spec.strategies.items():
        if party not in party_ids:
            raise tree.error(
                ("protocol", "strategies", party),
                f"no party {party!r}; parties are: {', '.join(party_ids)}",
            )
        tree.located(("protocol", "strategies", party), partial(load_strategy, strategy))
    return negotiation
