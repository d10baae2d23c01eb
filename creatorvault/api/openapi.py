"""OpenAPI: the envelopes, the error table and the docs views, applied to every operation.

Views describe their payloads (the `data` of the envelope) with drf-spectacular as usual; the
post-processing hook below wraps every JSON success response in the success envelope and adds the
error responses each operation can answer, so the document tells the truth without each view
repeating it.
"""

from __future__ import annotations

import copy
from typing import Any

from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from creatorvault.api.cursor import CURSOR_MAX_CHARS, CURSOR_PATTERN
from creatorvault.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from creatorvault.api.renderers import EnvelopeJSONRenderer
from creatorvault.api.serializers import TrimmedLineField
from creatorvault.text import trimmed_pattern

ERRORS: dict[int, tuple[str, str]] = {
    400: ("VALIDATION_ERROR", "Bad body, bad query parameter or malformed JSON."),
    401: (
        "AUTH_ERROR",
        "No token, bad signature, expired, wrong issuer or audience; a revoked, expired or unknown "
        "personal access token.",
    ),
    403: (
        "FORBIDDEN",
        "The path's user id is not the caller, the account is disabled, or the token lacks the "
        "operation's scope.",
    ),
    404: ("NOT_FOUND", "No such resource for this caller."),
    405: ("METHOD_NOT_ALLOWED", "The path does not support this method."),
    409: ("CONFLICT", "The write conflicts with the current state."),
    412: ("PRECONDITION_FAILED", "If-Match names a version that is no longer current."),
    413: ("PAYLOAD_TOO_LARGE", "The body is over the size limit."),
    429: ("RATE_LIMIT_EXCEEDED", "Over the rate limit; see Retry-After."),
    500: ("INTERNAL_ERROR", "A bug. The message carries the request id; never a stack trace."),
    503: ("DATABASE_ERROR", "The database is unreachable."),
}
# Codes that share a status with one above (listed in the description and the code enum).
MORE_ERRORS: list[tuple[int, tuple[str, str]]] = [
    (
        503,
        (
            "SERVICE_UNAVAILABLE",
            "Better Auth's signing keys cannot be fetched (none cached yet); see Retry-After.",
        ),
    ),
    (503, ("AI_UNAVAILABLE", "The chat has no AI model provider configured (MCP still works).")),
]

EXAMPLE_META = {"request_id": "req_3f2a9c1d4b5e6f708192a3b4", "timestamp": "2026-01-04T10:30:00Z"}

DESCRIPTION = (
    """
The CreatorVault API: a privacy-first content idea manager for creators.

**Authentication.** Every `/api/v1` operation needs `Authorization: Bearer <token>`: a JWT issued
by Better Auth's `jwt` plugin (EdDSA by default), verified against the Better Auth JWKS, which has
full access; or, where the operation lists the `PersonalAccessToken` scheme, a personal access
token (`cvp_…`), which can do only what its scopes allow.

**Scopes.** An operation open to personal access tokens names the scope it needs in its
description and in `x-required-scope`; a token without it gets 403 `FORBIDDEN` naming the scope
(with `WWW-Authenticate: Bearer error="insufficient_scope", scope="…"`). The scopes are listed
with the `PersonalAccessToken` scheme.

**Envelopes.** Success: `{"success": true, "data": ..., "meta": {"request_id", "timestamp"}}`.
Errors: `{"success": false, "error": {"code", "message", "details": [{"field", "message",
"type"}]}, "meta": ...}`. Every response carries `X-Request-ID` (yours, if you send a sane one).

**Paths** work with and without a trailing slash, without redirects. Every `/api/v1/ideas…` path
(ideas, stage, revisions, bulk) is also served as `/api/v1/{user_id}/ideas…`, for frontends that
put the user id in the path: the same operations with the same bodies and answers, documented once
here under the plain paths (a generated client needs only those). `{user_id}` must be the caller's
own id; any other answers 403 `FORBIDDEN` before anything is read.

**Conditional requests.** An idea's `ETag` is its version (strong, `"3"`): send it in `If-Match`
to write only that version (412 `PRECONDITION_FAILED` otherwise, with the current `ETag`), or in
`If-None-Match` on a GET for a bodiless 304 when it is still current. List pages carry a weak
`ETag` (a digest of the page as answered) and honour `If-None-Match` the same way.

**Pagination.** Lists take `limit` and `offset` (counted: `total`); the ideas list, the trash and
revisions also take `cursor`, the `next_cursor` of the previous page, which stays right while
items are added or removed. When both are sent the cursor wins and `offset` is ignored.

**Defaults.** Request bodies declare no `default`: where the server fills in an omitted field it
says so in the field's description (on `PATCH` an omitted field is simply left unchanged).

| status | code | when |
| --- | --- | --- |
"""
    + "\n".join(
        f"| {status} | `{code}` | {when} |" for status, (code, when) in [*ERRORS.items(), *MORE_ERRORS]
    )
    + """

**Rate limits.** Per authenticated user and per IP for callers without a valid token; a 429 has
`Retry-After` (seconds).

**CORS.** Browser origins in `ALLOWED_ORIGINS` get CORS on every answer, errors included; pages
may read `ETag`, `Location`, `Retry-After`, `X-Request-ID`, `WWW-Authenticate` and the
`RateLimit-*` headers.
"""
)

