"""The ASGI step in front of Django: every request reaches it with a Content-Length it can trust.

Django's ASGI handler reads the whole body before any middleware runs, and DRF reads a body only
when `CONTENT_LENGTH` says there is one. So a JSON body sent with `Transfer-Encoding: chunked` (no
Content-Length) was parsed as empty ("Title is required"), and a Content-Length far over the limit
was still read to the end before `BodySizeLimitMiddleware` refused it. `SizedBody`:

- reads a chunked body itself, at most `API_MAX_BODY_BYTES + 1` bytes, and hands Django the
  bytes it read with their Content-Length (and no Transfer-Encoding): DRF parses them as usual;
  one byte over the limit is enough for `BodySizeLimitMiddleware` to answer its 413 envelope
  (with the CORS headers a browser needs) without the rest being read;
- hands Django an empty body, unread, when the Content-Length is already over the limit (the same
  middleware answers 413 from the header);
- and in both refusals answers with `Connection: close`: the rest of the body is never read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]  # Django's handler types its arguments its own way


def _declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses these; BodySizeLimitMiddleware would answer 400
    return None


class SizedBody:
    """ASGI middleware: chunked bodies get a Content-Length, oversized ones are never read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = list(scope["headers"])
        limit: int = settings.API_MAX_BODY_BYTES
        declared = _declared_length(headers)
        chunked = any(name == b"transfer-encoding" for name, _ in headers)
        if declared is not None and declared > limit:
            await self.app(scope, _replay(b"", receive), _closing(send))
        elif chunked and declared is None:
            body = bytearray()
            more = True
            while more and len(body) <= limit:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the client left before its body was complete: nobody to answer
                body += message.get("body", b"")
                more = message.get("more_body", False)
            body = body[: limit + 1]
            headers = [(name, value) for name, value in headers if name != b"transfer-encoding"]
            headers.append((b"content-length", str(len(body)).encode()))
            reply = _closing(send) if more else send
            await self.app({**scope, "headers": headers}, _replay(bytes(body), receive), reply)
        else:
            await self.app(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` for an application that gets `body` as the whole request body, then only the
    disconnect (what the client still sends of a body cut short is dropped)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return message

    return replay


def _closing(send: Send) -> Send:
    """`send` that asks the server to close the connection after this answer."""

    async def closing(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
        await send(message)

    return closing
