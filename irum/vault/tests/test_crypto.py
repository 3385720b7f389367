import base64
import os

import pytest

from irum.vault import crypto, keys
from irum.vault.keys import VaultError, parse_keyring


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def ring(monkeypatch):
    def use(value: str) -> None:
        monkeypatch.setenv("IRUM_FIELD_KEYS", value)
        keys.reset()

    yield use
    keys.reset()


def test_it_round_trips_hangul_and_stores_no_plaintext():
    token = crypto.encrypt("김철수 Kim Chol-su", context="archive.person.full_name")
    assert token.startswith("v1:test1:")
    assert "김철수" not in token and "Kim" not in token
    assert crypto.decrypt(token, context="archive.person.full_name") == "김철수 Kim Chol-su"


def test_the_same_name_encrypts_differently_each_time():
    a = crypto.encrypt("Kim", context="archive.person.full_name")
    b = crypto.encrypt("Kim", context="archive.person.full_name")
    assert a != b


def test_a_ciphertext_copied_into_another_column_fails_loudly():
    token = crypto.encrypt("Kim", context="archive.person.full_name")
    with pytest.raises(crypto.DecryptionError, match="copied from another column"):
        crypto.decrypt(token, context="archive.case.narrative_restricted")


def test_a_changed_byte_fails_loudly():
    token = crypto.encrypt("Kim", context="c")
    head, payload = token.rsplit(":", 1)
    raw = bytearray(base64.b64decode(payload))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{head}:{base64.b64encode(bytes(raw)).decode()}", context="c")


def test_a_wrong_key_never_returns_ciphertext_as_text(ring):
    token = crypto.encrypt("Kim", context="c")
    ring("test1:" + _key())
    with pytest.raises(crypto.DecryptionError, match="key is wrong"):
        crypto.decrypt(token, context="c")


def test_a_missing_key_id_is_named(ring):
    token = crypto.encrypt("Kim", context="c")
    ring("other:" + _key())
    with pytest.raises(VaultError, match="'test1'"):
        crypto.decrypt(token, context="c")


def test_old_keys_still_read_after_a_new_key_is_put_first(ring, monkeypatch):
    old = os.environ["IRUM_FIELD_KEYS"]
    token = crypto.encrypt("Kim", context="c")
    ring("k2:" + _key() + "," + old)
    assert crypto.decrypt(token, context="c") == "Kim"
    assert crypto.encrypt("Lee", context="c").startswith("v1:k2:")


def test_no_keys_configured_is_a_clear_error(ring, monkeypatch):
    monkeypatch.delenv("IRUM_FIELD_KEYS")
    keys.reset()
    with pytest.raises(VaultError, match="IRUM_FIELD_KEYS"):
        crypto.encrypt("Kim", context="c")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("nokey", "id:base64key"),
        ("a:!!!", "not valid base64"),
        ("a:" + base64.b64encode(b"short").decode(), "must be 32"),
        (
            "a:"
            + base64.b64encode(b"x" * 32).decode()
            + ",a:"
            + base64.b64encode(b"y" * 32).decode(),
            "twice",
        ),
    ],
)
def test_malformed_key_settings_are_refused_with_a_reason(text, reason):
    with pytest.raises(VaultError, match=reason):
        parse_keyring(text)


def test_the_blind_index_matches_a_name_however_it_is_typed():
    assert crypto.blind_index("Kim Chol-su") == crypto.blind_index("kim  chol su")
    assert crypto.blind_index("Kim Chol-su") != crypto.blind_index("Kim Chol-so")
    assert crypto.blind_index("김철수") == crypto.blind_index(" 김철수 ")
    assert "kim" not in crypto.blind_index("Kim Chol-su")
