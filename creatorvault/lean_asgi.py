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
signal: the database connection goes back to the pool) before the body is sent. A streaming
answer (the chat) is sent by Django's own code while a second task listens for the client going
away (a disconnect cancels the sending, as in Django's handler), and closed after its last chunk.

Everything else (the admin, the docs, health probes, requests without a bearer token) goes through
Django's own ASGI handler and the whole `MIDDLEWARE`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed, RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponseBase
from django.urls import set_script_prefix
from django.utils.module_loading import import_string

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]

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
    """Django's synchronous request handler over `API_MIDDLEWARE` instead of `MIDDLEWARE`."""

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


class LeanAPIHandler(ASGIHandler):
    """Django's ASGI handler, serving each request in one call on a thread of its own pool."""

    def __init__(self, threads: int) -> None:
        # Not ASGIHandler.__init__: it would load the whole MIDDLEWARE in asynchronous mode.
        self.sync_handler = _SyncAPIHandler()
        self.sync_handler.load_middleware()
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="api")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body_file = await self.read_body(receive)  # type: ignore[no-untyped-call]
        try:
            set_script_prefix(get_script_prefix(scope))  # type: ignore[no-untyped-call]
            request, error_response = self.create_request(scope, body_file)  # type: ignore[no-untyped-call]
            loop = asyncio.get_running_loop()
            if request is None:
                assert error_response is not None
                response, closed = error_response, False
            else:
                # In the thread's own context, as under WSGI: its database connection object
                # (a thread-local) lives on from one request to the next, its connection goes
                # back to the pool at the end of each.
                response = await loop.run_in_executor(self.executor, self._serve, scope, request)
                closed = not response.streaming
            if response.streaming:
                await self._stream(response, receive, send)
            else:
                await self.send_response(response, send)  # type: ignore[no-untyped-call]
            if not closed:
                await loop.run_in_executor(self.executor, response.close)
        finally:
            body_file.close()

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

    def _serve(self, scope: Scope, request: HttpRequest) -> HttpResponseBase:
        """The whole synchronous part of one request, in one thread; closed unless it streams."""
        signals.request_started.send(sender=ASGIHandler, scope=scope)
        response = self.sync_handler.get_response(request)
        response._handler_class = ASGIHandler  # type: ignore[attr-defined]
        if not response.streaming:
            # Its content is final: closing now ends the request (request_finished: the database
            # connection goes back to the pool) before the body is sent.
            response.close()
        return response


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
