"""The report: every section whose data is present, captions computed from the results,
no external reference, the Markdown variant's PNG files, the CLI, and no half-written output.

Sections whose producers are not in the package yet (phasing, implementation, faction
sensitivity, sweeps, trust, win-sets, positions, claims) are exercised with hand-built
documents carrying the keys their issues fix.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from detente.analysis.documents import IssueFacts
from detente.cli import main
from detente.errors import DetenteError
from detente.labels import Labels
from detente.report import (
    REPORT_PRODUCERS,
    Report,
    ReportData,
    build_sections,
    gather,
    write_report,
)
from detente.report import figures as report_figures
from detente.report.data import read_sweep
from detente.report.document import FIGURES_MARKER
from detente.report.text import number, share
from detente.scenariofile.loader import load_scenario
from tests.conftest import CLI, SCENARIOS, assert_one_line_error

WORKED = SCENARIOS / "theory" / "worked-example.yaml"
ALL_SECTIONS = [
    "synthesis",
    "setting",
    "space",
    "win_sets",
    "schedule",
    "trust",
    "implementation",
    "stakeholders",
    "claims",
]


def documents() -> dict[str, Any]:
    """A Hanoi-like set of documents: two signatories, a stakeholder, every optional key."""
    parties = ["us", "nk", "sk"]
    items = {
        "yongbyon": {"us": 3.0, "nk": -2.0, "sk": 1.0},
        "test_halt": {"us": 2.0, "nk": -1.0, "sk": 1.0},
        "un_relief": {"us": -2.0, "nk": 4.0, "sk": 2.0},
        "kaesong": {"us": -0.5, "nk": 1.0, "sk": 3.0},
    }
    setting = {
        "parties": [
            {
                "id": "us",
                "name": "United States",
                "signatory": True,
                "reservation": 0.0,
                "discount": 0.9,
            },
            {
                "id": "nk",
                "name": "North Korea",
                "signatory": True,
                "reservation": 0.5,
                "discount": 0.9,
            },
            {
                "id": "sk",
                "name": "South Korea",
                "signatory": False,
                "reservation": 0.0,
                "discount": 1.0,
            },
        ],
        "issues": [{"name": k, "kind": "item", "values": [0, 1]} for k in items],
        "worth": items,
        "givers": {"yongbyon": ["nk"], "test_halt": ["nk"], "un_relief": ["us"], "kaesong": ["us"]},
        "parameters": {"delta": 0.9},
    }
    big = {
        "held_by": "us",
        "outcome": {"yongbyon": 1, "test_halt": 1, "un_relief": 0, "kaesong": 0},
        "utilities": [5.0, -3.0, 2.0],
    }
    hanoi = {
        "outcome": {"yongbyon": 1, "test_halt": 1, "un_relief": 1, "kaesong": 0},
        "utilities": [3.0, 1.0, 4.0],
    }
    nash = {
        "outcome": {"yongbyon": 1, "test_halt": 1, "un_relief": 1, "kaesong": 1},
        "utilities": [2.5, 2.0, 7.0],
        "ties": 1,
    }
    analysis = {
        "scenario": "Hanoi-like",
        "parties": parties,
        "signatories": ["us", "nk"],
        "n_outcomes": 16,
        "reservation_values": [0.0, 0.5, 0.0],
        "n_rational": 5,
        "pareto": [[5.0, -3.0, 2.0], [3.0, 1.0, 4.0], [2.5, 2.0, 7.0], [0.0, 5.0, 5.0]],
        "solutions": {
            "nash": nash,
            "kalai_smorodinsky": dict(nash),
            "egalitarian": dict(nash),
            "utilitarian": {**hanoi, "ties": 2},
        },
        "positions": {"us_big_deal": big, "nk_hanoi_offer": hanoi},
        "trust": {"us": {"nk": 0.35}, "nk": {"us": 0.5}},
        "win_sets": {"us": {"size": 6}, "nk": {"size": 9}, "sk": {"size": 14}},
        "intersection_size": 3,
        "agreement": {"outcome": hanoi["outcome"], "utilities": hanoi["utilities"]},
        "stakeholders": {
            "sk": {"nash": 7.0, "kalai_smorodinsky": 7.0, "egalitarian": 7.0, "utilitarian": 4.0}
        },
        "stakeholder_effects": {
            "sk": {
                "us": {"verdict": "hurts", "utility": [-1.0, -1.0], "reservation": 0.0},
                "nk": {"verdict": "depends", "utility": [-0.5, 3.0], "reservation": 0.0},
            }
        },
        "claims": {
            "us_position_not_self_enforcing": True,
            "phased_deal_exists": True,
            "ally_better_off_under_hanoi_offer": False,
        },
    }
    space = {
        "parties": ["us", "nk"],
        "n_outcomes": 16,
        "n_unacceptable": 0,
        "sampled": False,
        "points": [[u[0], u[1]] for u in analysis["pareto"]] + [[1.0, 0.0], [-1.0, 2.0]],
    }
    phase = {
        "stages": 3,
        "objective": "total",
        "max_total": 4.0,
        "schedule": [{"test_halt": 1.0, "kaesong": 1.0}, {"yongbyon": 1.0}, {"un_relief": 1.0}],
        "units": {
            "test_halt": None,
            "kaesong": None,
            "yongbyon": None,
            "un_relief": "share of UN relief",
        },
        "binary": ["test_halt", "kaesong", "yongbyon"],
        "measured": ["test_halt", "kaesong", "yongbyon", "un_relief"],
        "binding": ["nk honours at stage 2", "us honours at stage 3"],
        "one_shot": {"feasible": False, "max_total": 1.0},
        "min_stages": 3,
        "trust_path": [
            {"us": {"nk": 0.35}, "nk": {"us": 0.5}},
            {"us": {"nk": 0.5}, "nk": {"us": 0.6}},
            {"us": {"nk": 0.7}, "nk": {"us": 0.7}},
            {"us": {"nk": 0.85}, "nk": {"us": 0.8}},
        ],
        "trust_after_breach": {"us": {"nk": 0.1}, "nk": {"us": 0.25}},
    }
    implementation = {
        "sessions": 1000,
        "completion_rate": 0.62,
        "break_stage_histogram": [80, 250, 50],
        "reneged_by": {"us": 120, "nk": 260, "sk": 0},
        "expected_values": {"us": 1.4, "nk": 0.9, "sk": 3.1},
    }
    factions = {
        "party": "us",
        "faction": "hawks",
        "points": [
            {
                "weight": w,
                "win_sets": {"us": n, "nk": 9},
                "intersection_size": shared,
                "agreement": None,
            }
            for w, n, shared in [(0.0, 10, 5), (0.25, 8, 4), (0.5, 6, 3), (0.75, 3, 0), (1.0, 1, 0)]
        ],
    }
    sweep = {
        "draws": 400,
        "claims": {
            "us_position_not_self_enforcing": {
                "share": 0.93,
                "low": 0.9,
                "high": 0.95,
                "sensitivity": {"delta": {"spearman": -0.41}, "p_nk": {"spearman": 0.12}},
            },
            "phased_deal_exists": {"share": 0.71, "low": 0.66, "high": 0.75},
            "ally_better_off_under_hanoi_offer": {"share": 0.12, "low": 0.09, "high": 0.16},
        },
    }
    return {
        "setting": setting,
        "analysis": analysis,
        "space": space,
        "phase": phase,
        "implementation": implementation,
        "factions": factions,
        "sweep": sweep,
    }


def data_of(docs: dict[str, Any]) -> ReportData:
    return ReportData.from_documents("Hanoi-like", docs, "A test case.")


def captions(docs: dict[str, Any]) -> dict[str, str]:
    """Each present section's caption (no figure is rendered: fast)."""
    return {s.key: s.caption for s in build_sections(data_of(docs))}


