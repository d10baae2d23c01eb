"""The backoffice at a million ideas: seed a big PostgreSQL database, then time the moderator's pages.

    .venv/bin/python bench/backoffice.py                   # seed (once) and time every page
    .venv/bin/python bench/backoffice.py --ideas 100000    # a smaller run
    .venv/bin/python bench/backoffice.py --reseed          # seed again from scratch

Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user `postgres`). The database (default
`creatorvault_i17_big`; `creatorvault` and `test_*` are refused) is created and migrated if needed.

Seeding is plain SQL (`generate_series`), one statement per table, with the ideas table's
secondary indexes dropped during the load and rebuilt once (`bench.seed._deferred_index_sql`) and
foreign-key triggers off for the session, then `VACUUM ANALYZE`: a few minutes for a million
ideas on a shared 2-core machine. The data: `--creators` creators (one heavy creator holding 5% of
the ideas, the rest spread evenly; one in 97 deactivated), ideas created every 30 s back from now
(so "new this week" is about 20,000), 2% of them in the trash, a quarter with tags, titles built
from a small vocabulary plus a unique `#n` (so a search can be common or rare); 5,000 admin log
entries and 500 note reveals. Notes stay empty (the pages never read them). A database whose
sizes match is reused.

Timing goes through Django's test client in this process (the whole admin view, template and
queries; no network), logged in as a superuser, every cache cleared before each request so the
dashboard's cached counts are measured cold. Each page is requested once to warm up, then
`--repeat` times; the median and the slowest are printed, with the median time spent in SQL (the
part that grows with the data; the rest is Python and templates, which do not) and the number of
queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"
REFUSED = ("creatorvault", "postgres", "template0", "template1")
VOCAB_A = (
    "Podcast:", "Video:", "Thread:", "Newsletter:", "Blog post:", "Short:", "Livestream:", "Guide:",
    "Review:", "Interview:", "Tutorial:", "Essay:",
)  # fmt: skip
VOCAB_B = (
    "sourdough", "moss gardens", "budget travel", "home studio", "vintage cameras", "urban cycling",
    "tiny houses", "coffee roasting", "retro games", "night photography", "bread science",
    "houseplants", "beekeeping", "film scores", "street food", "open source", "climbing", "knitting",
    "synthesizers", "astronomy", "sailing", "woodworking", "ceramics", "typography", "chess",
)  # fmt: skip
VOCAB_C = (
    "myths", "for beginners", "in 10 minutes", "on a budget", "mistakes", "explained", "deep dive",
    "a year later", "tools I use", "Q&A", "behind the scenes", "what nobody tells you", "history",
    "checklist", "trends", "case study", "the hard way",
)  # fmt: skip
TAGS = ("video", "blog", "podcast", "research", "food", "travel", "diy", "tech", "music", "art")


def _sql_array(words: tuple[str, ...]) -> str:
    return "ARRAY[" + ", ".join("'" + word.replace("'", "''") + "'" for word in words) + "]"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="creatorvault_i17_big", help="PostgreSQL database to use")
    parser.add_argument("--ideas", type=int, default=1_000_000, help="ideas to seed (default 1,000,000)")
    parser.add_argument("--creators", type=int, default=10_000, help="creators to seed (default 10,000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page (default 5)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the sizes match")
    parser.add_argument("--seed-only", action="store_true", help="seed, then stop")
    args = parser.parse_args(argv)
    if args.database in REFUSED or args.database.startswith("test_"):
        parser.error(f"refusing to seed {args.database!r}: pick a database of its own")
    if args.ideas < 100 or args.creators < 10:
        parser.error("at least 100 ideas and 10 creators")
    return args


def setup_django(database: str) -> None:
    """Django on the development settings, pointed at `database`."""
    os.environ["DATABASE_URL"] = f"{PG}/{database}"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # no request log lines between the figures
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seeded_sizes() -> tuple[int, int]:
    """(creators, ideas) the database holds now (exact counts: run once per invocation)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user WHERE NOT is_staff")
        creators = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM ideas_idea")
        ideas = cursor.fetchone()[0]
    return int(creators), int(ideas)


