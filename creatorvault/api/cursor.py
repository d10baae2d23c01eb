"""Keyset (cursor) pagination: opaque cursors that stay correct while rows come and go.

An offset page drifts when rows are added or removed before it (a row is shown twice or never).
A cursor instead carries the sort-key values of the last row shown, and the next page is "the
rows after those values" in the list's order, so inserts and deletes elsewhere in the list never
shift it. The last key is always the primary key in the same direction, so rows with equal sort
values still have one fixed order (ties broken by id) and no row is skipped or repeated.

A cursor is signed (Django's `signing`, `SECRET_KEY`) and names the listing it belongs to (a
fingerprint of the owner, the filters and the sort), so a cursor edited by hand or carried to
another listing is refused with a `ValidationFailed` naming the `cursor` parameter, never
misread. Cursors are opaque to clients; they are not meant to be decoded or kept for long.

    page = cursor_page(queryset, keys=[SortKey(F("created_at"), descending=True)],
                       limit=20, cursor=token, listing="ideas:<owner>:<filters>")
    page.items, page.next_cursor, page.has_more

Lists computed in memory (not a queryset) use `cursor_encode` / `cursor_decode` directly.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core import signing
from django.db.models import Expression, F, OrderBy, Q, QuerySet
from django.utils.encoding import force_bytes

from creatorvault.errors import ValidationFailed, field_error

T = TypeVar("T")

_SALT = "creatorvault.api.cursor"
# A cursor longer than this is not one of ours: refused before any decoding work.
CURSOR_MAX_CHARS = 2048
# Every cursor this server issues is spelled with these (Django's `signing`: URL-safe base64, `:`
# between the parts, a leading `.` when compressed); empty is the same as no cursor. Documented as
# the parameter's pattern, so a schema-valid cursor is at least one that could have been issued.
CURSOR_PATTERN = r"^[A-Za-z0-9_.:-]*$"


@dataclass(frozen=True)
class SortKey:
    """One key of a list's order.

    `nulls_last` says the key may be NULL and NULLs come after every value whichever way the
    list runs (as the ideas list sorts missing due dates).
    """

    expression: Expression | F
    descending: bool = False
    nulls_last: bool = False


@dataclass(frozen=True)
class CursorPage(Generic[T]):
    """One page of a cursor-paginated list."""

    items: list[T]
    next_cursor: str | None
    limit: int

    @property
    def has_more(self) -> bool:
        """True when rows follow this page (`next_cursor` fetches them)."""
        return self.next_cursor is not None


def invalid_cursor(message: str, field: str = "cursor") -> ValidationFailed:
    """The error of a cursor that is not usable here (names the parameter, says what to do)."""
    return ValidationFailed(
        f"Invalid {field}: {message}",
        details=[field_error(field, f"{message} Start again without a {field}.", "invalid_cursor")],
    )


def _fingerprint(listing: str) -> str:
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()[:16]


def _pack(value: Any) -> list[Any]:
    # Tagged so that every type comes back exactly (JSON has no datetimes; microseconds matter).
    if value is None:
        return ["n"]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, datetime):
        return ["t", value.isoformat()]
    if isinstance(value, uuid.UUID):
        return ["u", str(value)]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, Decimal):
        return ["d", str(value)]
    if isinstance(value, str):
        return ["s", value]
    raise TypeError(f"A cursor cannot carry a {type(value).__name__}.")


def _unpack(packed: Any) -> Any:
    if not isinstance(packed, list) or not packed or not isinstance(packed[0], str):
        raise ValueError("malformed value")
    tag, rest = packed[0], packed[1:]
    if tag == "n" and not rest:
        return None
    if len(rest) != 1:
        raise ValueError("malformed value")
    raw = rest[0]
    readers = {
        "b": lambda v: v if isinstance(v, bool) else _bad(),
        "t": lambda v: datetime.fromisoformat(v) if isinstance(v, str) else _bad(),
        "u": lambda v: uuid.UUID(v) if isinstance(v, str) else _bad(),
        "i": lambda v: v if isinstance(v, int) and not isinstance(v, bool) else _bad(),
        "d": lambda v: Decimal(v) if isinstance(v, str) else _bad(),
        "s": lambda v: v if isinstance(v, str) else _bad(),
    }
    if tag not in readers:
        raise ValueError("malformed value")
    return readers[tag](raw)


def _bad() -> Any:
    raise ValueError("malformed value")


class _CursorSigner(signing.TimestampSigner):
    """`signing.dumps`/`loads` with `salt=_SALT`, to the same strings, with each key's HMAC made once.

    Django's signer derives the HMAC key from the salt and `SECRET_KEY` and builds a new HMAC for
    every signature; here each key's keyed HMAC is kept and copied per signature (same digest).
    One signer per (`SECRET_KEY`, `SECRET_KEY_FALLBACKS`), so a changed setting takes effect.
    """

    def __init__(self, key: str | bytes, fallback_keys: Sequence[str | bytes]) -> None:
        super().__init__(key=key, fallback_keys=list(fallback_keys), salt=_SALT)
        self._keyed: dict[str | bytes, Any] = {}

    def signature(self, value: str | bytes, key: str | bytes | None = None) -> str:
        key = key or self.key
        keyed = self._keyed.get(key)
        if keyed is None:
            hasher = getattr(hashlib, self.algorithm)
            derived = hasher(force_bytes(self.salt) + b"signer" + force_bytes(key)).digest()
            keyed = self._keyed[key] = hmac.new(derived, digestmod=hasher)
        mac = keyed.copy()
        mac.update(force_bytes(value))
        return signing.b64_encode(mac.digest()).decode()


_signers: dict[tuple[Any, ...], _CursorSigner] = {}
_signers_lock = threading.Lock()


def _signer() -> _CursorSigner:
    key, fallbacks = settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS)
    found = _signers.get((key, fallbacks))
    if found is None:
        with _signers_lock:
            if len(_signers) >= 8:  # settings changed many times (tests): start over
                _signers.clear()
            found = _signers.setdefault((key, fallbacks), _CursorSigner(key, fallbacks))
    return found


def cursor_encode(listing: str, values: Sequence[Any]) -> str:
    """An opaque, signed cursor for the position just after a row whose sort keys are `values`."""
    payload = {"l": _fingerprint(listing), "k": [_pack(v) for v in values]}
    return _signer().sign_object(payload, compress=True)


def cursor_decode(listing: str, cursor: str, *, size: int, field: str = "cursor") -> list[Any]:
    """The sort-key values a cursor of `listing` carries; `ValidationFailed` naming `field` otherwise."""
    if not isinstance(cursor, str) or not cursor or len(cursor) > CURSOR_MAX_CHARS:
        raise invalid_cursor("it is not a cursor this server issued.", field)
    try:
        payload = _signer().unsign_object(cursor)
    except signing.BadSignature:
        raise invalid_cursor("it is not a cursor this server issued.", field) from None
    except (ValueError, TypeError):
        raise invalid_cursor("it is not a cursor this server issued.", field) from None
    if not isinstance(payload, dict) or payload.get("l") != _fingerprint(listing):
        raise invalid_cursor("it belongs to a different list (other filters or sort order).", field)
    packed = payload.get("k")
    if not isinstance(packed, list) or len(packed) != size:
        raise invalid_cursor("it is not a cursor this server issued.", field)
    try:
        return [_unpack(item) for item in packed]
    except (ValueError, TypeError):
        raise invalid_cursor("it is not a cursor this server issued.", field) from None


def _with_tie_breaker(keys: Sequence[SortKey]) -> list[SortKey]:
    if not keys:
        return [SortKey(F("pk"))]
    return [*keys, SortKey(F("pk"), descending=keys[-1].descending)]


def _after(aliases: Sequence[str], keys: Sequence[SortKey], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in the order `keys` give (NULLs last where a key says so)."""
    condition = Q(pk__in=[])  # nothing, OR-ed with each way a row can come later
    equal = Q()
    for alias, key, value in zip(aliases, keys, values, strict=True):
        lookup = "lt" if key.descending else "gt"
        if value is None:
            # NULLs come last: nothing comes after a NULL on this key except through later keys.
            later = None
            same = Q(**{f"{alias}__isnull": True})
        else:
            later = Q(**{f"{alias}__{lookup}": value})
            if key.nulls_last:
                later |= Q(**{f"{alias}__isnull": True})
            same = Q(**{alias: value})
        if later is not None:
            condition |= equal & later
        equal &= same
    return condition