def section(report: Report, key: str) -> str:
    return next(s.caption for s in report.sections if s.key == key)


@pytest.fixture(scope="module")
def full() -> Report:
    return Report.build(data_of(documents()))


@pytest.fixture(scope="module")
def full_html(full: Report) -> str:
    return full.html()


# --------------------------------------------------------------------------- sections


def test_every_section_with_data_is_in_the_report(full: Report, full_html: str) -> None:
    assert [s.key for s in full.sections] == ALL_SECTIONS
    for s in full.sections:
        assert f'<section id="{s.key}"' in full_html
        assert f"<h2>{s.title}</h2>" in full_html


@pytest.mark.parametrize(
    ("missing", "absent"),
    [
        ("phase", {"schedule"}),
        ("implementation", {"implementation"}),
        ("factions", set()),
        ("sweep", set()),
    ],
)
def test_a_section_without_its_data_is_left_out(missing: str, absent: set[str]) -> None:
    docs = documents()
    del docs[missing]
    assert set(captions(docs)) == set(ALL_SECTIONS) - absent


def test_only_the_core_analysis_gives_only_the_core_sections() -> None:
    docs = documents()
    core_keys = (
        "scenario",
        "parties",
        "signatories",
        "n_outcomes",
        "reservation_values",
        "n_rational",
        "pareto",
        "solutions",
    )
    analysis = {k: docs["analysis"][k] for k in core_keys}
    analysis["parties"], analysis["signatories"] = ["us", "nk"], ["us", "nk"]
    analysis["reservation_values"] = [0.0, 0.5]
    data = ReportData.from_documents("t", {"analysis": analysis})
    assert [s.key for s in build_sections(data)] == ["space"]


def test_no_trust_path_still_shows_the_trust_levels() -> None:
    docs = documents()
    del docs["phase"]["trust_path"]
    trust = next(s for s in build_sections(data_of(docs)) if s.key == "trust")
    assert [f.name for f in trust.figures] == ["trust"]


# --------------------------------------------------------------------------- captions


