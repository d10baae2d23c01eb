"""Our pages in a real browser: no request leaves our origin, and the Content-Security-Policy holds.

Each page (the landing page, Swagger UI, ReDoc, the admin's login and, signed in, its index and a
changelist) is loaded to network idle; every request the browser made must be to the live
server's origin (or `data:`/`blob:`), and no CSP violation may be reported.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from accounts.tests.factories import StaffUserFactory
from backoffice.tests.browser.test_admin_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects CSP violations in the page, before any of its scripts runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def load(page, url: str, ready_selector: str) -> tuple[list[str], list[str]]:
    """Open `url`; return the off-origin requests and the CSP violations seen on the way."""
    origin = urlsplit(url)[:2]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    response = page.goto(url, wait_until="networkidle", timeout=90_000)
    assert response is not None and response.status == 200, url
    page.wait_for_selector(
        ready_selector, timeout=90_000
    )  # ReDoc renders the 650 KiB document: slow on a busy CI
    page.wait_for_load_state("networkidle")
    policy = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, policy
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src and "*" not in script_src
    off_origin = [
        address
        for address in requested
        if not address.startswith(("data:", "blob:")) and urlsplit(address)[:2] != origin
    ]
    violations = page.evaluate("window.__cspViolations") + [
        text for text in console if "Content Security Policy" in text
    ]
    return off_origin, violations


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", "h1"),
        ("/docs", ".swagger-ui .info .title"),
        ("/redoc", "#redoc-container h1"),
        ("/admin/login/", "#id_username"),
    ],
)
def test_page_loads_everything_from_our_origin_within_the_policy(page, live_server, path, ready) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    off_origin, violations = load(page, live_server.url + path, ready)
    assert off_origin == []
    assert violations == []


def test_the_signed_in_admin_stays_within_the_policy(page, live_server) -> None:
    staff = StaffUserFactory.create(email="csp@example.com", is_superuser=True)
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server.url, staff.email)
    page.wait_for_url(f"{live_server.url}/admin/")
    for path, ready in (("/admin/", "#site-name"), ("/admin/ideas/idea/", "#changelist")):
        off_origin, violations = load(page, live_server.url + path, ready)
        assert off_origin == []
        assert violations == []