META_SCHEMA = {
    "type": "object",
    "required": ["request_id", "timestamp"],
    "properties": {
        "request_id": {"type": "string", "example": EXAMPLE_META["request_id"]},
        "timestamp": {"type": "string", "format": "date-time"},
    },
}
ERROR_ENVELOPE_SCHEMA = {
    "type": "object",
    "required": ["success", "error", "meta"],
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {
                    "type": "string",
                    "enum": [code for code, _ in [*ERRORS.values(), *(entry for _, entry in MORE_ERRORS)]],
                },
                "message": {"type": "string"},
                "details": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message", "type"],
                        "properties": {
                            "field": {"type": "string"},
                            "message": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                },
            },
        },
        "meta": {"$ref": "#/components/schemas/Meta"},
    },
}
HTTP_METHODS = {"get", "put", "post", "patch", "delete"}

#: `limit` and `offset` of a list paginated with `creatorvault.api.pagination.parse_page_params`.
PAGE_PARAMETERS = [
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        OpenApiParameter.QUERY,
        description="Page size.",
    ),
    OpenApiParameter(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        OpenApiParameter.QUERY,
        description="How many items to skip.",
    ),
]

#: The `cursor` of a list served by `creatorvault.api.pagination.list_page`.
CURSOR_PARAMETER = OpenApiParameter(
    "cursor",
    {"type": "string", "maxLength": CURSOR_MAX_CHARS, "pattern": CURSOR_PATTERN},
    OpenApiParameter.QUERY,
    description="The `next_cursor` of the previous page: the page after it, correct while items are "
    "added or removed (for infinite scroll). Opaque; bound to the list's filters and sort (another "
    "list's cursor is a 400 naming `cursor`). **Wins over `offset`**, which is then ignored. A page "
    "fetched by cursor is not counted: its `total` and `offset` are null.",
)
#: `limit`, `offset` and `cursor` of a list paginated with `parse_list_page_params`.
LIST_PAGE_PARAMETERS = [*PAGE_PARAMETERS, CURSOR_PARAMETER]

#: `If-None-Match` of a GET that answers 304 while its `ETag` is current.
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="An `ETag` from an earlier answer (or several, comma-separated, or `*`): while it is "
    "still current the answer is 304 Not Modified, without a body (compared weakly).",
)
#: The weak `ETag` of a list page.
LIST_ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description='The page\'s weak entity tag (`W/"…"`, a digest of the page as answered); send it in '
    "If-None-Match to get 304 while the page is unchanged.",
)


class StrictInputSerializerExtension(OpenApiSerializerExtension):
    """Request bodies declare `additionalProperties: false`: unknown fields are refused.

    A trimmed line (`TrimmedLineField`) is described by its pattern alone: its length limits apply
    after trimming, which `minLength`/`maxLength` cannot say.
    """

    target_class = "creatorvault.api.serializers.StrictInputSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["additionalProperties"] = False
        for name, field in self.target.fields.items():
            if isinstance(field, TrimmedLineField) and name in schema.get("properties", {}):
                prop = schema["properties"][name]
                prop.pop("minLength", None)
                prop.pop("maxLength", None)
                prop["pattern"] = trimmed_pattern(field.max_length or 0)
        return schema


class LenientSchemaNegotiation(DefaultContentNegotiation):
    """Honour `?format=` and `Accept`; an `Accept` naming nothing we serve gets the YAML default.

    A 406 is not in the API's error table, and the document is useful whatever the client asked.
    """

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            renderer = renderers[0]
            return renderer, renderer.media_type


class EnvelopedErrorsMixin:
    """Errors of the schema and docs views are the JSON error envelope, not YAML or HTML."""

    def handle_exception(self, exc: Exception) -> Response:
        request = self.request  # type: ignore[attr-defined]
        request.accepted_renderer = EnvelopeJSONRenderer()
        request.accepted_media_type = EnvelopeJSONRenderer.media_type
        response: Response = super().handle_exception(exc)  # type: ignore[misc]
        return response


