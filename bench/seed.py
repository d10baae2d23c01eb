"""Create, migrate and seed the benchmark database (Django must be set up on the bench settings).

Rows are written with PostgreSQL `COPY` (psycopg 3), table by table in batches: ~200k ideas take
well under a minute. Idea rows are *built* as unsaved model instances by `build_idea`, the one
place that knows how an idea's fields (notably its notes) are stored, so a change in storage
(e.g. notes sealed at rest with a word index) only touches that function. The COPY itself is
generic: it writes every concrete, non-generated column of whatever model it is given.

A seeded database is reused when its fingerprint (sizes + the ideas/users table columns) and its
row counts match; `--reseed` forces a fresh seed.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any, NamedTuple

import psycopg
from django.db import DatabaseError, connection, models

from bench import dataset

BATCH = 5000
META_TABLE = "bench_meta"


def ensure_database(admin_dsn: str, name: str) -> None:
    """Create database `name` unless it exists (connecting to the maintenance database)."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# --- How an idea is stored: the one function to change when storage changes -------------------


def _notes_storage() -> str:
    """`plain` (an `Idea.notes` column) or `sealed` (`notes_sealed` + `IdeaNoteToken` word index)."""
    from ideas.models import Idea

    names = {f.name for f in Idea._meta.concrete_fields}
    return "sealed" if "notes_sealed" in names else "plain"


def build_idea(row: dataset.IdeaRow, *, idea_id: uuid.UUID | None = None) -> tuple[models.Model, list[Any]]:
    """An unsaved `Idea` for `row`, plus the unsaved rows that go with it (the notes' word index).

    Uses the one writer of notes when notes are sealed (`ideas.services.notes.notes_prepare`), so
    the seeded rows are exactly what the service layer would write. The
    word-index rows come back as `IndexRow` tuples rather than model instances: there are ~40 per
    idea, and building millions of model instances would dominate the seeding time.
    """
    from ideas.models import Idea

    idea = Idea(
        id=idea_id or uuid.uuid4(),
        user_id=row.user_id,
        title=row.title,
        stage=row.stage,
        tags=row.tags,
        priority=row.priority,
        due_date=row.due_date,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
    from ideas.services.notes import notes_prepare

    prepared = notes_prepare(idea_id=idea.pk, owner_id=idea.user_id, text=row.notes)
    idea.notes_sealed, idea.notes_key_id = prepared.sealed, prepared.key_id
    return idea, [IndexRow(idea.user_id, idea.pk, h) for h in prepared.word_hashes]


class IndexRow(NamedTuple):
    """One word-index entry (`IdeaNoteToken`): owner, idea, keyed hash of one word."""

    owner_id: str
    idea_id: uuid.UUID
    token_hash: bytes


def index_table() -> tuple[str, list[str]]:
    """The word-index table and its (owner, idea, hash) columns, from the model."""
    from ideas.models import IdeaNoteToken

    meta = IdeaNoteToken._meta
    columns = [str(getattr(meta.get_field(name), "column", name)) for name in ("owner", "idea", "token_hash")]
    return meta.db_table, columns


def _deferred_index_sql(table: str) -> tuple[list[str], list[str]]:
    """Statements that drop, then recreate, `table`'s indexes, its primary key and unique constraints.

    Building a btree once over millions of sorted rows is several times faster than maintaining
    it row by row during COPY.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
    quoted = connection.ops.quote_name(table)
    drop = [f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(n)}" for n, _ in constraints]
    drop += [f"DROP INDEX {connection.ops.quote_name(n)}" for n, _ in indexes]
    create = [
        f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(n)} {d}" for n, d in constraints
    ]
    create += [definition for _, definition in indexes]
    return drop, create


def copy_index_rows(rows: Iterable[IndexRow]) -> int:
    """COPY word-index entries (binary COPY: hashes are raw bytes)."""
    table, columns = index_table()
    written = 0
    with connection.cursor() as cursor:
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written


# --- Generic COPY -------------------------------------------------------------------------------


def copy_columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The columns COPY writes: every concrete field the database does not fill in itself.

    Generated columns and auto-incremented keys (`db_returning`) are left to the database.
    """
    return [
        f
        for f in model._meta.concrete_fields
        if not getattr(f, "generated", False) and not getattr(f, "db_returning", False)
    ]


def copy_rows(model: type[models.Model], instances: Iterable[models.Model]) -> int:
    """COPY unsaved `instances` of `model` into its table; returns how many were written.

    Values go through each field's `get_db_prep_save`, exactly as `save()` would send them, but
    no `pre_save` runs: `auto_now` timestamps keep the values the dataset chose.
    """
    fields = copy_columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in instances:
                copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])
                written += 1
    return written


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# --- Fingerprint and reuse ----------------------------------------------------------------------


