"""factory-boy factories for ideas."""

from __future__ import annotations

from typing import Any

import factory

from accounts.tests.factories import UserFactory
from ideas.models import Idea, Priority, Stage
from ideas.services.notes import idea_save


class IdeaFactory(factory.django.DjangoModelFactory[Idea]):
    """A creator's idea with valid, normalised fields.

    Built directly (any field, any time stamp), but saved through the one writer of notes
    (`ideas.services.notes.idea_save`), so its notes are sealed and indexed like the services do.
    """

    class Meta:
        model = Idea

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Idea number {n}")
    notes = ""
    stage = Stage.IDEA
    tags = factory.LazyFunction(list)
    priority = Priority.MEDIUM
    due_date = None

    @classmethod
    def _create(cls, model_class: type[Idea], *args: Any, **kwargs: Any) -> Idea:
        notes = kwargs.pop("notes", "")
        idea = model_class(**kwargs)
        idea_save(idea, notes=notes, create=True)
        return idea

    @classmethod
    def _build(cls, model_class: type[Idea], *args: Any, **kwargs: Any) -> Idea:
        kwargs.pop("notes", "")
        return model_class(**kwargs)
