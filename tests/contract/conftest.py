"""The frontend's contract tests: a browser page on another origin, and the generated client.

The headless Chromium is the backoffice browser tests' (Debian's `/usr/bin/chromium`, skipped
with the reason when it is missing), launched here with Local Network Access checks off: the
frontend page is served by Playwright's router, which Chromium cannot place in the loopback
address space, so it would refuse the call to the (loopback) API before CORS is even consulted.
A real `next dev` page on localhost:3000 is loopback itself and never meets that check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backoffice.tests.browser.conftest import (  # noqa: F401  (fixtures and the report hook)
    CHROMIUM,
    CHROMIUM_ARGS,
    _allow_orm_beside_playwright,
    page,
    pytest_runtest_makereport,
)


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    """A headless Chromium for one test (skipped when /usr/bin/chromium is missing)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (browser tests use Debian's Chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessChecks"],
        )
        yield instance
        instance.close()
