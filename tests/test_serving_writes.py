"""How the production HTTP protocol (creatorvault.serving) hands an answer to the socket.

The protocol runs on a real event loop over a transport that records each write it is given (one
entry per `write` or `writelines` call, i.e. per system call on a real socket): a whole answer
leaves in one write, a streamed answer's head leaves on its own when the body is not ready, and
nothing kept is lost when the connection closes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from creatorvault.serving import GuardedHttpToolsProtocol, RequestLimits

REQUEST = b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n"


class RecordingTransport(asyncio.Transport):
    """A socket's transport: what was written, one entry per call."""

    def __init__(self, writes: list[bytes]) -> None:
        super().__init__()
        self.writes = writes
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def writelines(self, parts: Any) -> None:
        self.writes.append(b"".join(parts))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def connect(app: Any, writes: list[bytes]) -> tuple[GuardedHttpToolsProtocol, RecordingTransport]:
    """A connection of `GuardedHttpToolsProtocol` serving `app` (call it inside a running loop)."""
    config = Config(app=app, lifespan="off", log_config=None, proxy_headers=False)
    config.load()
    protocol_class = GuardedHttpToolsProtocol.configured(RequestLimits())
    protocol = protocol_class(config=config, server_state=ServerState(), app_state={})  # type: ignore[call-arg]
    transport = RecordingTransport(writes)
    protocol.connection_made(transport)
    return protocol, transport


async def serve(
    app: Any, requests: int = 1, *, settle: float = 0.05, writes: list[bytes] | None = None
) -> RecordingTransport:
    """`requests` requests, one after the other, on one connection (its writes go to `writes`)."""
    protocol, transport = connect(app, [] if writes is None else writes)
    for _ in range(requests):
        protocol.data_received(REQUEST)
        await asyncio.sleep(settle)
    return transport


def head_and_body(answer: bytes) -> tuple[bytes, bytes]:
    head, separator, body = answer.partition(b"\r\n\r\n")
    assert separator, answer
    return head, body


def test_a_whole_answer_leaves_in_one_write() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"11")]})
        await send({"type": "http.response.body", "body": b'{"ok":true}'})

    transport = asyncio.run(serve(app))

    assert len(transport.writes) == 1, transport.writes
    head, body = head_and_body(transport.writes[0])
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert body == b'{"ok":true}'


def test_two_answers_on_one_connection_leave_in_one_write_each() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    transport = asyncio.run(serve(app, requests=2))

    assert [head_and_body(write)[1] for write in transport.writes] == [b"ok", b"ok"]


def test_a_streamed_answer_sends_its_head_before_a_slow_first_chunk() -> None:
    seen_when_chunk_ready: list[list[bytes]] = []

    written: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        await asyncio.sleep(0.05)  # the first chunk is not ready yet: the client must already have the head
        seen_when_chunk_ready.append(list(written))
        await send({"type": "http.response.body", "body": b"data: 1\n\n", "more_body": True})
        await send({"type": "http.response.body", "body": b"data: 2\n\n", "more_body": False})

    transport = asyncio.run(serve(app, settle=0.2, writes=written))

    (before_chunk,) = seen_when_chunk_ready
    assert len(before_chunk) == 1 and before_chunk[0].startswith(b"HTTP/1.1 200 OK"), before_chunk
    assert before_chunk[0].endswith(b"\r\n\r\n")  # the head alone
    assert b"".join(transport.writes[1:]) == b"9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n0\r\n\r\n"


def test_a_head_held_when_the_application_fails_is_written_before_the_close() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
        raise RuntimeError("the application failed after starting its answer")

    transport = asyncio.run(serve(app))

    assert transport.closed
    assert len(transport.writes) == 1 and transport.writes[0].startswith(b"HTTP/1.1 200 OK"), transport.writes


def test_a_large_answer_is_handed_to_the_socket_within_its_turn() -> None:
    """Bytes past the kept bound go to the transport at once (its buffer is what pauses a writer
    that outruns the client), not at the end of the turn."""
    chunk = b"x" * 40_000
    seen_while_sending: list[int] = []
    written: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"120000")]}
        )
        for _ in range(3):  # no await that yields between the chunks: one turn of the loop
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            seen_while_sending.append(sum(len(w) for w in written))
        await send({"type": "http.response.body", "body": b""})

    transport = asyncio.run(serve(app, writes=written))

    assert seen_while_sending[0] == 0  # head and first chunk kept: under the bound
    assert seen_while_sending[1] > 80_000  # past it: written before the turn ends
    _, body = head_and_body(b"".join(transport.writes))
    assert body == chunk * 3
