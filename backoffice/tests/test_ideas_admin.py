"""The ideas admin: every page and action for staff, refusal for others, the trash."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import StaffUserFactory, UserFactory
from backoffice.tests.helpers import CHANGELIST, SECRET, change_url, reveal_url
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory

# --- Pages load for staff, refuse others ---------------------------------------------------------


def test_changelist_lists_ideas_without_their_notes(staff_client, idea):
    response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "AI Content Tools Research" in body
    assert "ada@example.com" in body
    assert SECRET not in body


def test_changelist_query_count_does_not_grow_with_rows(staff_client, owner, django_assert_max_num_queries):
    IdeaFactory.create_batch(3, user=owner)
    with django_assert_max_num_queries(12) as few:
        assert staff_client.get(CHANGELIST).status_code == 200
    IdeaFactory.create_batch(30, user=UserFactory.create())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get(CHANGELIST).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "stage__exact=idea",
        "stage__exact=published",
        "priority__exact=high",
        "owner_active=yes",
        "owner_active=no",
        "created_at__gte=2000-01-01+00:00:00%2B00:00",
        "updated_at__gte=2000-01-01+00:00:00%2B00:00",
        "due_date__isnull=True",
        "due_date__isnull=False",
        "created_at__year=2026",
    ],
)
def test_each_filter_loads(staff_client, idea, query):
    response = staff_client.get(f"{CHANGELIST}?{query}")
    assert response.status_code == 200
    assert "?e=1" not in response.url if hasattr(response, "url") else True


def test_owner_active_filter_selects_by_owner_state(staff_client, idea, outsider):
    outsider.is_active = False
    outsider.save()
    IdeaFactory.create(user=outsider, title="Idea of a deactivated creator")
    body = staff_client.get(f"{CHANGELIST}?owner_active=no").content.decode()
    assert "Idea of a deactivated creator" in body
    assert "AI Content Tools Research" not in body


@pytest.mark.parametrize("term", ["content tools", "ada@example", "ADA@EXAMPLE.COM", "research", "BLOG"])
def test_search_by_title_owner_email_or_tag(staff_client, idea, outsider, term):
    IdeaFactory.create(user=outsider, title="Unrelated podcast episode", tags=["podcast"])
    body = staff_client.get(CHANGELIST, {"q": term}).content.decode()
    assert "AI Content Tools Research" in body
    assert "Unrelated podcast episode" not in body


def test_change_page_hides_notes(staff_client, idea):
    response = staff_client.get(change_url(idea))
    assert response.status_code == 200
    body = response.content.decode()
    assert SECRET not in body
    assert "Hidden." in body
    assert "Reveal notes" in body  # a superuser holds every permission


def test_add_page_creates_through_the_services(staff_client, owner):
    assert staff_client.get(reverse("admin:ideas_idea_add")).status_code == 200
    response = staff_client.post(
        reverse("admin:ideas_idea_add"),
        {
            "user": owner.pk,
            "title": "  New video  ",
            "stage": "idea",
            "priority": "low",
            "tags": "Video, video , YT",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Idea.objects.get(title="New video")
    assert created.tags == ["video", "yt"]
    assert created.user == owner


def test_change_page_applies_the_api_rules(staff_client, idea):
    data = {"title": "bad\x07title", "stage": "draft", "priority": "high", "tags": "blog"}
    response = staff_client.post(change_url(idea), data)
    assert response.status_code == 200
    assert "control characters" in response.content.decode()
    data["title"] = "Renamed idea"
    assert staff_client.post(change_url(idea), data).status_code == 302
    idea.refresh_from_db()
    assert (idea.title, idea.stage, idea.tags, idea.version) == ("Renamed idea", "draft", ["blog"], 2)
    assert idea.notes == SECRET
    assert LogEntry.objects.filter(object_id=str(idea.pk), action_flag=CHANGE).exists()


def test_non_staff_cannot_open_any_ideas_page(idea, owner):
    client = Client()
    client.force_login(owner)
    for url in (CHANGELIST, change_url(idea), reverse("admin:ideas_idea_add"), reveal_url(idea)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_login(client, idea):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_staff_without_view_permission_is_refused(idea):
    client = Client()
    client.force_login(StaffUserFactory.create())
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(idea)).status_code == 403


# --- Actions --------------------------------------------------------------------------------------


def test_stage_action_moves_ideas_through_the_services_and_logs(staff_client, idea, owner):
    other = IdeaFactory.create(user=owner, stage="draft")
    response = staff_client.post(
        CHANGELIST,
        {"action": "move_to_draft", "_selected_action": [str(idea.pk), str(other.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Moved 1 idea(s) to Draft; 1 already there." in response.content.decode()
    idea.refresh_from_db()
    assert (idea.stage, idea.version) == ("draft", 2)
    assert LogEntry.objects.filter(object_id=str(idea.pk), action_flag=CHANGE).count() == 1


@pytest.mark.parametrize("stage", ["idea", "outline", "draft", "published"])
def test_every_stage_action_exists(staff_client, idea, stage):
    staff_client.post(CHANGELIST, {"action": f"move_to_{stage}", "_selected_action": [str(idea.pk)]})
    idea.refresh_from_db()
    assert idea.stage == stage


def test_delete_action_confirms_then_deletes_and_logs(staff_client, idea, owner):
    keep = IdeaFactory.create(user=owner)
    data = {"action": "delete_selected", "_selected_action": [str(idea.pk)]}
    confirm = staff_client.post(CHANGELIST, data)
    assert confirm.status_code == 200
    assert "Are you sure" in confirm.content.decode()
    assert SECRET not in confirm.content.decode()
    done = staff_client.post(CHANGELIST, {**data, "post": "yes"})
    assert done.status_code == 302
    assert list(Idea.objects.values_list("pk", flat=True)) == [keep.pk]
    assert LogEntry.objects.filter(object_id=str(idea.pk), action_flag=DELETION).exists()


def test_delete_page_deletes_one_idea(staff_client, idea):
    url = reverse("admin:ideas_idea_delete", args=[idea.pk])
    assert staff_client.get(url).status_code == 200
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not Idea.objects.filter(pk=idea.pk).exists()


def test_export_csv_has_every_field_but_the_notes(staff_client, idea, owner):
    formula = IdeaFactory.create(user=owner, title='=HYPERLINK("http://evil")')
    response = staff_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [str(idea.pk), str(formula.pk)]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    assert SECRET not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["title"] for row in rows] == ["AI Content Tools Research", '\'=HYPERLINK("http://evil")']
    assert "notes" not in rows[0]
    assert rows[0]["owner_email"] == "ada@example.com"
    assert rows[0]["tags"] == "blog, research"


# --- The trash ------------------------------------------------------------------------------------


@pytest.fixture
def trashed(owner) -> Idea:
    from ideas.services.trash import idea_trash

    idea = IdeaFactory.create(user=owner, title="Binned idea", stage="draft")
    return idea_trash(owner=owner, idea_id=idea.pk)


def test_trash_filter_and_column(staff_client, idea, trashed):
    live = staff_client.get(CHANGELIST, {"trash": "live"}).context["cl"].result_list
    binned = staff_client.get(CHANGELIST, {"trash": "trashed"}).context["cl"].result_list
    assert [i.pk for i in live] == [idea.pk]
    assert [i.pk for i in binned] == [trashed.pk]


@pytest.mark.parametrize("query", [{}, {"trash": "nonsense"}])
def test_list_shows_live_ideas_by_default_with_the_trash_one_click_away(staff_client, idea, trashed, query):
    response = staff_client.get(CHANGELIST, query)
    assert [i.pk for i in response.context["cl"].result_list] == [idea.pk]
    body = response.content.decode()
    assert "Binned idea" not in body
    tabs = body[body.index('id="trash-tabs"') :].split("</p>")[0]
    assert '<a href="?trash=live" aria-current="page">Live ideas</a>' in tabs
    assert '<a href="?trash=trashed">In the trash</a>' in tabs
    binned = staff_client.get(CHANGELIST, {"trash": "trashed"}).content.decode()
    assert "Binned idea" in binned and "AI Content Tools Research" not in binned


def test_list_columns_title_with_tooltip_owner_stage_priority_updated(staff_client, idea):
    long_title = "A very long title " * 10
    IdeaFactory.create(user=idea.user, title=long_title.strip())
    response = staff_client.get(CHANGELIST)
    headers = [str(column["text"]) for column in response.context["result_headers"]]
    assert headers[1:] == ["title", "owner", "stage", "priority", "updated at"]
    body = response.content.decode()
    assert f'<span class="cv-clip" title="{long_title.strip()}">' in body
    assert '<span class="cv-clip" title="ada@example.com">ada@example.com</span>' in body
    assert idea.updated_at.strftime("%Y-%m-%d %H:%M UTC") in body
    assert "?o=" not in body  # newest first always: no column sorts a million rows


def test_list_filters_by_owner(staff_client, idea, outsider):
    IdeaFactory.create(user=outsider, title="Mallory's idea")
    response = staff_client.get(CHANGELIST, {"user__id__exact": outsider.pk})
    assert [i.title for i in response.context["cl"].result_list] == ["Mallory's idea"]


def test_trashed_idea_is_read_only_and_skipped_by_stage_actions(staff_client, trashed):
    page = staff_client.get(change_url(trashed))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    staff_client.post(
        change_url(trashed), {"title": "Changed", "stage": "idea", "priority": "low", "tags": ""}
    )
    response = staff_client.post(
        f"{CHANGELIST}?trash=trashed",
        {"action": "move_to_published", "_selected_action": [str(trashed.pk)]},
        follow=True,
    )
    assert "1 in the trash, left as they are" in response.content.decode()
    trashed.refresh_from_db()
    assert (trashed.title, trashed.stage) == ("Binned idea", "draft")


def test_restore_action_brings_ideas_back_and_logs(staff_client, idea, trashed):
    response = staff_client.post(
        f"{CHANGELIST}?trash=trashed",
        {"action": "restore_from_trash", "_selected_action": [str(trashed.pk), str(idea.pk)]},
        follow=True,
    )
    assert "Restored 1 idea(s) from the trash." in response.content.decode()
    trashed.refresh_from_db()
    assert trashed.trashed_at is None
    assert LogEntry.objects.filter(object_id=str(trashed.pk), action_flag=CHANGE).exists()


def test_deleting_a_trashed_idea_purges_it(staff_client, idea, trashed):
    data = {"action": "delete_selected", "_selected_action": [str(trashed.pk)], "post": "yes"}
    assert staff_client.post(f"{CHANGELIST}?trash=trashed", data).status_code == 302
    assert list(Idea.objects.all()) == [idea]


def test_idea_count_counts_live_ideas(staff_client, owner, idea, trashed):
    users = staff_client.get(reverse("admin:accounts_user_changelist")).context["cl"].result_list
    assert {u.pk: u.idea_count for u in users}[owner.pk] == 1


def test_owner_autocomplete_finds_users_by_email(staff_client, owner, outsider):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "ideas", "model_name": "idea", "field_name": "user", "term": "ada@"},
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [owner.pk]
