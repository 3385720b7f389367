"""Ciphers are kept per key id for speed, but a changed key file takes effect at once:
after keys.reset() nothing is sealed or opened with the key that was replaced."""

from __future__ import annotations

import pytest

from irum.vault import crypto, keys


@pytest.fixture
def use(monkeypatch):
    def configure(value: str) -> None:
        monkeypatch.setenv("IRUM_FIELD_KEYS", value)
        keys.reset()

    yield configure
    keys.reset()  # before monkeypatch restores the suite's keys: they load afresh


def test_a_key_replaced_under_the_same_id_is_used_for_new_values(use):
    first, second = keys.new_key(), keys.new_key()
    use(f"k:{first}")
    old = crypto.encrypt("Kim", context="c")  # the cipher for "k" is now cached
    use(f"k:{second}")
    new = crypto.encrypt("Kim", context="c")
    assert crypto.decrypt(new, context="c") == "Kim"
    with pytest.raises(crypto.DecryptionError, match="key is wrong"):
        crypto.decrypt(old, context="c")


def test_a_key_removed_from_the_list_no_longer_opens_its_values(use):
    a, b = keys.new_key(), keys.new_key()
    use(f"a:{a}")
    sealed_a = crypto.encrypt("Lee", context="c")
    use(f"b:{b},a:{a}")
    assert crypto.decrypt(sealed_a, context="c") == "Lee"  # the cipher for "a" is cached
    use(f"b:{b}")
    with pytest.raises(keys.VaultError, match="no field key with id 'a'"):
        crypto.decrypt(sealed_a, context="c")
