"""The backup file format: an encrypted, chunked stream of members and a manifest.

Designed for the day a state adversary holds a copy of the file: without the backup key
it must reveal nothing but its size, and with the key no changed, missing, reordered or
appended byte may go unnoticed.

Envelope (the outer layer), after Tink's AES-GCM-HKDF streaming AEAD and the STREAM
construction of Hoang, Reyhanitabar, Rogaway and Vizár (2015):

    header  = MAGIC(8) | version(1) | chunk size(4) | key fingerprint(8) | salt(32) | prefix(7)
    segment = AES-256-GCM(file key, nonce, chunk, aad=header)   (chunk + 16-byte tag)
    nonce   = prefix(7) | segment counter(4, big-endian) | final flag(1)

- The file key is HKDF-SHA256(backup key, salt) with a random salt per file, so no two
  files share an AES key and the counter nonces can never repeat across files.
- The counter in the nonce makes a reordered or dropped segment fail to open; the final
  flag makes a file cut at a segment boundary fail (its last segment was sealed as "not
  final"), and data appended after the final segment fails too.
- The whole header is the associated data of every segment: changing the version, the
  chunk size or the salt breaks every segment.
- The fingerprint is an HMAC of a fixed label under the backup key. It lets a wrong key
  be refused with a clear message before anything is read. It is not the key, nor the
  file key, and reveals nothing about either; it does tell an observer that two files
  were made with the same key, which they could guess anyway.
- Every plaintext chunk has the same size (the last may be shorter), so the file's size
  is all an observer learns; segment lengths say nothing about the members.

Container (the plaintext inside): a sequence of frames, type(1) | length(4) | payload.
A member is a BEGIN frame (JSON: name, kind, metadata), DATA frames and an END frame;
the MANIFEST frame comes last and lists every member with its byte count and SHA-256.
Members are streamed, so nothing is buffered in memory or written to disk in plaintext
(a tar file would need each member's size before its bytes). The member hashes are
checked by the reader against the manifest: the AEAD already authenticates the bytes,
the hashes also catch a writer bug that put the right bytes in the wrong member.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from irum.lib.env import envsecret

MAGIC = b"IRUMBAK\x00"
VERSION = 1
CHUNK_SIZE = 1 << 20
_HEADER = struct.Struct(">8sBI8s32s7s")
HEADER_SIZE = _HEADER.size
_TAG = 16
_MIN_CHUNK, _MAX_CHUNK = 1 << 12, 1 << 24
_MAX_SEGMENTS = 1 << 32
_FINGERPRINT_LABEL = b"irum-backup/v1/key-fingerprint"
_FILE_KEY_INFO = b"irum-backup/v1/file-key"

_FRAME = struct.Struct(">cI")
BEGIN, DATA, END, MANIFEST = b"B", b"D", b"E", b"M"
# A bound on any one frame, so that a hostile file cannot make the reader allocate
# without limit. The writer's data frames are far smaller; the manifest of an archive
# with many attachments is the largest frame.
MAX_FRAME = 64 << 20
DATA_FRAME = 256 << 10


class BackupError(Exception):
    """A backup cannot be made or read. The message says why, in the user's language."""


class BackupKeyError(BackupError):
    pass


class WrongKey(BackupError):
    pass


class BackupDamaged(BackupError):
    pass


# --- keys -------------------------------------------------------------------------------


def backup_key() -> bytes:
    """The backup key from IRUM_BACKUP_KEY or IRUM_BACKUP_KEY_FILE: 32 bytes, base64.

    It is separate from the field keys and the secret key: a backup holds the field
    ciphertext as it is in the database, so whoever holds a backup needs both this key and
    the field keys to read an identity, and the backup key can be kept offline."""
    try:
        text = envsecret("IRUM_BACKUP_KEY")
    except ImproperlyConfigured as exc:
        raise BackupKeyError(str(exc)) from None
    if not text:
        raise BackupKeyError(
            _(
                "IRUM_BACKUP_KEY or IRUM_BACKUP_KEY_FILE must be set to make or restore a "
                "backup (`irum vault-keygen` prints a new key)."
            )
        )
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BackupKeyError(_("IRUM_BACKUP_KEY is not valid base64.")) from None
    if len(key) != 32:
        raise BackupKeyError(
            _("IRUM_BACKUP_KEY is %(n)d bytes; it must be 32 (AES-256).") % {"n": len(key)}
        )
    return key


def key_fingerprint(key: bytes) -> bytes:
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).digest()[:8]


