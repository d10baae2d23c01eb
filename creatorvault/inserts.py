"""Compiled INSERTs: the SQL of an insert built by the ORM once per shape, then re-bound per write.

Compiling an INSERT (`InsertQuery`, `SQLInsertCompiler.as_sql`, a placeholder and a prepared value
per field through several layers of generators) costs more CPU than the database spends on a
one-row insert. The hot writes insert the same columns every time; only the values change. A
shape is a model, its columns, the columns the insert returns and the number of rows: the ORM
compiles its SQL the first time it is met (from that write's own rows), and each later write binds
its values, prepared by each field's own `get_db_prep_save` (the very call the compiler makes), and
runs the SQL through Django's cursor, so query capture, error wrapping and the transaction stay
Django's.

On PostgreSQL a row can be inserted together with rows of another model that refer to it (an idea
and its word index): the rows' INSERT rides in a data-modifying `WITH` of the row's own INSERT, so
the write is ONE statement, atomic on its own: no transaction (BEGIN, COMMIT) is needed around it,
and one round trip replaces three or four.

A shape is only ever served by SQL that the ORM itself produced, and only when the parameters the
ORM produced are exactly the values this module binds, in order: otherwise (a field with its own
placeholder, a value the compiler rewrote, a backend that needs more than one statement, rows
beyond `MAX_ROWS`) the shape is marked uncompilable and the write goes through the ORM. Values
that are expressions always go through the ORM.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import BinaryField, Field, Model
from django.db.models.sql import InsertQuery

#: Multi-row inserts are compiled per row count up to this many rows (a note's word index is
#: usually a few dozen rows); beyond it the ORM's `bulk_create` compiles them each time.
MAX_ROWS = 100


def _comparable(param: Any) -> Any:
    # psycopg's Jsonb and Binary wrappers (a JSONField's or BinaryField's parameter) compare by the
    # value they wrap; SQLite's memoryview compares by content.
    return getattr(param, "obj", param)


def _plain(field: Field[Any, Any], connection: Any) -> bool:
    """Whether the compiler gives `field` one `%s` holding `get_db_prep_save(value)`, whatever the value.

    A field with its own placeholder qualifies only when that is always `%s`: a BinaryField on a
    backend without a binary syntax (SQLite, PostgreSQL; MySQL's `_binary %s` depends on the value).
    """
    ops = type(connection.ops)
    if ops.modify_insert_params is not BaseDatabaseOperations.modify_insert_params:
        return False  # the parameters can change with the placeholder (Oracle)
    if getattr(field, "get_placeholder", None) is None:
        return True
    return (
        getattr(type(field), "get_placeholder", None) is getattr(BinaryField, "get_placeholder", None)
        and ops.binary_placeholder_sql is BaseDatabaseOperations.binary_placeholder_sql
    )


def converted(
    row: Sequence[Any], converters: Sequence[tuple[int, tuple[Any, ...], Any]], connection: Any
) -> list[Any]:
    """`row` with each `(position, converter functions, expression)` applied, as the ORM's compiler does."""
    values = list(row)
    for position, functions, expression in converters:
        value = values[position]
        for function in functions:
            value = function(value, expression, connection)
        values[position] = value
    return values


@dataclass(frozen=True)
class CompiledInsert:
    """The SQL of one insert shape on one connection, and how to read what it returns."""

    sql: str
    returning: tuple[Field[Any, Any], ...]
    # (position, converter functions, expression) for every returned column that has converters.
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]

    def convert(self, row: Sequence[Any], connection: Any) -> list[Any]:
        return converted(row, self.converters, connection)


