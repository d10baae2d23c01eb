"""The headers every API answer carries, as django-csp and django-cors-headers would set them.

`creatorvault.middleware` builds the settings' policy once and skips `request.headers` for
requests without an `Origin`; these checks hold it to the libraries' own answers.
"""

from __future__ import annotations

import pytest
from csp.utils import build_policy
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_api_answers_carry_the_settings_policy(owner_client: APIClient) -> None:
    for _ in range(2):  # the first answer builds the policy, the second reuses it
        response = owner_client.get("/api/v1/ideas")
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == build_policy()
        assert "Content-Security-Policy-Report-Only" not in response
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_changed_policy_setting_is_the_one_answered(owner_client: APIClient, settings) -> None:
    assert "img-src 'self' data:" in owner_client.get("/api/v1/ideas")["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    response = owner_client.get("/api/v1/ideas")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["Content-Security-Policy-Report-Only"] == "default-src 'self'"


def test_the_docs_nonce_is_per_response(client) -> None:
    first = client.get("/docs")["Content-Security-Policy"]
    second = client.get("/docs")["Content-Security-Policy"]
    assert "'nonce-" in first and "'nonce-" in second and first != second


def test_vary_origin_with_and_without_an_origin(owner_client: APIClient, settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]
    plain = owner_client.get("/api/v1/ideas")
    assert plain["Vary"].lower().split(", ").count("origin") == 1
    assert "Access-Control-Allow-Origin" not in plain
    browser = owner_client.get("/api/v1/ideas", HTTP_ORIGIN="http://localhost:3000")
    assert browser["Vary"] == plain["Vary"]
    assert browser["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "Vary" not in owner_client.get("/health")
