"""Reads of an idea's revisions.

Revisions are reached only through the caller's live idea (`idea_get`, scoped by
`Idea.objects.for_owner`), so another user's idea, a missing idea and a trashed idea all answer
404 alike. `rev` is the revision's `number`: 1 for the first content an idea replaced, growing by
one with every change and never reused, even after old revisions are trimmed away.
"""

from __future__ import annotations

import uuid

from django.db.models import F

from accounts.models import User
from creatorvault.api.cursor import SortKey
from creatorvault.api.pagination import ListPage, PageParams, list_page
from creatorvault.errors import NotFound
from ideas.models import IdeaRevision
from ideas.selectors.ideas import idea_get

# `number` is a 32-bit column; larger numbers cannot exist (and must not reach the database).
MAX_REVISION_NUMBER = 2_147_483_647


def revision_list(*, owner: User, idea_id: uuid.UUID | str, page: PageParams) -> ListPage[IdeaRevision]:
    """A page of the caller's idea's revisions, newest first, by cursor (two queries: the idea,
    the page) or by offset (three)."""
    idea = idea_get(owner=owner, idea_id=idea_id)
    return list_page(
        IdeaRevision.objects.filter(idea=idea),
        keys=[SortKey(F("number"), descending=True)],
        params=page,
        listing=repr(("revisions", str(owner.pk), str(idea.pk))),
    )


def revision_get(*, owner: User, idea_id: uuid.UUID | str, number: int | str) -> IdeaRevision:
    """Revision `number` of the caller's idea; `NotFound` if either does not exist (or was trimmed)."""
    idea = idea_get(owner=owner, idea_id=idea_id)
    try:
        rev = int(number)
    except (TypeError, ValueError):
        raise NotFound("No such revision.") from None
    revision = None
    if 1 <= rev <= MAX_REVISION_NUMBER:
        revision = IdeaRevision.objects.filter(idea=idea, number=rev).first()
    if revision is None:
        raise NotFound("No such revision.")
    return revision
