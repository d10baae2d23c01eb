"""The chat's metrics, read from /metrics after real turns: tokens, first token, duration, tools, streams.

In process with the SDK's scripted model (tool outcomes, token counts, a stream seen while it is
open), and over sockets with the stub OpenAI-compatible provider and prometheus-client's
multiprocess mode (what gunicorn runs). Labels never carry who or what: no user id, email,
conversation id, title or message text appears anywhere in the exposition.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from agents.testing import ModelStep, assistant_message, function_call
from agents.usage import Usage
from asgiref.sync import sync_to_async
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from assistant.tests.test_chat import CHAT, body, parts_of
from assistant.tests.test_chat_e2e import provider_url  # noqa: F401 - the stub provider fixture
from assistant.tests.test_mcp_e2e import LiveServer, _api, _creator, live_server

METRICS_TOKEN = "chat-metrics-test-token"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): float(sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value (0 when the series has not been written yet)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def chat_labels(text: str) -> set[str]:
    """Every label value of the chat's series in an exposition."""
    return {
        v
        for family in text_string_to_metric_families(text)
        if family.name.startswith("creatorvault_chat_")
        for sample in family.samples
        for v in sample.labels.values()
    }


# --- In process: the scripted model -------------------------------------------------------------


@pytest.fixture
def exposition(settings) -> Any:
    """A function that reads /metrics (the process's registry) as text."""
    settings.METRICS_TOKEN = METRICS_TOKEN
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")

    def read() -> str:
        response = client.get("/metrics")
        assert response.status_code == 200
        return response.content.decode()

    return read


def usage(tokens_in: int, tokens_out: int) -> Usage:
    return Usage(
        requests=1, input_tokens=tokens_in, output_tokens=tokens_out, total_tokens=tokens_in + tokens_out
    )


@pytest.mark.django_db
def test_a_turn_counts_tokens_tools_by_outcome_first_token_and_duration(
    owner, owner_client, provider, sealing_keys, exposition
):
    before = _parse(exposition())
    missing = str(uuid.uuid4())
    provider(
        ModelStep(
            output=[
                function_call("add_idea", {"title": "Secret knife skills"}, call_id="call-1"),
                function_call("get_idea", {"idea_id": missing}, call_id="call-2"),
            ],
            usage=usage(120, 30),
        ),
        ModelStep(output=[assistant_message("Added one; the other is not there.")], usage=usage(200, 12)),
    )
    parts = parts_of(owner_client.post(CHAT, body("metrics-chat", "Add Secret knife skills"), format="json"))
    assert parts[-1]["type"] == "finish"
    text = exposition()
    after = _parse(text)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("creatorvault_chat_tokens_total", direction="in") == 320
    assert delta("creatorvault_chat_tokens_total", direction="out") == 42
    assert delta("creatorvault_chat_tool_calls_total", tool="add_idea", outcome="ok") == 1
    assert delta("creatorvault_chat_tool_calls_total", tool="get_idea", outcome="not_found") == 1
    assert delta("creatorvault_chat_time_to_first_token_seconds_count") == 1
    assert delta("creatorvault_chat_stream_duration_seconds_count", status="complete") == 1
    assert value(after, "creatorvault_chat_streams_active") == 0

    labels = chat_labels(text)
    assert labels  # the series are labelled...
    for private in (str(owner.pk), owner.email, "metrics-chat", "Secret knife skills", missing):
        assert private not in text  # ...never with who, where or what
        assert private not in labels


@pytest.mark.django_db
def test_a_failed_turn_is_measured_as_failed(owner_client, provider, sealing_keys, exposition):
    before = _parse(exposition())
    provider(RuntimeError("provider down"))
    parts = parts_of(owner_client.post(CHAT, body("metrics-fail", "hello"), format="json"))
    assert parts[-1]["type"] == "error"
    after = _parse(exposition())
    name = "creatorvault_chat_stream_duration_seconds_count"
    assert value(after, name, status="failed") == value(before, name, status="failed") + 1
    # No model output: no first token.
    first = "creatorvault_chat_time_to_first_token_seconds_count"
    assert value(after, first) == value(before, first)
    assert value(after, "creatorvault_chat_streams_active") == 0


