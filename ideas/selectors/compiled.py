"""Compiled query shapes: the SQL of a hot read built by the ORM once, then re-bound per request.

Building a queryset and compiling it to SQL costs more CPU than the database spends answering a
detail read or a page of a list (filter chains, `SQLCompiler.as_sql`, `get_aggregation` for a
count). The hot reads come in a handful of *shapes* (which filters are present, which sort), and
within one shape only the parameter values change. A `Shape` has the ORM build its queryset once,
from sentinel values, and remembers the SQL, where each sentinel landed among the parameters, and
how to read a row back into a model instance (the compiler's own column list and converters).
Each later read binds the real values into those positions and runs the SQL.

The queryset is always built by the caller's `build(values)`, which starts from
`Idea.objects.for_owner(owner)` like every other read: owner scoping stays in one place. When a
sentinel does not come out of compilation exactly once, unchanged in form (a lookup rewrote it,
or the query folded it into the SQL text), the shape is marked uncompilable and the caller falls
back to the ORM: a shape is only ever served by SQL that the ORM itself produced.
"""

from __future__ import annotations

import functools
import re
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connections
from django.db.models import JSONField, Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.expressions import Col
from django.db.models.signals import post_init, pre_init
from django.db.models.sql.compiler import SQLCompiler

from creatorvault.inserts import converted

#: prep(value, connection) -> the parameter the ORM would send for `value`.
Prep = Callable[[Any, Any], Any]


def sentinel_text(name: str) -> str:
    """A text value no request can send (NUL is refused by PostgreSQL and by the API's parsers)."""
    return f"\x00cv-shape:{name}\x00"


def sentinel_uuid(index: int) -> uuid.UUID:
    """A UUID no idea has (version nibble 0: ideas get versions 4 and 8, `idea_id_for`)."""
    return uuid.UUID(int=(0xC0FFEE << 96) | index)


def _comparable(param: Any) -> Any:
    # psycopg's Json/Jsonb wrappers (a JSONField's parameter) compare by the value they wrap.
    value = getattr(param, "obj", param)
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class Slot:
    """One value a shape binds per request: its sentinel and how the ORM prepares it."""

    sentinel: Any
    prep: Prep


class _Captured(Exception):  # a control-flow signal: the SQL a count would run
    def __init__(self, sql: str, params: Sequence[Any]) -> None:
        super().__init__()
        self.sql = sql
        self.params = params


@dataclass(frozen=True)
class Compiled:
    """The SQL of one shape on one connection, and how to turn its rows into instances."""

    sql: str
    params: tuple[Any, ...]
    # (parameter index, slot name, prep) for every bound value.
    bindings: tuple[tuple[int, str, Prep], ...]
    model: type[Model] | None
    attnames: tuple[str, ...]
    model_columns: tuple[int, int]
    annotations: tuple[tuple[str, int], ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]

    def bind(self, values: Mapping[str, Any], connection: Any) -> list[Any]:
        params = list(self.params)
        for index, name, prep in self.bindings:
            params[index] = prep(values[name], connection)
        return params

    def convert(self, row: Sequence[Any], connection: Any) -> list[Any]:
        return converted(row, self.converters, connection)

    def instances(self, rows: Sequence[Sequence[Any]], connection: Any) -> list[Any]:
        """Rows of a model query as model instances, as the ORM's ModelIterable builds them.

        With every concrete field selected, in order, a model that keeps `Model.__init__` and
        `Model.from_db`, and no `pre_init`/`post_init` receiver, an instance is the state
        `Model.from_db` leaves: each value in the instance's `__dict__` under its field's attname,
        `_state` not adding, on this database. It is made directly: `Model.__init__`'s per-field
        `setattr` loop was the larger part of turning a page's rows into ideas.
        """
        model = self.model
        assert model is not None
        start, end = self.model_columns
        alias = connection.alias
        direct = self.direct_init and not (pre_init.has_listeners(model) or post_init.has_listeners(model))
        from_db = model.from_db
        new = model.__new__
        attnames = self.attnames
        result = []
        for raw in rows:
            row = self.convert(raw, connection) if self.converters else raw
            if direct:
                obj = new(model)
                state = obj._state = ModelState()
                state.adding = False
                state.db = alias
                obj.__dict__.update(zip(attnames, row[start:end], strict=True))
            else:
                obj = from_db(alias, attnames, row[start:end])
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            result.append(obj)
        return result

    @functools.cached_property
    def direct_init(self) -> bool:
        """Whether `instances` may skip `Model.__init__` (see there) for this shape's rows."""
        model = self.model
        return (
            model is not None
            and model.__init__ is Model.__init__
            and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
            and self.attnames == tuple(field.attname for field in model._meta.concrete_fields)
        )


