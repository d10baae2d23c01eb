"""The users admin and the backoffice login: pages, actions, read-only profile, staff-only, rate limit."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import StaffUserFactory, UserFactory
from ideas.tests.factories import IdeaFactory

CHANGELIST = reverse("admin:accounts_user_changelist")
LOGIN = reverse("admin:login")
PASSWORD = "correct-horse-battery-staple"


def change_url(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


# --- Pages ----------------------------------------------------------------------------------------


def test_changelist_shows_the_columns_with_idea_counts(staff_client, owner, outsider):
    IdeaFactory.create_batch(3, user=owner)
    response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    rows = {user.pk: user for user in response.context["cl"].result_list}
    assert rows[owner.pk].idea_count == 3
    assert rows[outsider.pk].idea_count == 0
    body = response.content.decode()
    for text in ("ada@example.com", "Ada Lovelace", owner.pk):
        assert text in body


def test_changelist_query_count_does_not_grow_with_users(staff_client, django_assert_max_num_queries):
    for user in UserFactory.create_batch(3):
        IdeaFactory.create(user=user)
    with django_assert_max_num_queries(12) as few:
        staff_client.get(CHANGELIST)
    for user in UserFactory.create_batch(30):
        IdeaFactory.create_batch(2, user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(CHANGELIST).status_code == 200


@pytest.mark.parametrize("term", ["ada@example", "lovelace", "ID"])
def test_search_by_email_name_or_exact_id(staff_client, owner, outsider, term):
    query = owner.pk if term == "ID" else term
    result = staff_client.get(CHANGELIST, {"q": query}).context["cl"].result_list
    assert [user.pk for user in result] == [owner.pk]


@pytest.mark.parametrize(
    "query",
    [
        "is_active__exact=1",
        "is_active__exact=0",
        "is_staff__exact=1",
        "is_superuser__exact=0",
        "created_at__gte=2000-01-01+00:00:00%2B00:00",
    ],
)
def test_each_filter_loads(staff_client, owner, query):
    assert staff_client.get(f"{CHANGELIST}?{query}").status_code == 200


def test_filter_by_active(staff_client, owner, outsider):
    outsider.is_active = False
    outsider.save()
    result = staff_client.get(CHANGELIST, {"is_active__exact": "0"}).context["cl"].result_list
    assert [user.pk for user in result] == [outsider.pk]


def test_change_page_keeps_better_auth_fields_read_only(staff_client, owner):
    response = staff_client.get(change_url(owner))
    assert response.status_code == 200
    readonly = {
        field
        for fieldset in response.context["adminform"]
        for line in fieldset
        for field in line
        if field.is_readonly
    }
    assert readonly  # rendered as text, not inputs
    form_fields = set(response.context["adminform"].form.fields)
    assert not {"id", "email", "name", "created_at", "is_active"} & form_fields
    staff_client.post(
        change_url(owner), {"email": "evil@example.com", "name": "Evil", "is_staff": "on", "is_active": ""}
    )
    owner.refresh_from_db()
    assert (owner.email, owner.name, owner.is_active) == ("ada@example.com", "Ada Lovelace", True)


def test_add_page_makes_a_staff_account_with_an_argon2_password(staff_client):
    assert staff_client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = staff_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Mod@Example.com",
            "name": "New Moderator",
            "is_staff": "on",
            "usable_password": "true",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(email="new.mod@example.com")
    assert user.is_staff and len(user.pk) == 32
    assert user.password.startswith("argon2")


def test_password_change_page_loads(staff_client, superuser):
    assert (
        staff_client.get(reverse("admin:auth_user_password_change", args=[superuser.pk])).status_code == 200
    )


def test_non_staff_cannot_open_users_pages(owner):
    client = Client()
    client.force_login(owner)
    for url in (CHANGELIST, change_url(owner), reverse("admin:accounts_user_add")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


# --- Actions --------------------------------------------------------------------------------------


def test_deactivate_action_blocks_tokens_at_once_and_is_logged(staff_client, owner, client_for):
    api = client_for(owner)
    assert api.get("/api/v1/users/me").status_code == 200
    response = staff_client.post(
        CHANGELIST, {"action": "deactivate_users", "_selected_action": [owner.pk]}, follow=True
    )
    assert "Deactivated 1 account(s)" in response.content.decode()
    owner.refresh_from_db()
    assert not owner.is_active
    refused = api.get("/api/v1/users/me")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "FORBIDDEN"
    entry = LogEntry.objects.get(object_id=owner.pk, action_flag=CHANGE)
    assert "Deactivated" in entry.get_change_message()

    staff_client.post(CHANGELIST, {"action": "reactivate_users", "_selected_action": [owner.pk]})
    owner.refresh_from_db()
    assert owner.is_active
    assert api.get("/api/v1/users/me").status_code == 200
    assert LogEntry.objects.filter(object_id=owner.pk, action_flag=CHANGE).count() == 2


@pytest.mark.parametrize("how", ["delete page", "delete action"])
def test_deleting_an_account_erases_it_like_erase_user(staff_client, superuser, owner, outsider, how):
    """No admin log line or reveal reason about the account or its ideas survives; one anonymous line does."""
    from audit.models import NoteReveal
    from audit.services import ERASED_REASON, note_reveal_record
    from ideas.models import Idea, IdeaNoteToken, IdeaRevision
    from ideas.services.ideas import idea_create, idea_update

    idea = idea_create(owner=owner, title="Secret title", notes="private words")
    idea_update(owner=owner, idea_id=idea.pk, changes={"notes": "newer words"})
    staff_client.post(
        reverse("admin:ideas_idea_change", args=[idea.pk]),
        {"title": "Secret title 2", "stage": "idea", "priority": "medium", "tags": "", "due_date": ""},
    )
    note_reveal_record(staff=superuser, idea_id=idea.pk, reason="Case 12: Ada Lovelace reported")
    assert LogEntry.objects.filter(object_repr="Secret title 2").exists()

    if how == "delete page":
        response = staff_client.post(reverse("admin:accounts_user_delete", args=[owner.pk]), {"post": "yes"})
    else:
        response = staff_client.post(
            CHANGELIST, {"action": "delete_selected", "_selected_action": [owner.pk], "post": "yes"}
        )
    assert response.status_code == 302

    assert not User.objects.filter(pk=owner.pk).exists()
    assert not Idea.objects.filter(user_id=owner.pk).exists()
    assert not IdeaRevision.objects.filter(owner_id=owner.pk).exists()
    assert not IdeaNoteToken.objects.filter(owner_id=owner.pk).exists()
    assert list(LogEntry.objects.values_list("object_id", "object_repr")) == [(None, "(erased account)")]
    assert LogEntry.objects.get().user == superuser
    assert NoteReveal.objects.get().reason == ERASED_REASON
    assert User.objects.filter(pk=outsider.pk).exists()


def test_staff_cannot_deactivate_themselves(staff_client, superuser):
    response = staff_client.post(
        CHANGELIST, {"action": "deactivate_users", "_selected_action": [superuser.pk]}, follow=True
    )
    assert "cannot deactivate your own account" in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.is_active


# --- Login: staff only, Argon2, rate-limited -----------------------------------------------------


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip)


def test_staff_logs_in_with_a_password(db):
    StaffUserFactory.create(email="mod@example.com")
    response = login(Client(), "mod@example.com", PASSWORD)
    assert response.status_code == 302
    assert response.url == "/admin/"


def test_login_page_is_branded(client, db):
    body = client.get(LOGIN).content.decode()
    assert "CreatorVault backoffice" in body
    assert "Django administration" not in body


def test_non_staff_cannot_log_in_even_with_a_password(db):
    user = UserFactory.create(email="creator@example.com")
    user.set_password(PASSWORD)
    user.save()
    response = login(Client(), "creator@example.com", PASSWORD)
    assert response.status_code == 200
    assert "staff account" in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_inactive_staff_cannot_log_in(db):
    StaffUserFactory.create(email="gone@example.com", is_active=False)
    assert login(Client(), "gone@example.com", PASSWORD).status_code == 200


def test_login_is_rate_limited_per_username_across_ips(db, settings):
    settings.ADMIN_LOGIN_RATELIMIT = "3/h"  # an hour: no window ends mid-test
    StaffUserFactory.create(email="mod@example.com")
    for attempt in range(3):
        assert login(Client(), "MOD@example.com", "wrong", ip=f"10.0.1.{attempt}").status_code == 200
    refused = login(Client(), "mod@example.com", PASSWORD, ip="10.0.1.99")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Too many login attempts" in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session
    # Another account from another IP is unaffected.
    StaffUserFactory.create(email="other@example.com")
    assert login(Client(), "other@example.com", PASSWORD, ip="10.0.2.1").status_code == 302


def test_login_is_rate_limited_per_ip_across_usernames(db, settings):
    settings.ADMIN_LOGIN_RATELIMIT = "3/h"  # an hour: no window ends mid-test
    StaffUserFactory.create(email="mod@example.com")
    for attempt in range(3):
        login(Client(), f"guess{attempt}@example.com", "wrong", ip="10.9.9.9")
    assert login(Client(), "mod@example.com", PASSWORD, ip="10.9.9.9").status_code == 429
    assert login(Client(), "mod@example.com", PASSWORD, ip="10.9.9.10").status_code == 302


def test_login_page_itself_is_not_limited(client, db, settings):
    settings.ADMIN_LOGIN_RATELIMIT = "1/m"
    for _ in range(5):
        assert client.get(LOGIN).status_code == 200


def test_rate_limit_can_be_switched_off(db, settings):
    settings.ADMIN_LOGIN_RATELIMIT = "1/m"
    settings.RATELIMIT_ENABLE = False
    StaffUserFactory.create(email="mod@example.com")
    for _ in range(3):
        login(Client(), "mod@example.com", "wrong")
    assert login(Client(), "mod@example.com", PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2(db):
    user = StaffUserFactory.create()
    assert user.password.startswith("argon2$")
