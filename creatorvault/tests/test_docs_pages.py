"""Our pages name no other origin, carry a Content-Security-Policy; unknown API paths are JSON 404s.

The browser test (backoffice/tests/browser/test_pages_offline.py) watches the requests a real
browser makes; these checks run everywhere, Chromium or not.
"""

from __future__ import annotations

import gzip
import re

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

OTHER_ORIGIN = re.compile(rb"(?:src|href)=[\"']?(?:https?:)?//", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/", "/docs", "/redoc", "/admin/login/"])
def test_page_references_only_our_origin_and_has_a_policy(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert not OTHER_ORIGIN.search(response.content), response.content[:500]
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_inline_docs_scripts_carry_the_policy_nonce(client: Client) -> None:
    for path in ("/docs", "/redoc"):
        response = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert nonce is not None
        assert f'<script nonce="{nonce.group(1)}">'.encode() in response.content


def test_redoc_bundle_is_the_sidecars_without_the_third_party_logo(client: Client) -> None:
    response = client.get("/redoc/bundle.js")
    assert response.status_code == 200
    body = response.content
    assert b"Redoc" in body and len(body) > 500_000
    assert b"cdn.redoc.ly" not in body
    assert client.get("/redoc/bundle.js", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_api_paths_are_json_404_in_every_mode(debug: bool, method: str) -> None:
    with override_settings(DEBUG=debug):
        response = getattr(Client(), method)("/api/v1/no-such-thing/here")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_large_json_is_gzipped_for_clients_that_accept_it(client: Client) -> None:
    plain = client.get("/api/schema?format=json")
    zipped = client.get("/api/schema?format=json", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert len(zipped.content) < len(plain.content) / 5
    assert gzip.decompress(zipped.content) == plain.content
    bundle = client.get("/redoc/bundle.js", HTTP_ACCEPT_ENCODING="gzip, br")
    assert bundle["Content-Encoding"] == "gzip"
    assert b"Redoc" in gzip.decompress(bundle.content)


def test_small_json_and_html_are_not_gzipped(client: Client) -> None:
    assert "Content-Encoding" not in client.get("/health", HTTP_ACCEPT_ENCODING="gzip")
    assert "Content-Encoding" not in client.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
