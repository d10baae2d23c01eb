"""Schemathesis over the served OpenAPI document: every operation, every default check, real tokens.

The schema is fetched from `/api/schema` through the WSGI application, so what is tested is what
is served. Requests carry a real Bearer token of the owner; `{user_id}` paths are pointed at the
owner so those operations are exercised beyond their 403. Hypothesis runs a modest number of
examples per operation to keep the suite to a couple of minutes.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 30


# The document as the app serves it (no database needed), limited to the ideas operations
# (ideas, their revisions and bulk changes, tags and tag operations, the trash).
schema = (
    schemathesis.openapi.from_wsgi("/api/schema?format=json", application)
    .include(path_regex=r"^/api/v1/(\{user_id\}/ideas|ideas|tags|trash|users/me)")
    .exclude(path="/api/v1/users/me", method="DELETE")
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Do what Django's test client does: keep the request signals from closing the connection.

    Schemathesis calls the real WSGI handler, whose request signals would close (on PostgreSQL,
    return to the pool and roll back) the connection the test's transaction lives on.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """Hypothesis may call one operation more often than the per-user limit (tested elsewhere)."""
    settings.RATELIMIT_ENABLE = False


# derandomize: the same examples on every run, so CI is repeatable and a failure reproduces.
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_ideas_api_conforms_to_its_schema(case, owner, mint_token):
    if case.path_parameters and "user_id" in case.path_parameters:
        case.path_parameters["user_id"] = owner.pk
    # An opaque cursor cannot come from the schema: any string it allows is one this server never
    # issued, so its 400 is right (cursor pagination is tested with real cursors elsewhere).
    excluded = [positive_data_acceptance] if case.query and "cursor" in case.query else []
    case.call_and_validate(headers={"Authorization": f"Bearer {mint_token(owner)}"}, excluded_checks=excluded)