def ordered_by_keys(queryset: QuerySet[Any], keys: Sequence[SortKey]) -> tuple[QuerySet[Any], list[str]]:
    """`queryset` annotated with each key of the order (id last) and ordered by them; the aliases.

    The rows' values under the aliases are what `cursor_after` encodes.
    """
    ordered_keys = _with_tie_breaker(keys)
    aliases = [f"_cursor_key_{index}" for index in range(len(ordered_keys))]
    queryset = queryset.annotate(
        **{alias: key.expression for alias, key in zip(aliases, ordered_keys, strict=True)}
    )
    ordering = [
        OrderBy(F(alias), descending=key.descending, nulls_last=True if key.nulls_last else None)
        for alias, key in zip(aliases, ordered_keys, strict=True)
    ]
    return queryset.order_by(*ordering), aliases


def cursor_after(listing: str, rows: list[Any], *, limit: int, aliases: Sequence[str]) -> str | None:
    """The cursor of the page after `rows[:limit]`, fetched `limit + 1` at a time (None: no more)."""
    if len(rows) > limit and limit > 0:
        last = rows[limit - 1]
        return cursor_encode(listing, [getattr(last, alias) for alias in aliases])
    return None


def cursor_page(
    queryset: QuerySet[Any],
    *,
    keys: Sequence[SortKey],
    limit: int,
    cursor: str | None,
    listing: str,
    offset: int = 0,
) -> CursorPage[Any]:
    """The page of `queryset` after `cursor` (the first page without one), in the order of `keys`.

    One query: it fetches `limit + 1` rows to know whether more follow. `listing` identifies the
    list (owner, filters, sort); a cursor from any other listing is refused. `offset` skips rows
    first (an offset page that also hands out the cursor of the page after it).
    """
    if cursor is not None:
        ordered_keys = _with_tie_breaker(keys)
        values = cursor_decode(listing, cursor, size=len(ordered_keys))
        queryset, aliases = ordered_by_keys(queryset, keys)
        queryset = queryset.filter(_after(aliases, ordered_keys, values))
    else:
        queryset, aliases = ordered_by_keys(queryset, keys)
    rows = list(queryset[offset : offset + limit + 1])
    return CursorPage(
        items=rows[:limit], next_cursor=cursor_after(listing, rows, limit=limit, aliases=aliases), limit=limit
    )
