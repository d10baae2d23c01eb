"""Sealed values and keyed word hashes (creatorvault.sealing), without the database."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from creatorvault import sealing

KEY_A = "a1:" + base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = "b2:" + base64.urlsafe_b64encode(b"B" * 32).decode()


def aad(row: str = "i1", owner: str = "u1") -> bytes:
    return sealing.associated_data(b"test/v1", row, owner)


@pytest.fixture(autouse=True)
def _keys(settings):
    settings.ENCRYPTION_KEYS = [KEY_A]


def test_sealed_value_names_its_key_and_hides_the_text():
    value = sealing.seal("my secret plan", aad=aad("i1", "u1"))
    assert value.startswith("v1:a1:")
    assert "secret" not in value
    assert sealing.unseal(value, aad=aad("i1", "u1")) == "my secret plan"


def test_same_text_seals_differently_each_time():
    assert sealing.seal("x", aad=aad("i", "u")) != sealing.seal("x", aad=aad("i", "u"))


@pytest.mark.parametrize(("idea_id", "owner_id"), [("i2", "u1"), ("i1", "u2")])
def test_value_bound_to_something_else_fails_to_open(idea_id, owner_id):
    value = sealing.seal("plan", aad=aad("i1", "u1"))
    with pytest.raises(sealing.SealedValueInvalidError) as caught:
        sealing.unseal(value, aad=aad(idea_id, owner_id))
    assert "plan" not in str(caught.value)


def test_tampered_value_fails_to_open():
    value = sealing.seal("plan", aad=aad("i1", "u1"))
    flipped = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    with pytest.raises(sealing.SealedValueInvalidError):
        sealing.unseal(flipped, aad=aad("i1", "u1"))
    with pytest.raises(sealing.SealedValueInvalidError):
        sealing.unseal("garbage", aad=aad("i1", "u1"))


def test_first_key_seals_and_every_key_opens(settings):
    old = sealing.seal("plan", aad=aad("i1", "u1"))
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert sealing.sealed_key_id(sealing.seal("plan", aad=aad("i1", "u1"))) == "b2"
    assert sealing.unseal(old, aad=aad("i1", "u1")) == "plan"
    settings.ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(sealing.UnknownKeyIdError):
        sealing.unseal(old, aad=aad("i1", "u1"))


@pytest.mark.parametrize(
    "entries",
    [
        ["nokey"],
        ["bad id!:" + KEY_A.split(":")[1]],
        ["short:" + base64.urlsafe_b64encode(b"x" * 16).decode()],
        [KEY_A, KEY_A],
    ],
)
def test_malformed_keys_are_refused_without_echoing_the_secret(settings, entries):
    settings.ENCRYPTION_KEYS = entries
    with pytest.raises(ImproperlyConfigured) as caught:
        sealing.key_ring()
    assert KEY_A.split(":")[1] not in str(caught.value)


def test_development_key_is_generated_into_the_state_folder(settings, tmp_path):
    settings.ENCRYPTION_KEYS = []
    settings.ENCRYPTION_DEV_KEYS = True
    settings.STATE_DIR = tmp_path
    ring = sealing.key_ring()
    assert ring.current_id == "dev"
    key_file = tmp_path / "encryption" / "dev-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert sealing.key_ring().keys == ring.keys


def test_no_keys_outside_development_is_refused(settings):
    settings.ENCRYPTION_KEYS = []
    settings.ENCRYPTION_DEV_KEYS = False
    with pytest.raises(ImproperlyConfigured, match="ENCRYPTION_KEYS"):
        sealing.key_ring()


def test_words_are_normalised():
    assert sealing.normalise_words("Ｃafé, CAFÉ! straße-Plan\n42") == {"café", "strasse", "plan", "42"}


def test_equal_words_of_two_scopes_hash_differently():
    assert sealing.word_hashes("plan", scope="u1") != sealing.word_hashes("plan", scope="u2")
    assert sealing.word_hashes("plan", scope="u1") == sealing.word_hashes("plan", scope="u1")
    assert sealing.word_hashes("Plan plan PLAN", scope="u1") == sealing.word_hashes("plan", scope="u1")
    assert len(sealing.word_hashes("plan", scope="u1")) == 1


def test_search_hashes_cover_every_configured_key(settings):
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    groups = sealing.search_term_hashes("Plan", scope="u1")
    expected = set().union(*(sealing.word_hashes("plan", scope="u1", key_id=k) for k in ("a1", "b2")))
    assert groups == [expected]
    assert len(expected) == 2
    assert sealing.search_term_hashes(" ,; ", scope="u1") is None


def test_threads_seal_and_open_under_one_key_at_once(settings):
    """The cipher object of a key is shared by the threads that serve requests."""
    from concurrent.futures import ThreadPoolExecutor

    def round_trip(number: int) -> bool:
        texts = [f"note {number}-{i} " * (i % 7 + 1) for i in range(200)]
        sealed = [sealing.seal(text, aad=aad(f"i{number}-{i}")) for i, text in enumerate(texts)]
        opened = [sealing.unseal(value, aad=aad(f"i{number}-{i}")) for i, value in enumerate(sealed)]
        return opened == texts

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(round_trip, range(16)))
    before = sealing.seal("before rotation", aad=aad())
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]  # a new ring: values sealed under A still open
    assert sealing.unseal(before, aad=aad()) == "before rotation"
    value = sealing.seal("after rotation", aad=aad())
    assert sealing.sealed_key_id(value) == "b2"
    assert sealing.unseal(value, aad=aad()) == "after rotation"