class SchemaView(EnvelopedErrorsMixin, SpectacularAPIView):
    """`/api/schema`: YAML by default, JSON with `?format=json` or `Accept: application/json`."""

    content_negotiation_class = LenientSchemaNegotiation


class DocsView(EnvelopedErrorsMixin, SpectacularSwaggerView):
    """`/docs`: Swagger UI, served from the sidecar's bundled assets (no CDN)."""


class RedocView(EnvelopedErrorsMixin, SpectacularRedocView):
    """`/redoc`: ReDoc, from the sidecar's bundle without its third-party logo (docs_assets)."""

    @staticmethod
    def _redoc_standalone() -> str:
        return reverse("redoc-bundle")


def _wrap_success(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["success", "data", "meta"],
        "properties": {
            "success": {"type": "boolean", "enum": [True]},
            "data": schema,
            "meta": {"$ref": "#/components/schemas/Meta"},
        },
    }


def _error_response(status: int) -> dict[str, Any]:
    code, when = ERRORS[status]
    response: dict[str, Any] = {
        "description": when,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/ErrorEnvelope"},
                "example": {
                    "success": False,
                    "error": {
                        "code": code,
                        "message": when,
                        "details": (
                            [
                                {
                                    "field": "priority",
                                    "message": '"urgent" is not a valid choice.',
                                    "type": "invalid_choice",
                                }
                            ]
                            if status == 400
                            else []
                        ),
                    },
                    "meta": EXAMPLE_META,
                },
            }
        },
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer error="invalid_token"'}
        }
    if status == 403:
        response["headers"] = {
            "WWW-Authenticate": {
                "schema": {"type": "string"},
                "description": 'Only when the token lacks the scope: Bearer error="insufficient_scope", '
                'scope="<the scope>".',
            }
        }
    if status == 412:
        response["headers"] = {
            "ETag": {
                "schema": {"type": "string"},
                "description": 'The current version (`"4"`): refetch, or retry with it.',
            }
        }
    if status == 429:
        response["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds until the window resets."}
        }
    return response


REQUEST_ID_HEADER = {
    "description": "The request's id (the one sent in `X-Request-ID`, if sane, or a new `req_…`); also "
    "`meta.request_id` of the body. Quote it when reporting a problem.",
    "schema": {"type": "string"},
}

NOT_MODIFIED: dict[str, Any] = {
    "description": "Not Modified: the `ETag` named in `If-None-Match` is still current (no body).",
    "headers": {"ETag": {"schema": {"type": "string"}, "description": "The current entity tag."}},
}


def _with_request_id(response: dict[str, Any]) -> None:
    if "$ref" not in response:
        response.setdefault("headers", {})["X-Request-ID"] = {"$ref": "#/components/headers/XRequestID"}


def _has_header_parameter(operation: dict[str, Any], name: str) -> bool:
    return any(
        p.get("in") == "header" and p.get("name", "").lower() == name for p in operation.get("parameters", [])
    )


def _defaults_as_prose(schemas: dict[str, Any]) -> None:
    """Request bodies carry no `default`: generators make such fields required, or fill them in
    (a PATCH would reset them). The server applies defaults itself; the description says which."""
    for name, schema in schemas.items():
        if not name.endswith("Request"):
            continue
        for prop in schema.get("properties", {}).values():
            if "default" not in prop:
                continue
            default = prop.pop("default")
            shown = '`""` (empty)' if default == "" else f"`{default}`"
            note = (
                f"Omitted on create or replace: {shown}."
                if not name.startswith("Patched")
                else ("Omitted: left unchanged.")
            )
            prop["description"] = f"{prop.get('description', '')} {note}".strip()


#: Operation extension naming error statuses the defaults below cannot infer (such as 409):
#: `extend_schema(extensions={ERROR_STATUSES_EXTENSION: [409]})`. Removed from the document.
ERROR_STATUSES_EXTENSION = "x-error-statuses"


#: Operation extension carrying OpenAPI links: what a client can call next with an answer's values
#: (an idea's id and ETag after creating it, ...). Schemathesis's stateful phase follows them to
#: chain calls (create, then read, change, trash and restore the same idea).
#: `extend_schema(extensions={LINKS_EXTENSION: {201: {"GetIdea": link("getIdea", {...})}}})`; moved
#: into the responses' `links` by the hook below.
LINKS_EXTENSION = "x-links"


