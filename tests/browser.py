"""Browser tests' shared parts: Debian's Chromium driven by Playwright, a served explorer, and
the report's visual checks.

The fixtures are named ``chromium`` and ``web_page``, not ``browser`` and ``page``, so they
never clash with the pytest-playwright plugin where it happens to be installed.

One browser, and so one Playwright, per session (:func:`chromium`): the explorer's tests and
the report's (``tests/test_report_browser.py``, which opens a written report at
:data:`FIRST_SCREEN`) share it, since a second ``sync_playwright()`` in the same process
refuses to start while the first runs. Each explorer test gets a fresh page
(:func:`web_page`) that records the console: any error there fails the test, and a
screenshot of the page is kept in ``out/screenshots/TEST.png`` (gitignored) whatever the
outcome. :func:`served` serves a Dash app
on a free loopback port in a background thread. When Chromium is missing the tests fail with
one line saying how to install it (``make test`` installs it as root); they are never skipped.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"
"""Where the checks keep their screenshots (gitignored)."""
VIEWPORT = {"width": 1400, "height": 1800}
FIRST_SCREEN = {"width": 1280, "height": 900}
"""The window a reader opens the report in: what they see before scrolling."""
TIMEOUT_MS = 20_000
"""Longest wait for the page to show a state (generous: the machine may be busy)."""


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium "
            "(make test installs it when run as root)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def browsing(chromium: Any) -> Iterator[Any]:
    """One browser context for the session: its pages share the HTTP cache, so the page's
    scripts (Plotly's is 4 MB) are fetched and compiled once."""
    context = chromium.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.fixture
def web_page(browsing: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; fails the test on any console error, keeps a screenshot of it."""
    opened = browsing.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield opened
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):  # a page that failed to load still ends the test
            opened.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"))
        opened.close()
    assert errors == [], f"console errors: {errors}"


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """Serve a Dash app on a free loopback port in a background thread; yields its URL."""
    from detente.explorer.app import bind, url_of

    server = bind(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url_of("127.0.0.1", server.socket.getsockname()[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def claims_shown(page: Any) -> dict[str, bool]:
    """Every claim the page shows, with its truth (``data-claim``/``data-holds``)."""
    shown = page.eval_on_selector_all(
        "[data-testid=claims] [data-claim]",
        "nodes => nodes.map(n => [n.dataset.claim, n.dataset.holds])",
    )
    return {name: holds == "true" for name, holds in shown}


def settle(page: Any, query: str) -> None:
    """Wait until the page's URL carries ``query`` and the claims show the analysed view."""
    page.wait_for_function(
        "query => window.location.search === query", arg=query, timeout=TIMEOUT_MS
    )
    page.wait_for_function(
        "query => document.querySelector('[data-testid=status]')?.dataset.query === query",
        arg=query,
        timeout=TIMEOUT_MS,
    )


OVERLAPS = """
(svg) => {
  const boxes = [...svg.querySelectorAll("text")]
    .map((t) => ({text: t.textContent.trim(), box: t.getBoundingClientRect()}))
    .filter((t) => t.text && t.box.width > 0 && t.box.height > 0);
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i].box, b = boxes[j].box;
      const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (dx > 1 && dy > 1) found.push([boxes[i].text, boxes[j].text]);
    }
  }
  return found;
}
"""
"""The pairs of texts of an SVG figure whose boxes overlap (by more than a pixel each way)."""
