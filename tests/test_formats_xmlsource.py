"""Broken XML: a one-line error with file, line and column, or a reported lenient repair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import ScenarioError
from detente.formats import load_domain
from detente.formats.xmlsource import read_xml

MALFORMED = Path(__file__).parent / "fixtures" / "formats" / "malformed"

# first broken file (in file-name order), line, column, the error, the repair, repairs in all
CASES = {
    "ampersand": ("a.xml", 4, 33, 'unescaped "&"', 'escaped an unescaped "&" as "&amp;"', 3),
    "declaration": ("a.xml", 2, 1, "XML declaration is not at the start", "dropped an XML", 1),
    "attributes": ("a.xml", 3, 36, "missing space between attributes", "inserted a missing", 1),
    "cp1252": ("a.xml", 4, 33, "byte 0xE9 is not UTF-8", "as Windows-1252", 3),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_strict_reading_names_file_line_column_and_problem(case: str) -> None:
    name, line, column, problem, _, _ = CASES[case]
    with pytest.raises(ScenarioError) as error:
        load_domain(MALFORMED / case)
    message = str(error.value)
    assert message.startswith(f"{MALFORMED / case / name}:{line}:{column}: "), message
    assert problem in message
    assert "\n" not in message


@pytest.mark.parametrize("case", sorted(CASES))
def test_lenient_reading_repairs_and_reports_each_repair(case: str) -> None:
    name, line, _, _, repair, count = CASES[case]
    scenario = load_domain(MALFORMED / case, lenient=True)
    assert scenario.origin is not None
    repairs = scenario.origin.repairs
    assert len(repairs) == count, repairs
    assert repairs[0].startswith(f"{MALFORMED / case / name}:{line}:")
    assert repair in repairs[0]
    np.testing.assert_allclose(scenario.utility_matrix(), [[1 / 3, 1.0], [1.0, 0.5]], atol=1e-15)


def test_repaired_values_keep_their_text() -> None:
    values = load_domain(MALFORMED / "ampersand", lenient=True).space.issues[0].values
    assert values == ("AT & T", "Other")
    values = load_domain(MALFORMED / "cp1252", lenient=True).space.issues[0].values
    assert values == ("Caf\u00e9 \u201cOne\u201d", "Other")


def test_an_entity_reference_is_not_mistaken_for_a_bare_ampersand(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text('<a v="x &amp; y &#38; z"/>')
    assert read_xml(path).root.get("v") == "x & y & z"


def test_breakage_lenient_mode_cannot_resolve_stays_an_error(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<a><b></a>")
    with pytest.raises(ScenarioError, match=r"x\.xml:1:9: not well-formed XML: mismatched tag"):
        read_xml(path, lenient=True)


def test_document_type_declarations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY e "boom">]>\n<a>&e;</a>')
    with pytest.raises(ScenarioError, match=r"x\.xml:2:1: document type declarations"):
        read_xml(path, lenient=True)


def test_declared_encodings_are_honoured(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(
        '<?xml version="1.0" encoding="windows-1252"?><a v="caf\u00e9"/>'.encode("cp1252")
    )
    assert read_xml(path).root.get("v") == "caf\u00e9"


@pytest.mark.parametrize(
    ("data", "where", "problem"),
    [
        (b"<a>\r<b/>\r<c>\x01</c></a>", "3:4", "not well-formed XML"),
        (b"<a>\r\n<b/>\r<c>\x01</c></a>", "3:4", "not well-formed XML"),
        (b'<a>\r<b v="1"w="2"/></a>', "2:9", "missing space between attributes"),
        (b'<a>\r<b v="AT & T"/></a>', "2:10", 'unescaped "&"'),
        (b'<a>\r<b v="\xe9"/></a>', "2:7", "byte 0xE9 is not UTF-8"),
    ],
)
def test_a_lone_carriage_return_ends_a_line_as_the_parser_counts_lines(
    tmp_path: Path, data: bytes, where: str, problem: str
) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(data)
    with pytest.raises(ScenarioError) as error:
        read_xml(path)
    assert str(error.value).startswith(f"{path}:{where}: {problem}"), error.value


def test_an_error_on_a_line_past_the_last_newline_is_located_not_an_internal_error(
    tmp_path: Path,
) -> None:
    # found by atheris: the parser counts the comment's lone \r as a line, so it stops on
    # line 4 of a text with three \n; that position once indexed past the end of the text
    path = tmp_path / "x.xml"
    path.write_bytes(b'<!-- note \r->\n<a>\n<b v="1"\x01')
    with pytest.raises(ScenarioError, match=r"x\.xml:4:9: not well-formed XML"):
        read_xml(path, lenient=True)


def test_a_repair_after_a_lone_carriage_return_is_made_and_located(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(b'<a>\r<b v="1"w="2"/></a>')
    document = read_xml(path, lenient=True)
    assert document.root[0].attrib == {"v": "1", "w": "2"}
    assert document.repairs == (f"{path}:2:9: inserted a missing space between attributes",)
