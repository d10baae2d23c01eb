"""The lean ASGI path for bearer-token API requests: one thread hop, the API's middleware only.

Django's own ASGI handler serves a synchronous view with several hops between the event loop and
a thread: the `request_started` signal, the top of the middleware stack, back to the loop at each
boundary between synchronous and asynchronous middleware, every `process_view`, the view, and the
response's `close()`; and it starts a new thread (and another one to join it) for each request.
Measured in-process (`bench/hotpaths.py --asgi` against the test client), that was 7-9 ms of CPU
per request on the hot paths, more than the API's own work.

`LeanAPIHandler` serves a request whose path starts with `/api/` and which carries a bearer token
(`Authorization: Bearer …`) with the whole request in ONE call on a thread of a small per-process
pool: the `request_started` signal, the middleware in `API_MIDDLEWARE` (settings: `MIDDLEWARE`
without the session, CSRF, authentication and messages middleware, which do nothing for a request
authenticated by its bearer token: DRF authenticates it, API views are CSRF-exempt, and nothing on
the API reads a session or a message) and the view, then `close()` (the `request_finished`
signal: the database connection goes back to the pool) before the body is sent. The thread also
builds the request and the answer's two ASGI messages (`http.response.start`, then the whole body
in one `http.response.body`), so the event loop only reads the body, hands it over and sends them;
the threads are a fixed set woken through a queue (no `concurrent.futures` machinery). A streaming
answer (the chat) is sent by Django's own code while a second task listens for the client going
away (a disconnect cancels the sending, as in Django's handler), and closed after its last chunk.

Everything else (the admin, the docs, health probes, requests without a bearer token) goes through
Django's own ASGI handler and the whole `MIDDLEWARE`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import queue
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core import signals
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed, RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.db import connections
from django.http import HttpRequest, HttpResponseBase
from django.urls import ResolverMatch, set_script_prefix
from django.utils.module_loading import import_string

from creatorvault.database import hold_connections_on_this_thread
from creatorvault.urlresolve import FastResolver

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

_T = TypeVar("_T")

logger = logging.getLogger("creatorvault.lean_asgi")

API_PREFIX = "/api/"


def is_bearer_api_request(scope: Scope) -> bool:
    """An HTTP request under /api/ that carries `Authorization: Bearer …` (any case)."""
    if scope.get("type") != "http" or not str(scope.get("path", "")).startswith(API_PREFIX):
        return False
    for name, value in scope.get("headers", ()):
        if name.lower() == b"authorization":
            return bytes(value[:7]).lower() == b"bearer "
    return False


class _SyncAPIHandler(BaseHandler):
    """Django's synchronous request handler over `API_MIDDLEWARE` instead of `MIDDLEWARE`, with
    the URL resolved by one regex call (`creatorvault.urlresolve`) rather than Django's loop."""

    resolver = FastResolver()

    def resolve_request(self, request: HttpRequest) -> ResolverMatch:
        """`BaseHandler.resolve_request`, through the fast resolver for the root URLconf.

        A request whose middleware set its own `urlconf` is Django's to resolve, as before.
        """
        if hasattr(request, "urlconf"):
            return super().resolve_request(request)  # type: ignore[no-any-return]
        request.resolver_match = match = self.resolver.resolve(request.path_info)
        return match

    def load_middleware(self, is_async: bool = False) -> None:
        """Like `BaseHandler.load_middleware` in synchronous mode, over `settings.API_MIDDLEWARE`."""
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(settings.API_MIDDLEWARE):
            middleware = import_string(path)
            if not getattr(middleware, "sync_capable", True):
                raise ImproperlyConfigured(f"API_MIDDLEWARE: {path} cannot run synchronously.")
            try:
                instance = middleware(handler)
            except MiddlewareNotUsed:
                continue
            if instance is None:
                raise ImproperlyConfigured(f"Middleware factory {path} returned None.")
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


_Call = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[..., Any], tuple[Any, ...]]