def _bindings(params: Sequence[Any], slots: Mapping[str, Slot], connection: Any) -> Any:
    """Where each slot's sentinel sits among `params`; None unless each is there exactly once."""
    found = []
    for name, slot in slots.items():
        expected = _comparable(slot.prep(slot.sentinel, connection))
        positions = [index for index, param in enumerate(params) if _comparable(param) == expected]
        if len(positions) != 1:
            return None
        found.append((positions[0], name, slot.prep))
    return tuple(found)


def _compiled_select(queryset: QuerySet[Any], slots: Mapping[str, Slot], connection: Any) -> Any:
    compiler: SQLCompiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    bindings = _bindings(params, slots, connection)
    if bindings is None or compiler.klass_info is None:
        return None
    select_fields = compiler.klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    expressions = [column[0] for column in compiler.select]
    converters = compiler.get_converters(expressions)
    return Compiled(
        sql=sql,
        params=tuple(params),
        bindings=bindings,
        model=queryset.model,
        attnames=tuple(column[0].target.attname for column in compiler.select[start:end]),
        model_columns=(start, end),
        annotations=tuple(compiler.annotation_col_map.items()),
        converters=tuple(
            (position, tuple(_faster(function, expression) for function in functions), expression)
            for position, (functions, expression) in converters.items()
        ),
    )


def _faster(function: Any, expression: Any) -> Any:
    """The converter `function` of a column, or one that reads its values the same way, faster.

    A JSON column with the default decoder: `JSONField.from_db_value` is `json.loads`; orjson
    reads the same text to the same values in a fraction of the time. What orjson refuses (NaN,
    lone surrogates) or reads differently (an integer beyond 64 bits becomes a float) still goes
    through `from_db_value` itself: any text with a run of 19 digits does.
    """
    field = getattr(function, "__self__", None)
    if (
        isinstance(field, JSONField)
        and getattr(function, "__func__", None) is JSONField.from_db_value
        and field.decoder is None
        and isinstance(expression, Col)
    ):
        return functools.partial(_json_column, function)
    return function


_LONG_DIGITS = re.compile(r"[0-9]{19}")


def _json_column(original: Any, value: Any, expression: Any, connection: Any) -> Any:
    if not isinstance(value, str) or _LONG_DIGITS.search(value):
        return original(value, expression, connection)
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return original(value, expression, connection)


def _compiled_count(queryset: QuerySet[Any], slots: Mapping[str, Slot], connection: Any) -> Any:
    # The ORM's own count (`Query.get_count`), stopped where it would run its SQL. `get_count`
    # works on clones, which keep the class: the class is what captures the compiler.
    query = queryset.query.clone()
    base = type(query)

    class CapturingQuery(base):  # type: ignore[valid-type, misc]
        def get_compiler(self, *args: Any, **kwargs: Any) -> SQLCompiler:
            compiler = base.get_compiler(self, *args, **kwargs)

            def execute_sql(*_: Any, **__: Any) -> Any:
                raise _Captured(*compiler.as_sql())

            compiler.execute_sql = execute_sql  # type: ignore[method-assign]
            return compiler

    query.__class__ = CapturingQuery
    try:
        query.get_count(connection.alias)
    except _Captured as captured:
        bindings = _bindings(captured.params, slots, connection)
        if bindings is None:
            return None
        return Compiled(
            sql=captured.sql,
            params=tuple(captured.params),
            bindings=bindings,
            model=None,
            attnames=(),
            model_columns=(0, 0),
            annotations=(),
            converters=(),
        )
    return None  # the count's SQL was never reached (e.g. an empty IN list): use the ORM


class Shapes:
    """Compiled shapes by key, per database connection settings; `None` marks "use the ORM"."""

    def __init__(self) -> None:
        self._compiled: dict[Any, Compiled | None] = {}
        self._lock = threading.Lock()

    def get(
        self,
        key: Any,
        *,
        alias: str,
        build: Callable[[Mapping[str, Any]], QuerySet[Any]],
        slots: Mapping[str, Slot],
        count: bool = False,
    ) -> Compiled | None:
        connection = connections[alias]
        full_key = (alias, connection.vendor, count, key)
        try:
            return self._compiled[full_key]
        except KeyError:
            pass
        queryset = build({name: slot.sentinel for name, slot in slots.items()})
        compiled = (_compiled_count if count else _compiled_select)(queryset, slots, connection)
        with self._lock:
            self._compiled[full_key] = compiled
        return compiled

    def clear(self) -> None:
        """Forget every compiled shape (a test that changes how queries compile)."""
        with self._lock:
            self._compiled.clear()


def run(compiled: Compiled, values: Mapping[str, Any], *, alias: str, suffix: str = "") -> list[Any]:
    """The rows of `compiled` with `values` bound (`suffix`: e.g. a LIMIT of constant integers)."""
    connection = connections[alias]
    params = compiled.bind(values, connection)
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql + suffix if suffix else compiled.sql, params)
        return list(cursor.fetchall())
