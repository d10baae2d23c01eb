"""The ideas admin stays fast on big tables: no full count, cheap date drill-down, short delete page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backoffice.tests.helpers import CHANGELIST
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory

# --- Big tables -----------------------------------------------------------------------------------


def test_changelist_never_asks_for_the_full_count(staff_client, idea, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        staff_client.get(CHANGELIST)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    # Only the paginator's capped count (LIMIT inside), never a bare COUNT(*) of the whole table.
    assert counts
    assert all("LIMIT" in sql.upper() for sql in counts), counts


@pytest.mark.postgres
def test_paginator_estimates_past_the_cap_on_postgres(owner):
    from django.db import connection

    from backoffice.paginator import EstimatedCountPaginator

    IdeaFactory.create_batch(30, user=owner)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ideas_idea")

    class Small(EstimatedCountPaginator):
        exact_count_cap = 10

    paginator = Small(Idea.objects.order_by("pk"), 5)
    assert paginator.count >= 11
    assert paginator.is_estimate
    filtered = Small(Idea.objects.filter(stage="idea").order_by("pk"), 5)
    assert filtered.count >= 11
    exact = Small(Idea.objects.filter(title="nothing").order_by("pk"), 5)
    assert (exact.count, exact.is_estimate) == (0, False)


def test_date_drill_down_offers_the_range_without_distinct_scans(staff_client, owner):
    from datetime import UTC, datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for when in (datetime(2024, 3, 5, tzinfo=UTC), datetime(2025, 11, 20, tzinfo=UTC)):
        Idea.objects.filter(pk=IdeaFactory.create(user=owner).pk).update(created_at=when)
    with CaptureQueriesContext(connection) as queries:
        body = staff_client.get(CHANGELIST).content.decode()
    assert "created_at__year=2024" in body and "created_at__year=2025" in body
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()]
    months = staff_client.get(CHANGELIST, {"created_at__year": "2025"}).content.decode()
    assert "created_at__month=11" in months
    days = staff_client.get(CHANGELIST, {"created_at__year": "2025", "created_at__month": "11"})
    assert "created_at__day=20" in days.content.decode()
    one_day = {"created_at__year": "2025", "created_at__month": "11", "created_at__day": "20"}
    assert staff_client.get(CHANGELIST, one_day).status_code == 200


def test_delete_confirmation_lists_ideas_not_their_index_rows(staff_client, owner):
    ideas = IdeaFactory.create_batch(3, user=owner, notes="many different words here")
    data = {"action": "delete_selected", "_selected_action": [str(i.pk) for i in ideas]}
    body = staff_client.post(CHANGELIST, data).content.decode()
    assert "Idea: Idea number" in body
    assert "index entry" not in body
    assert "many different words" not in body
    assert staff_client.get(reverse("admin:ideas_idea_delete", args=[ideas[0].pk])).status_code == 200


@pytest.mark.postgres
def test_changelist_says_about_when_the_count_is_estimated(staff_client, owner, monkeypatch):
    from django.db import connection

    from backoffice.paginator import EstimatedCountPaginator

    monkeypatch.setattr(EstimatedCountPaginator, "exact_count_cap", 5)
    IdeaFactory.create_batch(12, user=owner)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE ideas_idea")
    body = staff_client.get(CHANGELIST).content.decode()
    assert 'class="estimated-count"' in body


def test_pages_look_rows_up_by_their_ids_and_keep_the_order(staff_client, owner, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backoffice.admin.ideas import IdeaAdmin

    ideas = IdeaFactory.create_batch(7, user=owner)
    newest_first = [idea.pk for idea in sorted(ideas, key=lambda i: (i.created_at, i.pk), reverse=True)]
    per_page = IdeaAdmin.list_per_page
    IdeaAdmin.list_per_page = 3
    try:
        with CaptureQueriesContext(connection) as queries:
            second = staff_client.get(CHANGELIST, {"p": "2", "user__id__exact": owner.pk})
    finally:
        IdeaAdmin.list_per_page = per_page
    assert [i.pk for i in second.context["cl"].result_list] == newest_first[3:6]
    # The page's ids alone first (an index-only read on PostgreSQL), then those rows by id.
    selects = [q["sql"] for q in queries.captured_queries if 'FROM "ideas_idea"' in q["sql"]]
    assert any(sql.startswith('SELECT "ideas_idea"."id" AS "pk" FROM') for sql in selects), selects
