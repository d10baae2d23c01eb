"""Browser tests: Playwright driving Debian's headless Chromium against pytest-django's live server.

No browser is downloaded: the tests use `/usr/bin/chromium` (`apt-get install chromium`; `.ci/run`
installs it) and are skipped, with the reason, when it is missing. A failing test leaves a
full-page screenshot in `test-artifacts/` (git-ignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"  # the repository root
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _allow_orm_beside_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the test bodies use the ORM while Playwright's event loop exists in this thread.

    Playwright's sync API keeps an event loop in the main thread; the tests' own ORM calls are
    still plain synchronous code, so Django's async-safety guard would be a false alarm. Set per
    test (never for the whole session): subprocesses of other tests must not inherit it, since
    `check --deploy` rightly refuses it.
    """
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[Any]:
    """Remember each phase's report on the item, so the `page` fixture knows the test failed."""
    outcome: Any = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    """A headless Chromium for one test (skipped when /usr/bin/chromium is missing).

    Per test, and started after the live server and the database fixtures: Playwright's sync
    API leaves an event loop in this thread, and Django refuses ORM calls while one exists.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (browser tests use Debian's Chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context and page; a screenshot in test-artifacts/ when the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def assert_fits(page: Any, name: str) -> None:
    """Screenshot the page (test-artifacts/pages/<name>.png) and check it never scrolls sideways.

    Neither the document nor any changelist's results box (Django lets a wide table scroll inside
    it, which hides columns just as well) may be wider than the window's 1,280 px.
    """
    pages = ARTIFACTS / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(pages / f"{name}.png"), full_page=True)
    widths = page.evaluate(
        """() => {
            const doc = document.documentElement;
            const boxes = [...document.querySelectorAll('.results, table')].map(
                (el) => [el.id || el.className || el.tagName, el.scrollWidth, el.clientWidth]);
            return {scroll: doc.scrollWidth, client: doc.clientWidth, window: window.innerWidth, boxes};
        }"""
    )
    assert widths["window"] == 1280, widths
    assert widths["scroll"] <= widths["client"], f"{name} scrolls sideways: {widths}"
    wide = [box for box in widths["boxes"] if box[1] > box[2] + 1]
    assert not wide, f"{name} has content wider than its box: {wide}"


def assert_not_cut(page: Any, selector: str) -> None:
    """Every cell matching `selector` shows its whole text (no ellipsis)."""
    cut = page.evaluate(
        "(s) => [...document.querySelectorAll(s)].filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.innerText)",
        selector,
    )
    assert not cut, f"cut short: {cut}"