def test_captions_state_the_computed_values(full: Report) -> None:
    space = section(full, "space")
    assert space.startswith(
        "Nash puts the deal at yongbyon + test halt + un relief + kaesong, "
        "worth 2.5 to United States and 2 to North Korea. Kalai–Smorodinsky and egalitarian "
        "agree with Nash. Utilitarian picks yongbyon + test halt + un relief, worth 3 to "
        "United States and 1 to North Korea (one of 2 tied outcomes)."
    )
    assert "5 of 16 outcomes are at least as good as no deal for every signatory" in space
    assert (
        "The position “us big deal” (yongbyon + test halt; held by United States) is worth 5 "
        "to United States and -3 to North Korea: worse than no deal for North Korea." in space
    )
    schedule = section(full, "schedule")
    measured = "(test halt, kaesong, yongbyon, un relief)"
    assert f"not self-enforcing for the whole deal: at most 1 {measured} can be" in schedule
    assert "(objective: total) carries out 4 (the same items), 4 times the one-shot" in schedule
    assert "fewest stages that make the target deal self-enforcing: 3" in schedule
    implementation = section(full, "implementation")
    assert (
        "Carried out 1,000 times" in implementation and "completed in 62% of runs" in implementation
    )
    assert "most often at stage 2 (25% of all runs)" in implementation
    assert "The side that reneged: United States in 120 runs and North Korea in 260 runs." in (
        implementation
    )
    trust = section(full, "trust")
    assert (
        "United States expects North Korea to honour its next step with probability 0.35" in trust
    )
    assert "North Korea's trust in United States grows from 0.5 to 0.8" in trust
    assert "United States' trust in North Korea grows from 0.35 to 0.85" in trust
    assert (
        "If the first step were broken instead, United States' trust in North Korea would go "
        in trust
    )
    assert (
        "from 0.35 to 0.1 and North Korea's trust in United States would go from 0.5 to 0.25."
        in trust
    )
    win_sets = section(full, "win_sets")
    assert "hold United States 6 and North Korea 9 of the 16; 3 outcomes are in every" in win_sets
    assert "no agreement can be ratified from 0.75 to 1" in win_sets
    stakeholders = section(full, "stakeholders")
    assert "fares best under Nash (7) and worst under “us big deal” (2)" in stakeholders
    assert (
        "Against no deal, United States' best ratifiable deal hurts it (-1) and North Korea's "
        "best ratifiable deal helps or hurts it depending on how ties are broken (-0.5 to 3)."
    ) in stakeholders
    claims = section(full, "claims")
    assert (
        "2 of 3 claims hold on the point estimate; ally better off under hanoi offer does not; "
        "2 of 3 hold in more than half of the plausible cases" in claims
    )
    assert "“phased deal exists” holds in 71% of draws (95% interval 66%–75%)" in claims
    table = next(s for s in full.sections if s.key == "claims").tables[0]
    assert table.headers[-1] == "most sensitive to"
    assert table.rows[0][-1] == "delta (ρ = -0.41)" and table.rows[1][-1] == "no parameter"


def test_captions_change_when_the_results_change() -> None:
    docs = copy.deepcopy(documents())
    docs["analysis"]["solutions"]["nash"] = {
        "outcome": {"yongbyon": 0, "test_halt": 1, "un_relief": 0, "kaesong": 1},
        "utilities": [1.5, 0.75, 4.0],
        "ties": 2,
    }
    docs["phase"]["one_shot"] = {"feasible": True, "max_total": 2.0}
    docs["implementation"]["completion_rate"] = 0.9
    changed = captions(docs)
    assert changed["space"].startswith(
        "Nash puts the deal at test halt + kaesong (one of 2 tied outcomes), "
        "worth 1.5 to United States and 0.75 to North Korea."
    )
    assert "is self-enforcing and carries out up to 2" in changed["schedule"]
    assert "2 times the one-shot amount" in changed["schedule"]
    assert "completed in 90% of runs" in changed["implementation"]


def test_an_infeasible_design_says_why_and_draws_no_timeline() -> None:
    docs = copy.deepcopy(documents())
    docs["phase"].update(
        schedule=None,
        stages=None,
        max_total=None,
        one_shot=None,
        reason="no schedule carries the target",
        binding=[],
    )
    del docs["phase"]["min_stages"]
    section = next(s for s in build_sections(data_of(docs)) if s.key == "schedule")
    assert (
        section.caption == "No self-enforcing schedule was found: no schedule carries the target."
    )
    assert section.figures == () and section.tables == ()


def test_no_ratifiable_agreement_gives_the_reason() -> None:
    docs = copy.deepcopy(documents())
    docs["analysis"].update(
        intersection_size=0,
        agreement=None,
        agreement_reason="the win-sets of us and nk do not meet",
    )
    caption = captions(docs)["win_sets"]
    assert "0 outcomes are in every signatory's" in caption
    assert "No agreement can be ratified: the win-sets of us and nk do not meet." in caption


def test_no_rational_outcome_says_there_is_no_deal() -> None:
    docs = copy.deepcopy(documents())
    for name in ("nash", "kalai_smorodinsky", "egalitarian", "utilitarian"):
        docs["analysis"]["solutions"][name] = None
    docs["analysis"]["solution_reasons"] = {"nash": "no outcome is individually rational"}
    assert captions(docs)["space"].startswith(
        "There is no deal: no outcome is individually rational."
    )