def _compile(
    model: type[Model],
    fields: Sequence[Field[Any, Any]],
    objs: Sequence[Model],
    returning: Sequence[Field[Any, Any]],
    params: Sequence[Any],
    connection: Any,
) -> CompiledInsert | None:
    if not all(_plain(field, connection) for field in fields):
        return None
    if returning and (len(objs) != 1 or not connection.features.can_return_columns_from_insert):
        return None
    query = InsertQuery(model)
    query.insert_values(list(fields), list(objs))
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = list(returning) or None
    statements = compiler.as_sql()
    if len(statements) != 1:
        return None
    sql, compiled_params = statements[0]
    if returning and getattr(compiler, "returning_params", ()):
        return None  # a backend that returns through output parameters (Oracle)
    if [_comparable(p) for p in compiled_params] != [_comparable(p) for p in params]:
        return None
    columns = [field.get_col(model._meta.db_table) for field in returning]
    converters = compiler.get_converters(columns)
    return CompiledInsert(
        sql=sql,
        returning=tuple(returning),
        converters=tuple((position, tuple(f), e) for position, (f, e) in converters.items()),
    )


class InsertShapes:
    """Compiled inserts by shape, per database connection settings; `None` marks "use the ORM".

    `enabled = False` sends every insert through the ORM (tests compare what the two write).
    """

    def __init__(self) -> None:
        self._compiled: dict[Any, CompiledInsert | None] = {}
        self._lock = threading.Lock()
        self.enabled = True

    def get(
        self,
        model: type[Model],
        fields: Sequence[Field[Any, Any]],
        returning: Sequence[Field[Any, Any]],
        rows: int,
        *,
        params: Sequence[Any],
        objs: Callable[[], Sequence[Model]],
        connection: Any,
    ) -> CompiledInsert | None:
        """The compiled shape of inserting `rows` rows, or None.

        Met for the first time, the shape is compiled from this write's `objs()`, whose values
        prepared by this module are `params`.
        """
        if not self.enabled:
            return None
        key = (
            connection.alias,
            connection.vendor,
            model,
            tuple(field.attname for field in fields),
            tuple(field.attname for field in returning),
            rows,
        )
        try:
            return self._compiled[key]
        except KeyError:
            pass
        compiled = _compile(model, fields, objs(), returning, params, connection)
        with self._lock:
            self._compiled[key] = compiled
        return compiled

    def clear(self) -> None:
        """Forget every compiled shape (a test that changes how inserts compile)."""
        with self._lock:
            self._compiled.clear()


SHAPES = InsertShapes()


def _prepared(fields: Sequence[Field[Any, Any]], values: Sequence[Any], connection: Any) -> list[Any] | None:
    """`values` prepared as the insert compiler prepares them; None if one is an expression."""
    params = []
    for field, value in zip(fields, values, strict=True):
        if hasattr(value, "resolve_expression"):
            return None
        params.append(field.get_db_prep_save(value, connection=connection))
    return params


@dataclass(frozen=True)
class Rows:
    """Rows of `model` to insert (values of `attnames`, as `insert_rows` takes them)."""

    model: type[Model]
    attnames: tuple[str, ...]
    rows: Sequence[Sequence[Any]]


def insert_one(
    obj: Model,
    *,
    fields: Sequence[Field[Any, Any]],
    returning: Sequence[Field[Any, Any]],
    using: str,
    with_rows: Rows | None = None,
) -> list[Any] | None:
    """Insert `obj` as `Model._do_insert` would; the returned columns, or None to use the ORM.

    Each field's `pre_save(obj, add=True)` runs as in the compiler (auto_now and the like).
    With `with_rows`, the rows go in the same statement (PostgreSQL's data-modifying `WITH`), or
    nothing is inserted and the answer is None: the caller then writes both through the ORM, in a
    transaction.
    """
    connection = connections[using]
    together = with_rows if with_rows is not None and with_rows.rows else None
    if together is not None and connection.vendor != "postgresql":
        return None  # SQLite has no data-modifying WITH
    params = _prepared(fields, [field.pre_save(obj, add=True) for field in fields], connection)
    if params is None:
        return None
    compiled = SHAPES.get(
        type(obj), fields, returning, 1, params=params, objs=lambda: [obj], connection=connection
    )
    if compiled is None:
        return None
    sql = compiled.sql
    if together is not None:
        found = _rows_shape(together.model, together.attnames, together.rows, connection)
        if found is None:
            return None
        rows_compiled, rows_params = found
        # The primary statement stays the ORM's INSERT of `obj`, with its RETURNING; the rows'
        # INSERT (which returns nothing) runs in the same statement, so both or neither are written.
        sql = f'WITH "{together.model._meta.db_table}_rows" AS ({rows_compiled.sql}) {sql}'
        params = [*rows_params, *params]
    with _binding_cursor(connection) as cursor:
        cursor.execute(sql, params)
        if not compiled.returning:
            return []
        row = connection.ops.fetch_returned_insert_columns(cursor, ())
    return [compiled.convert(row, connection) if compiled.converters else row]


