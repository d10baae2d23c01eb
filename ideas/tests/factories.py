"""factory-boy factories for ideas."""

from __future__ import annotations

import factory

from accounts.tests.factories import UserFactory
from ideas.models import Idea, Priority, Stage
from ideas.notes import note_index_sync


class IdeaFactory(factory.django.DjangoModelFactory[Idea]):
    """A creator's idea with valid, normalised fields (built directly, not through the services)."""

    class Meta:
        model = Idea
        skip_postgeneration_save = True  # the note index hook writes its own rows

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Idea number {n}")
    notes = ""
    stage = Stage.IDEA
    tags = factory.LazyFunction(list)
    priority = Priority.MEDIUM
    due_date = None

    @factory.post_generation
    def _note_index(obj: Idea, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        """Notes set here bypass the services: build their word index as the services would."""
        if create:
            note_index_sync(obj)
