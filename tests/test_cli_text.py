"""Text is text: what comes from a file is shown as written, in the terminal and the report.

Rich markup in a name is printed as brackets, never read (``[/oops]`` once crashed the
command); control characters are shown as their escapes, never sent to the terminal
(an escape sequence once made a hyperlink or blinking text); HTML and Markdown in a name
are shown, never run or linked; a terminal that cannot encode a character gets ``?``.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from detente.cli import main
from detente.cli.text import literal, replace_unencodable
from detente.printable import printable
from detente.report.render import markdown_cell, markdown_paragraph, markdown_text

REPO = Path(__file__).resolve().parents[1]
TEXT = REPO / "tests" / "hostile" / "text"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What must never reach a terminal or a report raw."""


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[5mblink", "\\x1b[5mblink"),
        ("\x1b]8;;http://x\x1b\\link", "\\x1b]8;;http://x\\x1b\\link"),
        ("a\rb", "a\\x0db"),
        ("bell\a", "bell\\x07"),
        ("del\x7f", "del\\x7f"),
        ("c1 \x9b5m \x85", "c1 \\x9b5m \\x85"),
        ("\u202eevil", "\\u202eevil"),
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
        ("line\u2028separator", "line\\u2028separator"),
        ("lone \udcff surrogate", "lone \\udcff surrogate"),
        ("two\nlines\tand a tab", "two\nlines\tand a tab"),
        ("North Korea – 북한 (café)", "North Korea – 북한 (café)"),
        ("[/oops] :smile: \\ $x$", "[/oops] :smile: \\ $x$"),
    ],
)
def test_printable_escapes_exactly_the_control_characters(text: str, shown: str) -> None:
    assert printable(text) == shown


@pytest.mark.parametrize(
    "text",
    ["[/oops]", "[bold red]x[/bold red]", "[link=http://example.invalid]click[/link]", ":smile:"],
)
def test_literal_text_is_never_read_as_markup_by_any_console(text: str) -> None:
    console = Console(record=True, markup=True, emoji=True, width=80)
    console.print(literal(text))
    assert console.export_text() == text + "\n"


def test_analyze_prints_markup_in_every_name_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    main(["analyze", str(TEXT / "markup.yaml")])
    out = " ".join(capsys.readouterr().out.split())  # as one line, however the console wrapped
    assert out.startswith(
        "[/oops] [blink]blinking[/blink] [link=http://example.invalid]click[/link] :smile: 2 parties"
    )
    assert "[blink]a claim[/blink] [/oops]" in out
    assert "The position “opening” ([/oops]; held by [/i] side A)" in out  # its name, as written


def test_analyze_shows_escape_sequences_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    main(["analyze", str(TEXT / "escape-sequences.yaml")])
    out = capsys.readouterr().out
    assert RAW.search(out) is None
    assert out.startswith("OSC 8 \\x1b]8;;http://example.invalid\\x1b\\click")
    assert "\\x1b[31mred\\x1b[0m" in out
    assert "deal = \\u202eb" in out


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (["validate", str(TEXT / "escape-in-error.yaml")], "values['x\\x1b[5mblink\\x1b]8;;"),
        (["validate", "\x1b]8;;x:y\x1b\\[/oops].yaml"], "\\x1b]8;;x:y\\x1b\\[/oops].yaml: no such"),
        (["analyze", str(TEXT / "markup.yaml"), "--set", "\x1b[5mp=1"], "--set \\x1b[5mp"),
    ],
)
def test_an_error_line_shows_escape_sequences_escaped(
    argv: list[str], shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert len(err.splitlines()) == 1
    assert RAW.search(err) is None
    assert shown in err


def test_an_html_report_shows_html_and_escapes_as_text(tmp_path: Path) -> None:
    for name in ("html-and-markdown.yaml", "escape-sequences.yaml", "markup.yaml"):
        main(["report", str(TEXT / name), "-o", str(tmp_path / f"{name}.html")])
    page = (tmp_path / "html-and-markdown.yaml.html").read_text("utf-8")
    assert "<script>" not in page and "<h1>injected" not in page and "<img src=x" not in page
    assert "<h1>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; [a link]" in page
    assert "<td>&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h1&gt;injected&lt;/h1&gt;</td>" in page
    escapes = (tmp_path / "escape-sequences.yaml.html").read_text("utf-8")
    assert RAW.search(escapes) is None
    assert "<h1>OSC 8 \\x1b]8;;http://example.invalid\\x1b\\click" in escapes
    assert "<h1>[/oops] [blink]blinking[/blink]" in (tmp_path / "markup.yaml.html").read_text()


def test_a_markdown_report_shows_markup_and_escapes_as_text(tmp_path: Path) -> None:
    for name in ("html-and-markdown.yaml", "escape-sequences.yaml"):
        main(["report", str(TEXT / name), "-o", str(tmp_path / f"{name}.md")])
    text = (tmp_path / "html-and-markdown.yaml.md").read_text("utf-8")
    assert re.search(r"(?<!\\)[<\[]", text.replace("![", "")) is None  # no raw tag or link
    assert text.startswith(
        "# \\<script\\>alert('title')\\</script\\> \\& \\[a link\\](javascript:alert(1))\n\n"
        "## In brief\n\nThe case: # not a heading \\<img src=x onerror=alert(1)\\> !\\[tracker\\]"
    )
    assert "| Side B \\$\\\\alpha\\$ | yes |" in text
    assert "| html | \\</td\\>\\</tr\\>\\</table\\>\\<h1\\>injected\\</h1\\> |" in text
    escapes = (tmp_path / "escape-sequences.yaml.md").read_text("utf-8")
    assert RAW.search(escapes) is None
    assert "carriage\\\\x0dreturn" in escapes


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[x](http://y)", "\\[x\\](http://y)"),
        ("<b>&amp;", "\\<b\\>\\&amp;"),
        (
            "`code` *a* _b_ ~c~ $d$ back\\slash",
            "\\`code\\` \\*a\\* \\_b\\_ \\~c\\~ \\$d\\$ back\\\\slash",
        ),
        ("test_halt and __init__", "test_halt and \\_\\_init\\_\\_"),
        ("one\ntwo\r\nthree", "one two\\\\x0d three"),
        ("# 1. - > +", "# 1. - \\> +"),
    ],
)
def test_markdown_text_is_one_line_of_plain_text(text: str, line: str) -> None:
    assert markdown_text(text) == line


