"""Sealed values and the keyed word index (ideas.sealing), without the database."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from ideas import sealing

KEY_A = "a1:" + base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = "b2:" + base64.urlsafe_b64encode(b"B" * 32).decode()


@pytest.fixture(autouse=True)
def _keys(settings):
    settings.ENCRYPTION_KEYS = [KEY_A]


def test_sealed_value_names_its_key_and_hides_the_text():
    value = sealing.seal("my secret plan", idea_id="i1", owner_id="u1")
    assert value.startswith("v1:a1:")
    assert "secret" not in value
    assert sealing.unseal(value, idea_id="i1", owner_id="u1") == "my secret plan"


def test_same_text_seals_differently_each_time():
    assert sealing.seal("x", idea_id="i", owner_id="u") != sealing.seal("x", idea_id="i", owner_id="u")


@pytest.mark.parametrize(("idea_id", "owner_id"), [("i2", "u1"), ("i1", "u2")])
def test_value_moved_to_another_idea_or_owner_fails_to_open(idea_id, owner_id):
    value = sealing.seal("plan", idea_id="i1", owner_id="u1")
    with pytest.raises(sealing.SealedValueInvalidError) as caught:
        sealing.unseal(value, idea_id=idea_id, owner_id=owner_id)
    assert "plan" not in str(caught.value)


def test_tampered_value_fails_to_open():
    value = sealing.seal("plan", idea_id="i1", owner_id="u1")
    flipped = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    with pytest.raises(sealing.SealedValueInvalidError):
        sealing.unseal(flipped, idea_id="i1", owner_id="u1")
    with pytest.raises(sealing.SealedValueInvalidError):
        sealing.unseal("garbage", idea_id="i1", owner_id="u1")


def test_first_key_seals_and_every_key_opens(settings):
    old = sealing.seal("plan", idea_id="i1", owner_id="u1")
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert sealing.sealed_key_id(sealing.seal("plan", idea_id="i1", owner_id="u1")) == "b2"
    assert sealing.unseal(old, idea_id="i1", owner_id="u1") == "plan"
    settings.ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(sealing.UnknownKeyIdError):
        sealing.unseal(old, idea_id="i1", owner_id="u1")


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


def test_equal_words_of_two_owners_hash_differently():
    assert sealing.word_hash("plan", owner_id="u1") != sealing.word_hash("plan", owner_id="u2")
    assert sealing.word_hash("plan", owner_id="u1") == sealing.word_hash("plan", owner_id="u1")
    assert sealing.note_word_hashes("Plan plan PLAN", owner_id="u1") == {
        sealing.word_hash("plan", owner_id="u1")
    }


def test_search_hashes_cover_every_configured_key(settings):
    settings.ENCRYPTION_KEYS = [KEY_B, KEY_A]
    groups = sealing.search_term_hashes("Plan", owner_id="u1")
    assert groups == [{sealing.word_hash("plan", owner_id="u1", key_id=k) for k in ("a1", "b2")}]
    assert sealing.search_term_hashes(" ,; ", owner_id="u1") is None
