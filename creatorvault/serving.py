"""The HTTP/1.1 server's guard rails: read timeouts, request limits, protocol errors in the envelope.

Production serves the ASGI application with gunicorn's uvicorn workers on httptools. uvicorn, as it
comes, bounds none of what a client sends before the application sees the request: no deadline for
the headers (a connection that sends nothing, or a byte a second, is held for ever), none for the
body (a body shorter than its Content-Length is never answered), no limit on the request line, the
number of headers or their size (gunicorn's `limit_request_*` settings are not passed to it), and
it answers a request it cannot parse in plain text. `UvicornWorker` (named in gunicorn.conf.py)
serves with `GuardedHttpToolsProtocol`, configured from gunicorn's own settings:

- headers: complete within `GUNICORN_HEADER_TIMEOUT` seconds (10) of the connection opening or of
  the previous answer on it, else 408 (a connection that sent nothing is just closed);
- body: complete within `GUNICORN_BODY_TIMEOUT` seconds (30) of the headers, else 408;
- request line ≤ `limit_request_line` (414), ≤ `limit_request_fields` headers and each header ≤
  `limit_request_field_size` bytes (431), exactly one `Host` (400, RFC 9112 §3.2);
- at most `worker_connections` open connections per worker (503 beyond: descriptors and memory
  stay bounded whatever a flood of sockets does);
- anything the parser refuses (bad Content-Length, Content-Length with Transfer-Encoding, bad
  chunks, garbage) is a 400.

Every such answer is the spec's error envelope (JSON, with a request id) and closes the connection.
Idle keep-alive connections are closed after gunicorn's `keepalive` seconds, as before. The event
loop holds slow connections at the cost of a few kilobytes each: they never occupy a thread.

What a connection writes in one turn of the event loop leaves in one system call
(`_WritesPerTurn`): an answer's head and body in one `writev` and one packet, where uvicorn wrote
each ASGI message on its own (two calls, two packets for the client to read, per answer).

When a worker stops (its `max_requests` reached, or SIGTERM on a deploy), uvicorn answers the
requests in progress but closes at once every connection that has none: a connection the worker
had just accepted, whose request was on its way, got no answer at all (one in a few thousand
requests under load, at every worker restart). Here such a connection gets `GUNICORN_DRAIN_SECONDS`
(1) for its request to begin; that request is answered with `Connection: close`, and a connection
that sends nothing by then is closed, as before.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

import httptools
import uvicorn_worker
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from creatorvault.context import new_request_id


@dataclass(frozen=True)
class RequestLimits:
    """What one connection may send, and how slowly."""

    request_line: int = 8190
    fields: int = 100
    field_size: int = 16384
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    connections: int = 1000
    drain: float = 1.0

    @property
    def header_bytes(self) -> int:
        """The most bytes a request's line and headers can take within the limits above."""
        return self.request_line + 2 + self.fields * (self.field_size + 2) + 2


