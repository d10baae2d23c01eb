"""The benchmarked operations: each as API requests and as the equivalent hand-written SQL.

Both sides of an operation draw from the same sampled users, ideas, filters, search terms and new
ideas, so the API and the database floor do the same work on the same rows. The floor SQL is what
a careful hand-written implementation of the endpoint would send: for a list, one `count(*)` and
one page (`ORDER BY ... , id LIMIT/OFFSET`) scoped to the owner; for a detail, one primary-key
lookup scoped to the owner; for a create, one `INSERT` (plus the word-index rows when notes are
sealed) in one transaction. Everything the API adds on top (HTTP, JWT verification, the user
lookup, DRF parsing and validation, sealing, serialisation, logging, rate-limit counters) is what
the ratio measures.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.db import connection

from bench import dataset, seed

PAGE = 20
SEARCH_TERMS = [
    "podcast",
    "python",
    "budget",
    "thumbnail",
    "sourdough",
    "interview",
    "lighting",
    "workflow",
    "keyboards",
    "newsletter",
    "burnout",
    "camera",
    "editing",
    "pricing",
    "travel",
]


@dataclass
class Operation:
    """One benchmarked operation: its HTTP requests and its SQL equivalents."""

    name: str
    description: str
    http: list[dict[str, Any]] = field(default_factory=list)
    sql: list[dict[str, Any]] = field(default_factory=list)
    once: bool = False


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


# What the API asks of every read since the trash arrived (`Idea.objects.for_owner`): the floor
# must ask the same, or it could not use the same (partial, live-only) indexes.
LIVE = "trashed_at IS NULL"


class Workload:
    """Builds every operation from the seeded database."""

    def __init__(self, *, users: list[str], rng: random.Random, create_count: int) -> None:
        from ideas.models import Idea

        self.rng = rng
        self.create_count = create_count
        self.table = _quoted(Idea._meta.db_table)
        self.columns = ", ".join(f"{self.table}.{_quoted(f.column)}" for f in Idea._meta.concrete_fields)
        self.heavy = dataset.heavy_user_id()
        self.typical = [user_id for user_id in users if user_id != self.heavy]

    @staticmethod
    def _headers(*, json_body: bool = False) -> dict[str, str]:
        # The bearer token is added just before the run (`run._retoken`): tokens expire.
        headers = {"Accept": "application/json"}
        if json_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _get(self, user_id: str, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        query = f"?{urlencode(params)}" if params else ""
        return {
            "method": "GET",
            "path": path + query,
            "user": user_id,
            "headers": self._headers(),
            "body": None,
        }

    def _list_sql(self, where: str, params: list[Any], *, offset: int) -> dict[str, Any]:
        return {
            "statements": [
                (f"SELECT count(*) FROM {self.table} WHERE {LIVE} AND {where}", params),
                (
                    f"SELECT {self.columns} FROM {self.table} WHERE {LIVE} AND {where} "
                    f"ORDER BY created_at DESC, id DESC LIMIT {PAGE} OFFSET {offset}",
                    params,
                ),
            ]
        }

    def _list(self, name: str, description: str, users: list[str], offsets: list[int]) -> Operation:
        op = Operation(name, description)
        for _ in range(400):
            user_id, offset = self.rng.choice(users), self.rng.choice(offsets)
            op.http.append(self._get(user_id, "/api/v1/ideas", {"limit": PAGE, "offset": offset}))
            op.sql.append(self._list_sql("user_id = %s", [user_id], offset=offset))
        return op

    def list_heavy(self) -> Operation:
        """The heavy creator's list, default sort, first pages (20k ideas behind the count)."""
        return self._list(
            "list_heavy",
            "GET /ideas, heavy user (20k ideas), pages 1-5",
            [self.heavy],
            [0, 0, 0, 20, 40, 60, 80],
        )

    def list_typical(self) -> Operation:
        """Typical creators' lists, default sort, first pages."""
        return self._list(
            "list_typical", "GET /ideas, typical users, pages 1-3", self.typical, [0, 0, 0, 20, 40]
        )

    def filtered(self) -> Operation:
        """stage + priority + tags on the heavy creator, with combinations that exist."""
        from ideas.models import Idea

        samples = list(
            Idea.objects.filter(user_id=self.heavy)
            .exclude(tags=[])
            .order_by("?")
            .values_list("stage", "priority", "tags")[:400]
        )
        op = Operation("filter_heavy", "GET /ideas?stage&priority&tags, heavy user")
        for stage, priority, tags in samples:
            chosen = tags[:1] if self.rng.random() < 0.7 else tags[:2]
            params = {"stage": stage, "priority": priority, "tags": ",".join(chosen), "limit": PAGE}
            op.http.append(self._get(self.heavy, "/api/v1/ideas", params))
            where = "user_id = %s AND stage = %s AND priority = %s AND tags @> %s::jsonb"
            op.sql.append(self._list_sql(where, [self.heavy, stage, priority, json.dumps(chosen)], offset=0))
        return op

    def search(self) -> Operation:
        """One-word searches over the heavy creator's titles and notes."""
        op = Operation("search_heavy", "GET /ideas?search=<word>, heavy user")
        for term in SEARCH_TERMS * 10:
            op.http.append(self._get(self.heavy, "/api/v1/ideas", {"search": term, "limit": PAGE}))
            where, params = self._search_where(term)
            op.sql.append(self._list_sql(where, params, offset=0))
        return op

    def _search_where(self, term: str) -> tuple[str, list[Any]]:
        """The search condition: title substring, plus notes (substring, or the sealed word index)."""
        like = f"%{term}%"
        if seed._notes_storage() == "sealed":
            from creatorvault import sealing
            from ideas.models import IdeaNoteToken

            groups = sealing.search_term_hashes(term, scope=self.heavy) or []
            hashes = [h for group in groups for h in group]
            tokens = _quoted(IdeaNoteToken._meta.db_table)
            where = (
                "user_id = %s AND (UPPER(title::text) LIKE UPPER(%s) OR id IN "
                f"(SELECT idea_id FROM {tokens} WHERE owner_id = %s AND token_hash = ANY(%s)))"
            )
            return where, [self.heavy, like, self.heavy, hashes]
        where = "user_id = %s AND (UPPER(title::text) LIKE UPPER(%s) OR UPPER(notes) LIKE UPPER(%s))"
        return where, [self.heavy, like, like]

    def detail(self) -> Operation:
        """One idea by id, owners drawn from the heavy and the typical creators."""
        from ideas.models import Idea

        owners = [self.heavy, *self.typical]
        rows = list(Idea.objects.filter(user_id__in=owners).order_by("?").values_list("id", "user_id")[:1000])
        op = Operation("detail", "GET /ideas/{id}, heavy and typical users")
        for idea_id, user_id in rows:
            op.http.append(self._get(user_id, f"/api/v1/ideas/{idea_id}"))
            op.sql.append(
                {
                    "statements": [
                        (
                            f"SELECT {self.columns} FROM {self.table} "
                            f"WHERE {LIVE} AND user_id = %s AND id = %s",
                            [user_id, idea_id],
                        )
                    ]
                }
            )
        return op

    def create(self) -> Operation:
        """New ideas for typical creators: POST bodies, and the rows the service would insert."""
        from ideas.models import Idea

        op = Operation("create", "POST /ideas, typical users", once=True)
        fields = seed.copy_columns(Idea)
        columns = ", ".join(_quoted(f.column) for f in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        for _ in range(self.create_count):
            user_id = self.rng.choice(self.typical)
            body = dataset.new_idea_payload(self.rng)
            op.http.append(
                {
                    "method": "POST",
                    "path": "/api/v1/ideas",
                    "user": user_id,
                    "headers": self._headers(json_body=True),
                    "body": json.dumps(body).encode(),
                    "expect": 201,
                }
            )
            now = datetime.now(UTC)
            due = datetime.fromisoformat(body["due_date"]) if body["due_date"] else None  # type: ignore[arg-type]
            row = dataset.IdeaRow(
                user_id=user_id,
                title=str(body["title"]),
                notes=str(body["notes"]),
                stage=str(body["stage"]),
                tags=list(body["tags"]),  # type: ignore[call-overload]
                priority=str(body["priority"]),
                due_date=due,
                created_at=now,
                updated_at=now,
            )
            idea, extras = seed.build_idea(row, idea_id=uuid.uuid4())
            statements = [
                (
                    f"INSERT INTO {self.table} ({columns}) VALUES ({placeholders})",
                    [_portable(f.get_db_prep_save(getattr(idea, f.attname), connection)) for f in fields],
                )
            ]
            if extras:
                table, index_columns = seed.index_table()
                columns_sql = ", ".join(_quoted(c) for c in index_columns)
                values = ", ".join(["(%s, %s, %s)"] * len(extras))
                params = [value for extra in extras for value in extra]
                statements.append((f"INSERT INTO {_quoted(table)} ({columns_sql}) VALUES {values}", params))
            op.sql.append({"statements": statements, "transaction": True})
        return op

    def all(self) -> list[Operation]:
        """Every operation, in the order they run."""
        return [
            self.list_heavy(),
            self.list_typical(),
            self.filtered(),
            self.search(),
            self.detail(),
            self.create(),
        ]


def _portable(value: Any) -> Any:
    """A parameter the load-generator process can unpickle without Django (JSON as plain text)."""
    from psycopg.types.json import Jsonb

    if isinstance(value, Jsonb):
        return json.dumps(value.obj)
    return value
