"""What sealing notes costs: create and list through the sealed path vs the plain-text ORM path.

Run `python bench/sealing.py [--ideas N] [--notes-chars C] [--rounds R]` (`make bench` runs it
after the load benchmark, on the bench database). It uses the configured database (DATABASE_URL,
else the development SQLite) and a throwaway key, works inside one transaction that it rolls
back, and prints, for each operation, the median per-idea (create) or per-page (list) time of:

- `plain`: the ORM with the notes stored as they are (the cost before sealing existed);
- `seal_only` (create): the same ORM path plus AES-256-GCM sealing, without the word index;
- `sealed`: the same ORM path plus sealing and the keyed word index (create), or opening every
  note (list);
- `service`: the full service/selector path the API uses (validation, version, index, opening).

and the ratios sealed/plain and service/plain.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A configured key, as in production (not the development key file); nothing it seals is kept.
os.environ.setdefault("ENCRYPTION_KEYS", "bench:" + base64.urlsafe_b64encode(os.urandom(32)).decode())

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from ideas.api.serializers.fields import NOTES_VISIBLE  # noqa: E402
from ideas.api.serializers.ideas import IdeaSerializer  # noqa: E402
from ideas.models import Idea  # noqa: E402
from ideas.selectors.ideas import idea_list  # noqa: E402
from ideas.selectors.params import IdeaListParams  # noqa: E402
from ideas.services.ideas import idea_create  # noqa: E402
from ideas.services.notes import idea_save, notes_seal_into  # noqa: E402

WORDS = [
    "research",
    "interview",
    "outline",
    "draft",
    "camera",
    "lighting",
    "script",
    "podcast",
    "guest",
    "episode",
    "audience",
    "growth",
    "thumbnail",
    "editing",
    "sponsor",
    "newsletter",
    "analytics",
    "keyword",
    "hook",
    "story",
]


class Rollback(Exception):
    """Raised to roll the benchmark's writes back."""


def note_text(n: int, chars: int) -> str:
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(chars // 6 + 1)]
    return " ".join(words)[:chars]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench(ideas: int, chars: int, rounds: int) -> dict[str, dict[str, float]]:
    plain_user = User.objects.create_user(f"bench-plain-{time.time_ns()}@example.com")
    sealed_user = User.objects.create_user(f"bench-sealed-{time.time_ns()}@example.com")
    service_user = User.objects.create_user(f"bench-service-{time.time_ns()}@example.com")
    results: dict[str, dict[str, list[float]]] = {"create": {}, "list": {}}

    def create_plain(n: int) -> None:
        # The notes column as it was before sealing: the text, stored as is, no index.
        Idea(user=plain_user, title=f"Idea {n}", notes_sealed=note_text(n, chars)).save(force_insert=True)

    def create_sealed_no_index(n: int) -> None:
        idea = Idea(user=sealed_user, title=f"Idea {n}")
        notes_seal_into(idea, note_text(n, chars))
        idea.save(force_insert=True)

    def create_sealed(n: int) -> None:
        idea_save(Idea(user=sealed_user, title=f"Idea {n}"), notes=note_text(n, chars), create=True)

    def create_service(n: int) -> None:
        idea_create(owner=service_user, title=f"Idea {n}", notes=note_text(n, chars))

    creators: dict[str, Callable[[int], None]] = {
        "plain": create_plain,
        "seal_only": create_sealed_no_index,
        "sealed": create_sealed,
        "service": create_service,
    }
    for name, create in creators.items():
        results["create"][name] = [timed(partial(create, n)) for n in range(ideas)]

    page = IdeaListParams(limit=20)

    def list_plain() -> None:
        for idea in Idea.objects.for_owner(plain_user).order_by("-created_at", "-id")[:20]:
            _ = idea.notes_sealed

    def list_sealed() -> None:
        for idea in Idea.objects.for_owner(sealed_user).order_by("-created_at", "-id")[:20]:
            _ = idea.notes

    def list_service() -> None:
        result = idea_list(owner=service_user, params=page)
        _ = IdeaSerializer(result.items, many=True, context={NOTES_VISIBLE: True}).data

    listers: dict[str, Callable[[], None]] = {
        "plain": list_plain,
        "sealed": list_sealed,
        "service": list_service,
    }
    for name, lister in listers.items():
        results["list"][name] = [timed(lister) for _ in range(rounds)]

    return {
        op: {name: statistics.median(times) for name, times in runs.items()} for op, runs in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=300, help="ideas created per path (default 300)")
    parser.add_argument("--notes-chars", type=int, default=1000, help="characters of notes (default 1000)")
    parser.add_argument("--rounds", type=int, default=200, help="list pages timed per path (default 200)")
    args = parser.parse_args()
    medians: dict[str, dict[str, float]] = {}
    try:
        with transaction.atomic():
            medians = bench(args.ideas, args.notes_chars, args.rounds)
            raise Rollback
    except Rollback:
        pass
    print(f"sealing cost on {connection.vendor}, notes of {args.notes_chars} chars (median, rolled back)")
    for op, unit in (("create", "per idea"), ("list", "per page of 20")):
        m = medians[op]
        times = "  ".join(f"{name} {value * 1000:.3f} ms" for name, value in m.items())
        ratios = "  ".join(
            f"{name}/plain {value / m['plain']:.2f}x" for name, value in m.items() if name != "plain"
        )
        print(f"  {op:<6} ({unit}): {times}")
        print(f"  {'':<6} {ratios}")


if __name__ == "__main__":
    main()
