"""The moderation dashboard: counts linking to their lists, cached a minute, estimated when big."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffUserFactory, UserFactory
from ideas.models import Idea
from ideas.services.trash import idea_trash
from ideas.tests.factories import IdeaFactory

INDEX = reverse("admin:index")


def tiles(response) -> dict[str, tuple[int, bool, str]]:
    return {t.key: (t.count, t.estimated, t.url) for t in response.context["dashboard"]["tiles"]}


def test_counts_link_to_the_lists_they_count(staff_client, owner, outsider):
    IdeaFactory.create_batch(3, user=owner)
    old = IdeaFactory.create(user=outsider)
    Idea.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    idea_trash(owner=owner, idea_id=IdeaFactory.create(user=owner).pk)
    outsider.is_active = False
    outsider.save()
    response = staff_client.get(INDEX)
    counts = tiles(response)
    assert {key: value[:2] for key, value in counts.items()} == {
        "creators": (2, False),
        "new_creators": (2, False),
        "deactivated": (1, False),
        "ideas": (4, False),
        "new_ideas": (3, False),
        "trashed": (1, False),
    }
    # Each link opens a list holding exactly that many rows.
    for key in ("creators", "deactivated", "ideas", "new_ideas", "trashed", "new_creators"):
        listed = staff_client.get(counts[key][2])
        assert listed.status_code == 200, key
        assert listed.context["cl"].result_count == counts[key][0], key
    body = response.content.decode()
    assert 'id="tile-deactivated"' in body and "Deactivated accounts" in body
    assert " UTC (counts are kept for 60 seconds" in body


def test_counts_are_cached_for_a_minute(staff_client, owner, django_assert_max_num_queries):
    IdeaFactory.create(user=owner)
    first = staff_client.get(INDEX)
    IdeaFactory.create(user=owner)
    second = staff_client.get(INDEX)
    assert tiles(second)["ideas"][0] == tiles(first)["ideas"][0] == 1
    assert second.context["dashboard"]["counted_at"] == first.context["dashboard"]["counted_at"]
    from django.core.cache import cache

    cache.clear()
    assert tiles(staff_client.get(INDEX))["ideas"][0] == 2


def test_recent_reveals_and_staff_actions_with_titles_and_owners(staff_client, idea):
    staff_client.post(
        reverse("admin:ideas_idea_changelist"), {"action": "move_to_draft", "_selected_action": [idea.pk]}
    )
    staff_client.post(reverse("admin:ideas_idea_reveal_notes", args=[idea.pk]), {"reason": "Case 5"})
    body = staff_client.get(INDEX).content.decode()
    reveals = body[body.index('id="recent-reveals"') :].split("</table>")[0]
    actions = body[body.index('id="recent-actions"') :].split("</table>")[0]
    for table in (reveals, actions):
        assert "idea: AI Content Tools Research" in table and "ada@example.com" in table
    assert "Case 5" in reveals
    assert 'href="/admin/audit/?kind=reveal"' in body and 'href="/admin/audit/?kind=action"' in body


def test_staff_see_only_what_they_may_view(owner):
    viewer = StaffUserFactory.create()
    viewer.user_permissions.add(Permission.objects.get(codename="view_idea"))
    client = Client()
    client.force_login(viewer)
    response = client.get(INDEX)
    assert set(tiles(response)) == {"ideas", "new_ideas", "trashed"}
    body = response.content.decode()
    assert 'id="recent-reveals"' not in body and 'id="recent-actions"' not in body


@pytest.mark.postgres
def test_big_counts_are_estimates_and_say_about(staff_client, owner, monkeypatch):
    from django.db import connection

    from backoffice.paginator import EstimatedCountPaginator

    monkeypatch.setattr(EstimatedCountPaginator, "exact_count_cap", 3)
    IdeaFactory.create_batch(8, user=owner)
    UserFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ideas_idea")
    response = staff_client.get(INDEX)
    count, estimated, _ = tiles(response)["ideas"]
    assert estimated and count >= 4
    assert "about </span>" in response.content.decode()
