"""Domains on the command line: analyze, validate, import, export, bad files, huge spaces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CLI, assert_one_line_error
from tests.shared_domains import NOT_SUPPORTED, ROWS, SHARED, needs_shared

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def test_analyze_json_reads_a_genius_folder_and_reports_its_provenance(detente_cli: CLI) -> None:
    done = detente_cli("analyze", FIXTURES / "genius_real", "--json", "--real-steps", "5")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["parties"] == ["a", "b"]
    assert document["n_outcomes"] == 25
    assert document["domain"]["format"] == "genius"
    assert document["domain"]["real_steps"] == 5
    assert document["solutions"]["nash"] is not None


def test_readable_analysis_states_the_grid_and_the_discount_factors(detente_cli: CLI) -> None:
    done = detente_cli("analyze", FIXTURES / "genius_real", "--real-steps", "3")
    assert done.returncode == 0, done.stderr
    assert "real issues on a grid of 3 points" in done.stdout
    assert "discount factors (not applied): a 1, b 1" in done.stdout


def test_explicit_files_joined_by_commas(detente_cli: CLI) -> None:
    files = ",".join(str(FIXTURES / "negolog" / n) for n in ("profileA.json", "profileB.json"))
    done = detente_cli("validate", files)
    assert done.returncode == 0, done.stderr
    assert "2 parties, 2 issues, 6 outcomes" in done.stdout


@pytest.mark.parametrize("case", ["ampersand", "declaration", "attributes", "cp1252"])
def test_malformed_xml_is_one_line_exit_2(detente_cli: CLI, case: str) -> None:
    done = detente_cli("analyze", FIXTURES / "malformed" / case, "--json")
    assert_one_line_error(done, str(FIXTURES / "malformed" / case / "a.xml") + ":")


def test_lenient_repairs_and_says_so_on_stderr(detente_cli: CLI) -> None:
    done = detente_cli("--lenient", "validate", FIXTURES / "malformed" / "declaration")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("repaired: ")
    assert "dropped an XML declaration" in done.stderr


def test_unsupported_profile_is_one_line_exit_2(detente_cli: CLI, tmp_path: Path) -> None:
    for name in ("dom.xml", "b.xml"):
        (tmp_path / name).write_bytes((FIXTURES / "genius_index" / name).read_bytes())
    (tmp_path / "a.xml").write_text('<utility_space type="UNCERTAIN"/>')
    assert_one_line_error(detente_cli("analyze", tmp_path), "not supported: UNCERTAIN")


@pytest.mark.slow
def test_import_writes_a_scenario_that_analyses_identically(
    detente_cli: CLI, tmp_path: Path
) -> None:
    target = tmp_path / "trip.yaml"
    done = detente_cli("import", FIXTURES / "geniusweb", "-o", target)
    assert done.returncode == 0, done.stderr
    direct = json.loads(detente_cli("analyze", FIXTURES / "geniusweb", "--json").stdout)
    imported = json.loads(detente_cli("analyze", target, "--json").stdout)
    for key in ("parties", "n_outcomes", "reservation_values", "n_rational", "pareto", "solutions"):
        assert imported[key] == direct[key], key


@pytest.mark.slow
def test_export_then_analyze_gives_the_same_numbers(detente_cli: CLI, tmp_path: Path) -> None:
    done = detente_cli("export", FIXTURES / "negolog", "--format", "genius", "-o", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    direct = json.loads(detente_cli("analyze", FIXTURES / "negolog", "--json").stdout)
    exported = json.loads(detente_cli("analyze", tmp_path / "out", "--json").stdout)
    assert exported["pareto"] == direct["pareto"]
    assert exported["solutions"] == direct["solutions"]


def test_export_refuses_an_unknown_format_and_writes_nothing(
    detente_cli: CLI, tmp_path: Path
) -> None:
    done = detente_cli("export", FIXTURES / "negolog", "--format", "xml", "-o", tmp_path / "out")
    assert_one_line_error(done, "--format 'xml'")
    assert not (tmp_path / "out").exists()


def test_set_on_a_domain_is_refused(detente_cli: CLI) -> None:
    assert_one_line_error(detente_cli("analyze", FIXTURES / "negolog", "--set", "x=1"), "--set x")


@needs_shared
def test_huge_domain_reports_structure_and_refuses_enumeration(detente_cli: CLI) -> None:
    assert SHARED is not None
    done = detente_cli("analyze", SHARED / "ANAC2014_10issues", "--json")
    assert_one_line_error(done, "10,000,000,000 outcomes", "--max-outcomes")
    document = json.loads(done.stdout)
    assert document["n_outcomes"] == 10**10
    assert document["issues"] == {f"c1-i{k}": 10 for k in range(10, 0, -1)}
    assert document["enumerable"] is False and document["pareto"] is None
    assert "--max-outcomes" in document["refused"]
    assert set(document["sampled"]["parties"]) == {"profile-1", "profile-2"}


_DRIVER = """
import contextlib, io, json, sys
from detente.cli import main
results = {}
for path in sys.argv[1:]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["analyze", path, "--json"])
            code = 0
        except SystemExit as done:
            code = done.code
    results[path] = {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
print(json.dumps(results))
"""


@needs_shared
@pytest.mark.slow
def test_analyze_json_succeeds_on_every_well_formed_shared_domain() -> None:
    """One subprocess runs ``detente analyze --json`` over all domains, sharing start-up."""
    assert SHARED is not None
    folders = [str(SHARED / row["folder"]) for row in ROWS]
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, *folders],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    for path, result in results.items():
        name = Path(path).name
        if name in NOT_SUPPORTED:
            assert result["code"] == 2 and "not supported" in result["stderr"], result
            continue
        if name == "ANAC2014_10issues":  # reported from samples, then refused: exit 2
            assert result["code"] == 2 and "--max-outcomes" in result["stderr"], result
            assert json.loads(result["stdout"])["enumerable"] is False
            continue
        assert result["code"] in (0, None), (name, result["stderr"])
        document = json.loads(result["stdout"])
        assert {"parties", "n_outcomes", "reservation_values", "solutions"} <= set(document), name