@pytest.mark.django_db
def test_a_stream_is_active_while_it_is_open(owner_client, provider, sealing_keys, exposition):
    seen: list[float] = []

    async def answer_while_looking(call: Any) -> Any:
        seen.append(value(_parse(await sync_to_async(exposition)()), "creatorvault_chat_streams_active"))
        return [assistant_message("Looked.")]

    before = value(_parse(exposition()), "creatorvault_chat_streams_active")
    provider(ModelStep.respond(answer_while_looking))
    parts_of(owner_client.post(CHAT, body("metrics-live", "hello"), format="json"))
    assert seen == [before + 1]
    assert value(_parse(exposition()), "creatorvault_chat_streams_active") == before


# --- Over sockets: the stub provider, multiprocess mode -----------------------------------------

pytest_slow = pytest.mark.slow


@pytest.fixture(scope="module")
def metrics_server(
    django_db_setup,
    django_db_blocker,
    tmp_path_factory,
    provider_url,  # noqa: F811 - the fixture imported above
) -> Iterator[LiveServer]:
    """The live server with the stub provider, its metrics kept in multiprocess mode as under gunicorn."""
    state = tmp_path_factory.mktemp("chat-metrics")
    metrics_dir = state / "prometheus"
    metrics_dir.mkdir()
    with live_server(
        state,
        AI_BASE_URL=provider_url,
        AI_MODEL="stub",
        AI_TIMEOUT_SECONDS="5",
        CHAT_KEEPALIVE_SECONDS="1",
        METRICS_TOKEN=METRICS_TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    ) as server:
        yield server


def _scrape(server: LiveServer) -> str:
    response = httpx2.get(
        f"{server.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
    )
    assert response.status_code == 200
    return response.text


def _wait_for(condition: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the metrics"
        time.sleep(0.2)


@pytest_slow
@pytest.mark.django_db(transaction=True)
def test_a_provider_turn_over_sockets_in_multiprocess_mode(metrics_server):
    creator = _creator(metrics_server, "Ada Metrics")
    before = _parse(_scrape(metrics_server))
    response = httpx2.post(
        f"{metrics_server.url}/api/v1/chat",
        json={
            "id": "sockets-chat",
            "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": "add knives"}]}],
        },
        headers={"Authorization": f"Bearer {creator.token}"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.text.rstrip().endswith("data: [DONE]")
    stored = _api(metrics_server, creator, "GET", "/conversations/sockets-chat/messages")["messages"]
    answer = stored[-1]["metadata"]
    text = _scrape(metrics_server)
    after = _parse(text)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert answer["tokens_in"] > 0
    assert delta("creatorvault_chat_tokens_total", direction="in") == answer["tokens_in"]
    assert delta("creatorvault_chat_tokens_total", direction="out") == answer["tokens_out"]
    assert delta("creatorvault_chat_tool_calls_total", tool="add_idea", outcome="ok") == 1
    assert delta("creatorvault_chat_time_to_first_token_seconds_count") == 1
    assert delta("creatorvault_chat_stream_duration_seconds_count", status="complete") == 1
    for private in (creator.user_id, "e2e.example.com", "Ada Metrics", "sockets-chat", "Stub knife skills"):
        assert private not in text


@pytest_slow
@pytest.mark.django_db(transaction=True)
def test_a_slow_stream_is_live_until_its_client_goes_away(metrics_server):
    creator = _creator(metrics_server, "Ada")
    active = "creatorvault_chat_streams_active"
    interrupted = {"status": "interrupted"}
    duration = "creatorvault_chat_stream_duration_seconds_count"
    before = _parse(_scrape(metrics_server))
    with httpx2.stream(
        "POST",
        f"{metrics_server.url}/api/v1/chat",
        json={
            "id": "sockets-slow",
            "messages": [{"id": "u1", "role": "user", "parts": [{"type": "text", "text": "slow please"}]}],
        },
        headers={"Authorization": f"Bearer {creator.token}"},
        timeout=30,
    ) as response:
        chunks = response.iter_bytes()
        while b"text-delta" not in next(chunks):
            pass
        assert value(_parse(_scrape(metrics_server)), active) == value(before, active) + 1
    _wait_for(
        lambda: (
            value(_parse(_scrape(metrics_server)), duration, **interrupted)
            == value(before, duration, **interrupted) + 1
        )
    )
    assert value(_parse(_scrape(metrics_server)), active) == value(before, active)
