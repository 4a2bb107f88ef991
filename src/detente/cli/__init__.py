"""The ``detente`` command line: a thin layer over the library.

Exit codes: 0 success; 1 internal error (a bug: rerun with ``--debug`` for the
traceback); 2 bad input (one line on stderr naming the file, place and fix);
130 and 143 when stopped by SIGINT (Ctrl-C) or SIGTERM, after removing
temporary files and saying what was kept; 141 when the reader of the output
went away (a broken pipe, as in ``detente analyze --json | head``).
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

import typer

from detente import sizes
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
    "compare": ("detente.cli.compare", "compare"),
    "threshold": ("detente.cli.threshold", "threshold"),
    "tornado": ("detente.cli.threshold", "tornado"),
    "retrodict": ("detente.cli.retrodict", "retrodict"),
    "calibrate": ("detente.cli.retrodict", "calibrate"),
    "serve": ("detente.cli.serve", "serve"),
}
"""Command name → (module, function). A command's module is imported only when it runs."""


def build_app(only: str | None = None) -> typer.Typer:
    """The typer app with every command, or with just the one about to run (fast start-up)."""
    app = typer.Typer(
        name="detente",
        help="Negotiations where what is agreed and the order it is carried out decide success. "
        "--limit NAME=N (anywhere, repeatable) raises a size limit: see docs/reference/limits.md.",
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
    """Print one line on stderr (if anyone can read it) and exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(" ".join(printable(message).split()) + "\n")
        sys.stderr.flush()
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning errors into one line and an exit code."""
    replace_unencodable()
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = options_first([a for a in args if a != "--debug"])
    with _streams_guarded(), _signals_raise():
        try:
            args, limits = take_limits(args)
            with sizes.using(sizes.parse_limits(limits)):
                run(args)
        except BaseException as error:  # every way a command ends becomes one exit code
            _exit_for(error, debug)


def run(args: list[str]) -> None:
    """Run the command ``args`` name, then make sure its output has reached stdout.

    The command is invoked directly rather than through typer's ``main``, which
    would turn Ctrl-C into a silent return and a broken pipe into exit 1.
    """
    requested = next((a for a in args if a in COMMANDS), None)
    command = typer.main.get_command(build_app(requested))
    with command.make_context("detente", args) as context:
        command.invoke(context)
    sys.stdout.flush()  # a reader that went away is noticed here, not at interpreter exit


def take_limits(args: list[str]) -> tuple[list[str], list[str]]:
    """Split ``--limit NAME=N`` (global, anywhere, repeatable) from the other arguments.

    >>> take_limits(["sweep", "f.yaml", "--limit", "draws=1e9", "--limit=stages=200"])
    (['sweep', 'f.yaml'], ['draws=1e9', 'stages=200'])
    """
    rest: list[str] = []
    limits: list[str] = []
    iterator = iter(args)
    for arg in iterator:
        if arg == "--limit":
            limits.append(next(iterator, ""))
        elif arg.startswith("--limit="):
            limits.append(arg.removeprefix("--limit="))
        else:
            rest.append(arg)
    return rest, limits


def _exit_for(error: BaseException, debug: bool) -> None:
    """The exit (and the one line) for whatever ended the command."""
    if _reader_gone(error) or (isinstance(error, SystemExit) and _reader_gone(error.__context__)):
        _discard_stdout()  # (rich exits 1 when the reader goes away: that is a broken pipe too)
        raise SystemExit(128 + signal.SIGPIPE) from None
    if isinstance(error, SystemExit):
        raise error
    if isinstance(error, typer.Exit):
        raise SystemExit(error.exit_code) from None
    if isinstance(error, KeyboardInterrupt | typer.Abort):
        stopped_by = _STOPPED_BY[-1] if _STOPPED_BY else signal.SIGINT
        detail = f": {error}" if str(error) else ""
        fail(f"interrupted by {signal.Signals(stopped_by).name}{detail}", 128 + stopped_by)
    if isinstance(error, _USAGE_ERROR):
        _usage_error(error)
    if debug or not isinstance(error, Exception):
        raise error
    if isinstance(error, DetenteError | OSError):
        shown = describe_os_error(error) if isinstance(error, OSError) else str(error)
        fail(f"error: {shown}", 2)
    fail(
        f"internal error: {type(error).__name__}: {error} "
        "(a bug in detente; rerun with --debug for the traceback and report it)",
        1,
    )


def _usage_error(error: Exception) -> None:
    """A wrong command line: click's message and where to find help (no arguments: just exit)."""
    code = getattr(error, "exit_code", 2)
    if not error.format_message().strip():  # type: ignore[attr-defined]
        raise SystemExit(code) from None  # no arguments: the help is already printed
    context = getattr(error, "ctx", None)
    hint = f" (see '{context.command_path} --help')" if context is not None else ""
    fail(f"error: {error.format_message()}{hint}", code)  # type: ignore[attr-defined]


def _reader_gone(error: BaseException | None) -> bool:
    """Whether ``error`` says the reader of stdout went away (a broken pipe)."""
    return isinstance(error, BrokenPipeError) or (
        isinstance(error, OSError) and error.errno == errno.EPIPE
    )


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so nothing more is written to a pipe nobody reads."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


_STOPPED_BY: list[int] = []
"""The signals that stopped the running command (the last one decides the exit code)."""


def _stop(signum: int, frame: FrameType | None) -> None:
    """Signal handler: stop the command like Ctrl-C does, remembering which signal it was."""
    _STOPPED_BY.append(signum)
    raise KeyboardInterrupt


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGINT and SIGTERM stop the command through ``KeyboardInterrupt`` (cleanups run).

    Installed even where the parent asked to ignore SIGINT (a background job of
    a script): a signal sent on purpose must stop the run cleanly. Only in the
    main thread (elsewhere signals cannot be handled); restored afterwards.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _STOPPED_BY.clear()
    previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def _streams_guarded() -> Iterator[None]:
    """Closed standard streams: never a crash, never a file opened in their place.

    A closed stderr is replaced by /dev/null (errors are then told only by the
    exit code). A closed stdout is refused before anything runs (exit 2): what a
    command prints would be lost, and a file opened later could take its place.
    """
    closed = [fd for fd in (0, 1, 2) if not _is_open(fd)]
    for fd in closed:
        devnull = os.open(os.devnull, os.O_RDWR)
        if devnull != fd:
            os.dup2(devnull, fd)
            os.close(devnull)
    if 2 in closed or sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    if 1 in closed or sys.stdout is None:
        fail(
            "error: standard output is closed; nothing was run (redirect it to /dev/null to discard it)",
            2,
        )
    yield


def _is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


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
