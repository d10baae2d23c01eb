"""A moderator works a case in a real browser, at 1,280 px: every page fits, nothing is guessed.

Each test visits its pages with `assert_fits`, which keeps a screenshot of each page in
`test-artifacts/pages/` and fails when the page (or a list inside it) scrolls sideways.
"""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.tests.factories import StaffUserFactory, UserFactory
from backoffice.tests.browser.conftest import assert_fits, assert_not_cut
from ideas.services.trash import idea_trash
from ideas.tests.factories import IdeaFactory

PASSWORD = "correct-horse-battery-staple"
LONG_TITLE = (
    "Video essay: why every sourdough starter guide on the internet gets hydration wrong, "
    "with twelve experiments, three failures and a very long subtitle nobody reads"
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def moderator(db) -> User:
    """A superuser with a password, to log in through the form."""
    user = StaffUserFactory.create(email="mod@example.com", is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(page, base_url: str, user: User) -> None:
    """Log in through the admin's login form."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def test_ideas_list_live_by_default_fits_and_keeps_rows_one_line(page, live_server, moderator):
    creator = UserFactory.create(email="a.very.long.address.of.a.creator@example-creators.com")
    IdeaFactory.create_batch(48, user=creator)
    long_one = IdeaFactory.create(user=creator, title=LONG_TITLE)
    binned = IdeaFactory.create(user=creator, title="Binned: old podcast plan")
    idea_trash(owner=creator, idea_id=binned.pk)

    log_in(page, live_server.url, moderator)
    page.goto(f"{live_server.url}/admin/ideas/idea/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 49
    assert "Binned: old podcast plan" not in page.inner_text("#result_list")
    # The long title is cut to one line, whole on hover; no row wraps.
    cell = page.locator(f'#result_list span.cv-clip[title="{LONG_TITLE}"]')
    assert cell.count() == 1
    heights = page.evaluate(
        "() => [...document.querySelectorAll('#result_list tbody tr')].map(r => r.offsetHeight)"
    )
    assert max(heights) < 45, heights
    assert page.inner_text("#result_list tbody tr:first-child td.field-updated_at").endswith(" UTC")
    assert_not_cut(page, "#result_list td.field-updated_at, #result_list td.field-stage, td.field-priority")
    assert_fits(page, "ideas-list")

    # The trash is one click away.
    page.click("#trash-tabs a:text('In the trash')")
    page.wait_for_url("**/admin/ideas/idea/?trash=trashed")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "Binned: old podcast plan" in page.inner_text("#result_list")
    assert_fits(page, "ideas-trash")

    # Opening an idea from the list.
    page.goto(f"{live_server.url}/admin/ideas/idea/?q=twelve")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_selector("#id_title")
    assert page.input_value("#id_title") == long_one.title
    assert_fits(page, "idea-page")


def test_moderator_goes_from_an_idea_to_its_owner_and_deactivates_them(page, live_server, moderator):
    creator = UserFactory.create(email="ada@example.com", name="Ada Lovelace")
    idea = IdeaFactory.create(user=creator, title="Podcast: sourdough myths")
    idea_trash(owner=creator, idea_id=IdeaFactory.create(user=creator, title="Old plan").pk)
    UserFactory.create_batch(30)

    log_in(page, live_server.url, moderator)
    page.goto(f"{live_server.url}/admin/accounts/user/")
    assert_fits(page, "users-list")
    assert_not_cut(page, "#result_list td.field-created_at, #result_list td.field-idea_count")

    page.goto(f"{live_server.url}/admin/ideas/idea/{idea.pk}/change/")
    page.click(".field-user a")
    page.wait_for_selector("#deactivate-user")
    assert "1 live idea(s)" in page.inner_text(".field-live_ideas")
    assert "1 in the trash" in page.inner_text(".field-trashed_ideas")
    assert page.locator("text=Set password").count() == 0
    assert page.locator("input[name=is_staff]").count() == 0
    assert_fits(page, "user-page")

    page.click("#deactivate-user")
    page.wait_for_selector("ul.messagelist li.success")
    assert "Deactivated ada@example.com" in page.inner_text("ul.messagelist")
    assert page.locator("#reactivate-user").count() == 1
    creator.refresh_from_db()
    assert not creator.is_active

    # The trash link leads to the creator's trashed ideas.
    page.click("#trashed-ideas-link")
    page.wait_for_url("**trash=trashed**")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "Old plan" in page.inner_text("#result_list")


def test_reveal_only_where_there_are_notes_and_the_audit_names_the_idea(page, live_server, moderator):
    creator = UserFactory.create(email="ada@example.com")
    with_notes = IdeaFactory.create(user=creator, title="Thread: moss gardens", notes="the private plan")
    without = IdeaFactory.create(user=creator, title="Short: moss in ten seconds", notes="")

    log_in(page, live_server.url, moderator)
    page.goto(f"{live_server.url}/admin/ideas/idea/{without.pk}/change/")
    page.wait_for_selector("#id_title")
    assert page.locator(".reveal-notes-link").count() == 0

    page.goto(f"{live_server.url}/admin/ideas/idea/{with_notes.pk}/change/")
    page.click(".reveal-notes-link")
    page.fill("#id_reason", "Case 12: reported for spam")
    page.click("input[type=submit][value='Reveal notes']")
    assert page.inner_text("#revealed-notes") == "the private plan"
    assert_fits(page, "reveal-notes")

    page.click("#user-tools a:text('Audit log')")
    page.wait_for_selector("#audit-events")
    first = page.locator("#audit-events tbody tr").first
    assert "idea: Thread: moss gardens" in first.inner_text()
    assert first.locator(".cv-owner").inner_text() == "ada@example.com"
    assert first.locator(".cv-when").inner_text().endswith(" UTC")
    assert str(with_notes.pk) not in first.inner_text()
    assert_fits(page, "audit-page")


def test_dashboard_counts_lead_to_their_lists(page, live_server, moderator):
    creator = UserFactory.create(email="gone@example.com", is_active=False)
    IdeaFactory.create_batch(3, user=creator)
    UserFactory.create_batch(2)

    log_in(page, live_server.url, moderator)
    assert page.inner_text("#tile-ideas .cv-count") == "3"
    assert page.inner_text("#tile-deactivated .cv-count") == "1"
    assert page.inner_text("#counted-at").startswith("Counted at ") and " UTC " in page.inner_text(
        "#counted-at"
    )
    assert page.locator("#recent-reveals").count() == 1 and page.locator("#recent-actions").count() == 1
    assert_fits(page, "dashboard")

    page.click("#tile-deactivated")
    page.wait_for_url("**/admin/accounts/user/?is_active__exact=0")
    assert page.locator("#result_list tbody tr").count() == 1
    assert "gone@example.com" in page.inner_text("#result_list")
