"""Schemathesis hooks of `make fuzz` (loaded through `hooks` in fuzz/schemathesis.toml).

Each hook here names the one answer it accepts and why that answer is right; everything else a
check reports fails the run.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis import Case, HookContext
from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response


def _error_details(response: Response) -> list[dict[str, Any]]:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return []
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return []
    details = body["error"].get("details")
    return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []


@schemathesis.hook
def filter_failure(context: HookContext, failure: Failure, case: Case, response: Response) -> bool:
    """Keep every failure but a cursor of the schema's alphabet that this server never issued.

    A cursor is signed (creatorvault.api.cursor): no generator can forge one, so any non-empty
    cursor Schemathesis makes up is refused with a 400 `invalid_cursor` naming `cursor`, which is
    the documented answer ("another list's cursor is a 400 naming `cursor`"), not a schema-valid
    request wrongly rejected (real cursors are exercised by the pytest suite's cursor pages). Only
    that exact answer to `positive_data_acceptance` is dropped.
    """
    if "positive_data_acceptance" not in failure.checks or response.status_code != 400:
        return True
    if not (case.query and case.query.get("cursor")):
        return True
    details = _error_details(response)
    return not (
        details and all(d.get("field") == "cursor" and d.get("type") == "invalid_cursor" for d in details)
    )
