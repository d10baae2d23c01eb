"""Reading an idea's revisions and making one current again.

Revisions are recorded by `ideas.history` on every content change. They are reached only
through the caller's live idea (`idea_get`, scoped by `Idea.objects.for_owner`), so another user's
idea, a missing idea and a trashed idea all answer 404 alike. `rev` is the revision's `number`:
1 for the first content an idea replaced, growing by one with every change and never reused,
even after old revisions are trimmed away by the retention bound.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from creatorvault.errors import NotFound
from ideas.models import Idea, IdeaRevision
from ideas.paging import PageParams, Pagination
from ideas.selectors import idea_get
from ideas.services import IdeaChanges, idea_update

# `number` is a 32-bit column; larger numbers cannot exist (and must not reach the database).
MAX_REVISION_NUMBER = 2_147_483_647


@dataclass(frozen=True)
class RevisionPage:
    """One page of an idea's revisions, newest first."""

    revisions: list[IdeaRevision]
    pagination: Pagination


def revision_list(*, owner: User, idea_id: uuid.UUID | str, page: PageParams) -> RevisionPage:
    """A page of the caller's idea's revisions, newest first (three queries)."""
    idea = idea_get(owner=owner, idea_id=idea_id)
    revisions = IdeaRevision.objects.filter(idea=idea)
    total = revisions.count()
    rows: list[IdeaRevision] = []
    if page.offset < total:
        rows = list(revisions.order_by("-number")[page.offset : page.offset + page.limit])
    return RevisionPage(
        revisions=rows,
        pagination=Pagination(total=total, limit=page.limit, offset=page.offset, count=len(rows)),
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


@transaction.atomic
def revision_restore(
    *, owner: User, idea_id: uuid.UUID | str, number: int | str, if_match: str | None = None
) -> Idea:
    """Make revision `number` the idea's current content, honouring `If-Match`.

    A write like any other: the content it replaces becomes a new revision, and the idea gets a
    new version. The revision itself stays in the history.
    """
    revision = revision_get(owner=owner, idea_id=idea_id, number=number)
    changes = IdeaChanges(
        title=revision.title,
        notes=revision.notes,
        stage=revision.stage,
        tags=list(revision.tags),
        priority=revision.priority,
        due_date=revision.due_date,
    )
    return idea_update(owner=owner, idea_id=idea_id, changes=changes, if_match=if_match)