def _file_key(key: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_FILE_KEY_INFO).derive(key)


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    if counter >= _MAX_SEGMENTS:
        raise BackupError(_("The backup is too large for this format."))
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if final else b"\x00")


# --- envelope ---------------------------------------------------------------------------


class EncryptingWriter:
    """Seals what is written to it in fixed-size segments, onto `out`."""

    def __init__(self, out: IO[bytes], key: bytes, *, chunk_size: int = CHUNK_SIZE) -> None:
        salt, self._prefix = os.urandom(32), os.urandom(7)
        self.header = _HEADER.pack(
            MAGIC, VERSION, chunk_size, key_fingerprint(key), salt, self._prefix
        )
        self._aead = AESGCM(_file_key(key, salt))
        self._out = out
        self._chunk = chunk_size
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(self.header)

    def write(self, data: bytes) -> None:
        self._buffer += data
        # Seal only when more than a chunk is waiting: the last chunk must be sealed as
        # final, and until close() we cannot know that a full chunk is not the last.
        while len(self._buffer) > self._chunk:
            self._seal(bytes(self._buffer[: self._chunk]), final=False)
            del self._buffer[: self._chunk]

    def close(self) -> None:
        if not self._closed:
            self._seal(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._closed = True

    def _seal(self, chunk: bytes, *, final: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, final)
        self._out.write(self._aead.encrypt(nonce, chunk, self.header))
        self._counter += 1


def _read_exactly(src: IO[bytes], n: int) -> bytes:
    parts, wanted = [], n
    while wanted:
        part = src.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


@dataclass
class Header:
    version: int
    chunk_size: int
    fingerprint: bytes
    salt: bytes
    prefix: bytes
    raw: bytes


def read_header(src: IO[bytes], key: bytes) -> Header:
    raw = _read_exactly(src, HEADER_SIZE)
    if len(raw) < len(MAGIC) or not raw.startswith(MAGIC):
        raise BackupError(_("This is not an Irum backup file."))
    if len(raw) < HEADER_SIZE:
        raise BackupDamaged(_("The backup file is truncated: its header is incomplete."))
    _magic, version, chunk_size, fingerprint, salt, prefix = _HEADER.unpack(raw)
    if version != VERSION:
        raise BackupError(
            _("This backup uses format version %(found)d; this Irum reads version %(ours)d.")
            % {"found": version, "ours": VERSION}
        )
    if not hmac.compare_digest(fingerprint, key_fingerprint(key)):
        raise WrongKey(
            _(
                "This backup was made with a different key: set IRUM_BACKUP_KEY to the key "
                "that made it."
            )
        )
    if not _MIN_CHUNK <= chunk_size <= _MAX_CHUNK:
        raise BackupDamaged(_("The backup file is damaged: its header is invalid."))
    return Header(version, chunk_size, fingerprint, salt, prefix, raw)


def decrypt_chunks(src: IO[bytes], key: bytes, header: Header | None = None) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk, each only after it has authenticated. The end of
    the file is proved only when the generator finishes: a caller must not act on the
    content before that (restore reads the whole file once before writing anything)."""
    header = header or read_header(src, key)
    aead = AESGCM(_file_key(key, header.salt))
    size = header.chunk_size + _TAG
    current = _read_exactly(src, size)
    counter = 0
    while True:
        # Read one segment ahead: a segment is the final one exactly when nothing follows.
        following = _read_exactly(src, size)
        final = not following
        try:
            yield aead.decrypt(_nonce(header.prefix, counter, final), current, header.raw)
        except InvalidTag:
            raise _failure(aead, header, counter, current, final) from None
        if final:
            return
        current, counter = following, counter + 1


def _failure(
    aead: AESGCM, header: Header, counter: int, segment: bytes, final: bool
) -> BackupError:
    if final and len(segment) == header.chunk_size + _TAG:
        # A whole segment sealed as "not final" at the end: the rest of the file was cut off.
        try:
            aead.decrypt(_nonce(header.prefix, counter, False), segment, header.raw)
        except InvalidTag:
            pass
        else:
            return BackupDamaged(
                _("The backup file is truncated: it ends after %(n)d bytes of its content.")
                % {"n": (counter + 1) * header.chunk_size}
            )
    if final and len(segment) < _TAG:
        return BackupDamaged(_("The backup file is truncated."))
    return BackupDamaged(
        _(
            "The backup file is damaged or was changed: part %(n)d does not authenticate "
            "(a changed, missing or reordered byte)."
        )
        % {"n": counter + 1}
    )


# --- container --------------------------------------------------------------------------


@dataclass
class MemberInfo:
    name: str
    kind: str
    meta: dict[str, Any]
    size: int = 0
    sha256: str = ""

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "bytes": self.size, "sha256": self.sha256}


class ArchiveWriter:
    """Writes members and, last, the manifest, through an EncryptingWriter."""

    def __init__(self, out: IO[bytes], key: bytes) -> None:
        self._enc = EncryptingWriter(out, key)
        self.members: list[MemberInfo] = []
        self._open: MemberInfo | None = None
        self._hash: Any = None

    def _frame(self, kind: bytes, payload: bytes) -> None:
        self._enc.write(_FRAME.pack(kind, len(payload)) + payload)

    def begin(self, name: str, kind: str, **meta: Any) -> None:
        assert self._open is None, "a member is already open"
        self._open = MemberInfo(name, kind, meta)
        self._hash = hashlib.sha256()
        self._frame(BEGIN, _json({"name": name, "kind": kind, "meta": meta}))

    def write(self, data: bytes) -> None:
        assert self._open is not None, "no member is open"
        for start in range(0, len(data), DATA_FRAME):
            piece = data[start : start + DATA_FRAME]
            self._hash.update(piece)
            self._open.size += len(piece)
            self._frame(DATA, piece)

    def end(self) -> MemberInfo:
        member = self._open
        assert member is not None, "no member is open"
        member.sha256 = self._hash.hexdigest()
        self._frame(END, b"")
        self.members.append(member)
        self._open = None
        return member

    def finish(self, manifest: dict[str, Any]) -> None:
        assert self._open is None, "a member is still open"
        manifest = {**manifest, "members": [m.summary() for m in self.members]}
        self._frame(MANIFEST, _json(manifest))
        self._enc.close()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass
class Event:
    """One step of reading an archive: a member begins, some of its bytes, it ends (with
    its size and hash), or the manifest (always last, already checked against the
    members read)."""

    kind: str  # "begin", "data", "end", "manifest"
    member: MemberInfo | None = None
    data: bytes = b""
    manifest: dict[str, Any] = field(default_factory=dict)


class _Plaintext:
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    def at_end(self) -> bool:
        return not self.read(1)


def _malformed(detail: str) -> BackupDamaged:
    return BackupDamaged(
        _("The backup's content is malformed (%(detail)s); it was not made by this format.")
        % {"detail": detail}
    )


def read_archive(src: IO[bytes], key: bytes) -> Iterator[Event]:
    """Decrypt and parse `src`, yielding events. The manifest event comes last and only
    after every member's size and hash has been checked against it; any problem raises
    BackupError before or instead of it."""
    plain = _Plaintext(decrypt_chunks(src, key))
    members: list[MemberInfo] = []
    current: MemberInfo | None = None
    digest: Any = None
    while True:
        head = plain.read(_FRAME.size)
        if len(head) < _FRAME.size:
            raise _malformed(_("it ends before its manifest"))
        kind, length = _FRAME.unpack(head)
        if length > MAX_FRAME:
            raise _malformed(_("a frame is too large"))
        payload = plain.read(length)
        if len(payload) < length:
            raise _malformed(_("a frame is cut short"))
        if kind == BEGIN:
            if current is not None:
                raise _malformed(_("a member begins inside another"))
            meta = _load(payload)
            current = MemberInfo(
                str(meta.get("name")), str(meta.get("kind")), meta.get("meta") or {}
            )
            digest = hashlib.sha256()
            yield Event("begin", member=current)
        elif kind == DATA:
            if current is None:
                raise _malformed(_("data outside a member"))
            digest.update(payload)
            current.size += len(payload)
            yield Event("data", member=current, data=payload)
        elif kind == END:
            if current is None:
                raise _malformed(_("a member ends twice"))
            current.sha256 = digest.hexdigest()
            members.append(current)
            yield Event("end", member=current)
            current = None
        elif kind == MANIFEST:
            if current is not None:
                raise _malformed(_("the manifest comes inside a member"))
            manifest = _load(payload)
            if not plain.at_end():
                raise _malformed(_("there is content after the manifest"))
            listed = manifest.get("members")
            if listed != [m.summary() for m in members]:
                raise BackupDamaged(
                    _("The backup's members do not match its manifest; nothing can be trusted.")
                )
            yield Event("manifest", manifest=manifest)
            return
        else:
            raise _malformed(_("an unknown frame"))


def _load(payload: bytes) -> dict[str, Any]:
    try:
        value = json.loads(payload)
    except (UnicodeDecodeError, ValueError):
        raise _malformed(_("a header is not JSON")) from None
    if not isinstance(value, dict):
        raise _malformed(_("a header is not an object"))
    return value
