"""factory-boy factories for ideas."""

from __future__ import annotations

import factory

from accounts.tests.factories import UserFactory
from ideas.models import Idea, Priority, Stage


class IdeaFactory(factory.django.DjangoModelFactory[Idea]):
    """A creator's idea with valid, normalised fields (built directly, not through the services)."""

    class Meta:
        model = Idea

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Idea number {n}")
    notes = ""
    stage = Stage.IDEA
    tags = factory.LazyFunction(list)
    priority = Priority.MEDIUM
    due_date = None
