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
from irum.vault.keys import Keyring, VaultError, blind_index_key, keyring

PREFIX = "v1"
_NONCE = 12
_TAG = 16

# One AESGCM object per key id of the current keyring. Building one costs more than
# decrypting a short name with it (bench/vault_read.py), and a page of persons opens six
# values per person. The objects hold nothing but the key and are safe to share between
# threads (each call takes its own nonce). The cache belongs to one Keyring object: when
# keys.reset() makes keyring() load a new one, the old ciphers, and the key material in
# them, are dropped with it.
_ciphers: tuple[Keyring | None, dict[str, AESGCM]] = (None, {})


def _cipher(ring: Keyring, key_id: str) -> AESGCM:
    global _ciphers
    cached_ring, ciphers = _ciphers
    if cached_ring is not ring:
        ciphers = {}
        _ciphers = (ring, ciphers)
    cipher = ciphers.get(key_id)
    if cipher is None:
        # ring.key raises VaultError naming a key id that is not configured.
        cipher = ciphers[key_id] = AESGCM(ring.key(key_id))
    return cipher


class DecryptionError(VaultError):
    pass


def is_ciphertext(value: str) -> bool:
    return value.startswith(PREFIX + ":")


def encrypt(plaintext: str, *, context: str) -> str:
    ring = keyring()
    nonce = os.urandom(_NONCE)
    sealed = _cipher(ring, ring.active_id).encrypt(
        nonce, plaintext.encode("utf-8"), context.encode("utf-8")
    )
    return f"{PREFIX}:{ring.active_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(token: str) -> str:
    version, _, rest = token.partition(":")
    key_id, _, _ = rest.partition(":")
    return key_id if version == PREFIX else ""


def decrypt(token: str, *, context: str) -> str:
    # The hot path of every read of an identity (six per person): one split, one cache
    # lookup, and the checks that matter, in the order they can fail.
    version, _, rest = token.partition(":")
    key_id, _, payload = rest.partition(":")
    if version != PREFIX or not key_id or not payload:
        raise DecryptionError(f"{context}: the stored value is not an Irum ciphertext")
    ring = keyring()
    cached_ring, ciphers = _ciphers
    cipher = ciphers.get(key_id) if cached_ring is ring else None
    if cipher is None:
        cipher = _cipher(ring, key_id)
    try:
        # strict_mode refuses all that b64decode(validate=True) refuses (characters
        # outside the alphabet, bad padding) and data after the padding too, for less.
        raw = binascii.a2b_base64(payload, strict_mode=True)
    except (binascii.Error, ValueError):
        raise DecryptionError(f"{context}: the stored ciphertext is corrupt") from None
    if len(raw) < _NONCE + _TAG:
        raise DecryptionError(f"{context}: the stored ciphertext is truncated")
    try:
        plain = cipher.decrypt(raw[:_NONCE], raw[_NONCE:], context.encode("utf-8"))
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
