"""Hostile input: every attack on reading a file is refused in one line, quickly, in bounded memory.

``tests/fixtures/hostile/`` holds inputs written for these tests; ``CORPUS`` gives the fragments
each refusal must contain. Inputs that are large, or that are not files at all (a FIFO,
``/dev/zero``, a file above the size limit, a 3,000-parameter chain), are made by the tests.
The property tests at the end feed the readers and the formula evaluator arbitrary text: the
answer is a value or a :class:`~detente.errors.DetenteError`, never another exception.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.formats import load_domain
from detente.formats.reading import MAX_DOMAIN_BYTES, MIB, SIZE_SETTING, read_bytes
from detente.formats.xmlsource import MAX_REPAIRS, parse_xml
from detente.scenario import Scenario
from detente.scenariofile import formulas
from detente.scenariofile.loader import build_scenario, load_scenario, parse_yaml
from tests.conftest import assert_one_line_error

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
SECONDS = 5.0
"""A hostile input is refused within this (the normal run takes a few milliseconds)."""
MEMORY = 500 * MIB
"""Address space of a subprocess reading a bomb-style input."""

CORPUS: dict[str, tuple[str, ...]] = {
    "alias-bomb.yaml": ("alias-bomb.yaml:3:5: l0:", "anchors and aliases", "not allowed"),
    "merge-alias.yaml": ("merge-alias.yaml:3:7: base:", "anchors and aliases"),
    "binary-tag.yaml": ("binary-tag.yaml:2:7: name:", "YAML tag '!!binary' is not allowed"),
    "python-tag.yaml": ("python-tag.yaml:2:7", "'!!python/object/apply:os.system' is not allowed"),
    "set-tag.yaml": ("set-tag.yaml:3:9: issues:", "YAML tag '!!set' is not allowed"),
    "local-tag.yaml": ("local-tag.yaml:2:7", "YAML tag '!secret' is not allowed"),
    "deep-flow.yaml": ("deep-flow.yaml:6:", "parties[0].utility.values.x[0]", "more than 32 deep"),
    "deep-block.yaml": ("deep-block.yaml:", "description[0]", "more than 32 deep"),
    "long-integer.yaml": ("long-integer.yaml:4:26: issues[0].range[1]:", "400 characters", "64"),
    "huge-integer.yaml": ("huge-integer.yaml:4:26", "5,000 characters", "at most 64"),
    "infinite-literal.yaml": ("infinite-literal.yaml:6:26: parties[0].reservation:", "1e999"),
    "nan-literal.yaml": ("nan-literal.yaml:6:26", ".nan is not a finite number"),
    "duplicate-numbers.yaml": ("duplicate-numbers.yaml:4:5: issues[0]:", "lists a value twice"),
    "huge-range.yaml": ("huge-range.yaml:4:5", "1,000,000,000,001 values", "at most 20,000,000"),
    "formula-sqrt.yaml": ("formula-sqrt.yaml:4:7: parameters.p.value:", "sqrt(-1) is not defined"),
    "formula-complex.yaml": ("(-8) ** 0.333333", "fractional power is not a real number"),
    "formula-overflow.yaml": ("10 ** 400", "too large for a number"),
    "formula-infinite.yaml": ("1e+308 * 10", "too large for a number"),
    "formula-deep-sum.yaml": ("parameters.p.value", "nested more than 50 operations deep"),
    "formula-deep-unary.yaml": ("parameters.p.value", "nested more than 50 operations deep"),
    "formula-parentheses.yaml": ("parameters.p.value", "too many nested parentheses"),
    "formula-long.yaml": ("a formula of 5,002 characters", "at most 1000"),
    "parameter-cycle.yaml": ("parameters.a", "in a cycle: a → b → c → a"),
    "negolog-nan": ("negolog-nan/a.json:1:49: NaN is not a finite number",),
    "negolog-infinity": ("negolog-infinity/a.json:1:", "Infinity is not a finite number"),
    "negolog-overflow": ("negolog-overflow/a.json:1:22: 1e999 is not a finite number",),
    "negolog-long-number": ("negolog-long-number/a.json:1:49", "402 characters", "at most 64"),
    "negolog-negative-weight": ("a.json: issueWeights.x: -0.5 is negative",),
    "negolog-zero-weights": ("a.json: issueWeights: every issue weight is 0",),
    "negolog-deep": ("negolog-deep/a.json:1:", "nested more than 32 deep"),
    "geniusweb-nan": ("geniusweb-nan/a.json:1:", "NaN is not a finite number"),
    "geniusweb-negative-weight": ("a.json: issueWeights.x: -1 is negative",),
    "geniusweb-repeated-value": ("domain.json: issuesValues.x:", "the same value twice"),
    "genius-negative-weight": ("a.xml:", "of issue 'x' is -1", "may not be negative"),
    "genius-zero-weight": ("a.xml:", "every issue weight is 0"),
    "genius-nan": ("a.xml:", "evaluation: 'NaN' is not a finite number"),
    "genius-long-number": ("a.xml:", "100 characters", "at most 64"),
    "genius-huge-range": ("dom.xml:", "1,000,000,000,001 values", "at most 20,000,000"),
    "genius-entity-bomb": ("dom.xml:2:1: document type declarations are not allowed",),
    "genius-external-entity": ("dom.xml:2:1: document type declarations are not allowed",),
    "genius-deep": ("dom.xml:", "XML elements nested more than 32 deep"),
}


def refused(load: Callable[[], object], *fragments: str) -> None:
    """``load()`` raises a one-line DetenteError holding every fragment, within :data:`SECONDS`."""
    started = time.perf_counter()
    with pytest.raises(DetenteError) as caught:
        load()
    elapsed = time.perf_counter() - started
    line = str(caught.value)
    assert "\n" not in line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    assert elapsed < SECONDS, (elapsed, line)


def limited_cli(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``detente ARGS`` in a subprocess limited to :data:`MEMORY` of address space."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run(
        [sys.executable, "-m", "detente", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **env},
        check=False,
    )


def test_every_corpus_input_has_its_expected_refusal() -> None:
    assert sorted(p.name for p in HOSTILE.iterdir()) == sorted(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_hostile_input_is_refused_in_one_line_quickly(name: str) -> None:
    refused(lambda: load_scenario(HOSTILE / name), *CORPUS[name])


@pytest.mark.parametrize(
    "name", ["alias-bomb.yaml", "deep-flow.yaml", "huge-integer.yaml", "negolog-deep"]
)
def test_bomb_style_inputs_are_refused_through_the_cli_in_bounded_memory(name: str) -> None:
    assert_one_line_error(limited_cli("validate", HOSTILE / name), *CORPUS[name])


# --------------------------------------------------------------------------- not files


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    assert_one_line_error(
        limited_cli("validate", fifo), "scenario.yaml: is a FIFO", "not a regular file"
    )
    refused(lambda: read_bytes(fifo, MAX_DOMAIN_BYTES, "domain file"), "is a FIFO")


def test_a_fifo_named_as_a_domain_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"issueWeights": {"x": 1}, "issues": {"x": {"p": 1}}}')
    os.mkfifo(tmp_path / "b.json")
    files = f"{tmp_path / 'a.json'},{tmp_path / 'b.json'}"
    refused(lambda: load_scenario(files), "b.json: is a FIFO", "give a domain file")


def test_a_device_is_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert_one_line_error(limited_cli("validate", link), "zero.yaml: is a character device")
    refused(lambda: load_scenario("/dev/zero"), "/dev/zero: is a character device")


def test_a_folder_where_a_file_is_expected_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "s.yaml"
    folder.mkdir()
    refused(lambda: read_bytes(folder, MIB, "scenario file"), "is a folder, not a scenario file")


def test_a_file_above_the_size_limit_is_refused_unread_and_the_setting_raises_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("name: big\n" + "#" * (MIB + 10) + "\n")
    limit = "big.yaml: is larger than the 1 MB limit for a scenario file (1,048,597 bytes)"
    refused(lambda: load_scenario(big), limit, f"set {SIZE_SETTING}=N to raise the limit to N MB")
    monkeypatch.setenv(SIZE_SETTING, "2")
    with pytest.raises(DetenteError, match="issues"):  # read, then found incomplete
        load_scenario(big)
    monkeypatch.setenv(SIZE_SETTING, "lots")
    refused(lambda: load_scenario(big), f"{SIZE_SETTING}='lots'", "positive number")


def test_a_sparse_domain_file_above_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "a.json"
    with huge.open("wb") as stream:
        stream.truncate(MAX_DOMAIN_BYTES + 1)  # sparse: no disk, no memory
    (tmp_path / "b.json").write_text("{}")
    refused(lambda: load_domain(tmp_path), "a.json: is larger than the 16 MB limit")


# --------------------------------------------------------------------------- parameters


def chain(length: int) -> str:
    """A scenario whose parameter p{k} is =p{k-1} + 1, k up to ``length - 1``."""
    lines = ["name: chain", "parameters:", "  p0: 1"]
    lines += [f"  p{k}: =p{k - 1} + 1" for k in range(1, length)]
    lines += [
        "issues: [{name: x, values: [a, b]}]",
        "parties:",
        f"  - {{id: A, reservation: =p{length - 1} / 1000, utility: {{values: {{x: {{a: 1}}}}}}}}",
        "  - {id: B, utility: {values: {x: {b: 1}}}}",
    ]
    return "\n".join(lines) + "\n"


def test_a_chain_of_3000_parameter_formulas_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "chain.yaml"
    path.write_text(chain(3000))
    refused(
        lambda: load_scenario(path),
        "chain.yaml:103:3: parameters.p100:",
        "chain of 101 parameters (p100 → p99 → … → p0)",
        "at most 100",
    )


def test_a_chain_of_100_parameter_formulas_is_resolved_in_order(tmp_path: Path) -> None:
    path = tmp_path / "chain.yaml"
    path.write_text(chain(100))
    scenario = load_scenario(path)
    assert scenario.parameters["p99"] == 100.0
    assert scenario.parties[0].reservation == 0.1


def test_resolving_parameters_is_linear_in_their_number(tmp_path: Path) -> None:
    lines = ["name: wide", "parameters:", "  base: 1"]
    lines += [f"  q{k}: =base + {k}" for k in range(5000)]
    lines += [
        "issues: [{name: x, values: [a, b]}]",
        "parties:",
        "  - {id: A, reservation: =q4999 / 10000, utility: {values: {x: {a: 1}}}}",
        "  - {id: B, utility: {values: {x: {b: 1}}}}",
    ]
    path = tmp_path / "wide.yaml"
    path.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    assert load_scenario(path).parties[0].reservation == 0.5
    assert time.perf_counter() - started < SECONDS


# --------------------------------------------------------------------------- lenient XML


def genius_files(folder: Path, items: int, broken: int, breakage: str) -> None:
    """A GENIUS domain and two profiles of ``items`` values, ``broken`` of them broken."""

    def item(i: int, evaluation: bool) -> str:
        value = f"A & B {i}" if breakage == "&" and i < broken else f"v{i}"
        gap = "" if breakage == "attributes" and i < broken else " "
        score = f' evaluation="{i}"' if evaluation else ""
        return f'<item index="{i}"{gap}value="{value}"{score}/>\n'

    def issue(evaluation: bool) -> str:
        body = "".join(item(i, evaluation) for i in range(1, items + 1))
        return f'<issue index="1" name="x" type="discrete">\n{body}</issue>\n'

    folder.mkdir()
    (folder / "dom.xml").write_text(
        f"<negotiation_template><utility_space><objective index='0' name='root'>\n"
        f"{issue(False)}</objective></utility_space></negotiation_template>\n"
    )
    for name in ("a", "b"):
        (folder / f"{name}.xml").write_text(
            f"<utility_space><objective index='0' name='root'>\n{issue(True)}"
            "<weight index='1' value='1.0'/></objective></utility_space>\n"
        )


@pytest.mark.parametrize("breakage", ["&", "attributes"])
def test_lenient_repair_is_linear_in_the_number_of_repairs(tmp_path: Path, breakage: str) -> None:
    genius_files(tmp_path / "d", items=20_000, broken=1000, breakage=breakage)  # ~1 MB per file
    started = time.perf_counter()
    scenario = load_domain(tmp_path / "d", lenient=True)
    assert time.perf_counter() - started < SECONDS
    assert scenario.origin is not None and len(scenario.origin.repairs) == 3 * 999
    assert scenario.space.size == 20_000
    first = "A & B 1" if breakage == "&" else "v1"
    assert scenario.space.issues[0].values[:2] == (first, first.replace("1", "2"))
    column, done = (26, 'escaped an unescaped "&"') if breakage == "&" else (16, "inserted a")
    for line, repair in ((3, scenario.origin.repairs[0]), (4, scenario.origin.repairs[1])):
        assert repair.startswith(f"{tmp_path / 'd' / 'a.xml'}:{line}:{column}: {done}"), repair


def test_more_repairs_than_the_limit_are_refused(tmp_path: Path) -> None:
    genius_files(tmp_path / "d", items=MAX_REPAIRS + 5, broken=MAX_REPAIRS + 3, breakage="&")
    refused(lambda: load_domain(tmp_path / "d", lenient=True), "a.xml", f"more than {MAX_REPAIRS}")


def test_a_bare_ampersand_in_a_comment_or_cdata_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    data = b"<a v='x & y'><!-- AT&T --><![CDATA[a & b]]><?pi & ?><b w=\"p & q\"/></a>"
    document = parse_xml(path, data, lenient=True)
    assert [r.removeprefix(str(path)) for r in document.repairs] == [
        ':1:9: escaped an unescaped "&" as "&amp;"',
        ':1:61: escaped an unescaped "&" as "&amp;"',
    ]
    assert document.root.text == "a & b"
    assert (document.root.get("v"), document.root[0].get("w")) == ("x & y", "p & q")


def test_run_together_attributes_are_separated_but_values_keep_their_quotes(
    tmp_path: Path,
) -> None:
    data = b"<a x='it\"s y=1'y=\"2\"z='3'><b v=\"q'r='s'\"/></a>"
    document = parse_xml(tmp_path / "x.xml", data, lenient=True)
    assert len(document.repairs) == 2
    assert dict(document.root.attrib) == {"x": 'it"s y=1', "y": "2", "z": "3"}
    assert document.root[0].get("v") == "q'r='s'"


def test_misplaced_declarations_are_dropped_together_and_other_instructions_kept(
    tmp_path: Path,
) -> None:
    data = b"<!-- a -->\n<?xml version='1.0'?><a><?xml-stylesheet x?><?xml version='1.0'?></a>"
    document = parse_xml(tmp_path / "x.xml", data, lenient=True)
    assert [r.removeprefix(str(tmp_path / "x.xml")) for r in document.repairs] == [
        ":2:1: dropped an XML declaration that was not at the start",
        ":2:45: dropped an XML declaration that was not at the start",
    ]
    assert document.root.tag == "a"


def test_an_unclosed_processing_instruction_does_not_loop(tmp_path: Path) -> None:
    data = b"<a><?pi & </a>"
    refused(lambda: parse_xml(tmp_path / "x.xml", data, lenient=True), "x.xml:1:")


# --------------------------------------------------------------------------- properties

_FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
_NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["1e308", "1e999", "0", "-1", "0.5", "delta", "(-8)"]),
)
_FORMULA = st.recursive(
    _NUMBERS,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "%"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(sorted(formulas._FUNCTIONS)), st.lists(inner, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        inner.map(lambda x: f"-{x}"),
    ),
    max_leaves=12,
)


@_FUZZ
@given(st.one_of(_FORMULA.map(lambda f: "=" + f), st.text(max_size=80)))
def test_a_formula_is_a_finite_number_or_a_detente_error(text: str) -> None:
    try:
        value = formulas.evaluate(text, {"delta": 0.9})
    except DetenteError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(value, float) and value == value and abs(value) != float("inf")


SCENARIO = """\
name: fuzzed
parameters:
  d: {value: 0.9, range: [0.5, 1]}
  s: =2 * d
