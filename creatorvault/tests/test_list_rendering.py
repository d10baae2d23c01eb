"""A list page is encoded once, for its weak ETag and its body: the same bytes as before.

`ApiView.list_response` hands the renderer the bytes it digested; the body must still be what
`EnvelopeJSONRenderer` makes of the whole envelope, and the ETag the digest of its `data`.
"""

from __future__ import annotations

import json

import orjson
import pytest
from rest_framework.test import APIClient

from creatorvault.api.conditional import etag_of
from creatorvault.api.renderers import EnvelopeJSONRenderer

pytestmark = pytest.mark.django_db


class _Enveloped:
    status_code = 200
    is_envelope = True


def test_a_list_page_is_the_renderers_bytes_with_the_digest_of_its_data(
    owner_client: APIClient, make_idea
) -> None:
    make_idea(title="Line\u2028separator and \u2029 paragraph, Ünïcödé 🎬")
    make_idea(title="plain")
    response = owner_client.get("/api/v1/ideas")
    assert response.status_code == 200
    body = response.content
    assert b"\\u2028" in body and "\u2028".encode() not in body
    parsed = json.loads(body)
    assert body == EnvelopeJSONRenderer().render(parsed, renderer_context={"response": _Enveloped()})
    assert response["ETag"] == etag_of(orjson.dumps(parsed["data"]))
    again = owner_client.get("/api/v1/ideas", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