class ProtocolRefusal(Exception):
    """A request the server refuses before the application sees it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def envelope_answer(status: int, code: str, message: str, request_id: str) -> bytes:
    """A complete HTTP/1.1 answer with the spec's error envelope that closes the connection.

    Built without Django (it may be answered before any request exists): the same envelope as
    `creatorvault.envelope.error_body`, with `request_id` in the body and in `X-Request-ID`.
    """
    timestamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    body = json.dumps(
        {
            "success": False,
            "error": {"code": code, "message": message, "details": []},
            "meta": {"request_id": request_id, "timestamp": timestamp},
        }
    ).encode()
    headers = (
        b"content-type: application/json\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n"
        b"x-request-id: " + request_id.encode() + b"\r\n"
        b"connection: close\r\n\r\n"
    )
    return STATUS_LINE[status] + headers + body


class _WritesPerTurn:
    """A connection's transport whose writes in one turn of the event loop leave together.

    Each `write()` is kept until the end of the turn (a callback scheduled by the first one), then
    everything kept goes out in one `writelines` (one `writev`), in order. Whatever writes (the
    request's cycle, the protocol's own refusals) goes through here, so nothing overtakes what is
    kept; `close()` sends it first. A streamed chunk waits at most for the end of its turn, and
    once `KEPT_BYTES` are kept they go at once: the transport's own buffer, which pauses a
    writer that outruns the client, sees every byte within the same turn it would have.
    """

    KEPT_BYTES = 65536

    __slots__ = ("_kept", "_kept_bytes", "_loop", "_transport")

    def __init__(self, transport: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._transport, self._loop = transport, loop
        self._kept: list[bytes] = []
        self._kept_bytes = 0

    def write(self, data: bytes) -> None:
        if not data:
            return
        if not self._kept:
            self._loop.call_soon(self.flush)
        self._kept.append(data)
        self._kept_bytes += len(data)
        if self._kept_bytes >= self.KEPT_BYTES:
            self.flush()

    def writelines(self, parts: Any) -> None:
        for part in parts:
            self.write(part)

    def flush(self) -> None:
        """Send what is kept (at the end of the turn, or before the connection closes)."""
        kept, self._kept, self._kept_bytes = self._kept, [], 0
        if kept and not self._transport.is_closing():
            self._transport.writelines(kept)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with read deadlines, request limits and enveloped refusals."""

    limits: ClassVar[RequestLimits] = RequestLimits()

    @classmethod
    def configured(cls, limits: RequestLimits) -> type[GuardedHttpToolsProtocol]:
        """This protocol with `limits` (what the worker hands uvicorn as its `http` class)."""
        return type(cls.__name__, (cls,), {"limits": limits})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._reading_headers = False  # between the first byte of a request and its last header
        self._body_pending = False  # between a request's last header and the end of its body
        self._header_bytes = 0
        self._hosts = 0
        self._draining = False  # the worker is stopping: no request after the next one

    # --- Connection ----------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        super().connection_made(_WritesPerTurn(transport, self.loop))  # type: ignore[arg-type]
        if len(self.connections) > self.limits.connections:
            self._refuse(
                ProtocolRefusal(503, "SERVICE_UNAVAILABLE", "The server has too many open connections.")
            )
            return
        self._arm(self.limits.header_timeout, self._headers_too_slow)

    def shutdown(self) -> None:
        """The worker is stopping: answer the request in progress, or one that begins within
        `limits.drain` seconds, then close (uvicorn closes a connection without one at once)."""
        self._draining = True
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.keep_alive = False
        elif not self.transport.is_closing() and not self._reading_headers:
            # Nothing received yet (or between keep-alive requests): the request may be on its way.
            self._arm(min(self.limits.drain, self.limits.header_timeout), self._headers_too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        between_requests = self.cycle is None or self.cycle.response_complete
        if self._reading_headers or between_requests:
            self._header_bytes += len(data)
            if self._header_bytes > self.limits.header_bytes:
                self._refuse(ProtocolRefusal(431, "VALIDATION_ERROR", "The request headers are too large."))
                return
        if self._deadline is None and between_requests:
            # A keep-alive connection starts its next request: the headers' clock starts now.
            self._arm(self.limits.header_timeout, self._headers_too_slow)
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._unsupported_upgrade_warning()  # the worker serves no WebSocket: plain HTTP goes on
        except httptools.HttpParserError as error:
            refusal = error.__context__
            if not isinstance(refusal, ProtocolRefusal):
                # llhttp's reasons are fixed texts ("Invalid character in Content-Length", ...),
                # never the client's bytes: safe to answer with.
                reason = str(error).strip().rstrip(".") or "unparseable"
                refusal = ProtocolRefusal(
                    400, "VALIDATION_ERROR", f"The request is not valid HTTP/1.1: {reason}."
                )
            self._refuse(refusal)

    # --- Parser callbacks ----------------------------------------------------------------
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_headers = True
        self._hosts = 0
        if self._deadline is None or self._draining:
            self._arm(self.limits.header_timeout, self._headers_too_slow)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.request_line:
            raise ProtocolRefusal(414, "VALIDATION_ERROR", "The request line is too long.")

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(name) + len(value) + 2 > self.limits.field_size:
            raise ProtocolRefusal(431, "VALIDATION_ERROR", "A request header is too large.")
        if len(self.headers) >= self.limits.fields:
            raise ProtocolRefusal(431, "VALIDATION_ERROR", "The request has too many headers.")
        if name.lower() == b"host":
            self._hosts += 1
            if self._hosts > 1:
                raise ProtocolRefusal(400, "VALIDATION_ERROR", "The request has more than one Host header.")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._hosts == 0 and self.parser.get_http_version() == "1.1":
            raise ProtocolRefusal(400, "VALIDATION_ERROR", "The request has no Host header.")
        self._reading_headers = False
        self._header_bytes = 0
        self._body_pending = True
        self._arm(self.limits.body_timeout, self._body_too_slow)
        super().on_headers_complete()
        if self._draining:
            self.cycle.keep_alive = False

    def on_message_complete(self) -> None:
        self._body_pending = False
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        if self._body_pending and not self.transport.is_closing():
            # Answered before the body arrived (a 413 from its Content-Length, say): reading on
            # would only discard what the client still sends, so the connection ends here.
            self._disarm()
            self.transport.close()
        super().on_response_complete()

    # --- Deadlines and refusals ----------------------------------------------------------
    def _arm(self, seconds: float, callback: Any) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, callback)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _headers_too_slow(self) -> None:
        self._deadline = None
        if self._reading_headers:
            self._refuse(ProtocolRefusal(408, "VALIDATION_ERROR", "The request headers took too long."))
        elif not self.transport.is_closing():
            self.transport.close()  # connected and silent: nothing to answer

    def _body_too_slow(self) -> None:
        self._deadline = None
        self._refuse(ProtocolRefusal(408, "VALIDATION_ERROR", "The request body took too long."))

    def _refuse(self, refusal: ProtocolRefusal) -> None:
        """Answer `refusal` in the envelope (unless an answer has begun) and close the connection."""
        self._disarm()
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if cycle is None or not cycle.response_started:
            request_id = new_request_id()
            self.logger.warning(
                "Refused a request: %s",
                refusal.message,
                extra={"status": refusal.status, "code": refusal.code, "request_id": request_id},
            )
            self.transport.write(envelope_answer(refusal.status, refusal.code, refusal.message, request_id))
        if cycle is not None and not cycle.response_complete:
            # The application (if it is waiting for the body) sees a disconnect; its answer is dropped.
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()


def limits_from_gunicorn(cfg: Any) -> RequestLimits:
    """The limits gunicorn.conf.py declares (gunicorn's own settings), and the two read timeouts."""
    return RequestLimits(
        request_line=int(cfg.limit_request_line) or RequestLimits.request_line,
        fields=int(cfg.limit_request_fields) or RequestLimits.fields,
        field_size=int(cfg.limit_request_field_size) or RequestLimits.field_size,
        header_timeout=float(os.environ.get("GUNICORN_HEADER_TIMEOUT", RequestLimits.header_timeout)),
        body_timeout=float(os.environ.get("GUNICORN_BODY_TIMEOUT", RequestLimits.body_timeout)),
        connections=int(cfg.worker_connections),
        drain=float(os.environ.get("GUNICORN_DRAIN_SECONDS", RequestLimits.drain)),
    )


class UvicornWorker(uvicorn_worker.UvicornWorker):
    """gunicorn's uvicorn worker (uvloop, httptools) serving with `GuardedHttpToolsProtocol`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config.ws = "none"  # nothing here speaks WebSocket: an Upgrade is plain HTTP
        self.config.http = GuardedHttpToolsProtocol.configured(limits_from_gunicorn(self.cfg))