def fingerprint(sizes: dataset.Sizes) -> dict[str, Any]:
    """What a seeded database must match to be reused: sizes, table columns, notes storage."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' "
            "AND (table_name LIKE 'ideas\\_%%' OR table_name = 'accounts_user') "
            "ORDER BY table_name, column_name"
        )
        columns = [f"{t}.{c}" for t, c in cursor.fetchall()]
    return {
        "users": sizes.users,
        "ideas": sizes.ideas,
        "heavy_ideas": sizes.heavy_ideas,
        "seed": sizes.seed,
        "notes_storage": _notes_storage(),
        "columns": columns,
    }


def _meta_get() -> dict[str, Any] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, value jsonb NOT NULL)"
        )
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'seed'")
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def _meta_set(value: dict[str, Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {META_TABLE} (key, value) VALUES ('seed', %s::jsonb) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(value)],
        )


def seeded_at() -> datetime:
    """When the current dataset was seeded: rows created after it were made by a benchmark run."""
    meta = _meta_get()
    if meta is None:
        raise RuntimeError("The bench database is not seeded.")
    return datetime.fromisoformat(meta["seeded_at"])


def remove_bench_writes() -> int:
    """Delete what benchmark runs wrote since the seed: ideas from `create` runs, conversations
    (with their messages) and ledger rows from the chat-streams scenario (through the ORM, so
    dependent rows go too)."""
    from assistant.models import AIActivity, Conversation
    from ideas.models import Idea

    since = seeded_at()
    deleted, _ = Idea.objects.filter(created_at__gt=since).delete()
    conversations, _ = Conversation.objects.filter(created_at__gt=since).delete()
    activity, _ = AIActivity.objects.filter(at__gt=since).delete()
    return deleted + conversations + activity


def _counts_match(sizes: dataset.Sizes) -> bool:
    from accounts.models import User
    from ideas.models import Idea

    return (
        User.objects.count() == sizes.users
        and Idea.objects.count() == sizes.ideas
        and Idea.objects.filter(user_id=dataset.heavy_user_id()).count() == sizes.heavy_ideas
    )


def seed(sizes: dataset.Sizes, *, reseed: bool, log: Any = print) -> dict[str, Any]:
    """Make sure the bench database holds the dataset for `sizes`; returns a summary."""
    from accounts.models import User
    from ideas.models import Idea

    wanted = fingerprint(sizes)
    meta = _meta_get()
    if not reseed and meta is not None and meta.get("fingerprint") == wanted:
        removed = remove_bench_writes()
        if _counts_match(sizes):
            log(
                f"reusing the seeded dataset ({sizes.users:,} users, {sizes.ideas:,} ideas; "
                f"{removed:,} rows from earlier runs removed)"
            )
            if removed:
                _vacuum_analyze([Idea._meta.db_table, index_table()[0]])
            prewarm(log)
            return {"reused": True, **meta}
    started = time.perf_counter()
    log(
        f"seeding {sizes.users:,} users and {sizes.ideas:,} ideas "
        f"(notes storage: {wanted['notes_storage']})..."
    )
    with connection.cursor() as cursor:
        # The word index is named: it has no foreign keys in the database (migration 0012) for
        # CASCADE to follow, and a reseed used to leave the previous seed's entries behind.
        tables = [Idea._meta.db_table, User._meta.db_table, index_table()[0]]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        cursor.execute(f"DELETE FROM {META_TABLE}")
    now = datetime.now(UTC).replace(microsecond=0)
    user_rows = dataset.users(sizes)
    users = []
    for index, row in enumerate(user_rows):
        user = User(id=row.id, email=row.email, name=row.name, is_active=True)
        user.set_unusable_password()
        user.created_at = user.updated_at = (
            now.replace(year=now.year - 2) if index else now.replace(year=now.year - 3)
        )
        users.append(user)
    copy_rows(User, users)
    extra_table: str | None = None
    recreate: list[str] = []
    with connection.cursor() as cursor:
        # Bulk load: the rows are consistent by construction, so foreign-key triggers are skipped
        # for this session, and the word index's secondary indexes are built once at the end.
        cursor.execute("SET session_replication_role = replica")
        if wanted["notes_storage"] == "sealed":
            drop, recreate = _deferred_index_sql(index_table()[0])
            for statement in drop:
                cursor.execute(statement)
    idea_count = extra_count = 0
    for batch in _batches(dataset.ideas(sizes, user_rows, now=now), BATCH):
        built = [build_idea(row) for row in batch]
        idea_count += copy_rows(Idea, (idea for idea, _ in built))
        extras = [extra for _, rows in built for extra in rows]
        if extras:
            extra_table = index_table()[0]
            extra_count += copy_index_rows(extras)
        if idea_count % 50_000 < BATCH:
            log(f"  {idea_count:,} ideas ({time.perf_counter() - started:.0f}s)")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        if recreate:
            log(f"  rebuilding the word index's indexes over {extra_count:,} rows...")
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for statement in recreate:
                cursor.execute(statement)
    seeded_seconds = time.perf_counter() - started
    log("  VACUUM ANALYZE...")
    _vacuum_analyze([User._meta.db_table, Idea._meta.db_table, *([extra_table] if extra_table else [])])
    meta = {
        "fingerprint": wanted,
        "seeded_at": now.isoformat(),
        "seed_seconds": round(seeded_seconds, 1),
        "extra_rows": extra_count,
    }
    _meta_set(meta)
    log(
        f"seeded in {seeded_seconds:.0f}s "
        f"(+{time.perf_counter() - started - seeded_seconds:.0f}s VACUUM ANALYZE)"
        + (f"; {extra_count:,} word-index rows" if extra_count else "")
    )
    prewarm(log)
    return {"reused": False, **meta}


def _vacuum_analyze(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def prewarm(log: Any = print) -> None:
    """Read every table and index of the bench database into the operating system's page cache.

    The dataset (about 3 GB with the word index) fits in memory many times over, but nothing keeps
    it there: on a fresh machine, or after the kernel dropped its cache, the first minutes of a run
    read index pages from disk. A create then waits on random reads of the word index's unique
    index (its idea ids are random), at p99 ~10x its p50, which measures the disk, not the
    service. `pg_prewarm` (PostgreSQL's contrib, `read` mode: through the OS cache, not shared
    buffers) loads it all first. The peer's tables, when present in the same database, are read
    too, so both sides start warm.
    """
    started = time.perf_counter()
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except DatabaseError as error:  # a bench without PostgreSQL's contrib still runs, cold
            log(f"  not prewarmed: pg_prewarm is unavailable ({type(error).__name__})")
            return
        cursor.execute(
            "SELECT c.oid::regclass::text, pg_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') ORDER BY 2 DESC"
        )
        relations = cursor.fetchall()
        for name, _size in relations:
            cursor.execute("SELECT pg_prewarm(%s::regclass, 'read')", [name])
    total = sum(size for _, size in relations)
    seconds = time.perf_counter() - started
    log(f"  prewarmed {len(relations)} relations, {total / 2**20:,.0f} MB ({seconds:.0f}s)")
