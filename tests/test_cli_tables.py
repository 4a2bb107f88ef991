"""Terminal output fits the terminal: every table and line within the width, headers distinct
(a shortened one explained by a legend), and display names rather than ids.

The review that asked for this saw five identical headers ``hf…`` at 80 columns. Every
command's text output is checked at 80 and at 60 columns on Hanoi 2019 and on a textbook
case; a spy on :func:`detente.cli.tables.fitted` records each table's headers.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from detente.cli import common, main
from detente.cli import tables as cli_tables
from detente.cli.tables import Column, print_table
from detente.scenariofile.loader import load_scenario
from tests.conftest import SCENARIOS

HANOI = SCENARIOS / "hanoi-2019.yaml"
JOB = SCENARIOS / "textbook" / "job-offer.yaml"
BUYER = SCENARIOS / "textbook" / "buyer-seller.yaml"
WIDTHS = (80, 60)

HANOI_IDS = ("un_relief", "nk_hanoi_offer", "us_big_deal", "offer_vetoed_at_home", "kappa_h")
"""Ids of Hanoi's issues, positions, claims and parameters that prose must not show."""
JOB_IDS = ("split_the_difference", "salary_only", "logrolling_pays", "w_salary_c", "two_days_x")


@dataclass
class Printed:
    """What one command printed, and the tables it printed (full headers, shown headers and
    legend of each)."""

    stdout: str
    tables: list[tuple[list[str], list[str], list[tuple[str, str]]]] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    """Every header and cell of every table, as given before wrapping."""

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    @property
    def words(self) -> str:
        """The output with every run of blanks and line breaks as one space (a name a line
        wrap has cut is whole again)."""
        return " ".join(re.sub(r"[│┃]", " ", self.stdout).split())


def run(width: int, *args: str | Path, monkeypatch: pytest.MonkeyPatch) -> Printed:
    """The command line in this process at ``width`` columns; fails if the command fails."""
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr(common.console, "_width", width)  # fixed if COLUMNS was set at import
    printed = Printed("")
    real = cli_tables.fitted

    def spy(
        title: str, columns: list[Column], rows: list[list[str]], size: int
    ) -> tuple[object, list[tuple[str, str]]]:
        table, legend = real(title, columns, rows, size)
        shown = [str(column.header) for column in table.columns]
        printed.tables.append(([c.header for c in columns], shown, legend))
        printed.cells += [c.header for c in columns] + [str(cell) for row in rows for cell in row]
        return table, legend

    monkeypatch.setattr(cli_tables, "fitted", spy)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as ended:
            assert not ended.code, err.getvalue()
    printed.stdout = out.getvalue()
    return printed


def assert_fits(printed: Printed, width: int) -> None:
    """Every line within ``width``; nothing cut to ``…``; every table's headers distinct, each
    shortened one explained by a legend line printed under it."""
    too_wide = [line for line in printed.lines if cell_len(line) > width]
    assert too_wide == []
    assert "…" not in printed.stdout
    assert printed.tables, "the command printed no table through the shared helper"
    for full, shown, legend in printed.tables:
        assert len(set(shown)) == len(shown), shown
        explained = dict(legend)
        for header, short in zip(full, shown, strict=True):
            if short != header:
                assert explained[short] == header
                assert f"{short} = {header}" in printed.words


def assert_named(printed: Printed, names: tuple[str, ...], ids: tuple[str, ...]) -> None:
    """The display names are shown (in a line or a table's cell), the raw ids nowhere."""
    for name in names:
        assert name in printed.words or any(name in cell for cell in printed.cells), name
    for identifier in ids:
        assert identifier not in printed.stdout, identifier
        assert not [cell for cell in printed.cells if identifier in cell], identifier


@pytest.fixture(scope="module")
def hanoi_document() -> dict[str, object]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["analyze", str(HANOI), "--json"])
    document: dict[str, object] = json.loads(out.getvalue())
    return document


