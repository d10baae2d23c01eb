"""`limit`/`offset` of the lists that take nothing else (trash, revisions): strict integers only."""

from __future__ import annotations

import pytest

from creatorvault.api.pagination import PageParams, parse_page_params
from creatorvault.errors import ValidationFailed


def test_valid_page_parameters() -> None:
    assert parse_page_params({"limit": ["100"], "offset": ["0"]}) == PageParams(limit=100, offset=0)


@pytest.mark.parametrize("raw", ["5\n", "0", "101", "-1", "+5", " 5", "5.0", "", "1" * 13])
def test_malformed_limit_is_refused(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        parse_page_params({"limit": [raw]})
    assert [detail["field"] for detail in refused.value.details] == ["limit"]