class _Threads:
    """A fixed set of threads that run one call each for the event loop, and wake it with the result.

    What `loop.run_in_executor` does, without its `concurrent.futures.Future` chained to an asyncio
    future (two futures, their locks and callbacks per call): each call sets its asyncio future
    directly with `call_soon_threadsafe`. Each thread keeps its own context across calls, as
    under WSGI: its database connection object (a thread-local) lives on from one request to the
    next, and so does its pooled connection, for up to `DB_HOLD_SECONDS`
    (`creatorvault.database.hold_connections_on_this_thread`). A thread that has had no call for
    `DB_HOLD_IDLE_SECONDS` gives its connections back to the pool; so does every thread at
    `release_connections()`.
    """

    def __init__(self, count: int, name: str) -> None:
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._count = count
        self._releasing = threading.Lock()
        self._released: threading.Barrier | None = None
        for number in range(count):
            threading.Thread(target=self._work, name=f"{name}_{number}", daemon=True).start()

    def run(self, function: Callable[..., _T], *args: Any) -> asyncio.Future[_T]:
        """`function(*args)` on one of the threads; the future the running loop awaits for its result."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_T] = loop.create_future()
        self._calls.put((loop, future, function, args))
        return future

    def release_connections(self, timeout: float = 10.0) -> None:
        """Have every thread give its database connections back now (before the test database is
        dropped, or the pool closed); waits for threads busy with a request to finish it."""
        with self._releasing:
            self._released = barrier = threading.Barrier(self._count + 1, timeout=timeout)
            for _ in range(self._count):
                self._calls.put(None)  # each thread takes one, then waits for the others at the barrier
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    def _work(self) -> None:
        hold_connections_on_this_thread()
        holding = False
        while True:
            try:
                idle = settings.DB_HOLD_IDLE_SECONDS
                call = self._calls.get(timeout=idle) if holding else self._calls.get()
            except queue.Empty:  # idle: the connections go back to the pool
                holding = _give_back_connections()
                continue
            if call is None:  # release_connections(): give them back, then wait for the other threads
                holding = _give_back_connections()
                barrier = self._released
                if barrier is not None:
                    with contextlib.suppress(threading.BrokenBarrierError):
                        barrier.wait()
                continue
            holding = True
            loop, future, function, args = call
            outcome: tuple[Any, BaseException | None]
            try:
                outcome = (function(*args), None)
            except BaseException as error:  # noqa: BLE001 - handed to the awaiting coroutine
                outcome = (None, error)
            with contextlib.suppress(RuntimeError):  # the loop was closed meanwhile
                loop.call_soon_threadsafe(_settle, future, *outcome)
            del loop, future, function, args, outcome, call  # nothing of a request outlives it here


def _give_back_connections() -> bool:
    """This thread's database connections back to the pool; False (nothing held) unless that failed.

    A connection that cannot be given back cleanly (the database went away) is dropped; the error
    is logged, and the thread lives on to serve the next request.
    """
    try:
        connections.close_all()
    except Exception:
        logger.exception("an API thread could not give its database connection back")
        return True
    return False


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


# A non-streaming answer as the two ASGI messages carry it: status, headers, body.
Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


def _answer(response: HttpResponseBase) -> Answer:
    """The status, headers (with the cookies) and body Django's `send_response` would send."""
    headers = []
    for header, value in response.items():
        headers.append(
            (
                header.encode("ascii") if isinstance(header, str) else bytes(header),
                value.encode("latin1") if isinstance(value, str) else bytes(value),
            )
        )
    for cookie in response.cookies.values():
        headers.append((b"Set-Cookie", cookie.output(header="").encode("ascii").strip()))
    return response.status_code, headers, response.content  # type: ignore[attr-defined]


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body (SizedBody bounds it), or None when the client left before its end."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


class LeanAPIHandler(ASGIHandler):
    """Django's ASGI handler, serving each request in one call on a thread of its own set."""

    def __init__(self, threads: int) -> None:
        # Not ASGIHandler.__init__: it would load the whole MIDDLEWARE in asynchronous mode.
        self.sync_handler = _SyncAPIHandler()
        self.sync_handler.load_middleware()
        self.threads = _Threads(threads, name="api")
        _handlers.append(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive)
        if body is None:
            return  # as Django's handler: nobody is left to answer
        answer = await self.threads.run(self._serve, scope, body)
        if isinstance(answer, HttpResponseBase):
            try:
                await self._stream(answer, receive, send)
            finally:
                await self.threads.run(answer.close)
            return
        status, headers, content = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    async def _stream(self, response: HttpResponseBase, receive: Receive, send: Send) -> None:
        """Send a streaming answer while listening for the client going away, as Django does.

        A disconnect cancels the sending (and so the iteration of the streaming content: the chat's
        turn sees the cancellation and keeps its partial answer as interrupted).
        """
        sending = asyncio.create_task(self.send_response(response, send))  # type: ignore[no-untyped-call]
        listening = asyncio.create_task(self.listen_for_disconnect(receive))  # type: ignore[no-untyped-call]
        await asyncio.wait({sending, listening}, return_when=asyncio.FIRST_COMPLETED)
        for task in (listening, sending):
            if not task.done():
                task.cancel()
            # The client went away, or the answer was sent before it did.
            with contextlib.suppress(asyncio.CancelledError, RequestAborted):
                await task

    def _serve(self, scope: Scope, body: bytes) -> Answer | HttpResponseBase:
        """The whole synchronous part of one request, in one thread.

        A non-streaming answer comes back as its two messages' contents, the response closed
        (request_finished: the database connection goes back to the pool) before the body is
        sent; a streaming one as the response, to be sent on the loop and closed after it.
        """
        set_script_prefix(get_script_prefix(scope))  # type: ignore[no-untyped-call]
        signals.request_started.send(sender=ASGIHandler, scope=scope)
        request, error_response = self.create_request(scope, io.BytesIO(body))  # type: ignore[no-untyped-call]
        response: HttpResponseBase | None = error_response
        if request is not None:
            response = self.sync_handler.get_response(request)
            response._handler_class = ASGIHandler  # type: ignore[union-attr,attr-defined]
        assert response is not None
        if response.streaming:
            return response
        try:
            return _answer(response)
        finally:
            response.close()


# Every LeanAPIHandler of this process (one per application built: config.asgi builds one).
_handlers: list[LeanAPIHandler] = []


def release_api_connections(timeout: float = 10.0) -> None:
    """Have the lean path's threads give their held database connections back to the pool now
    (the test suite calls this before its database is dropped)."""
    for handler in list(_handlers):
        handler.threads.release_connections(timeout)


def application_with_lean_api(
    django_application: Callable[[Scope, Receive, Send], Awaitable[None]], threads: int
) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """Django's ASGI application, with bearer-token API requests on the lean path."""
    lean = LeanAPIHandler(threads)

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        if is_bearer_api_request(scope):
            await lean(scope, receive, send)
        else:
            await django_application(scope, receive, send)

    return application
