"""The report's structural what-ifs and counterfactuals section."""

from __future__ import annotations

from pathlib import Path

from detente.experiments import RunOptions, run_sweep
from detente.experiments.scenario_text import ScenarioText
from detente.experiments.summary import summarize
from detente.experiments.sweep import scenario_sweep
from detente.report import build_sections, gather
from detente.report.counterfactuals import choice_variants
from tests.experiment_toys import CHOOSING


def text(tmp_path: Path) -> ScenarioText:
    path = tmp_path / "choosing.yaml"
    path.write_text(CHOOSING, encoding="utf-8")
    return ScenarioText.read(path)


def test_every_label_no_variant_sets_alone_becomes_a_variant(tmp_path: Path) -> None:
    scenario = text(tmp_path).build({})
    assert [(v.name, v.sets) for v in choice_variants(scenario)] == [
        ("free", (("rule", "none"),)),  # declared; rule=none is not added again
        ("n=1", (("n", "1"),)),
        ("n=3", (("n", "3"),)),
    ]


def test_the_section_compares_the_variants_and_gives_claims_by_choice(tmp_path: Path) -> None:
    scenario_text = text(tmp_path)
    out = tmp_path / "run"
    run_sweep(scenario_sweep(scenario_text, 30, seed=2), RunOptions(out, progress=False))
    summary = summarize(out)
    data = gather(scenario_text.build({}), sweep=summary, text=scenario_text)
    section = next(s for s in build_sections(data) if s.key == "counterfactuals")
    assert section.title == "Structural what-ifs and counterfactuals"
    assert section.sentences[0] == (
        "Under “free” (rule=none: no veto): the agreement changes: r 1 → 2; Side A 1 → 2; "
        "Side B 3 → 2; “p” becomes ratifiable; “vetoed” no longer holds."
    )
    comparison, by_rule, by_n = section.tables
    assert comparison.headers == ("", "base case", "free", "n=1", "n=3")
    # the hawk accepts r <= x * n: p (r = 2) stays vetoed at n = 3 (1.5), not without a veto
    assert ("claim vetoed", "yes", "no", "yes", "yes") in comparison.rows
    assert comparison.rows[1] == (
        "position p",
        *["rational yes, ratifiable no, one-shot —, fewest stages —"] * 1,
        "rational yes, ratifiable yes, one-shot —, fewest stages —",
        *["rational yes, ratifiable no, one-shot —, fewest stages —"] * 2,
    )
    assert by_rule.headers == ("claim", "rule = veto", "rule = none")
    assert by_rule.rows[0][0] == "vetoed" and by_rule.rows[0][2].startswith("0% ")
    assert by_n.headers == ("claim", "n = 1", "n = 2", "n = 3")
    parameters = data.setting["parameters"]  # type: ignore[index]
    assert parameters["rule"] == {
        "value": "veto",
        "range": None,
        "choices": {"veto": 0.6, "none": 0.4},
        "source": "assumption: test",
        "description": None,
    }


def test_without_a_way_to_rebuild_the_file_there_is_no_comparison(tmp_path: Path) -> None:
    data = gather(text(tmp_path).build({}))
    assert data.counterfactuals is None
    assert "counterfactuals" not in [s.key for s in build_sections(data)]
