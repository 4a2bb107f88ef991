"""The global ``--real-steps`` and ``--lenient`` options for reading domain files.

They apply to every command that takes a scenario and may be written
anywhere on the command line: :func:`options_first` moves them before the
command, where :func:`global_options` (the app's callback) reads them into
the context variable that :func:`detente.cli.common.load` consults.
"""

from __future__ import annotations

from typing import Annotated

import typer

from detente.cli.common import DOMAIN_READING, DomainReading
from detente.formats import DEFAULT_REAL_STEPS


def global_options(
    real_steps: Annotated[
        int | None,
        typer.Option(
            "--real-steps",
            min=2,
            help="Grid points per real-valued issue of a GENIUS domain "
            f"(default {DEFAULT_REAL_STEPS}).",
        ),
    ] = None,
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient",
            help="Repair unambiguous breakage in domain XML files, reporting each repair.",
        ),
    ] = False,
) -> None:
    """Negotiations where what is agreed and the order it is carried out decide success.

    --real-steps and --lenient may be given anywhere on the command line.
    """
    DOMAIN_READING.set(DomainReading(real_steps, lenient))


def options_first(args: list[str]) -> list[str]:
    """Move ``--lenient`` and ``--real-steps N`` before the command, wherever they were given.

    >>> options_first(["analyze", "dom", "--lenient", "--real-steps", "5", "--json"])
    ['--lenient', '--real-steps', '5', 'analyze', 'dom', '--json']
    """
    front: list[str] = []
    rest: list[str] = []
    iterator = iter(args)
    for arg in iterator:
        if arg == "--lenient" or arg.startswith("--real-steps="):
            front.append(arg)
        elif arg == "--real-steps":
            front.extend([arg, next(iterator, "")])
        else:
            rest.append(arg)
    return front + rest
