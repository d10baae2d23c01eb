"""Creating an idea runs INSERTs compiled once per shape (`creatorvault.inserts`): the same rows as
the ORM writes, the same signals, and a failed insert still undoes the whole write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from creatorvault import inserts
from ideas.models import Idea, IdeaNoteToken
from ideas.services import notes as notes_service
from ideas.services.ideas import idea_create
from ideas.services.notes import PreparedNotes, idea_save

pytestmark = pytest.mark.django_db

MANY_WORDS = " ".join(f"word{n}" for n in range(inserts.MAX_ROWS + 20))


@pytest.fixture
def shapes() -> Iterator[inserts.InsertShapes]:
    """The compiled shapes, forgotten before and after the test (each test compiles its own)."""
    inserts.SHAPES.clear()
    yield inserts.SHAPES
    inserts.SHAPES.enabled = True
    inserts.SHAPES.clear()


def _compiled_models(shapes: inserts.InsertShapes) -> dict[Any, int]:
    """{model: how many row counts} of the shapes that compiled (not those left to the ORM)."""
    found: dict[Any, int] = {}
    for key, compiled in shapes._compiled.items():
        if compiled is not None:
            found[key[2]] = found.get(key[2], 0) + 1
    return found


def _written(idea: Idea) -> tuple[dict[str, Any], list[tuple[Any, bytes]]]:
    """The idea's row (without its id and times) and its word-index rows, as the database holds them."""
    row: dict[str, Any] = dict(Idea.objects.filter(pk=idea.pk).values().get())
    for name in ("id", "created_at", "updated_at", "notes_sealed"):
        row.pop(name)
    tokens = list(
        IdeaNoteToken.objects.filter(idea_id=idea.pk)
        .order_by("token_hash")
        .values_list("owner_id", "token_hash")
    )
    return row, [(owner, bytes(token)) for owner, token in tokens]


def _create(owner: Any, notes: str) -> Idea:
    return idea_create(
        owner=owner,
        title="Side by side",
        notes=notes,
        tags=["video", "bench"],
        priority="high",
        stage="draft",
    )


@pytest.mark.parametrize(
    "notes",
    [
        pytest.param("", id="no-notes"),
        pytest.param("one", id="one-word"),
        pytest.param("A short note about video editing tips", id="a-few-words"),
        pytest.param(MANY_WORDS, id="beyond-the-compiled-row-counts"),
    ],
)
def test_compiled_create_writes_the_rows_the_orm_writes(owner, sealing_keys, shapes, notes) -> None:
    compiled = _create(owner, notes)
    assert _compiled_models(shapes).get(Idea) == 1
    shapes.enabled = False
    plain = _create(owner, notes)
    compiled_row, compiled_tokens = _written(compiled)
    plain_row, plain_tokens = _written(plain)
    assert compiled_row == plain_row
    assert compiled_row["stage_rank"] == 2 and compiled_row["priority_rank"] == 2
    assert compiled_tokens == plain_tokens
    assert len(compiled_tokens) == len(set(notes.lower().split()))
    # The instance is what the ORM leaves: the generated columns read back from the INSERT.
    for name in ("stage_rank", "priority_rank", "version", "tags", "title"):
        assert compiled.__dict__[name] == plain.__dict__[name], name
    assert compiled._state.adding is False and compiled._state.db == "default"
    assert Idea.objects.get(pk=compiled.pk).notes == notes


def test_the_word_index_compiles_per_row_count_up_to_the_bound(owner, sealing_keys, shapes) -> None:
    _create(owner, "one")
    _create(owner, "two words")
    _create(owner, "three more words")
    _create(owner, MANY_WORDS)  # beyond MAX_ROWS: bulk_create
    assert _compiled_models(shapes).get(IdeaNoteToken) == 3


def test_compiled_create_costs_the_queries_of_the_orm_or_fewer(owner, sealing_keys, shapes) -> None:
    _create(owner, "warm up the shapes")
    with CaptureQueriesContext(connection) as compiled:
        _create(owner, "a few words of notes")
    shapes.enabled = False
    with CaptureQueriesContext(connection) as plain:
        _create(owner, "a few words of notes")
    # On PostgreSQL the word index rides in the idea's statement (a data-modifying WITH).
    together = connection.vendor == "postgresql"
    assert len(compiled.captured_queries) == len(plain.captured_queries) - together
    # The idea's INSERT is the ORM's own statement (the values differ: a new id, a new time).
    insert = _idea_insert(compiled.captured_queries)
    assert insert == _idea_insert(plain.captured_queries)
    assert "RETURNING" in insert[1]
    words = [q["sql"] for q in compiled.captured_queries if 'INTO "ideas_ideanotetoken"' in q["sql"]]
    assert len(words) == 1
    assert words[0].startswith('WITH "ideas_ideanotetoken_rows" AS (INSERT INTO') is together


