"""The ideas app's models: ideas, the keyed word index of their notes, and their revisions."""

from ideas.models.idea import (
    CONTENT_FIELDS,
    LIVE,
    NOTES_MAX_CHARS,
    PRIORITY_RANK,
    STAGE_RANK,
    TAG_MAX_CHARS,
    TAGS_MAX_COUNT,
    TITLE_MAX_CHARS,
    Idea,
    IdeaQuerySet,
    Priority,
    Stage,
    idea_id_for,
)
from ideas.models.note_index import IdeaNoteToken
from ideas.models.revision import IdeaRevision
from ideas.models.sealed import NotesUnavailable, SealedNotes

__all__ = [
    "CONTENT_FIELDS",
    "LIVE",
    "NOTES_MAX_CHARS",
    "PRIORITY_RANK",
    "STAGE_RANK",
    "TAGS_MAX_COUNT",
    "TAG_MAX_CHARS",
    "TITLE_MAX_CHARS",
    "Idea",
    "IdeaNoteToken",
    "IdeaQuerySet",
    "IdeaRevision",
    "NotesUnavailable",
    "Priority",
    "SealedNotes",
    "Stage",
    "idea_id_for",
]
