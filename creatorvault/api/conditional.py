"""Conditional GETs: `If-None-Match` answered with 304 Not Modified.

A single resource has its own strong `ETag` (an idea: `"<version>"`); a list page has a weak one,
a digest of the page as answered (`W/"<digest>"`), which changes whenever anything the page shows
changes (an item, the total, the next cursor). `If-None-Match` compares weakly (RFC 9110 §13.1.2):
`W/"x"` and `"x"` match, `*` matches anything.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson
from rest_framework.utils.encoders import JSONEncoder

_encoder = JSONEncoder()


def orjson_payload(data: Any) -> bytes | None:
    """`data` as the renderer's orjson encodes it (before its U+2028/9 escaping); None when orjson
    refuses it (e.g. huge integers), and the renderer falls back to DRF's."""
    try:
        return orjson.dumps(data, default=_encoder.default, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except (orjson.JSONEncodeError, TypeError, ValueError):
        return None


def _encoded(data: Any) -> bytes:
    # orjson as the renderer (fast); DRF's encoder for what orjson refuses (e.g. huge integers).
    encoded = orjson_payload(data)
    if encoded is not None:
        return encoded
    return json.dumps(data, cls=JSONEncoder, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def weak_etag(data: Any) -> str:
    """The weak entity tag of a payload (the `data` of the success envelope)."""
    return etag_of(_encoded(data))


def etag_of(encoded: bytes) -> str:
    """The weak entity tag of a payload already encoded (`orjson_payload`)."""
    return f'W/"{hashlib.sha256(encoded).hexdigest()[:32]}"'


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def none_match(if_none_match: str | None, etag: str) -> bool:
    """Whether an `If-None-Match` header names `etag` (weak comparison): then the answer is 304."""
    if if_none_match is None:
        return False
    current = _opaque(etag)
    return any(
        candidate.strip() == "*" or _opaque(candidate) == current for candidate in if_none_match.split(",")
    )
