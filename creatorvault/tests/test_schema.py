"""The OpenAPI document validates and describes envelopes, errors and the bearer scheme."""

from __future__ import annotations

import json
import re

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


def test_the_document_generates_clean_clients(api_client: APIClient) -> None:
    """What generated clients need (issue 16): no request defaults, no path twins, readable ids,
    servers and licence, X-Request-ID on every response, the ETag of a 412, 304 on conditional GETs."""
    schema = api_client.get("/api/schema?format=json").json()
    assert schema["servers"] and schema["servers"][0]["url"]
    assert schema["info"]["license"]["name"]
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request"):
            for field, prop in component.get("properties", {}).items():
                assert "default" not in prop, (name, field)
    assert (
        "Omitted on create or replace: `medium`"
        in (schema["components"]["schemas"]["IdeaWriteRequest"]["properties"]["priority"]["description"])
    )
    assert not [path for path in schema["paths"] if "{user_id}" in path]
    assert "/api/v1/{user_id}/ideas" in schema["info"]["description"]
    operation_ids = [
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]*)*", op) for op in operation_ids), operation_ids
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                assert "X-Request-ID" in response.get("headers", {}), (method, path, status)
            if "412" in operation["responses"]:
                assert "ETag" in operation["responses"]["412"]["headers"], (method, path)
    for path in ("/api/v1/ideas", "/api/v1/ideas/{id}", "/api/v1/trash", "/api/v1/ideas/{id}/revisions"):
        get = schema["paths"][path]["get"]
        assert "304" in get["responses"], path
        assert "ETag" in get["responses"]["200"]["headers"], path
    bad_request = schema["paths"]["/api/v1/ideas/{id}"]["patch"]["responses"]["400"]
    assert "required" not in json.dumps(bad_request["content"]["application/json"]["example"])


def test_links_chain_an_idea_from_create_to_trash_and_every_link_resolves(api_client: APIClient) -> None:
    """The OpenAPI links Schemathesis's stateful phase follows (`make fuzz`): each names an operation
    of the document and only parameters that operation takes, and the idea's life is linked."""
    schema = api_client.get("/api/schema?format=json").json()
    operations = {
        operation["operationId"]: operation
        for operations in schema["paths"].values()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "operationId" in operation
    }
    graph: dict[str, set[str]] = {}
    for source_id, source in operations.items():
        for response in source["responses"].values():
            for name, found in response.get("links", {}).items():
                target = operations.get(found["operationId"])
                assert target is not None, (source_id, name)
                taken = {f"{p['in']}.{p['name']}" for p in target.get("parameters", [])}
                taken |= {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
                for parameter, expression in found["parameters"].items():
                    assert parameter in taken, (source_id, name, parameter)
                    assert re.fullmatch(
                        r"\$(response\.body#/\S+|response\.header\.\S+|request\.path\.\w+)", expression
                    )
                graph.setdefault(source_id, set()).add(found["operationId"])
    assert {
        "getIdea",
        "updateIdea",
        "replaceIdea",
        "setIdeaStage",
        "deleteIdea",
        "listIdeaRevisions",
    } <= graph["createIdea"]
    assert {"restoreFromTrash", "purgeFromTrash"} <= graph["deleteIdea"]
    assert {"getIdeaRevision", "restoreIdeaRevision"} <= graph["listIdeaRevisions"]
    assert "revokeToken" in graph["createToken"]
    assert "x-links" not in json.dumps(schema)
