"""Every time the backoffice shows carries its zone (UTC, the site's TIME_ZONE), on every kind of page."""

from __future__ import annotations

import re

from django.urls import reverse

from backoffice.tests.helpers import CHANGELIST, change_url

NAKED_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?(?![\d:]| UTC)")


def test_times_on_lists_pages_and_the_audit_say_utc(staff_client, idea, owner, issue_token):
    issue_token(owner)
    staff_client.post(CHANGELIST, {"action": "move_to_draft", "_selected_action": [str(idea.pk)]})
    pages = [
        CHANGELIST,
        change_url(idea),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[owner.pk]),
        reverse("admin:accounts_personalaccesstoken_changelist"),
        reverse("admin:admin_logentry_changelist"),
        reverse("admin:audit"),
        reverse("admin:index"),
    ]
    for url in pages:
        body = staff_client.get(url).content.decode()
        shown = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})? UTC", body)
        assert shown, url
        assert not NAKED_TIME.search(re.sub(r'(value|title|href)="[^"]*"', "", body)), url
    assert "Date and time in UTC." in staff_client.get(change_url(idea)).content.decode()
