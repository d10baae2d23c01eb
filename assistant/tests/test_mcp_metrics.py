"""The MCP endpoint (outside Django's middleware) is counted in /metrics like Django's routes."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from assistant.tests.helpers import http_client, running_app

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "metrics-test-token"


def requests_total(settings, **labels: str) -> float:
    settings.METRICS_TOKEN = TOKEN
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    for family in text_string_to_metric_families(client.get("/metrics").content.decode()):
        for sample in family.samples:
            if sample.name == "creatorvault_http_requests_total" and sample.labels == labels:
                return float(sample.value)
    return 0.0


def test_the_mcp_endpoint_is_counted_under_its_route(settings) -> None:
    async def post_without_token() -> int:
        async with running_app() as app, http_client(app) as client:
            response = await client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
            return response.status_code

    status = asyncio.run(post_without_token())
    labels = {"route": "/mcp", "method": "POST", "status": str(status)}
    before = requests_total(settings, **labels)
    assert asyncio.run(post_without_token()) == status
    assert requests_total(settings, **labels) == before + 1
