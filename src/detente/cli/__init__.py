"""The ``detente`` command line: a thin layer over the library.

Exit codes: 0 success; 1 internal error (a bug: rerun with ``--debug`` for the
traceback); 2 bad input (one line on stderr naming the file, place and fix).
"""

from __future__ import annotations

import sys

import typer

from detente.cli.analyze import analyze
from detente.cli.domain_options import global_options, options_first
from detente.cli.export import export
from detente.cli.implement import implement
from detente.cli.import_ import import_
from detente.cli.phase import phase
from detente.cli.report import report
from detente.cli.schema import schema
from detente.cli.simulate import simulate
from detente.cli.spe import spe
from detente.cli.summarize import summarize
from detente.cli.sweep import sweep
from detente.cli.validate import validate
from detente.errors import DetenteError

app = typer.Typer(
    name="detente",
    help="Negotiations where what is agreed and the order it is carried out decide success.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


app.callback()(global_options)
app.command()(validate)
app.command()(analyze)
app.command()(schema)
app.command()(report)
app.command(name="import")(import_)
app.command()(export)
app.command()(simulate)
app.command()(spe)
app.command()(phase)
app.command()(implement)
app.command()(sweep)
app.command()(summarize)


# typer may bundle its own copy of click: take the usage-error class from typer itself.
_USAGE_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


def fail(message: str, code: int) -> None:
    """Print one line on stderr and exit."""
    sys.stderr.write(" ".join(message.split()) + "\n")
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning errors into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = options_first([a for a in args if a != "--debug"])
    try:
        app(args=args, prog_name="detente", standalone_mode=False)
    except typer.Exit as done:
        raise SystemExit(done.exit_code) from None
    except _USAGE_ERROR as error:
        context = getattr(error, "ctx", None)
        hint = f" (see '{context.command_path} --help')" if context is not None else ""
        fail(f"error: {error.format_message()}{hint}", getattr(error, "exit_code", 2))  # type: ignore[attr-defined]
    except typer.Abort:
        fail("aborted", 130)
    except DetenteError as error:
        if debug:
            raise
        fail(f"error: {error}", 2)
    except (BrokenPipeError, KeyboardInterrupt):
        raise SystemExit(130) from None
    except Exception as error:
        if debug:
            raise
        fail(
            f"internal error: {type(error).__name__}: {error} "
            "(a bug in detente; rerun with --debug for the traceback and report it)",
            1,
        )