def link(
    operation_id: str, parameters: dict[str, str], description: str = "", request_body: Any = None
) -> dict[str, Any]:
    """One OpenAPI link object: `parameters` maps (`id`, `header.If-Match`) to runtime expressions
    (`$response.body#/data/id`, `$response.header.ETag`, `$request.path.id`)."""
    result: dict[str, Any] = {"operationId": operation_id, "parameters": parameters}
    if request_body is not None:
        result["requestBody"] = request_body
    if description:
        result["description"] = description
    return result


def _move_links(operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for status, links in operation.pop(LINKS_EXTENSION, {}).items():
        if str(status) not in responses:
            raise ValueError(f"Links for {status}, a status the operation does not answer.")
        responses[str(status)].setdefault("links", {}).update(links)


def _error_statuses(path: str, operation: dict[str, Any]) -> list[int]:
    statuses = [400, 401, 403, 429, 500, 503, *operation.pop(ERROR_STATUSES_EXTENSION, [])]
    if "{" in path:
        statuses.append(404)
    if "requestBody" in operation:
        statuses.append(413)
    if _has_header_parameter(operation, "if-match"):
        statuses.append(412)
    return sorted(set(statuses))


# The probes of `creatorvault.health` are plain Django views, invisible to drf-spectacular; the
# document describes them here so that it covers every path served. No token, no rate limit.
HEALTH_OPERATIONS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "/health": ("getHealth", "Liveness: the process answers; touches nothing else.", {"status": "ok"}),
    "/health/db": (
        "getHealthDb",
        "The database answers a trivial query (503 `DATABASE_ERROR` when it does not).",
        {"status": "ok", "database": "ok", "latency_ms": 0.42},
    ),
    "/health/ready": (
        "getHealthReady",
        "Ready to serve: the database answers and every migration is applied "
        "(503 `DATABASE_ERROR` otherwise). `cache` is `degraded` while Redis fails (the service "
        "still serves: rate limits fail open), which never fails this probe.",
        {"status": "ready", "database": "ok", "migrations": "applied", "cache": "ok"},
    ),
}


def _health_paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, (operation_id, description, example) in HEALTH_OPERATIONS.items():
        data_schema = {
            "type": "object",
            "required": sorted(example),
            "properties": {
                name: {"type": "number" if isinstance(value, float) else "string"}
                for name, value in example.items()
            },
        }
        responses: dict[str, Any] = {
            "200": {
                "description": "Healthy.",
                "content": {
                    "application/json": {
                        "schema": _wrap_success(data_schema),
                        "example": {"success": True, "data": example, "meta": EXAMPLE_META},
                    }
                },
            },
            "405": _error_response(405),
        }
        if path != "/health":
            responses["503"] = _error_response(503)
        operation = {
            "operationId": operation_id,
            "summary": description.split(":")[0].split(" (")[0],
            "description": f"{description} No token needed; not rate-limited.",
            "tags": ["health"],
            "security": [],
            "responses": responses,
        }
        paths[path] = {"get": operation}
    return paths


def envelope_hook(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: envelopes, error responses, description."""
    result.setdefault("info", {})["description"] = DESCRIPTION.strip()
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Meta"] = META_SCHEMA
    schemas["ErrorEnvelope"] = ERROR_ENVELOPE_SCHEMA
    # Routes accept an optional trailing slash (`/?$`); document the canonical form, without it.
    result["paths"] = {
        (path.rstrip("/") if path != "/" else path): operations
        for path, operations in result.get("paths", {}).items()
    }
    _defaults_as_prose(schemas)
    result["components"].setdefault("headers", {})["XRequestID"] = REQUEST_ID_HEADER
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue
            _move_links(operation)
            responses = operation.setdefault("responses", {})
            if method == "get" and _has_header_parameter(operation, "if-none-match"):
                responses.setdefault("304", copy.deepcopy(NOT_MODIFIED))
            for status, response in responses.items():
                if not str(status).startswith("2"):
                    continue
                for content in response.get("content", {}).values():
                    if "schema" in content:
                        content["schema"] = _wrap_success(content["schema"])
                    for example in content.get("examples", {}).values():
                        if "value" in example:
                            example["value"] = {
                                "success": True,
                                "data": copy.deepcopy(example["value"]),
                                "meta": EXAMPLE_META,
                            }
            for status in _error_statuses(path, operation):
                responses.setdefault(str(status), _error_response(status))
    result["paths"].update(_health_paths())
    for operations in result["paths"].values():
        for method, operation in operations.items():
            if method in HTTP_METHODS:
                for response in operation.get("responses", {}).values():
                    _with_request_id(response)
    return result