# --------------------------------------------------------------------------- self-contained

_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)


def _outside_the_bibliography(html: str) -> str:
    """The page without its list of sources (whose links lead out on purpose)."""
    return re.sub(r'<section id="bibliography">.*?</section>', "", html, flags=re.S)


def test_the_html_has_no_external_reference(full_html: str) -> None:
    page = _outside_the_bibliography(full_html)
    references = _REFERENCE.findall(page)
    assert references, "expected in-page links"
    for ref in references:
        assert ref.startswith("#"), ref
    assert "http://" not in page and "https://" not in page
    assert "@import" not in page
    assert re.findall(r"url\((?!#)", page) == []


def test_the_html_embeds_one_svg_per_figure(full: Report, full_html: str) -> None:
    count = sum(len(s.figures) for s in full.sections)
    assert count == len(full.svgs) >= 7
    assert full_html.count("<svg ") == count and "<img" not in full_html


def test_captions_are_escaped_in_html() -> None:
    analysis = {"claims": {"<script>x</script>": True}}
    html = Report.build(ReportData.from_documents("<b>t</b>", {"analysis": analysis})).html()
    assert "claims" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html and "&lt;b&gt;t&lt;/b&gt;" in html


# --------------------------------------------------------------------------- the worked example


def test_the_worked_example_end_to_end() -> None:
    scenario = load_scenario(WORKED)
    report = Report.build(gather(scenario))
    assert [s.key for s in report.sections] == ["setting", "space"]
    caption = section(report, "space")
    assert caption.startswith(
        "Nash puts the deal at MediumDeal, worth 4 to Side A and 5 to Side B."
    )
    assert "Utilitarian picks BigDeal, worth 1 to Side A and 9 to Side B." in caption
    assert "4 of 4 outcomes are at least as good as no deal" in caption
    assert set(report.images) == {"utility-space"}


def test_a_parameter_override_changes_the_caption() -> None:
    scenario = load_scenario(WORKED, {"d_A": 4.5})
    caption = section(Report.build(gather(scenario)), "space")
    assert caption.startswith("Nash puts the deal at SmallDeal, worth 6 to Side A and 2 to Side B.")
    assert "1 of 4 outcomes is at least as good as no deal" in caption


def test_every_registered_producer_runs_on_the_worked_example() -> None:
    data = gather(load_scenario(WORKED))
    assert set(REPORT_PRODUCERS) == {
        "setting",
        "analysis",
        "space",
        "phase",
        "implementation",
        "factions",
        "domestic",
        "robust",
        "whatif",
        "counterfactuals",
    }
    assert data.present() == ("setting", "analysis", "space")
    assert data.space is not None and data.space["labels"] == [
        "FreezeForFreeze",
        "SmallDeal",
        "MediumDeal",
        "BigDeal",
    ]


# --------------------------------------------------------------------------- writing


def test_markdown_writes_its_pngs_beside_it(full: Report, tmp_path: Path) -> None:
    path = tmp_path / "out" / "hanoi.md"
    path.parent.mkdir()
    written = write_report(full, path, "md")
    folder = tmp_path / "out" / "hanoi_files"
    pngs = sorted(folder.glob("*.png"))
    assert len(pngs) == len(full.images) and written[0] == path
    for png in pngs:
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    text = path.read_text(encoding="utf-8")
    for png in pngs:
        assert f"](hanoi_files/{png.name})" in text
    assert "| claim | on the point estimate |" in text


