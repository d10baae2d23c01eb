"""Renderer and parser of the API: every body out is an envelope, every body in is bounded JSON."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any

import orjson
from django.conf import settings
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from creatorvault import strictjson
from creatorvault.envelope import envelope_meta, success_body
from creatorvault.errors import PayloadTooLarge


class EnvelopeJSONRenderer(JSONRenderer):
    """Wraps successful payloads in `{"success": true, "data", "meta"}`.

    Error responses come from `creatorvault.api.exceptions` already enveloped (marked `is_envelope`).
    A 204 and a 304 have no body. Encoded with orjson, to the same bytes DRF's renderer makes (compact, UTF-8,
    U+2028/U+2029 escaped); values orjson does not know natively go through DRF's encoder, and
    anything orjson refuses (e.g. integers beyond 64 bits) falls back to DRF's renderer itself.
    """

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code in (204, 304):
            return b""
        if not getattr(response, "is_envelope", False):
            encoded = getattr(response, ENCODED_DATA_ATTRIBUTE, None)
            if encoded is not None and encoded[0] is data:
                # The payload was encoded for its ETag already: the envelope around those bytes
                # is what `orjson.dumps(success_body(data))` makes, without encoding it twice.
                rendered = b"".join((_SUCCESS_DATA, encoded[1], _META, orjson.dumps(envelope_meta()), b"}"))
                return _escape_line_separators(rendered)
            data = success_body(data)
        try:
            rendered = orjson.dumps(data, default=_encoder.default, option=orjson.OPT_PASSTHROUGH_DATETIME)
        except (orjson.JSONEncodeError, TypeError, ValueError):
            return super().render(data, accepted_media_type, renderer_context)
        return _escape_line_separators(rendered)


def _escape_line_separators(rendered: bytes) -> bytes:
    """U+2028 and U+2029 escaped, as DRF's renderer does (JavaScript string literals)."""
    if b"\xe2\x80\xa8" in rendered or b"\xe2\x80\xa9" in rendered:
        rendered = rendered.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
    return rendered


_encoder = JSONEncoder()

#: Response attribute: `(data, orjson bytes of data)`, set by a view that encoded its payload
#: already (a list page, for its ETag); the renderer uses the bytes while `response.data` is `data`.
ENCODED_DATA_ATTRIBUTE = "encoded_data"
_SUCCESS_DATA = b'{"success":true,"data":'
_META = b',"meta":'


class BoundedJSONParser(JSONParser):
    """JSON parser that reads at most `API_MAX_BODY_BYTES` (also without a Content-Length).

    Strict (`creatorvault.strictjson`): lone surrogates, repeated keys and NaN are a 400 here,
    before any serializer could store or echo them.
    """

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        limit: int = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            return strictjson.loads(raw)
        except strictjson.InvalidJSON as exc:
            raise exceptions.ParseError(f"the body is not valid JSON ({exc}).") from None
        except RecursionError:
            # `[[[[...` a few thousand deep fits well under the size limit and exhausts the
            # decoder's recursion limit: that is a bad body, not a bug.
            raise exceptions.ParseError("the body nests JSON arrays or objects too deeply.") from None


class JSONOnlyNegotiation(BaseContentNegotiation):
    """The API speaks JSON only: answer JSON whatever `Accept` says, never 406."""

    def select_parser(self, request: Any, parsers: Iterable[BaseParser]) -> BaseParser | None:
        # Compare the media type itself: a substring test took "text/plain; x=application/json"
        # and "application/jsonx" for JSON.
        media_type = (request.content_type or "").split(";")[0].strip().lower()
        for parser in parsers:
            if parser.media_type.split(";")[0] == media_type:
                return parser
        return None

    def select_renderer(
        self, request: Any, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type