def _idea_insert(queries: list[dict[str, str]]) -> tuple[str, str]:
    sql = next(q["sql"] for q in queries if 'INTO "ideas_idea"' in q["sql"])
    sql = sql[sql.index('INSERT INTO "ideas_idea"') :]
    return sql.split(" VALUES ")[0], sql.rsplit(")", 1)[1]


def test_saving_an_idea_still_sends_its_signals(owner, sealing_keys, shapes) -> None:
    seen: list[tuple[str, Any, Any]] = []

    def before(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(("pre", instance.pk, kwargs.get("update_fields")))

    def after(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        seen.append(("post", instance.pk, created))

    pre_save.connect(before, sender=Idea, dispatch_uid="test.before")
    post_save.connect(after, sender=Idea, dispatch_uid="test.after")
    try:
        idea = _create(owner, "signals")
    finally:
        pre_save.disconnect(dispatch_uid="test.before", sender=Idea)
        post_save.disconnect(dispatch_uid="test.after", sender=Idea)
    assert seen == [("pre", idea.pk, None), ("post", idea.pk, True)]
    assert _compiled_models(shapes).get(Idea) == 1


def _index_every_word_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every word's hash twice: the word index's unique constraint refuses the INSERT."""
    real = notes_service.notes_prepare

    def twice_the_same_word(**kwargs: Any) -> PreparedNotes:
        prepared = real(**kwargs)
        return PreparedNotes(prepared.sealed, prepared.key_id, prepared.word_hashes * 2)

    monkeypatch.setattr(notes_service, "notes_prepare", twice_the_same_word)


def test_a_violated_constraint_in_the_word_index_undoes_the_whole_create(
    owner, sealing_keys, shapes, monkeypatch
) -> None:
    _index_every_word_twice(monkeypatch)
    with pytest.raises(IntegrityError):
        _create(owner, "duplicate")
    assert _compiled_models(shapes).get(IdeaNoteToken) == 1  # the compiled INSERT failed, not the ORM
    assert not Idea.objects.exists()
    assert not IdeaNoteToken.objects.exists()


def test_a_violated_constraint_on_the_idea_undoes_the_write(owner, sealing_keys, shapes) -> None:
    idea = Idea(user=owner, title="")  # the database refuses an empty title (idea_title_length)
    with pytest.raises(IntegrityError), transaction.atomic():  # as idea_create's transaction
        idea_save(idea, notes="never indexed", create=True)
    assert _compiled_models(shapes).get(Idea) == 1
    assert not Idea.objects.exists()
    assert not IdeaNoteToken.objects.exists()


# --- Outside a transaction (as the API creates): no transaction of its own on PostgreSQL ---------


@pytest.mark.django_db(transaction=True)
def test_a_create_outside_a_transaction_is_one_statement_on_postgresql(owner, sealing_keys, shapes) -> None:
    _create(owner, "warm up the shapes")
    autocommit: list[bool] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        autocommit.append(connection.get_autocommit())  # psycopg sends no BEGIN in autocommit
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(record):
        idea = _create(owner, "a few words of notes")
    statements = [q["sql"] for q in captured.captured_queries]
    if connection.vendor == "postgresql":
        assert len(statements) == 1 and statements[0].startswith('WITH "ideas_ideanotetoken_rows"')
        assert autocommit == [True]
    else:  # the two INSERTs, in a transaction
        assert [sql.split(" (")[0] for sql in statements] == [
            "BEGIN IMMEDIATE",
            'INSERT INTO "ideas_idea"',
            'INSERT INTO "ideas_ideanotetoken"',
            "COMMIT",
        ]
    assert not connection.in_atomic_block
    assert IdeaNoteToken.objects.filter(idea_id=idea.pk).count() == 5
    assert Idea.objects.get(pk=idea.pk).notes == "a few words of notes"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "orm"])
def test_a_failed_create_outside_a_transaction_writes_nothing(
    owner, sealing_keys, shapes, monkeypatch, compiled
) -> None:
    shapes.enabled = compiled
    _index_every_word_twice(monkeypatch)
    with pytest.raises(IntegrityError):
        _create(owner, "duplicate")
    assert not Idea.objects.exists()
    assert not IdeaNoteToken.objects.exists()
    monkeypatch.undo()
    _create(owner, "the connection is still usable")
    assert Idea.objects.count() == 1