def quietly(*args: str | Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main([str(a) for a in args])


@pytest.fixture(scope="module")
def hanoi_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hanoi") / "sweep"
    quietly("sweep", HANOI, "--draws", "8", "--seed", "1", "--workers", "1", "--out", out)
    return out


@pytest.fixture(scope="module")
def buyer_sobol(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("buyer") / "sweep"
    quietly("sweep", BUYER, "--design", "saltelli", "--draws", "8", "--seed", "1", "--out", out)
    return out


@pytest.fixture(scope="module")
def job_tournament(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("job") / "tournament"
    quietly("tournament", JOB, "--strategies", "boulware,conceder", "--seed", "1", "--out", out)
    return out


# --------------------------------------------------------------------------- the helper


@pytest.mark.parametrize("width", [80, 60, 40])
def test_headers_alike_but_for_their_ends_stay_distinct_and_are_explained(width: int) -> None:
    """The review's case: five columns whose headers begin alike, cells of a few characters."""
    console = Console(width=width, file=io.StringIO())
    headers = [f"hfo_delivered_in_stage_{k}" for k in range(1, 6)]
    print_table(console, "Fuel oil", ["deal", *headers], [["framework", *["yes"] * 5]])
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert max(cell_len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    header_rows = [line for line in text.splitlines() if line.startswith("┃")]
    shown = [c.strip() for row in header_rows for c in row.strip("┃").split("┃")[1:]]
    assert len(set(shown)) == 5
    legend = " ".join(text.split())
    for short, header in zip(shown, headers, strict=True):
        assert short == header or f"{short} = {header}" in legend
    assert sum(short != header for short, header in zip(shown, headers, strict=True)) >= 4
    assert [s for s in shown if s != headers[shown.index(s)]] == [
        f"hdis{k}" for k in range(1, 6) if shown[k - 1] != headers[k - 1]
    ]


def test_a_table_that_fits_keeps_its_headers_and_prints_no_legend() -> None:
    console = Console(width=80, file=io.StringIO())
    print_table(console, "", [Column("party"), Column("utility", "right")], [["Candidate", "4"]])
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "┃ party     ┃ utility ┃" in text
    assert "=" not in text


def test_a_table_too_wide_even_shortened_is_printed_in_parts_each_with_its_first_column() -> None:
    console = Console(width=40, file=io.StringIO())
    columns = ["claim", *(f"s{k}" for k in range(6))]
    print_table(console, "Shares", columns, [["framework", *["100.0%"] * 6]])
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert max(cell_len(line) for line in text.splitlines()) <= 40
    assert text.count("framework") >= 2
    assert "(continued)" in text
    headers = re.findall(r"┃ (s\d) ", text)
    assert headers == [f"s{k}" for k in range(6)]


def test_cells_wrap_at_spaces_and_a_word_wider_than_its_column_is_broken_not_cut() -> None:
    console = Console(width=30, file=io.StringIO())
    word = "x" * 40
    print_table(console, "", ["what", "value"], [["a long cell of several words", word]])
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert max(cell_len(line) for line in text.splitlines()) <= 30
    assert "…" not in text
    assert "".join(re.findall(r"x+", text)) == word


# --------------------------------------------------------------------------- Hanoi, every command


@pytest.mark.parametrize("width", WIDTHS)
def test_analyze_fits_and_names_parties_items_positions_and_claims(
    width: int, monkeypatch: pytest.MonkeyPatch, hanoi_document: dict[str, object]
) -> None:
    monkeypatch.setattr("detente.cli.analyze.render_findings", lambda analysis: None)
    printed = run(width, "analyze", HANOI, monkeypatch=monkeypatch)
    assert_fits(printed, width)
    assert_named(
        printed,
        ("United States", "UN sanctions relief", "North Korea's Hanoi offer", "Test halt"),
        HANOI_IDS,
    )
    assert "Hard-liners veto the Hanoi offer" in printed.cells
    assert not re.search(r"\b(us|nk|sk)\b", printed.stdout)
    positions = hanoi_document["positions"]
    assert isinstance(positions, dict)
    refused = positions["us_big_deal"]["utilities"][1]
    assert f"{refused:.4g}" in printed.stdout  # North Korea's utility of the big deal
    assert "US big deal: outside the win-set of North Korea" in printed.words
    labels = hanoi_document["labels"]
    assert isinstance(labels, dict)
    claims = [labels["claims"][name] for name in hanoi_document["claims"]]  # type: ignore[call-overload]
    at = [printed.cells.index(claim) for claim in claims]
    assert at == sorted(at)  # in the document's order


@pytest.mark.parametrize("width", WIDTHS)
def test_analyze_with_its_findings_fits(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    printed = run(width, "analyze", HANOI, monkeypatch=monkeypatch)
    assert_fits(printed, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_faction_sweep_names_the_party_and_the_items(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("detente.cli.analyze.render_findings", lambda analysis: None)
    printed = run(
        width,
        "analyze",
        HANOI,
        "--vary-faction",
        "us.hardliners.weight=0:2:3",
        monkeypatch=monkeypatch,
    )
    assert_fits(printed, width)
    assert "Varying the weight of United States's faction hardliners" in printed.words
    assert_named(printed, ("win-set North Korea", "Security guarantees"), HANOI_IDS)


@pytest.mark.parametrize("width", WIDTHS)
def test_validate_names_the_choices_and_keeps_the_id_set_takes(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = run(width, "validate", HANOI, monkeypatch=monkeypatch)
    assert max(cell_len(line) for line in printed.lines) <= width
    assert "choice Hard-liners' role in ratification (hardliner_rule) = veto" in printed.words


@pytest.mark.parametrize("width", WIDTHS)
def test_phase_names_the_items_and_the_binding_mover(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = run(width, "phase", HANOI, monkeypatch=monkeypatch)
    assert_fits(printed, width)
    assert_named(printed, ("UN sanctions relief", "Yongbyon dismantled"), HANOI_IDS)
    assert "binding: stage 1: United States" in printed.words
    assert "Covert cheating on Yongbyon dismantled (by North Korea)" in printed.words
    assert not re.search(r"\b(us|nk|sk)\b", printed.stdout)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_given_schedule_names_where_it_breaks(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    framework = SCENARIOS / "agreed-framework-1994.yaml"
    printed = run(
        width, "phase", framework, "--given", "--position", "framework", monkeypatch=monkeypatch
    )
    assert_fits(printed, width)
    assert "the schedule of Whole framework, 9 stage(s): breaks in stage 8" in printed.words
    assert "at North Korea: reneging" in printed.words
    assert "Special inspections" in printed.words
    assert "special_inspections" not in printed.stdout


@pytest.mark.parametrize("width", WIDTHS)
def test_implement_spe_and_simulate_name_the_parties(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in (
        ("implement", HANOI, "--sessions", "30", "--seed", "1"),
        ("spe", HANOI),
        ("simulate", HANOI, "--sessions", "6", "--seed", "1", "--strategies", "boulware,conceder"),
    ):
        printed = run(width, *args, monkeypatch=monkeypatch)
        assert max(cell_len(line) for line in printed.lines) <= width, args[0]
        assert "…" not in printed.stdout
        assert "United States" in printed.words and "North Korea" in printed.words
        assert not re.search(r"\b(us|nk|sk)\b", printed.stdout), args[0]
        assert_named(printed, (), HANOI_IDS)
    assert [c for c in printed.cells if "UN sanctions relief = " in c]  # simulate's agreements


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_names_positions_items_and_claims(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = run(width, "compare", HANOI, monkeypatch=monkeypatch)
    assert_fits(printed, width)
    assert_named(
        printed,
        (
            "position North Korea's Hanoi offer",
            "claim Hard-liners veto the Hanoi offer: yes → no",
            "Hard-liners' role in ratification = none",
        ),
        HANOI_IDS,
    )
    cases = [h for full, shown, _ in printed.tables for h in shown[1:] if full == shown]
    assert cases == ["base", "no_veto", "us_first"]


@pytest.mark.parametrize("width", WIDTHS)
def test_threshold_names_the_claim_and_the_parameter(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = run(
        width,
        "threshold",
        HANOI,
        "--claim",
        "offer_vetoed_at_home",
        "--vary",
        "hardliner_rule",
        monkeypatch=monkeypatch,
    )
    assert max(cell_len(line) for line in printed.lines) <= width
    said = printed.words
    assert "Hard-liners veto the Hanoi offer at each choice of Hard-liners' role in" in said
    assert "Hard-liners' role in ratification = veto: holds" in said
    assert "Hard-liners' role in ratification = none: does not hold" in said
    assert_named(printed, (), HANOI_IDS)
    numeric = run(
        width, "threshold", BUYER, "--claim", "zopa", "--vary", "v", monkeypatch=monkeypatch
    )
    assert max(cell_len(line) for line in numeric.lines) <= width
    assert "claim Zone of agreement exists as Buyer's value moves over [60, 100]" in numeric.words


@pytest.mark.parametrize("width", WIDTHS)
def test_tornado_ranks_parameters_by_display_name(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    swung = {"kappa_h", "hardliner_rule"}
    records = load_scenario(HANOI).parameter_records.values()
    fixed = [f"{r.name}={r.value}" for r in records if r.name not in swung and r.range]
    sets = [arg for pair in fixed for arg in ("--set", pair)]
    printed = run(
        width,
        "tornado",
        HANOI,
        "--claim",
        "offer_vetoed_at_home",
        "--field",
        "stakeholders.sk.nash",
        *sets,
        monkeypatch=monkeypatch,
    )
    assert_fits(printed, width)
    assert_named(printed, ("Hard-liners' role in ratification", "veto"), HANOI_IDS)
    assert {full[0] for full, _, _ in printed.tables} == {"parameter"}


@pytest.mark.parametrize("width", WIDTHS)
def test_summarize_names_claims_parameters_and_choices(
    width: int, monkeypatch: pytest.MonkeyPatch, hanoi_sweep: Path
) -> None:
    printed = run(width, "summarize", hanoi_sweep, monkeypatch=monkeypatch)
    assert_fits(printed, width)
    assert_named(
        printed,
        (
            "Hard-liners veto the Hanoi offer",
            "Claims given each choice of Hard-liners' role in ratification",
            "UN sanctions relief = ",
        ),
        HANOI_IDS,
    )
    summary = json.loads(
        run(width, "summarize", hanoi_sweep, "--json", monkeypatch=monkeypatch).stdout
    )
    share = summary["claims"]["offer_vetoed_at_home"]["share"]
    assert f"{100 * share:.1f}%" in printed.stdout
    assert summary["labels"]["items"]["un_relief"] == "UN sanctions relief"
    by_choice = [
        shown for full, shown, _ in printed.tables if full[0] == "claim" and "veto" in full[1]
    ]
    assert by_choice and by_choice[0][1].startswith("veto")


@pytest.mark.parametrize("width", WIDTHS)
def test_summarize_given_and_discover_name_claims_and_parameters(
    width: int, monkeypatch: pytest.MonkeyPatch, hanoi_sweep: Path
) -> None:
    given = run(
        width,
        "summarize",
        hanoi_sweep,
        "--given",
        "parameters.delta_nk > 0.8",
        monkeypatch=monkeypatch,
    )
    assert_fits(given, width)
    assert "Given parameters.delta_nk > 0.8" in given.words
    assert_named(given, ("Hard-liners veto the Hanoi offer",), HANOI_IDS)
    found = run(
        width,
        "summarize",
        hanoi_sweep,
        "--discover",
        "--claim",
        "phased_deal_exists",
        monkeypatch=monkeypatch,
    )
    assert max(cell_len(line) for line in found.lines) <= width
    assert "A phased ratifiable deal exists (holds on" in found.words
    assert_named(found, (), HANOI_IDS)


# --------------------------------------------------------------------------- a textbook case


@pytest.mark.parametrize("width", WIDTHS)
def test_the_textbook_job_offer_fits_and_is_named(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("detente.cli.analyze.render_findings", lambda analysis: None)
    printed = run(width, "analyze", JOB, monkeypatch=monkeypatch)
    assert_fits(printed, width)
    assert_named(printed, ("Candidate", "Employer", "Split the difference", "Remote work"), JOB_IDS)
    for args in (("compare", JOB), ("spe", JOB)):
        other = run(width, *args, monkeypatch=monkeypatch)
        assert max(cell_len(line) for line in other.lines) <= width
        assert_named(other, ("Candidate",), JOB_IDS)


@pytest.mark.parametrize("width", WIDTHS)
def test_textbook_tornado_sensitivity_and_tournament_fit(
    width: int,
    monkeypatch: pytest.MonkeyPatch,
    buyer_sobol: Path,
    job_tournament: Path,
) -> None:
    tornado = run(width, "tornado", JOB, monkeypatch=monkeypatch)
    assert_fits(tornado, width)
    assert_named(tornado, ("Candidate's weight on salary",), JOB_IDS)
    sobol = run(width, "summarize", buyer_sobol, "--sensitivity", monkeypatch=monkeypatch)
    assert_fits(sobol, width)
    assert "Sobol' indices of claim Zone of agreement exists" in sobol.words
    assert "Buyer's value" in sobol.words
    ranking = run(width, "summarize", job_tournament, monkeypatch=monkeypatch)
    assert_fits(ranking, width)
    assert "boulware" in ranking.words


@pytest.mark.parametrize("width", WIDTHS)
def test_retrodict_names_parties_and_positions_and_keeps_case_names_whole(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = run(width, "retrodict", SCENARIOS / "korea", monkeypatch=monkeypatch)
    assert_fits(folder, width)
    # a case's file name is an id a user types: each on one line, never broken
    for name in ("agreed-framework-1994", "sixparty-2007-10", "singapore-2018", "hanoi-2019"):
        assert name in folder.stdout, name
    assert [c for c in folder.cells if c == "stage 8 by North Korea, 2002-10-16"]
    assert not re.search(r"\bby (us|nk)\b", folder.stdout)
    case = run(
        width,
        "retrodict",
        SCENARIOS / "korea" / "agreed-framework-1994.yaml",
        monkeypatch=monkeypatch,
    )
    assert_fits(case, width)
    assert "formed (The whole Agreed Framework)" in case.cells
    assert "North Korea reneged Yongbyon frozen (stage 8)" in case.words
    assert "framework" not in [cell for cell in case.cells]
    assert not re.search(r"\b(us|nk)\b", case.stdout)


def test_a_column_of_whole_words_never_breaks_them() -> None:
    console = Console(width=60, file=io.StringIO())
    name = "a-case-file-name-longer-than-the-longest-word"
    print_table(console, "", [Column("case", whole=True), "model"], [[name, "stage two"]])
    assert name in console.file.getvalue()
