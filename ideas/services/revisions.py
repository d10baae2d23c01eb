"""Making an earlier content of an idea current again (revisions are kept by `ideas.services.content`)."""

from __future__ import annotations

import uuid

from django.db import transaction

from accounts.models import User
from ideas.models import Idea
from ideas.selectors.revisions import revision_get
from ideas.services.ideas import IdeaChanges, idea_update


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