def seed(*, ideas: int, creators: int, log: Any = print) -> None:
    """Replace the database's users, ideas and audit rows with the benchmark data set."""
    from django.db import connection, transaction

    from bench.seed import _deferred_index_sql

    heavy = max(1, ideas // 20)
    started = time.perf_counter()
    drop, create = _deferred_index_sql("ideas_idea")
    # One transaction: a failed seed leaves the database as it was (its indexes included).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for table in (
            "audit_notereveal",
            "django_admin_log",
            "ideas_ideanotetoken",
            "ideas_idearevision",
            "ideas_idea",
            "accounts_personalaccesstoken",
            "accounts_user_groups",
            "accounts_user_user_permissions",
            "accounts_user",
        ):
            cursor.execute(f"TRUNCATE {table} CASCADE")
        log(f"  {creators:,} creators...")
        cursor.execute(
            """
            INSERT INTO accounts_user (password, last_login, is_superuser, id, email, name,
                                       is_active, is_staff, created_at, updated_at)
            SELECT '!bench-unusable', NULL, false, 'bench' || lpad(n::text, 27, '0'),
                   'creator' || n || '@bench.example', 'Creator ' || n, n %% 97 <> 0, false,
                   now() - (n %% 700) * interval '1 day' - n * interval '1 second', now()
            FROM generate_series(1, %s) AS n
            """,
            [creators],
        )
        cursor.execute(
            "INSERT INTO accounts_user (password, last_login, is_superuser, id, email, name, is_active,"
            " is_staff, created_at, updated_at) VALUES ('!bench-unusable', NULL, true,"
            " 'benchstaff00000000000000000000001', 'moderator@bench.example', 'Bench moderator', true, true,"
            " now(), now())"
        )
        for statement in drop:
            cursor.execute(statement)
        log(f"  {ideas:,} ideas (the heavy creator holds {heavy:,})...")
        cursor.execute(
            f"""
            INSERT INTO ideas_idea
                (id, title, stage, tags, priority, due_date, version, created_at, updated_at, user_id,
                 notes_key_id, notes_sealed, trashed_at)
            SELECT md5('idea' || i)::uuid,
                   ({_sql_array(VOCAB_A)})[1 + i %% {len(VOCAB_A)}] || ' '
                     || ({_sql_array(VOCAB_B)})[1 + (i / {len(VOCAB_A)}) %% {len(VOCAB_B)}] || ' '
                     || ({_sql_array(VOCAB_C)})[1 + (i / 7) %% {len(VOCAB_C)}] || ' #' || i,
                   (ARRAY['idea','idea','idea','idea','idea','outline','outline','draft','draft','published'])
                     [1 + (i * 7) %% 10],
                   CASE WHEN i %% 4 = 0
                        THEN jsonb_build_array(({_sql_array(TAGS)})[1 + (i / 4) %% {len(TAGS)}])
                        ELSE '[]'::jsonb END,
                   (ARRAY['medium','medium','medium','high','low'])[1 + (i * 3) %% 5],
                   CASE WHEN i %% 5 = 0 THEN created + interval '30 days' END,
                   1, created, created + (i %% 3) * interval '1 hour',
                   CASE WHEN i <= %s THEN 'bench' || lpad('1', 27, '0')
                        ELSE 'bench' || lpad((2 + (i::bigint * 7919) %% (%s - 1))::text, 27, '0') END,
                   '', '',
                   CASE WHEN i %% 50 = 0 THEN created + interval '1 day' END
            FROM (SELECT i, now() - (%s - i) * interval '30 seconds' AS created
                  FROM generate_series(1, %s) AS i) AS numbered
            """,
            [heavy, creators, ideas, ideas],
        )
        log(f"  rebuilding {len(create)} indexes ({time.perf_counter() - started:.0f}s so far)...")
        for statement in create:
            cursor.execute(statement)
        log("  5,000 admin log entries, 500 note reveals...")
        cursor.execute(
            """
            INSERT INTO django_admin_log
                (action_time, object_id, object_repr, action_flag, change_message, content_type_id, user_id)
            SELECT now() - n * interval '5 minutes', md5('idea' || (n * 37))::uuid::text,
                   'Idea number ' || n, 2, '[{"changed": {"fields": ["Stage"]}}]',
                   (SELECT id FROM django_content_type WHERE app_label = 'ideas' AND model = 'idea'),
                   'benchstaff00000000000000000000001'
            FROM generate_series(1, 5000) AS n
            """
        )
        cursor.execute(
            """
            INSERT INTO audit_notereveal (staff_id, staff_email, idea_id, reason, revealed_at)
            SELECT 'benchstaff00000000000000000000001', 'moderator@bench.example',
                   md5('idea' || (n * 41))::uuid, 'Case ' || n, now() - n * interval '47 minutes'
            FROM generate_series(1, 500) AS n
            """
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    log(f"  VACUUM ANALYZE ({time.perf_counter() - started:.0f}s so far)...")
    connection.ensure_connection()
    autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    try:
        with connection.cursor() as cursor:
            for table in ("accounts_user", "ideas_idea", "django_admin_log", "audit_notereveal"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.set_autocommit(autocommit)
    log(f"  seeded in {time.perf_counter() - started:.0f}s")


def pages(ideas: int) -> list[tuple[str, str]]:
    """(label, URL) of every page timed."""
    heavy = "bench" + "1".zfill(27)
    typical = "bench" + "42".zfill(27)
    rare = ideas // 2 + 1
    return [
        ("admin index (dashboard)", "/admin/"),
        ("ideas changelist (default: live, newest first)", "/admin/ideas/idea/"),
        ("ideas changelist: search title, common word", "/admin/ideas/idea/?q=sourdough"),
        ("ideas changelist: search title, rare term", f"/admin/ideas/idea/?q=%23{rare}"),
        ("ideas changelist: search owner e-mail", "/admin/ideas/idea/?q=creator42%40bench.example"),
        ("ideas changelist: filter by owner (heavy)", f"/admin/ideas/idea/?user__id__exact={heavy}"),
        ("ideas changelist: filter by owner (typical)", f"/admin/ideas/idea/?user__id__exact={typical}"),
        ("ideas changelist: in the trash", "/admin/ideas/idea/?trash=trashed"),
        ("users changelist", "/admin/accounts/user/"),
        ("user page (heavy creator)", f"/admin/accounts/user/{heavy}/change/"),
        ("user page (typical creator)", f"/admin/accounts/user/{typical}/change/"),
        ("audit page", "/admin/audit/"),
    ]


def time_pages(*, ideas: int, repeat: int, log: Any = print) -> None:
    """Request every page, print median and slowest time and the query count."""
    from django.core.cache import caches
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email="moderator@bench.example"))
    log(f"{'page':52} {'median':>8} {'slowest':>8} {'in SQL':>8} {'queries':>8}")
    for label, url in pages(ideas):
        timings: list[float] = []
        sql: list[float] = []
        queries = 0
        for attempt in range(repeat + 1):
            for cache in caches.all():
                cache.clear()
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            if attempt:
                timings.append(elapsed)
                sql.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
                queries = len(captured.captured_queries)
        log(
            f"{label:52} {statistics.median(timings):6.0f}ms {max(timings):6.0f}ms"
            f" {statistics.median(sql):6.0f}ms {queries:8d}"
        )


def main(argv: list[str]) -> None:
    """Create, migrate and seed the database if needed, then time the pages."""
    args = parse_args(argv)
    setup_django(args.database)
    from django.core.management import call_command

    from bench.seed import ensure_database

    ensure_database("host=127.0.0.1 port=5432 user=postgres dbname=postgres", args.database)
    call_command("migrate", interactive=False, verbosity=0)
    if args.reseed or seeded_sizes() != (args.creators, args.ideas):
        print(f"Seeding {args.database}:")
        seed(ideas=args.ideas, creators=args.creators)
    else:
        print(f"{args.database} already holds {args.creators:,} creators and {args.ideas:,} ideas.")
    if not args.seed_only:
        time_pages(ideas=args.ideas, repeat=args.repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