issues:
  - {name: x, values: [a, b, c]}
  - {name: n, range: [1, 3]}
parties:
  - {id: A, reservation: =s / 4, discount: =d, utility: {values: {x: {a: 1, b: =d}, n: {slope: 1}}}}
  - id: B
    utility:
      type: table
      default: 0
      outcomes: [{outcome: {x: c, n: 3}, utility: 5}]
"""
_YAML_CHARS = st.sampled_from(
    [*"[]{}:,-&*!|>'\"#%@?\n =.e+9_x", "!!binary ", "1e999", "&a ", "-1", "1e308", "=1/0", "=d**.5"]
)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few spans replaced by YAML-significant characters."""
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 8)))
        text = text[:start] + "".join(draw(st.lists(_YAML_CHARS, max_size=6))) + text[end:]
    return text


@_FUZZ
@given(st.one_of(mutated(SCENARIO), st.text(max_size=200)))
def test_any_scenario_text_gives_a_scenario_or_a_detente_error(text: str) -> None:
    try:
        scenario = build_scenario(parse_yaml(text, "fuzzed.yaml"))
    except DetenteError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(scenario, Scenario)


NEGOLOG = (
    '{"reservationValue": 0.1, "issueWeights": {"x": 0.5, "y": 0.5},\n'
    ' "issues": {"x": {"p": 1.0, "q": 0.0}, "y": {"p": 0.0, "q": 1.0}}}\n'
)
GENIUS_PROFILE = (
    '<utility_space><objective index="0" name="root">\n'
    '<issue index="1" name="x" type="discrete"><item index="1" value="p" evaluation="1"/>'
    '<item index="2" value="q" evaluation="0.5"/></issue>\n<weight index="1" value="1.0"/>\n'
    "</objective><reservation value='0.2'/></utility_space>\n"
)
GENIUS_DOMAIN = (
    '<negotiation_template><utility_space><objective index="0" name="root">'
    '<issue index="1" name="x" type="discrete"><item index="1" value="p"/>'
    '<item index="2" value="q"/></issue></objective></utility_space></negotiation_template>\n'
)
_JSON_CHARS = st.sampled_from([*'[]{}:,"-.e9 \n', "NaN", "Infinity", "1e999", "null"])
_XML_CHARS = st.sampled_from([*"<>&\"'=/ !?-\n", "<!DOCTYPE", "&amp;", "NaN", "1e999"])


@st.composite
def fuzzed_text(draw: st.DrawFn, text: str, alphabet: st.SearchStrategy[str]) -> str:
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 6)))
        text = text[:start] + "".join(draw(st.lists(alphabet, max_size=4))) + text[end:]
    return text


def domain_or_error(files: dict[str, str], lenient: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, text in files.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        try:
            scenario = load_domain(folder, lenient=lenient)
        except DetenteError as error:
            assert "\n" not in str(error)
        else:
            assert isinstance(scenario, Scenario)


@_FUZZ
@given(fuzzed_text(NEGOLOG, _JSON_CHARS))
def test_any_negolog_text_gives_a_scenario_or_a_detente_error(text: str) -> None:
    domain_or_error({"a.json": text, "b.json": NEGOLOG})


@_FUZZ
@given(fuzzed_text(GENIUS_PROFILE, _XML_CHARS), st.booleans())
def test_any_genius_text_gives_a_scenario_or_a_detente_error(text: str, lenient: bool) -> None:
    domain_or_error({"dom.xml": GENIUS_DOMAIN, "a.xml": text, "b.xml": GENIUS_PROFILE}, lenient)
