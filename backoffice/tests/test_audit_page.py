"""Every page of the backoffice answers staff, and sends everyone else to the login page."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffUserFactory

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)
PAGES = ["admin:index", "admin:audit", "admin:password_change"] + [
    f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
    for model in MODELS
    for page in ("changelist", "add")
]


@pytest.fixture
def superuser_client(db) -> Client:
    client = Client()
    client.force_login(StaffUserFactory.create(is_superuser=True))
    return client


def test_every_model_of_the_project_is_in_the_backoffice():
    labels = {model._meta.label for model in MODELS}
    assert {"accounts.User", "ideas.Idea", "audit.NoteReveal", "admin.LogEntry"} <= labels


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_for_staff(superuser_client, name):
    response = superuser_client.get(reverse(name))
    # Audit records are read-only, and creators make their own tokens: those add pages are refused
    # even to superusers.
    refused = (
        "admin:admin_logentry_add",
        "admin:audit_notereveal_add",
        "admin:accounts_personalaccesstoken_add",
    )
    expected = 403 if name in refused else 200
    assert response.status_code == expected


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_non_staff_to_login(owner, name):
    client = Client()
    client.force_login(owner)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_anonymous_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_audit_records_open_read_only(superuser_client, staff_user, owner):
    from django.contrib.admin.models import CHANGE, LogEntry

    from audit.services import note_reveal_record
    from ideas.tests.factories import IdeaFactory

    idea = IdeaFactory.create(user=owner)
    reveal = note_reveal_record(staff=staff_user, idea_id=idea.pk, reason="Case 1")
    entry = LogEntry.objects.log_actions(
        staff_user.pk, [idea], CHANGE, change_message="Moved", single_object=True
    )
    for url in (
        reverse("admin:audit_notereveal_change", args=[reveal.pk]),
        reverse("admin:admin_logentry_change", args=[entry.pk]),
    ):
        response = superuser_client.get(url)
        assert response.status_code == 200
        assert 'name="_save"' not in response.content.decode()
