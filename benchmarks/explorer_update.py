"""How fast ``detente serve`` updates the page for Hanoi 2019 (target: under 1 s per change).

Measures (1) the analysis of one view in this process, new values each time (the cache
missed) and again (the cache hit), with where its time goes; (2) in Debian's Chromium, the
round trip from a change of a control (a slider's keyboard step, a selector's click) to the
page showing the analysed view, for new values and for values seen before. Prints one line per
measure (median and max over the repeats)::

    PYTHONPATH=src:. python benchmarks/explorer_update.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from tests.browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, served

from detente.experiments.scenario_text import ScenarioText
from detente.explorer.app import Explorer, create_app
from detente.explorer.evaluation import evaluate

HANOI = Path(__file__).resolve().parents[1] / "scenarios" / "hanoi-2019.yaml"


def report(name: str, seconds: list[float]) -> None:
    print(
        f"{name}: median {statistics.median(seconds):.3f} s, max {max(seconds):.3f} s (n={len(seconds)})"
    )


def analysis(text: ScenarioText, repeats: int) -> None:
    values = [1.0 + 0.1 * k for k in range(repeats)]
    cold = [_timed(lambda v=v: evaluate(text, (("kappa_h", v),))) for v in values]
    warm = [_timed(lambda v=v: evaluate(text, (("kappa_h", v),))) for v in values]
    report("analysis of a new view (in process)", cold)
    report("analysis of a view seen before (cached)", warm)
    profile = cProfile.Profile()
    profile.runcall(evaluate, text, (("kappa_h", 3.9),))
    stats = pstats.Stats(profile).sort_stats("cumulative")
    print("where a new view's analysis goes (cumulative seconds):")
    for function, row in stats.stats.items():  # type: ignore[attr-defined]
        name = f"{Path(function[0]).name}:{function[2]}"
        if name in _STEPS:
            print(f"  {name}: {row[3]:.3f}")


_STEPS = {
    "evaluation.py:_evaluate",
    "scenario_text.py:build",
    "solutions.py:of",
    "pipeline.py:analysis_of",
    "phasing.py:phasing_doc",
    "highs.py:_run",
    "evaluation.py:_packages",
    "documents.py:json",
}


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def round_trips(text: ScenarioText, repeats: int) -> None:
    from playwright.sync_api import sync_playwright

    app = create_app(Explorer.of(text))
    with served(app) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        start = time.perf_counter()
        page.goto(url)
        _shown(page, "")
        report("first load of the page", [time.perf_counter() - start])
        thumb = page.locator('[data-parameter="w_jcpoa"] [role=slider]')
        new, seen = [], []
        for k in range(repeats):
            new.append(_step(page, thumb, "ArrowRight", f"?set=w_jcpoa={0.5 + 0.01 * (k + 1):.2f}"))
        for k in reversed(range(repeats)):
            expected = "" if k == 0 else f"?set=w_jcpoa={0.5 + 0.01 * k:.2f}"
            seen.append(_step(page, thumb, "ArrowLeft", expected))
        report("slider step to a new view (browser round trip)", new)
        report("slider step back to a view seen before", seen)
        rule = page.locator('[data-parameter="hardliner_rule"] label')
        flips = [
            _click(page, rule.filter(has_text="none"), "?set=hardliner_rule=none"),
            _click(page, rule.filter(has_text="veto"), ""),
        ]
        report("selector click (hard-liners' rule)", flips)
        browser.close()


def _step(page: object, thumb: object, key: str, query: str) -> float:
    start = time.perf_counter()
    thumb.press(key)  # type: ignore[attr-defined]
    _shown(page, query)
    return time.perf_counter() - start


def _click(page: object, label: object, query: str) -> float:
    start = time.perf_counter()
    label.click()  # type: ignore[attr-defined]
    _shown(page, query)
    return time.perf_counter() - start


def _shown(page: object, query: str) -> None:
    """Wait until the page shows the analysed view of ``query`` (its status carries it)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "q => document.querySelector('[data-testid=status]')?.dataset.query === q",
        arg=query,
        polling="raf",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    text = ScenarioText.read(HANOI)
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    evaluate(text, ())  # the file's values, as the server analyses them before serving
    analysis(text, args.repeats)
    round_trips(text, args.repeats)


if __name__ == "__main__":
    main()
