"""A page per command, generated at build time from the command line's own ``--help``.

Every command registered in ``detente.cli.COMMANDS`` gets ``reference/commands/NAME.md``, and
``reference/commands/index.md`` holds ``detente --help`` and a link to each. Nothing is checked
in, so a page cannot fall behind its command: it is what ``detente NAME --help`` prints at
``WIDTH`` columns when the site is built, and a command added to ``COMMANDS`` has its page on
the next build.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from io import StringIO

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from detente.cli import COMMANDS, main

WIDTH = 80
"""Columns the help is rendered at (rich wraps the option tables to fit)."""

FOLDER = "reference/commands"


def help_text(*args: str) -> str:
    """What ``detente ARGS --help`` prints in a terminal ``WIDTH`` columns wide."""
    out = StringIO()
    with _columns(WIDTH), redirect_stdout(out):
        try:
            main([*args, "--help"])
        except SystemExit as done:
            if done.code not in (0, None):
                raise RuntimeError(f"detente {' '.join(args)} --help exited {done.code}") from None
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip("\n")


def command_page(name: str) -> str:
    """The Markdown page of one command."""
    return (
        f"# `detente {name}`\n\n"
        f"What `detente {name} --help` prints (generated from the command itself when the site "
        f"is built). The [command line reference](../cli.md) describes the options shared by "
        f"every command, the exit codes and the JSON documents.\n\n"
        f"```text\n{help_text(name)}\n```\n"
    )


def index_page(full: bool = True) -> str:
    """The Markdown page linking every command's page, with ``detente --help`` when ``full``."""
    links = "\n".join(f"- [`detente {name}`]({name}.md)" for name in COMMANDS)
    page = (
        "# Commands\n\n"
        "Each command's `--help`, generated from the command line when the site is built. "
        "The [command line reference](../cli.md) says what each command does and documents "
        f"its JSON output.\n\n{links}\n"
    )
    return f"{page}\n## `detente --help`\n\n```text\n{help_text()}\n```\n" if full else page


def outline() -> dict[str, str]:
    """The generated pages without the help texts (cheap): what the navigation needs."""
    return {path: "" for path in paths()} | {f"{FOLDER}/index.md": index_page(full=False)}


def paths() -> list[str]:
    """The generated pages' paths under the docs folder: the index, then one per command."""
    return [f"{FOLDER}/index.md", *(f"{FOLDER}/{name}.md" for name in COMMANDS)]


def pages() -> dict[str, str]:
    """Every generated page: path under the docs folder → Markdown."""
    generated = {f"{FOLDER}/index.md": index_page()}
    generated |= {f"{FOLDER}/{name}.md": command_page(name) for name in COMMANDS}
    return generated


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated command pages to the site."""
    for path, text in pages().items():
        files.append(File.generated(config, path, content=text))
    return files


@contextmanager
def _columns(width: int) -> Iterator[None]:
    """The terminal width rich reads (``COLUMNS``), set for the duration."""
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before
