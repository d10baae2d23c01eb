"""The lean ASGI path (creatorvault.lean_asgi): bearer-token API requests through config.asgi.

Production serves `config.asgi:application`; the test client does not go through it, so these
tests drive the ASGI application itself: a bearer-token API request is answered like the test
client's, without session or CSRF work, with its one JSON log line; everything else (the admin,
requests without a bearer token) keeps Django's whole middleware.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def asgi_get(path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One GET through the ASGI application: (status, headers, body)."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path.split("?")[0],
        "raw_path": path.split("?")[0].encode(),
        "query_string": (path.split("?", 1)[1] if "?" in path else "").encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def exchange() -> tuple[int, dict[str, str], bytes]:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(timeout=20)
        body = b""
        while True:
            message = await communicator.receive_output(timeout=20)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(timeout=5)
        answer_headers: dict[str, str] = {}
        for name, value in start["headers"]:
            key = name.decode().lower()
            answer_headers[key] = (
                f"{answer_headers[key]}, {value.decode()}" if key in answer_headers else value.decode()
            )
        return start["status"], answer_headers, body

    return async_to_sync(exchange)()


def test_a_bearer_api_request_is_answered_as_the_test_client_answers_it(
    owner, make_idea, mint_token, owner_client, caplog
) -> None:
    make_idea(title="Lean path")
    token = mint_token(owner)
    caplog.set_level(logging.INFO, logger="creatorvault.request")

    status, headers, body = asgi_get(
        "/api/v1/ideas?limit=5", {"Authorization": f"Bearer {token}", "X-Request-ID": "lean-1"}
    )

    assert status == 200
    lines = [record for record in caplog.records if record.name == "creatorvault.request"]
    assert [getattr(record, "request_id", None) for record in lines] == ["lean-1"]  # one line
    expected = owner_client.get("/api/v1/ideas?limit=5", HTTP_X_REQUEST_ID="lean-1")
    answer = json.loads(body)
    assert answer["data"] == expected.json()["data"] and "Lean path" in body.decode()
    assert answer["meta"]["request_id"] == "lean-1"
    assert headers["content-type"] == expected["Content-Type"]
    assert headers["x-request-id"] == "lean-1"
    assert "set-cookie" not in headers  # no session or CSRF cookie work
    assert "cookie" not in headers.get("vary", "").lower()
    assert "x-frame-options" in headers and "content-security-policy" in headers


def test_an_api_error_through_the_lean_path_is_the_envelope(mint_token, owner) -> None:
    status, _, body = asgi_get("/api/v1/ideas/not-a-uuid", {"Authorization": f"Bearer {mint_token(owner)}"})
    assert status == 404
    assert json.loads(body)["error"]["code"] == "NOT_FOUND"


def test_requests_without_a_bearer_token_keep_the_whole_middleware() -> None:
    status, headers, _ = asgi_get("/admin/login/")
    assert status == 200
    assert "csrftoken" in headers.get("set-cookie", "")  # CSRF middleware ran: the admin keeps it
    status, _, body = asgi_get("/api/v1/ideas")
    assert status == 401
    assert json.loads(body)["error"]["code"] == "AUTH_ERROR"


def asgi_exchange(
    method: str, path: str, headers: dict[str, str], body_parts: list[bytes], *, disconnect: bool = False
) -> list[dict[str, Any]]:
    """Send a request whose body comes in `body_parts` (then a disconnect if asked): all it sent back."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def exchange() -> list[dict[str, Any]]:
        communicator = ApplicationCommunicator(application, scope)
        for number, part in enumerate(body_parts):
            more = number < len(body_parts) - 1 or disconnect
            await communicator.send_input({"type": "http.request", "body": part, "more_body": more})
        if disconnect:
            await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(timeout=20)
        messages = []
        while not communicator.output_queue.empty():
            messages.append(await communicator.receive_output())
        return messages

    return async_to_sync(exchange)()


def test_an_answer_is_one_start_and_one_body_message(owner, make_idea, mint_token) -> None:
    make_idea(title="Two messages")
    messages = asgi_exchange("GET", "/api/v1/ideas", {"Authorization": f"Bearer {mint_token(owner)}"}, [b""])

    assert [message["type"] for message in messages] == ["http.response.start", "http.response.body"]
    assert messages[1].get("more_body", False) is False
    assert b"Two messages" in messages[1]["body"]
    content_length = dict(messages[0]["headers"]).get(b"Content-Length")
    assert content_length is None or int(content_length) == len(messages[1]["body"])


def _json_headers(token: str, body: bytes) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
    }


def test_a_body_in_several_messages_reaches_the_view_whole(owner, mint_token) -> None:
    body = json.dumps({"title": "Sent in parts", "notes": "n" * 3000}).encode()
    parts = [body[:10], body[10:2000], body[2000:]]
    messages = asgi_exchange("POST", "/api/v1/ideas", _json_headers(mint_token(owner), body), parts)

    assert messages[0]["status"] == 201, messages
    assert json.loads(messages[1]["body"])["data"]["title"] == "Sent in parts"


def test_a_client_gone_before_its_body_ends_gets_no_answer_and_nothing_is_made(owner, mint_token) -> None:
    from ideas.models import Idea

    body = json.dumps({"title": "Never finished"}).encode()
    messages = asgi_exchange(
        "POST", "/api/v1/ideas", _json_headers(mint_token(owner), body), [body[:5]], disconnect=True
    )

    assert messages == []
    assert not Idea.objects.filter(title="Never finished").exists()


@pytest.mark.parametrize(
    "route",
    [
        "/api/v1/{user}/ideas/{idea}",
        "/api/v1/{user}/ideas/{idea}/",
        "/api/v1/{user}/ideas?limit=5",
        "/api/v1/ideas/{idea}",
        "/api/v1/no/such/route",
        "/api/v1/{user}/ideas/{idea}/no-such-thing/at-all",
    ],
)
def test_the_lean_path_resolves_a_detail_a_list_and_a_404_as_the_test_client(
    owner, make_idea, mint_token, owner_client, route
) -> None:
    # The lean path resolves URLs with creatorvault.urlresolve, the test client with Django's own.
    idea = make_idea(title="Resolved")
    path = route.format(user=owner.id, idea=idea.id)

    status, _, body = asgi_get(path, {"Authorization": f"Bearer {mint_token(owner)}"})

    expected = owner_client.get(path)
    assert status == expected.status_code
    answer, expected_answer = json.loads(body), expected.json()
    assert answer.get("data") == expected_answer.get("data")
    assert answer.get("error") == expected_answer.get("error")
    assert status == 404 or "Resolved" in body.decode()


def test_the_lean_path_labels_its_metrics_with_the_route_template(owner, make_idea, mint_token) -> None:
    from creatorvault.metrics import HTTP_REQUESTS

    idea = make_idea()
    route = "/api/v1/{user_id}/ideas/{id}"
    labels = {"route": route, "method": "GET", "status": "200"}
    before = HTTP_REQUESTS.labels(**labels)._value.get()

    status, _, _ = asgi_get(
        f"/api/v1/{owner.id}/ideas/{idea.id}", {"Authorization": f"Bearer {mint_token(owner)}"}
    )

    assert status == 200
    assert HTTP_REQUESTS.labels(**labels)._value.get() == before + 1
