"""The backoffice in a real browser: staff log in, find an idea, move it on, deactivate a creator."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.tests.factories import StaffUserFactory, UserFactory
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory

PASSWORD = "correct-horse-battery-staple"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


@pytest.fixture
def staff(db) -> User:
    return StaffUserFactory.create(email="mod@example.com", is_superuser=True)


def test_staff_finds_an_idea_changes_its_stage_and_deactivates_its_owner(page, live_server, staff):
    creator = UserFactory.create(email="ada@example.com", name="Ada Lovelace")
    idea = IdeaFactory.create(user=creator, title="Podcast: sourdough myths", tags=["food"])
    IdeaFactory.create(user=creator, title="Unrelated video")

    log_in(page, live_server.url, staff.email)
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "CreatorVault backoffice" in page.inner_text("#site-name")

    # Find the idea by search.
    page.goto(f"{live_server.url}/admin/ideas/idea/")
    page.fill("#searchbar", "sourdough")
    page.press("#searchbar", "Enter")
    page.wait_for_url("**/admin/ideas/idea/?q=sourdough")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Podcast: sourdough myths" in rows.first.inner_text()

    # Open it and change its stage.
    rows.first.locator("th a").click()
    page.wait_for_selector("#id_stage")
    assert page.locator("#id_notes").count() == 0  # notes are not on the form
    page.select_option("#id_stage", "draft")
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist li.success")
    idea.refresh_from_db()
    assert (idea.stage, idea.version) == ("draft", 2)

    # Deactivate the creator from the users list.
    page.goto(f"{live_server.url}/admin/accounts/user/?q=ada%40example.com")
    page.check("#result_list tbody tr input.action-select")
    page.select_option("select[name=action]", "deactivate_users")
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist li.success")
    assert "Deactivated 1 account(s)" in page.inner_text("ul.messagelist")
    creator.refresh_from_db()
    assert not creator.is_active


def test_stage_action_from_the_list(page, live_server, staff):
    idea = IdeaFactory.create(title="Thread: moss gardens")
    log_in(page, live_server.url, staff.email)
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/ideas/idea/?q=moss")
    page.check("#result_list tbody tr input.action-select")
    page.select_option("select[name=action]", "move_to_published")
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist li.success")
    assert Idea.objects.get(pk=idea.pk).stage == "published"


def test_non_staff_account_cannot_log_in(page, live_server, db):
    creator = UserFactory.create(email="creator@example.com")
    creator.set_password(PASSWORD)
    creator.save()
    log_in(page, live_server.url, creator.email)
    page.wait_for_selector("p.errornote")
    assert "staff account" in page.inner_text("p.errornote")
    assert page.url.startswith(f"{live_server.url}/admin/login/")
    page.goto(f"{live_server.url}/admin/ideas/idea/")
    assert "/admin/login/" in page.url
