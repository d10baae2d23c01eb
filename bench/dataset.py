"""A realistic, reproducible dataset of creators and their ideas (plain Python values, no Django).

Everything is drawn from one seeded `random.Random`, so two runs with the same sizes build the
same dataset. The shapes follow what a content-idea manager holds in practice:

* **users**: one heavy creator with `heavy_ideas` ideas; the rest share the remaining ideas with
  a long-tailed (Pareto) distribution, so most have a few dozen and some have a thousand or more;
* **titles** from headline templates filled with topics, formats and audiences;
* **tags** from a vocabulary of ~120 with a Zipf distribution (a handful of tags are on a large
  share of ideas, most are rare), 0-6 per idea;
* **stage** and **priority** skewed towards `idea` and `medium`;
* **due dates** on about 40% of ideas, around "now";
* **notes**: a quarter empty, the rest log-normally distributed around ~350 characters (a few
  near the 5,000 character limit), made of sentences over a working vocabulary.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.vocabulary import (
    AUDIENCES,
    FIRST_NAMES,
    FORMATS,
    LAST_NAMES,
    NOTE_WORDS,
    TAG_VOCABULARY,
    TITLE_TEMPLATES,
    TOPICS,
)


@dataclass(frozen=True)
class Sizes:
    """How big the dataset is."""

    users: int
    ideas: int
    heavy_ideas: int
    seed: int = 20260104


@dataclass(frozen=True)
class UserRow:
    """A creator as Better Auth would know them."""

    id: str
    email: str
    name: str
    idea_count: int


@dataclass(frozen=True)
class IdeaRow:
    """One idea's field values, notes in plain text."""

    user_id: str
    title: str
    notes: str
    stage: str
    tags: list[str]
    priority: str
    due_date: datetime | None
    created_at: datetime
    updated_at: datetime


_ID_ALPHABET = string.ascii_letters + string.digits


def heavy_user_id() -> str:
    """The heavy creator's Better Auth id (fixed, so a reused dataset still finds them)."""
    return "benchHeavyCreator0000000000000000"


def _user_counts(sizes: Sizes, rng: random.Random) -> list[int]:
    """Ideas per user: the heavy one first, then a Pareto-shaped split of the rest (sums exactly)."""
    others = sizes.users - 1
    remaining = sizes.ideas - sizes.heavy_ideas
    weights = [rng.paretovariate(1.6) for _ in range(others)]
    scale = remaining / sum(weights)
    counts = [max(1, int(w * scale)) for w in weights]
    # Cap the tail below the heavy user, then hand out the rounding difference one by one.
    counts = [min(c, sizes.heavy_ideas // 2) for c in counts]
    diff = remaining - sum(counts)
    i = 0
    while diff != 0:
        j = i % others
        if diff > 0:
            counts[j] += 1
            diff -= 1
        elif counts[j] > 1:
            counts[j] -= 1
            diff += 1
        i += 1
    return [sizes.heavy_ideas, *counts]


def users(sizes: Sizes) -> list[UserRow]:
    """Every creator, the heavy one first."""
    rng = random.Random(sizes.seed)
    rows = []
    for index, count in enumerate(_user_counts(sizes, rng)):
        user_id = heavy_user_id() if index == 0 else "bench" + "".join(rng.choices(_ID_ALPHABET, k=27))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(
            UserRow(
                id=user_id,
                email=f"{first.lower()}.{last.lower()}.{index}@bench.example.com",
                name=f"{first} {last}",
                idea_count=count,
            )
        )
    return rows


# Zipf weights over the tag vocabulary: rank r gets weight 1/r^1.1.
_TAG_WEIGHTS = [1 / (rank**1.1) for rank in range(1, len(TAG_VOCABULARY) + 1)]


def _cum(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


_TAG_CUM = _cum(_TAG_WEIGHTS)
STAGES, STAGE_CUM = ["idea", "outline", "draft", "published"], _cum([50, 20, 15, 15])
PRIORITIES, PRIORITY_CUM = ["medium", "low", "high"], _cum([55, 25, 20])
TAG_COUNTS, TAG_COUNT_CUM = [0, 1, 2, 3, 4, 5, 6], _cum([8, 22, 28, 20, 12, 6, 4])


def _tags(rng: random.Random) -> list[str]:
    (count,) = rng.choices(TAG_COUNTS, cum_weights=TAG_COUNT_CUM)
    picked = rng.choices(TAG_VOCABULARY, cum_weights=_TAG_CUM, k=count)
    return list(dict.fromkeys(picked))


def _title(rng: random.Random) -> str:
    return rng.choice(TITLE_TEMPLATES).format(
        topic=rng.choice(TOPICS),
        fmt=rng.choice(FORMATS),
        audience=rng.choice(AUDIENCES),
        n=rng.choice([3, 5, 7, 10, 12, 30]),
        year=rng.choice([2024, 2025, 2026]),
    )


def _notes(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return ""
    target = min(4900, int(rng.lognormvariate(math.log(350), 0.8)))
    sentences: list[str] = []
    length = 0
    while length < target:
        words = rng.choices(NOTE_WORDS, k=rng.randint(6, 16))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), rng.choice(TOPICS))
        sentence = " ".join(words)
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ".", ".", "?", "!"])
        sentences.append(sentence)
        length += len(sentence) + 1
    text = " ".join(sentences)
    # Some creators keep notes as short paragraphs.
    if rng.random() < 0.4:
        text = text.replace(". ", ".\n\n", rng.randint(1, 3))
    return text[:5000]


def ideas(sizes: Sizes, user_rows: list[UserRow], *, now: datetime) -> Iterator[IdeaRow]:
    """Every idea, user by user; created over the two years before `now`."""
    rng = random.Random(sizes.seed + 1)
    two_years = 2 * 365 * 86400
    for user in user_rows:
        for _ in range(user.idea_count):
            created = now - timedelta(seconds=rng.randint(3600, two_years))
            updated = created + timedelta(seconds=rng.randint(0, int((now - created).total_seconds()) - 60))
            due = None
            if rng.random() < 0.4:
                due = (now + timedelta(days=rng.randint(-60, 120))).replace(
                    hour=rng.choice([9, 12, 17]), minute=0, second=0, microsecond=0
                )
            (stage,) = rng.choices(STAGES, cum_weights=STAGE_CUM)
            (priority,) = rng.choices(PRIORITIES, cum_weights=PRIORITY_CUM)
            yield IdeaRow(
                user_id=user.id,
                title=_title(rng),
                notes=_notes(rng),
                stage=stage,
                tags=_tags(rng),
                priority=priority,
                due_date=due,
                created_at=created,
                updated_at=updated if updated > created else created,
            )


def new_idea_payload(rng: random.Random) -> dict[str, object]:
    """A body for `POST /api/v1/ideas`, drawn like the seeded ideas."""
    (stage,) = rng.choices(STAGES, cum_weights=STAGE_CUM)
    (priority,) = rng.choices(PRIORITIES, cum_weights=PRIORITY_CUM)
    due = None
    if rng.random() < 0.4:
        due = (datetime.now(UTC) + timedelta(days=rng.randint(1, 90))).replace(microsecond=0).isoformat()
    return {
        "title": _title(rng),
        "notes": _notes(rng),
        "stage": stage,
        "tags": _tags(rng),
        "priority": priority,
        "due_date": due,
    }
