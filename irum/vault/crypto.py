"""AES-GCM encryption of single values (DESIGN.md, "Encryption at rest").

A value is stored as `v1:<key_id>:<base64(nonce || ciphertext || tag)>`. The associated
data is the column's name (`app_label.model.field`), so a ciphertext copied into another
column fails to decrypt instead of passing for that column's value. A wrong key, a
missing key or a changed byte raises; ciphertext is never returned as if it were text.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from irum.lib.text import fold
from irum.vault.keys import VaultError, blind_index_key, keyring

PREFIX = "v1"
_NONCE = 12


class DecryptionError(VaultError):
    pass


def is_ciphertext(value: str) -> bool:
    return value.startswith(PREFIX + ":")


def encrypt(plaintext: str, *, context: str) -> str:
    ring = keyring()
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(ring.key(ring.active_id)).encrypt(
        nonce, plaintext.encode("utf-8"), context.encode("utf-8")
    )
    return f"{PREFIX}:{ring.active_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(token: str) -> str:
    version, _, rest = token.partition(":")
    key_id, _, _ = rest.partition(":")
    return key_id if version == PREFIX else ""


def decrypt(token: str, *, context: str) -> str:
    version, _, rest = token.partition(":")
    key_id, _, payload = rest.partition(":")
    if version != PREFIX or not key_id or not payload:
        raise DecryptionError(f"{context}: the stored value is not an Irum ciphertext")
    key = keyring().key(key_id)
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{context}: the stored ciphertext is corrupt") from None
    if len(raw) < _NONCE + 16:
        raise DecryptionError(f"{context}: the stored ciphertext is truncated")
    try:
        plain = AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], context.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError(
            f"{context}: the ciphertext does not open with key {key_id!r}: it was changed, "
            "copied from another column, or the key is wrong"
        ) from None
    return plain.decode("utf-8")


def blind_index(value: str) -> str:
    """An HMAC of the normalised value: equal for the same name however it is typed
    (case, spacing, diacritics), useless for recovering the name without the key."""
    normalised = fold(value)
    if not normalised:
        return ""
    return hmac.new(blind_index_key(), normalised.encode("utf-8"), hashlib.sha256).hexdigest()
