"""``detente spe``: the subgame-perfect equilibrium of finite alternating offers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer
from rich.text import Text

from detente import sizes
from detente.analysis.labels import labels_of
from detente.cli.common import (
    DEFAULT_MAX_OUTCOMES,
    JsonOpt,
    MaxOutcomesOpt,
    ScenarioArg,
    SetOpt,
    console,
    emit_json,
    load,
)
from detente.cli.conclusions import outcome_text
from detente.cli.text import literal
from detente.equilibrium import equilibrium, payoffs
from detente.errors import DetenteError
from detente.labels import Labels
from detente.session import protocol_for
from detente.table import Table

RoundsOpt = Annotated[
    int | None,
    typer.Option(
        "--rounds",
        help="Deadline in rounds (default: the scenario's, else 100).",
        show_default=False,
    ),
]
OpenerOpt = Annotated[
    str | None,
    typer.Option(
        "--opener",
        help="Id of the party proposing first (default: the scenario's).",
        show_default=False,
    ),
]


def spe(
    scenario: ScenarioArg,
    rounds: RoundsOpt = None,
    opener: OpenerOpt = None,
    set_: SetOpt = None,
    json_: JsonOpt = False,
    max_outcomes: MaxOutcomesOpt = DEFAULT_MAX_OUTCOMES,
) -> None:
    """Solve alternating offers between two signatories by backward induction."""
    if rounds is not None and rounds < 1:
        raise DetenteError(f"--rounds must be at least 1, got {rounds}")
    loaded = load(scenario, set_)
    protocol = protocol_for(loaded, rounds)
    if opener is None:
        opener = getattr(protocol, "opener", None)
    if loaded.space.size <= max_outcomes:  # (a larger space is refused as too large to enumerate)
        require_induction(protocol.deadline, loaded.space.size)
    table = Table.of(loaded, max_outcomes)
    solution = equilibrium(table, protocol.deadline, opener)
    outcome = None if solution.outcome is None else loaded.space.to_dict(solution.outcome)
    utilities = list(payoffs(table, solution))
    document: dict[str, Any] = {
        "outcome": outcome,
        "utilities": utilities,
        "round": solution.round,
        "parties": list(loaded.party_ids),
        "deadline": protocol.deadline,
    }
    if json_:
        emit_json(document)
    else:
        kinds = {issue.name: issue.kind for issue in loaded.space.issues}
        render(loaded.name, document, kinds, labels_of(loaded))


def require_induction(deadline: int, outcomes: int) -> None:
    """Refuse a backward induction beyond the ``rounds`` or ``steps`` limits, before it starts.

    >>> require_induction(10**9, 4)
    Traceback (most recent call last):
    detente.errors.TooLargeError: a deadline of 1,000,000,000 rounds: more than the limit of 1,000,000 rounds; raise it with --limit rounds=N
    """
    sizes.require("rounds", deadline, f"a deadline of {deadline:,} rounds")
    sizes.require(
        "steps",
        deadline * outcomes,
        f"{deadline:,} rounds over {outcomes:,} outcomes",
        "backward induction passes over every outcome in every round",
    )


def render(name: str, document: dict[str, Any], kinds: Mapping[str, str], labels: Labels) -> None:
    """Print the readable equilibrium (``kinds``: each issue's; ids by display name)."""
    outcome = document["outcome"]
    shown = "no agreement" if outcome is None else outcome_text(outcome, kinds, labels)
    where = "" if document["round"] is None else f" in round {document['round']}"
    said = (
        f": subgame-perfect equilibrium of {document['deadline']}-round "
        f"alternating offers: {shown}{where}"
    )
    console.print(Text.assemble(literal(name, style="bold"), literal(said)))
    pairs = zip(document["parties"], document["utilities"], strict=True)
    console.print(literal("payoffs: " + ", ".join(f"{labels.party(p)} {u:.6g}" for p, u in pairs)))
