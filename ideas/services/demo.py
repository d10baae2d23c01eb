"""A realistic demo dataset for local work (`manage.py seed_demo`).

Demo creators have ids `demo-creator-0001…` and e-mails `demo1@creatorvault.example` (a reserved
domain), so they are easy to recognise and never collide with real Better Auth ids. Ideas are
created through `ideas.services.ideas.idea_create` (so notes are sealed and indexed like real ones), then
back-dated over the past eighteen months so lists, sorting and the admin's date drill-down have
something to show. Re-running skips creators that already exist.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ideas.models import Idea, Priority, Stage
from ideas.services.ideas import idea_create

DEMO_EMAIL_DOMAIN = "creatorvault.example"

CREATORS = [
    ("Ada Lovelace", "tech"),
    ("Grace Hopper", "tech"),
    ("Julia Child", "food"),
    ("David Attenborough", "nature"),
    ("Maya Angelou", "writing"),
    ("Bob Ross", "art"),
    ("Carl Sagan", "science"),
    ("Frida Kahlo", "art"),
]

TOPICS: dict[str, list[str]] = {
    "tech": [
        "AI content tools",
        "Python packaging",
        "home lab servers",
        "keyboard shortcuts",
        "open-source funding",
    ],
    "food": [
        "sourdough starters",
        "one-pot dinners",
        "knife skills",
        "fermentation basics",
        "weeknight pasta",
    ],
    "nature": ["urban foxes", "tide pools", "bird migration", "moss gardens", "night insects"],
    "writing": [
        "daily pages",
        "editing your own work",
        "finding your voice",
        "poetry prompts",
        "book proposals",
    ],
    "art": ["colour theory", "painting clouds", "sketchbook habits", "self-portraits", "studio lighting"],
    "science": [
        "the Drake equation",
        "telescope buying",
        "cosmic distances",
        "myths about Mars",
        "dark matter",
    ],
}
FORMATS = [
    ("Blog post", "blog"),
    ("YouTube video", "video"),
    ("Podcast episode", "podcast"),
    ("Newsletter issue", "newsletter"),
    ("Short", "shorts"),
    ("Thread", "social"),
]
ANGLES = ["A beginner's guide to", "10 mistakes with", "What nobody tells you about", "Deep dive:", "Q&A on"]
EXTRA_TAGS = ["evergreen", "series", "collab", "research", "seasonal", "sponsor"]
NOTE_LINES = [
    "Open with a personal story, then the three main points.",
    "Check the latest numbers before recording.",
    "Ask the community which part they struggle with most.",
    "Possible guest: someone who does this for a living.",
    "Thumbnail idea: before/after split.",
    "Keep it under ten minutes.",
]


@dataclass
class SeedReport:
    """What `demo_seed` created (or would create)."""

    creators_created: int = 0
    creators_skipped: int = 0
    ideas_created: int = 0


def demo_creator_id(number: int) -> str:
    """The id of demo creator `number` (1-based)."""
    return f"demo-creator-{number:04d}"


def _idea_fields(rng: random.Random, niche: str) -> dict[str, object]:
    fmt, fmt_tag = rng.choice(FORMATS)
    topic = rng.choice(TOPICS[niche])
    title = f"{fmt}: {rng.choice(ANGLES)} {topic}"
    tags = [fmt_tag, niche, *rng.sample(EXTRA_TAGS, k=rng.randint(0, 2))]
    notes = "\n".join(rng.sample(NOTE_LINES, k=rng.randint(0, 3)))
    due = None
    if rng.random() < 0.4:
        due = (timezone.now() + timedelta(days=rng.randint(-20, 90))).replace(microsecond=0)
    return {
        "title": title,
        "notes": notes,
        "stage": rng.choices(Stage.values, weights=[5, 3, 2, 2])[0],
        "priority": rng.choices(Priority.values, weights=[2, 5, 3])[0],
        "tags": tags,
        "due_date": due,
    }


@transaction.atomic
def demo_seed(
    *,
    creators: int,
    ideas_per_creator: int,
    seed: int,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Create `creators` demo creators with `ideas_per_creator` ideas each (all in one transaction)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    report = SeedReport()
    now = timezone.now()
    for number in range(1, creators + 1):
        name, niche = CREATORS[(number - 1) % len(CREATORS)]
        user_id = demo_creator_id(number)
        if User.objects.filter(pk=user_id).exists():
            report.creators_skipped += 1
            continue
        report.creators_created += 1
        report.ideas_created += ideas_per_creator
        if dry_run:
            continue
        user = User.objects.create_user(
            f"demo{number}@{DEMO_EMAIL_DOMAIN}",
            id=user_id,
            name=name if number <= len(CREATORS) else f"{name} {number}",
        )
        for _ in range(ideas_per_creator):
            idea = idea_create(owner=user, **_idea_fields(rng, niche))  # type: ignore[arg-type]
            created = now - timedelta(days=rng.randint(0, 540), minutes=rng.randint(0, 1440))
            updated = min(now, created + timedelta(days=rng.randint(0, 30)))
            Idea.objects.filter(pk=idea.pk).update(created_at=created, updated_at=updated)
        if progress is not None:
            progress(number, creators)
    if dry_run:
        transaction.set_rollback(True)
    return report
