"""The per-process memo: bounded, least recently used out first, nothing kept at size 0."""

from __future__ import annotations

from creatorvault.lru import BoundedLRU


def test_the_least_recently_used_entry_goes_first() -> None:
    memo: BoundedLRU[str, int] = BoundedLRU(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "b" is now the least recently used
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (1, None, 3)
    memo.forget("a")
    assert memo.get("a") is None
    memo.clear()
    assert memo.get("c") is None


def test_size_zero_keeps_nothing() -> None:
    memo: BoundedLRU[str, int] = BoundedLRU(0)
    memo.put("a", 1)
    assert memo.get("a") is None