def _binding_cursor(connection: Any) -> Any:
    """Django's cursor (capture, error wrapping) that sends the values apart from the SQL.

    On PostgreSQL with Django's default client-side binding, psycopg's `ClientCursor` quotes every
    value into the statement's text; for a create with its word index (34 values) that was ~7% of
    the request's CPU (py-spy, served). The same SQL through psycopg's `Cursor` binds them
    server-side instead (what `server_side_binding` does for every query). Elsewhere: `cursor()`.
    """
    if connection.vendor != "postgresql" or connection.settings_dict["OPTIONS"].get("server_side_binding"):
        return connection.cursor()
    import psycopg  # PostgreSQL's driver: present whenever this backend is in use

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(psycopg.Cursor(connection.connection))


def insert_rows(
    model: type[Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]], *, using: str
) -> None:
    """Insert `rows` (values of `attnames`) in one INSERT with a VALUES list: the rows `bulk_create`
    would write, without building an instance per row.

    Only for fields whose `pre_save` just reads the attribute (no auto_now, no defaults filled in
    from the model): other fields, rows beyond `MAX_ROWS`, expressions and uncompilable shapes go
    through `bulk_create`.
    """
    if not rows:
        return
    connection = connections[using]
    found = _rows_shape(model, tuple(attnames), rows, connection)
    if found is None:
        model._default_manager.using(using).bulk_create(_instance(model, attnames, row) for row in rows)
        return
    compiled, params = found
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)


def _rows_shape(
    model: type[Model], attnames: tuple[str, ...], rows: Sequence[Sequence[Any]], connection: Any
) -> tuple[CompiledInsert, list[Any]] | None:
    """The compiled multi-row INSERT of `rows` and its parameters; None for `bulk_create` to do."""
    fields = _fields(model, attnames)
    if len(rows) > MAX_ROWS or fields is None:
        return None
    params = _prepared_rows(fields, rows, connection)
    if params is None:
        return None
    compiled = SHAPES.get(
        model,
        fields,
        (),
        len(rows),
        params=params,
        objs=lambda: [_instance(model, attnames, row) for row in rows],
        connection=connection,
    )
    return None if compiled is None else (compiled, params)


@functools.lru_cache(maxsize=64)
def _fields(model: type[Model], attnames: tuple[str, ...]) -> tuple[Field[Any, Any], ...] | None:
    """The fields of `attnames`; None unless each `pre_save` just reads the attribute."""
    fields = tuple(model._meta.get_field(name) for name in attnames)
    if not all(isinstance(field, Field) and type(field).pre_save is Field.pre_save for field in fields):
        return None
    return fields  # type: ignore[return-value]


def _prepared_rows(
    fields: Sequence[Field[Any, Any]], rows: Sequence[Sequence[Any]], connection: Any
) -> list[Any] | None:
    """Every row's values prepared, in order; None if one is an expression.

    A column whose rows all hold the very same object (an index's owner and idea) is prepared
    once: `get_db_prep_save` of one object gives one parameter.
    """
    first = _prepared(fields, rows[0], connection)
    if first is None:
        return None
    params = list(first)
    for row in rows[1:]:
        for position, (field, value) in enumerate(zip(fields, row, strict=True)):
            if value is rows[0][position]:
                params.append(first[position])
            elif hasattr(value, "resolve_expression"):
                return None
            else:
                params.append(field.get_db_prep_save(value, connection=connection))
    return params


def _instance(model: type[Model], attnames: Sequence[str], row: Sequence[Any]) -> Model:
    return model(**dict(zip(attnames, row, strict=True)))
