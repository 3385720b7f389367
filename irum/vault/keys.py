"""Field-encryption keys: where they come from and how they are named.

Keys live outside the database and apart from the secret key, in IRUM_FIELD_KEYS or the
file named by IRUM_FIELD_KEYS_FILE: comma- or newline-separated `id:base64` pairs, each
a 32-byte AES-256 key. The first is the active key, used to encrypt; the others are kept
only to read rows not yet re-encrypted (`irum rotate-keys`). The blind index has its own
key, IRUM_BLIND_INDEX_KEY(_FILE), so that losing one never exposes the other.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from functools import cache

from irum.lib.env import envsecret

_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class VaultError(Exception):
    """A key is missing, malformed or wrong. The message says which and why, never the key."""


@dataclass(frozen=True)
class Keyring:
    active_id: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise VaultError(
                f"no field key with id {key_id!r} is configured (IRUM_FIELD_KEYS has "
                f"{', '.join(self.keys)}); it was used to encrypt this value"
            ) from None


def _decode_key(key_id: str, encoded: str, source: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise VaultError(f"{source}: key {key_id!r} is not valid base64") from None
    if len(key) != 32:
        raise VaultError(f"{source}: key {key_id!r} is {len(key)} bytes; it must be 32 (AES-256)")
    return key


def parse_keyring(text: str, source: str = "IRUM_FIELD_KEYS") -> Keyring:
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in re.split(r"[,\n]", text or ""):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        key_id, sep, encoded = item.partition(":")
        key_id = key_id.strip()
        if not sep or not _KEY_ID.match(key_id):
            raise VaultError(f"{source}: each entry must be id:base64key with a short id")
        if key_id in keys:
            raise VaultError(f"{source}: key id {key_id!r} appears twice")
        keys[key_id] = _decode_key(key_id, encoded, source)
        order.append(key_id)
    if not keys:
        raise VaultError(f"{source} is empty: give at least one id:base64key")
    return Keyring(active_id=order[0], keys=keys)


@cache
def keyring() -> Keyring:
    text = envsecret("IRUM_FIELD_KEYS")
    if not text:
        raise VaultError(
            "IRUM_FIELD_KEYS or IRUM_FIELD_KEYS_FILE must be set to read or write identities "
            "(`irum vault-keygen` prints a new key; `make demo` writes one under var/)"
        )
    return parse_keyring(text)


@cache
def blind_index_key() -> bytes:
    text = envsecret("IRUM_BLIND_INDEX_KEY")
    if not text:
        raise VaultError("IRUM_BLIND_INDEX_KEY or IRUM_BLIND_INDEX_KEY_FILE must be set")
    return _decode_key("blind-index", text, "IRUM_BLIND_INDEX_KEY")


def reset() -> None:
    """Forget cached keys (tests, and after a key file changes)."""
    keyring.cache_clear()
    blind_index_key.cache_clear()


def new_key() -> str:
    import os

    return base64.b64encode(os.urandom(32)).decode()
