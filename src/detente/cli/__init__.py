"""The ``detente`` command line: a thin layer over the library.

Exit codes: 0 success; 1 internal error (a bug: rerun with ``--debug`` for the
traceback); 2 bad input (one line on stderr naming the file, place and fix).
"""

from __future__ import annotations

import importlib
import sys

import typer

from detente.cli.domain_options import global_options, options_first
from detente.cli.text import replace_unencodable
from detente.errors import DetenteError
from detente.printable import printable

COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("detente.cli.validate", "validate"),
    "analyze": ("detente.cli.analyze", "analyze"),
    "schema": ("detente.cli.schema", "schema"),
    "report": ("detente.cli.report", "report"),
    "import": ("detente.cli.import_", "import_"),
    "export": ("detente.cli.export", "export"),
    "simulate": ("detente.cli.simulate", "simulate"),
    "spe": ("detente.cli.spe", "spe"),
    "phase": ("detente.cli.phase", "phase"),
    "implement": ("detente.cli.implement", "implement"),
    "sweep": ("detente.cli.sweep", "sweep"),
    "summarize": ("detente.cli.summarize", "summarize"),
    "tournament": ("detente.cli.tournament", "tournament"),
}
"""Command name → (module, function). A command's module is imported only when it runs."""


def build_app(only: str | None = None) -> typer.Typer:
    """The typer app with every command, or with just the one about to run (fast start-up)."""
    app = typer.Typer(
        name="detente",
        help="Negotiations where what is agreed and the order it is carried out decide success.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(global_options)
    for name, (module, function) in COMMANDS.items():
        if only is None or name == only:
            app.command(name=name)(getattr(importlib.import_module(module), function))
    return app


# typer may bundle its own copy of click: take the usage-error class from typer itself.
_USAGE_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


def fail(message: str, code: int) -> None:
    """Print one line on stderr and exit."""
    sys.stderr.write(" ".join(printable(message).split()) + "\n")
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning errors into one line and an exit code."""
    replace_unencodable()
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = options_first([a for a in args if a != "--debug"])
    try:
        requested = next((a for a in args if a in COMMANDS), None)
        build_app(requested)(args=args, prog_name="detente", standalone_mode=False)
    except typer.Exit as done:
        raise SystemExit(done.exit_code) from None
    except _USAGE_ERROR as error:
        code = getattr(error, "exit_code", 2)
        if not error.format_message().strip():  # type: ignore[attr-defined]
            raise SystemExit(code) from None  # no arguments: the help is already printed
        context = getattr(error, "ctx", None)
        hint = f" (see '{context.command_path} --help')" if context is not None else ""
        fail(f"error: {error.format_message()}{hint}", code)  # type: ignore[attr-defined]
    except typer.Abort:
        fail("aborted", 130)
    except DetenteError as error:
        if debug:
            raise
        fail(f"error: {error}", 2)
    except (BrokenPipeError, KeyboardInterrupt):
        raise SystemExit(130) from None
    except OSError as error:
        if debug:
            raise
        fail(f"error: {describe_os_error(error)}", 2)
    except Exception as error:
        if debug:
            raise
        fail(
            f"internal error: {type(error).__name__}: {error} "
            "(a bug in detente; rerun with --debug for the traceback and report it)",
            1,
        )


def describe_os_error(error: OSError) -> str:
    """A failed read or write in one line: the path, the reason, what to check.

    >>> describe_os_error(FileNotFoundError("/run/chunk-000000.parquet"))
    '/run/chunk-000000.parquet: no such file (check the path and its permissions)'
    >>> describe_os_error(PermissionError(13, "Permission denied", "/etc/x"))
    '/etc/x: Permission denied (check the path and its permissions)'
    """
    where = error.filename if error.filename is not None else (error.args or ("?",))[-1]
    reason = error.strerror or _OS_REASONS.get(type(error), type(error).__name__)
    return f"{where}: {reason} (check the path and its permissions)"


_OS_REASONS: dict[type[OSError], str] = {
    FileNotFoundError: "no such file",
    PermissionError: "permission denied",
    IsADirectoryError: "is a folder",
    NotADirectoryError: "not a folder",
}