@pytest.mark.parametrize(
    ("text", "paragraph"),
    [("# x", "\\# x"), ("- x", "\\- x"), ("+ x", "\\+ x"), ("> x", "\\> x"), ("12. x", "12\\. x")],
)
def test_a_markdown_paragraph_never_starts_a_heading_list_or_quote(
    text: str, paragraph: str
) -> None:
    assert markdown_paragraph(text) == paragraph


def test_a_markdown_cell_never_ends_its_cell() -> None:
    assert markdown_cell("a | b\nc") == "a \\| b c"


@pytest.mark.parametrize(
    ("encoding", "stdout", "stderr"),
    [
        ("latin-1", b"caf\xe9 ? ?? ok", b"caf\xe9 \\u2013 \\ubd81\\ud55c ok"),
        ("ascii", b"caf? ? ?? ok", b"caf\\xe9 \\u2013 \\ubd81\\ud55c ok"),
    ],
)
def test_a_terminal_without_a_character_gets_a_replacement(
    encoding: str, stdout: bytes, stderr: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, err = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, encoding=encoding))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(err, encoding=encoding))
    replace_unencodable()
    for stream in (sys.stdout, sys.stderr):
        stream.write("café – 북한 ok")
        stream.flush()
    assert (out.getvalue(), err.getvalue()) == (stdout, stderr)


def test_a_utf8_terminal_gets_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, encoding="utf-8"))
    replace_unencodable()
    sys.stdout.write("café – 북한")
    sys.stdout.flush()
    assert out.getvalue() == "café – 북한".encode()


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_analyze_on_a_narrow_terminal_replaces_what_it_cannot_show(encoding: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "detente", "analyze", str(REPO / "scenarios" / "hanoi-2019.yaml")],
        capture_output=True,
        env={**_environment(), "PYTHONIOENCODING": encoding},
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert done.stdout.startswith(b"Hanoi summit 2019 (United States ? North Korea, South Korea")
    assert b"Kalai?Smorodinsky" in done.stdout


def _environment() -> dict[str, str]:
    import os

    import detente

    source = str(Path(detente.__file__).parents[1])
    return {**os.environ, "PYTHONPATH": source, "COLUMNS": "100"}


def test_phase_shows_markup_and_escapes_in_item_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "items.yaml"
    text = (REPO / "scenarios" / "theory" / "action-for-action.yaml").read_text("utf-8")
    scenario.write_text(text.replace("a_step", '"a\\e[5m[/oops]"'), "utf-8")
    main(["phase", str(scenario)])
    out = capsys.readouterr().out
    assert RAW.search(out) is None
    assert "│ a\\x1b[5m[/oops] 3, b step 3 " in out  # stage 3 delivers 3 of each, by name
