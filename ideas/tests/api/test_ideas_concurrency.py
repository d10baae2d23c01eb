"""No lost updates: ETag/version on every idea response, If-Match honoured, row locks on writes."""

from __future__ import annotations

import pytest

from ideas.models import Idea
from ideas.services.content import if_match_allows
from ideas.tests.helpers import detail_url, run_concurrently

pytestmark = pytest.mark.django_db

WRITES = [
    ("put", "", {"title": "Replaced"}),
    ("patch", "", {"title": "Patched"}),
    ("patch", "/stage", {"stage": "draft"}),
    ("delete", "", None),
]


def call(client, method, path, body, **headers):
    if body is None:
        return getattr(client, method)(path, **headers)
    return getattr(client, method)(path, body, format="json", **headers)


def test_every_single_idea_response_carries_etag_and_version(owner_client, make_idea):
    created = owner_client.post("/api/v1/ideas", {"title": "x"}, format="json")
    idea_id = created.json()["data"]["id"]
    responses = [
        created,
        owner_client.get(detail_url(idea_id)),
        owner_client.put(detail_url(idea_id), {"title": "y"}, format="json"),
        owner_client.patch(detail_url(idea_id), {"notes": "z"}, format="json"),
        owner_client.patch(detail_url(idea_id, suffix="/stage"), {"stage": "outline"}, format="json"),
    ]
    for version, response in enumerate(responses[1:], start=1):
        assert response["ETag"] == f'"{response.json()["data"]["version"]}"'
        assert response.json()["data"]["version"] == max(version, 1)
    assert responses[-1].json()["data"]["version"] == 4


@pytest.mark.parametrize(("method", "suffix", "body"), WRITES)
def test_matching_if_match_allows_the_write(owner_client, make_idea, method, suffix, body):
    idea = make_idea()
    response = call(owner_client, method, detail_url(idea, suffix=suffix), body, HTTP_IF_MATCH='"1"')
    assert response.status_code in (200, 204)
    if response.status_code == 200:
        assert response["ETag"] == '"2"'


@pytest.mark.parametrize(("method", "suffix", "body"), WRITES)
@pytest.mark.parametrize("if_match", ['"2"', 'W/"1"', "garbage", '"1-x"', ""])
def test_stale_if_match_is_412_and_changes_nothing(owner_client, make_idea, method, suffix, body, if_match):
    idea = make_idea(title="Original")
    response = call(owner_client, method, detail_url(idea, suffix=suffix), body, HTTP_IF_MATCH=if_match)
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "PRECONDITION_FAILED"
    idea.refresh_from_db()
    assert (idea.title, idea.stage, idea.version) == ("Original", "idea", 1)


def test_two_tabs_cannot_silently_overwrite_each_other(owner_client, make_idea):
    idea = make_idea(title="Draft title")
    etag = owner_client.get(detail_url(idea))["ETag"]
    first = owner_client.patch(detail_url(idea), {"title": "Tab one"}, format="json", HTTP_IF_MATCH=etag)
    second = owner_client.patch(detail_url(idea), {"title": "Tab two"}, format="json", HTTP_IF_MATCH=etag)
    assert (first.status_code, second.status_code) == (200, 412)
    idea.refresh_from_db()
    assert idea.title == "Tab one"


@pytest.mark.parametrize(
    ("header", "etag", "allowed"),
    [
        (None, '"3"', True),
        ("*", '"3"', True),
        ('"3"', '"3"', True),
        ("3", '"3"', True),
        ('"1", "3"', '"3"', True),
        ('W/"3"', '"3"', False),
        ('"4"', '"3"', False),
        ("", '"3"', False),
    ],
)
def test_if_match_comparison(header, etag, allowed):
    assert if_match_allows(header, etag) is allowed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_with_the_same_if_match_let_exactly_one_win(client_for, owner):
    idea = Idea.objects.create(user=owner, title="Contended")
    clients = [client_for(owner) for _ in range(8)]

    def write(i: int) -> int:
        response = clients[i].patch(
            detail_url(idea), {"title": f"Writer {i}"}, format="json", HTTP_IF_MATCH='"1"'
        )
        return response.status_code

    statuses = run_concurrently(8, write)
    assert sorted(statuses) == [200] + [412] * 7
    idea.refresh_from_db()
    assert idea.version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_without_if_match_are_serialised_not_lost(client_for, owner):
    idea = Idea.objects.create(user=owner, title="Busy")
    clients = [client_for(owner) for _ in range(8)]

    def write(i: int) -> int:
        response = clients[i].patch(detail_url(idea), {"stage": "draft"}, format="json")
        return response.json()["data"]["version"]

    versions = run_concurrently(8, write)
    # Every write saw its predecessor: each got its own version, none was lost.
    assert sorted(versions) == list(range(2, 10))
    idea.refresh_from_db()
    assert idea.version == 9


def test_the_schema_does_not_allow_the_empty_if_match_the_server_refuses(api_client):
    import re

    schema = api_client.get("/api/schema?format=json").json()
    for path, method in [("/api/v1/ideas/{id}", "patch"), ("/api/v1/ideas/{id}/stage", "patch")]:
        (param,) = [p for p in schema["paths"][path][method]["parameters"] if p["name"] == "If-Match"]
        assert param["schema"]["minLength"] == 1
        pattern = re.compile(param["schema"]["pattern"])
        assert not pattern.search("   ") and pattern.search('"3"') and pattern.search("*")