def test_a_failing_figure_leaves_no_output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("figure failed")

    monkeypatch.setattr(report_figures, "claim_shares", broken)
    data = ReportData.from_documents("t", {"sweep": documents()["sweep"]})
    for name, fmt in (("r.html", "html"), ("r.md", "md")):
        with pytest.raises(RuntimeError, match="figure failed"):
            write_report(Report.build(data), tmp_path / name, fmt)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_failing_figure_in_the_command_leaves_no_output(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("figure failed")

    monkeypatch.setattr(report_figures, "utility_space", broken)
    for name in ("r.html", "r.md"):
        with pytest.raises(SystemExit) as exit_:
            main(["report", str(WORKED), "-o", str(tmp_path / name)])
        assert exit_.value.code == 1
    assert list(tmp_path.iterdir()) == []


def test_a_report_is_rewritten_whole(full: Report, tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    fewer = ReportData.from_documents("t", {"sweep": documents()["sweep"]})
    write_report(Report.build(fewer), path, "md")  # an earlier report with other figures
    write_report(full, path, "md")
    figures = sorted(p.name for p in (tmp_path / "r_files").iterdir())
    assert figures == sorted([FIGURES_MARKER, *(f"{name}.png" for name in full.images)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md", "r_files"]


def test_a_figure_folder_holding_someone_elses_files_is_refused_and_kept(
    full: Report, tmp_path: Path
) -> None:
    (tmp_path / "r_files").mkdir()
    (tmp_path / "r_files" / "keep.txt").write_text("mine")
    (tmp_path / "r_files" / "utility-space.png").write_bytes(b"my own picture")
    with pytest.raises(DetenteError, match=r"r_files: already holds files detente did not write"):
        write_report(full, tmp_path / "r.md", "md")
    assert (tmp_path / "r_files" / "keep.txt").read_text() == "mine"
    assert (tmp_path / "r_files" / "utility-space.png").read_bytes() == b"my own picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r_files"]


def test_a_report_creates_no_missing_folder(full: Report, tmp_path: Path) -> None:
    for name, fmt in (("r.html", "html"), ("r.md", "md")):
        with pytest.raises(DetenteError, match=r"the folder .*missing does not exist"):
            write_report(full, tmp_path / "missing" / name, fmt)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_summary_file_is_read(tmp_path: Path) -> None:
    summary = documents()["sweep"]
    (tmp_path / "summary.json").write_text(json.dumps(summary))
    assert read_sweep(tmp_path / "summary.json") == summary


# --------------------------------------------------------------------------- command line


def test_cli_writes_a_self_contained_html_report(detente_cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = detente_cli("report", WORKED, "-o", out, "--set", "d_A=4.5")
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout
    html = out.read_text(encoding="utf-8")
    assert "Nash puts the deal at SmallDeal" in html
    page = _outside_the_bibliography(html)
    assert "https://" not in page and "http://" not in page


@pytest.mark.slow
def test_cli_markdown_with_a_real_sweep(detente_cli: CLI, tmp_path: Path) -> None:
    robust = SCENARIOS / "theory" / "robustness-example.yaml"
    done = detente_cli("sweep", robust, "--draws", "20", "--seed", "3", "--out", tmp_path / "sw")
    assert done.returncode == 0, done.stderr
    done = detente_cli("report", robust, "-o", tmp_path / "r.md", "--sweep", tmp_path / "sw")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "## Claims and how robust they are" in text
    assert "Across 20 draws of the uncertain parameters" in text
    assert "| medium is nash | the Nash bargaining solution is the medium deal | holds |" in text
    assert "d A (ρ = " in text
    assert "[@" not in text
    assert sorted(p.name for p in (tmp_path / "r_files").iterdir()) == [
        ".detente-figures",  # what the report wrote, so that the next one may replace it
        "claims.png",
        "utility-space.png",
        "whatif-claims.png",
        "whatif-tornado.png",
    ]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--format", "pdf"], ["--format 'pdf'", "html, md"]),
        (["--sweep", "missing-dir"], ["--sweep", "no such file"]),
        (["--set", "nope=1"], ["nope"]),
    ],
)
def test_cli_bad_input_is_one_line_and_writes_nothing(
    detente_cli: CLI, tmp_path: Path, args: list[str], fragments: list[str]
) -> None:
    done = detente_cli("report", WORKED, "-o", tmp_path / "r.html", *args)
    assert_one_line_error(done, *fragments)
    assert list(tmp_path.iterdir()) == []


def test_cli_unwritable_output_is_one_line(detente_cli: CLI, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    done = detente_cli("report", WORKED, "-o", blocker / "r.html")
    assert_one_line_error(done, "cannot write", "r.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_cli_bad_sweep_summary(detente_cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"draws": "many"}')
    done = detente_cli("report", WORKED, "-o", tmp_path / "r.html", "--sweep", bad)
    assert_one_line_error(done, "not a sweep summary")
    assert not (tmp_path / "r.html").exists()


def test_issue_kinds_come_from_the_scenario_never_from_the_values() -> None:
    analysis = copy.deepcopy(documents()["analysis"])
    analysis["issues"] = {"yongbyon": 2, "test_halt": 2, "un_relief": 2, "kaesong": 2}
    declared = tuple(IssueFacts(name, "item", 2) for name in analysis["issues"])
    data = ReportData.from_documents("t", {"analysis": analysis}, issues=declared)
    caption = next(s.caption for s in build_sections(data) if s.key == "space")
    assert caption.startswith("Nash puts the deal at yongbyon + test halt + un relief + kaesong,")
    # two-valued issues showing only 0 and 1 are not items unless the scenario says so
    caption = captions({"analysis": analysis})["space"]
    assert caption.startswith(
        "Nash puts the deal at yongbyon = 1, test halt = 1, un relief = 1, kaesong = 1,"
    )


GIVER = """
name: giver
issues: [{name: x, type: item}, {name: y, type: item}]
parties:
  - {id: A, utility: {type: linear, values: {x: 0, y: 1}}}
  - {id: B, utility: {type: linear, values: {x: 2, y: -1}}}
  - {id: C, utility: {type: linear, values: {x: -0.1, y: 0.5}}}
items:
  - {name: x, giver: A, cost: 1, value: {B: 2}}
  - {name: y, giver: B, cost: 1, value: {A: 1}}
"""


def test_an_item_is_given_by_its_declared_giver_not_by_whoever_it_costs(tmp_path: Path) -> None:
    # A gives x (its cost is the item's, not in its utility); x costs C, a signatory, 0.1
    path = tmp_path / "giver.yaml"
    path.write_text(GIVER)
    data = gather(load_scenario(path))
    assert data.setting is not None and data.setting["givers"] == {"x": ["A"], "y": ["B"]}
    setting = next(s for s in build_sections(data) if s.key == "setting")
    items = next(t for t in setting.tables if t.headers[0] == "concession")
    assert [(row[0], row[2]) for row in items.rows] == [("x", "A"), ("y", "B")]
    assert "A can give x; B can give y." in setting.caption


# --------------------------------------------------------------------------- real producers


def test_a_phased_scenario_reports_its_schedule_trust_and_implementation() -> None:
    data = gather(load_scenario(SCENARIOS / "theory" / "action-for-action.yaml"))
    assert data.phase is not None and data.implementation is not None
    assert data.phase["givers"] == {"a_step": "A", "b_step": "B"}
    texts = captions(
        {k: v for k, v in ((n, getattr(data, n)) for n in data.present()) if v is not None}
    )
    best, one = data.phase["max_total"], data.phase["one_shot"]["max_total"]
    assert (
        f"over {data.phase['stages']} stages (objective: total) carries out {number(best)}"
        in (texts["schedule"])
    )
    assert f"up to {number(one)}" in texts["schedule"]
    rate = data.implementation["completion_rate"]
    assert f"completed in {share(rate)} of runs" in texts["implementation"]
    assert texts["trust"] == (
        "Side A expects Side B to honour its next step with probability 1; Side B expects "
        "Side A to honour its next step with probability 1. Trust does not change along the "
        "schedule."
    )


def test_without_a_trust_model_a_schedule_says_trust_is_assumed() -> None:
    docs = copy.deepcopy(documents())
    docs["analysis"]["trust_models"] = {}
    del docs["analysis"]["trust"], docs["phase"]["trust_path"]
    assert captions(docs)["trust"] == (
        "No trust model is declared: each side is taken to honour every step for certain."
    )
    del docs["phase"]
    assert "trust" not in captions(docs)


def test_a_trust_model_is_reported_without_a_schedule() -> None:
    data = gather(load_scenario(SCENARIOS / "theory" / "reputation.yaml"))
    assert data.analysis is not None
    trust = data.analysis["trust"]
    section = next(s for s in build_sections(data) if s.key == "trust")
    caption = section.caption
    assert [row[3] for row in section.tables[0].rows] == [
        "reputation: 5 kept against 3.5 broken (prior and record, Beta)",
        "the other is an opportunist with probability 81%",
    ]
    for truster, row in trust.items():
        for trustee, p in row.items():
            assert (
                f"{truster} expects {trustee} to honour its next step with probability " in caption
            )
            assert number(round(p, 3)) in caption


def test_factions_show_their_win_sets() -> None:
    data = gather(load_scenario(SCENARIOS / "theory" / "two-level.yaml"))
    assert data.analysis is not None
    sizes = data.analysis["win_sets"]
    caption = {s.key: s.caption for s in build_sections(data)}["win_sets"]
    assert f"United States {sizes['us']['size']} and North Korea {sizes['nk']['size']}" in caption


def test_parameters_show_the_value_used_with_range_and_source() -> None:
    data = gather(load_scenario(WORKED, {"d_A": 4.5}))
    setting = next(s for s in build_sections(data) if s.key == "setting")
    table = setting.tables[-1]
    assert table.headers == ("uncertain parameter", "value used", "plausible range", "source")
    assert table.rows[0] == (
        "d A",
        "4.5",
        "0 to 3",
        "THEORY.md §2: disagreement point d = (0, 0)",
    )


def test_trust_that_never_moves_needs_no_figure() -> None:
    docs = copy.deepcopy(documents())
    flat = {"us": {"nk": 0.9}, "nk": {"us": 0.9}}
    docs["phase"]["trust_path"] = [flat, flat, flat]
    docs["phase"]["trust_after_breach"] = flat
    trust = next(s for s in build_sections(data_of(docs)) if s.key == "trust")
    assert trust.sentences[-1] == "Trust does not change along the schedule."
    assert trust.figures == ()


def test_cli_refuses_a_sweep_of_another_scenario(detente_cli: CLI, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(
        '{"draws": 5, "claims": {"not_here": {"share": 1.0, "low": 0.5, "high": 1.0}}}'
    )
    done = detente_cli("report", WORKED, "-o", tmp_path / "r.html", "--sweep", other)
    assert_one_line_error(done, "--sweep", "not_here", "another scenario")
    assert not (tmp_path / "r.html").exists()


def test_positions_as_packages_say_how_many_stages_each_needs() -> None:
    docs = copy.deepcopy(documents())

    def package(feasible: bool, fewest: int | None, violated: list[str], short: float) -> dict:  # type: ignore[type-arg]
        return {
            "package": {"yongbyon": 1.0, "un_relief": 0.5},
            "one_shot": {"feasible": feasible, "violated": violated, "worst_slack": -short},
            "min_stages": fewest,
            "max_stages": 4,
        }

    docs["analysis"]["phasing"] = {
        "positions": {
            "big": package(False, None, ["stage 1: nk", "stage 1: us"], 79.0),
            "offer": package(False, 3, ["stage 1: nk"], 2.5),
            "small": package(True, 1, [], 0.0),
        },
        "agreement": package(False, 2, ["stage 1: us"], 0.6),
    }
    section = next(s for s in build_sections(data_of(docs)) if s.key == "schedule")
    assert section.summary == (
        "Taken as fixed packages, “big” is self-enforcing neither at once nor in up to 4 stages; "
        "“offer” is not self-enforcing at once but is in 3 stages; “small” is self-enforcing "
        "at once; the ratifiable agreement is not self-enforcing at once but is in 2 stages."
    )
    table = section.tables[0]
    assert table.headers == ("package", "delivers", "self-enforcing at once", "fewest stages")
    assert table.rows[0] == (
        "“big”",
        "yongbyon, un relief 0.5 share of UN relief",
        "no: stage 1: North Korea and stage 1: United States would renege (worst shortfall 79)",
        "more than 4",
    )
    assert table.rows[2][2:] == ("yes", "1") and table.rows[3][3] == "2"


def test_trust_reports_the_declared_beliefs_only() -> None:
    docs = copy.deepcopy(documents())
    docs["analysis"]["trust"] = {"us": {"nk": 0.35, "sk": 1.0}, "nk": {"us": 0.5, "sk": 1.0}}
    docs["analysis"]["trust_models"] = {
        "us": {"nk": {"model": "beta", "alpha": 3.5, "beta": 6.5}},
        "nk": {"us": {"model": "hazard", "hazard": 0.5}},
    }
    caption = captions(docs)["trust"]
    assert "South Korea" not in caption
    assert "United States expects North Korea to honour its next step with probability 0.35" in (
        caption
    )


def test_the_schedule_table_shows_each_amount_in_its_unit() -> None:
    section = next(s for s in build_sections(data_of(documents())) if s.key == "schedule")
    table = section.tables[-1]
    assert table.headers == ("stage", "North Korea gives", "United States gives")
    assert table.rows == (
        ("1", "test halt", "kaesong"),
        ("2", "yongbyon", "nothing"),
        ("3", "nothing", "un relief 1 share of UN relief"),
    )


def test_a_real_schedule_reports_amounts_and_totals_in_their_units() -> None:
    data = gather(load_scenario(SCENARIOS / "hanoi-2019.yaml"))
    assert data.phase is not None and data.setting is not None
    unit = "share of the five UN resolutions' relief"
    assert data.phase["units"]["un_relief"] == unit and "yongbyon" in data.phase["binary"]
    section = next(s for s in build_sections(data) if s.key == "schedule")
    cells = [cell for row in section.tables[-1].rows for cell in row]
    labels = Labels.of(data.setting)
    relief, yongbyon = labels.item("un_relief"), labels.item("yongbyon")
    assert any(re.search(rf"{re.escape(relief)} 0\.\d+ {unit}", cell) for cell in cells), cells
    assert yongbyon in cells or any(c.startswith(f"{yongbyon},") for c in cells)
    measured = ", ".join(labels.item(i) for i in ("yongbyon", "test_halt", "declaration"))
    assert f"({measured}," in section.caption  # what the totals sum
    setting = next(s for s in build_sections(data) if s.key == "setting")
    concessions = next(t for t in setting.tables if t.headers[0] == "concession")
    row = next(r for r in concessions.rows if r[0] == relief)
    assert row[1:3] == (f"0, 0.25, 0.5, 0.75, 1 ({unit}); worth of all of it", "United States")


@pytest.mark.parametrize(
    ("sets", "sentence"),
    [
        (
            {},
            "Once the scenario's own schedule is carried out, covert cheating on item (by Side B) "
            "does not pay: it is detected with probability 0.1 per stage, at least 0.0556 is "
            "needed.",
        ),
        (
            {"g": 3.0},
            "Once the scenario's own schedule is carried out, covert cheating on item (by Side B) "
            "pays: it is detected with probability 0.1 per stage, at least 0.333 is needed.",
        ),
        (
            {"delta": 0.8, "L": 4},
            "Once the scenario's own schedule is carried out, covert cheating on item (by Side B) "
            "pays whatever the detection: its gain of 0.5 per stage outweighs its stake of 1 when "
            "punished 4 stages after detection.",
        ),
    ],
    ids=["deterred", "not-deterred", "no-detection-deters"],
)
def test_the_schedule_section_says_whether_covert_cheating_pays(
    sets: dict[str, float], sentence: str
) -> None:
    scenario = load_scenario(SCENARIOS / "theory" / "verification.yaml", sets)
    data = gather(scenario)
    section = next(s for s in build_sections(data) if s.key == "schedule")
    assert sentence in section.caption


def test_a_calendar_dates_the_schedule_and_the_breakdowns() -> None:
    """scenarios/theory/calendar.yaml: six-month stages from 2019-01-01; the given schedule
    breaks in stage 3 (the election), which the implementation section dates."""
    report = Report.build(gather(load_scenario(SCENARIOS / "theory" / "calendar.yaml")))
    schedule = next(s for s in report.sections if s.key == "schedule")
    table = schedule.tables[-1]
    assert table.headers[:2] == ("stage", "dates")
    assert [row[1] for row in table.rows][:2] == [
        "2019-01-01 to 2019-07-01",
        "2019-07-01 to 2020-01-01",
    ]
    caption = section(report, "implementation")
    assert "Runs break down most often at stage 3 from 2020-01-01 (100% of all runs)." in caption


def test_runs_that_went_on_after_a_withholding_are_not_counted_as_breakdowns() -> None:
    """20,000 runs: 5,598 completed, 4,033 and 2,380 broke down in stages 1 and 2, and 7,989
    went on to the end after a proportional response; the shares are of all runs."""
    from detente.report.sections import _break_shares

    run = {
        "sessions": 20000,
        "completion_rate": 5598 / 20000,
        "break_stage_histogram": [4033, 2380],
        "went_on": 7989,
    }
    shares = dict(_break_shares(run))
    assert shares == pytest.approx({"1": 4033 / 20000, "2": 2380 / 20000})


def test_the_report_says_how_often_the_deal_went_on_after_a_withholding() -> None:
    from detente.report.sections import implementation_section

    run = {
        "sessions": 20000,
        "completion_rate": 0.5,
        "break_stage_histogram": [2011],
        "went_on": 7989,
        "deviations": [
            {"stage": 1, "party": "B", "item": "inspections", "goes_on": True, "sessions": 7989}
        ],
    }
    from detente.report.data import ReportData

    section = implementation_section(ReportData.from_documents("Demo", {"implementation": run}))
    assert section is not None
    said = " ".join(section.sentences)
    assert "In 40% of all runs the deal went on to the end after a withholding" in said
    assert "withholding inspections in stage 1 (7,989 runs)" in said


def robust_document_of(training: float, fresh: float, point_fresh: float) -> dict[str, Any]:
    """A ``phase --robust --json`` document with the given shares (20 draws each)."""

    def entry(
        source: str, package: dict[str, float], share_: float, train: float
    ) -> dict[str, Any]:
        return {
            "share": share_,
            "interval": {"low": share_ / 2, "high": min(1.0, share_ + 0.2)},
            "training_share": train,
            "training_interval": {"low": train / 2, "high": min(1.0, train + 0.2)},
            "source": source,
            "package": package,
            "schedule": [package],
            "stages": 1,
            "failures": {"its path breaks": 3, "outside the bounds": 5},
            "reason": None,
        }

    robust = entry("robust", {"yongbyon": 1.0}, fresh, training)
    robust.update(path_at_point={"completed": True, "breaks": None}, status="optimal", gap=None)
    return {
        "draws": 20,
        "seed": 3,
        "requirements": {"target": None, "floor": 1.0},
        "training": {"valid": 20, "invalid": 0},
        "evaluation": {"valid": 19, "invalid": 1},
        "robust": robust,
        "point_design": entry("designed", {"test_halt": 1.0}, point_fresh, 0.1),
        "positions": {"nk_hanoi_offer": entry("one_shot", {"yongbyon": 1.0}, 0.05, 0.0)},
        "units": {"yongbyon": None, "test_halt": None},
        "binary": ["yongbyon", "test_halt"],
        "measured": ["yongbyon", "test_halt"],
    }


def test_the_robust_section_compares_shares_computed_from_the_document() -> None:
    caption = captions({**documents(), "robust": robust_document_of(0.45, 0.4, 0.15)})["robust"]
    assert caption.startswith(
        "Chosen to work in as many as possible of 20 draws of the uncertain parameters (seed 3), "
        "the robust deal (yongbyon, in 1 stage) works in 45% of them and in 40% (95% interval "
        "20%–60%) of 19 fresh draws."
    )
    assert (
        "works in 15% (95% interval 8%–35%) of the same fresh draws, 25 percentage points less often"
        in caption
    )
    assert (
        "“nk hanoi offer”, exchanged at once, works in 5%, most often outside what the ratifiers allow (5 draws)"
        in caption
    )
    assert caption.endswith("1 draw gave no valid scenario and is left out.")
    again = captions({**documents(), "robust": robust_document_of(0.45, 0.1, 0.3)})["robust"]
    assert "20 percentage points more often than the robust deal" in again


def test_a_skipped_robust_deal_says_why() -> None:
    skipped = {"skipped": "no design to match", "draws": 20, "seed": 0}
    assert captions({**documents(), "robust": skipped})["robust"] == (
        "No robust deal was computed over 20 draws: no design to match."
    )


def test_the_robust_deal_names_the_party_its_path_breaks_at() -> None:
    document = robust_document_of(0.45, 0.4, 0.15)
    document["robust"]["path_at_point"] = {
        "completed": False,
        "breaks": {"stage": 2, "party": "nk"},
    }
    caption = captions({**documents(), "robust": document})["robust"]
    assert "its path breaks in stage 2 at North Korea." in caption
    assert "at nk" not in caption
