"""The OpenAPI document validates and describes envelopes, errors and the bearer scheme."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


def test_schema_declares_bearer_scheme_and_envelopes(api_client: APIClient) -> None:
    response = api_client.get("/api/schema?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["securitySchemes"]["BearerAuth"]["scheme"] == "bearer"
    assert "ErrorEnvelope" in schema["components"]["schemas"]
    for code in (
        "VALIDATION_ERROR",
        "AUTH_ERROR",
        "PRECONDITION_FAILED",
        "RATE_LIMIT_EXCEEDED",
        "DATABASE_ERROR",
    ):
        assert code in schema["info"]["description"]
    for path, operations in schema["paths"].items():
        if path.startswith("/health"):
            continue  # probes: no token (test_health_probes_are_documented_without_security)
        for method, operation in operations.items():
            # Better Auth's JWT everywhere; personal access tokens where their scope allows.
            assert {"BearerAuth": []} in operation["security"], (method, path)
            assert all(r in ({"BearerAuth": []}, {"PersonalAccessToken": []}) for r in operation["security"])
            responses = operation["responses"]
            assert "401" in responses and "429" in responses, (method, path)
            for status, response_doc in responses.items():
                content = response_doc.get("content", {}).get("application/json")
                if status.startswith("2") and content:
                    assert content["schema"]["required"] == ["success", "data", "meta"], (method, path)


def test_docs_are_served_from_bundled_assets(api_client: APIClient) -> None:
    docs = api_client.get("/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()
    redoc = api_client.get("/redoc/")
    assert redoc.status_code == 200
    assert "cdn" not in redoc.content.decode().lower()


def test_health_probes_are_documented_without_security(api_client: APIClient) -> None:
    """The document covers every path served, the plain-Django probes included, truthfully."""
    schema = api_client.get("/api/schema?format=json").json()
    for path in ("/health", "/health/db", "/health/ready"):
        operation = schema["paths"][path]["get"]
        assert operation["security"] == []
        documented = operation["responses"]["200"]["content"]["application/json"]["schema"]
        data_schema = documented["properties"]["data"]
        served = api_client.get(path).json()["data"]
        assert set(served) == set(data_schema["required"]) == set(data_schema["properties"]), path
    assert "503" in schema["paths"]["/health/ready"]["get"]["responses"]


@pytest.mark.parametrize("path", ["/api/schema", "/docs", "/redoc/"])
def test_schema_and_docs_errors_are_json_envelopes(api_client: APIClient, path: str) -> None:
    response = api_client.post(path)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert body["meta"]["request_id"] == response["X-Request-ID"]


def test_schema_answers_an_accept_it_cannot_match_with_the_yaml_default(api_client: APIClient) -> None:
    response = api_client.get("/api/schema", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi:")
    assert api_client.get("/api/schema", HTTP_ACCEPT="application/json").json()["openapi"]
