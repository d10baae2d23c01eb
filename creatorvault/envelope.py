"""The success and error envelopes of SPEC §3, built in one place."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.http import JsonResponse
from django.utils import timezone

from creatorvault.context import current_request_id


def envelope_meta() -> dict[str, str]:
    """`meta` of every envelope: the request id and the time of the answer (UTC, ISO 8601)."""
    now = timezone.now().astimezone(UTC).replace(microsecond=0)
    return {"request_id": current_request_id(), "timestamp": now.isoformat().replace("+00:00", "Z")}


def success_body(data: Any) -> dict[str, Any]:
    """`{"success": true, "data": ..., "meta": ...}`."""
    return {"success": True, "data": data, "meta": envelope_meta()}


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """`{"success": false, "error": {...}, "meta": ...}`."""
    return {
        "success": False,
        "error": {"code": code, "message": message, "details": details or []},
        "meta": envelope_meta(),
    }


def error_response(
    status: int, code: str, message: str, details: list[dict[str, Any]] | None = None
) -> JsonResponse:
    """An error envelope as a plain Django response, for paths outside DRF."""
    return JsonResponse(error_body(code, message, details), status=status)
