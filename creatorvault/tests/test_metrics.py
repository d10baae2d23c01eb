"""/metrics: Prometheus text format, bearer-protected, labels bounded by route templates."""

from __future__ import annotations

import secrets

import pytest
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN = "metrics-test-token"


@pytest.fixture
def scraper(settings) -> APIClient:
    settings.METRICS_TOKEN = TOKEN
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    return client


def scrape(client: APIClient) -> dict[str, list]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    families = text_string_to_metric_families(response.content.decode())
    return {family.name: family.samples for family in families}


def sample_value(families: dict[str, list], name: str, **labels: str) -> float:
    for sample in (sample for samples in families.values() for sample in samples):
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
            return float(sample.value)
    return 0.0


def test_metrics_parse_and_count_a_request_by_route_template(scraper, owner_client, make_idea) -> None:
    idea = make_idea()
    before = scrape(scraper)
    labels = {"route": "/api/v1/ideas/{id}", "method": "GET", "status": "200"}
    assert owner_client.get(f"/api/v1/ideas/{idea.pk}").status_code == 200
    after = scrape(scraper)
    series = "creatorvault_http_requests_total"
    assert sample_value(after, series, **labels) == sample_value(before, series, **labels) + 1
    histogram = "creatorvault_http_request_duration_seconds_count"
    route = {"route": "/api/v1/ideas/{id}", "method": "GET"}
    assert sample_value(after, histogram, **route) == sample_value(before, histogram, **route) + 1
    buckets = {
        s.labels["le"]
        for s in after["creatorvault_http_request_duration_seconds"]
        if s.name.endswith("_bucket")
    }
    assert {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5"} <= buckets
    for name in ("creatorvault_http_requests_in_flight", "creatorvault_database_pool_wait_seconds"):
        assert name in after


def test_metrics_refuse_without_the_token(settings, api_client) -> None:
    settings.METRICS_TOKEN = TOKEN
    for header in (None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"):
        client = APIClient()
        if header:
            client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/metrics")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "AUTH_ERROR"
        assert "creatorvault_" not in response.content.decode()


def test_metrics_are_closed_without_a_configured_token(settings, api_client) -> None:
    settings.METRICS_TOKEN = ""
    response = api_client.get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_label_cardinality_stays_bounded_under_random_paths(scraper, owner_client, owner) -> None:
    before = scrape(scraper)
    secrets_seen = []
    for _ in range(40):
        word = secrets.token_hex(6)
        secrets_seen.append(word)
        owner_client.get(f"/api/v1/ideas/{word}")
        owner_client.get(f"/api/v1/{word}/ideas")
        owner_client.get(f"/no/such/{word}")
        owner_client.generic(f"X{word[:5]}", "/health")
    after = scrape(scraper)
    text = scraper.get("/metrics").content.decode()
    assert not any(word in text for word in secrets_seen)
    assert owner.pk not in text
    added = {tuple(sorted(s.labels.items())) for s in after["creatorvault_http_requests"]} - {
        tuple(sorted(s.labels.items())) for s in before.get("creatorvault_http_requests", [])
    }
    # 160 requests to 160 different paths and 40 made-up methods: a handful of series at most.
    assert len(added) <= 8, added
    routes = {s.labels["route"] for s in after["creatorvault_http_requests"]}
    assert {"/api/v1/ideas/{id}", "/api/v1/{user_id}/ideas", "unmatched"} <= routes
    methods = {s.labels["method"] for s in after["creatorvault_http_requests"]}
    assert "other" in methods
    assert not any(m.startswith("X") for m in methods)


def test_rate_limit_refusals_are_counted_by_scope(scraper, settings, api_client) -> None:
    settings.RATELIMIT_ANON = "1/m"
    before = scrape(scraper)
    for _ in range(3):
        api_client.get("/api/v1/ideas")
    after = scrape(scraper)
    series = "creatorvault_rate_limit_refusals_total"
    assert sample_value(after, series, scope="api:anon") >= sample_value(before, series, scope="api:anon") + 2
