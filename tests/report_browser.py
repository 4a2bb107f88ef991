"""A headless Chromium for the report's visual checks (Debian's, driven by Playwright).

Small on purpose: the explorer's browser fixtures (``tests/browser.py``) do the same for a
served app; this one opens files. When Chromium is missing the tests fail with one line
saying how to install it; they are never skipped.
"""

from __future__ import annotations

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
FIRST_SCREEN = {"width": 1280, "height": 900}
"""The window a reader opens the report in: what they see before scrolling."""


@pytest.fixture(scope="module")
def report_browser() -> Iterator[Any]:
    """Debian's Chromium, headless, for one test module."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"the report's visual checks need Debian's Chromium at {CHROMIUM}: "
            "apt-get install chromium (make test installs it when run as root)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


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
