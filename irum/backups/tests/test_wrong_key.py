"""A backup opens only with the key that made it: any other is refused at once, clearly,
and nothing is written."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import call_command

from irum.backups.archive import (
    BackupDamaged,
    WrongKey,
    key_fingerprint,
    read_archive,
    read_header,
)
from irum.backups.tests.helpers import empty_database, fill_archive, new_key
from irum.backups.tests.restore_helpers import assert_refused

# Where the key fingerprint sits in the header: after the magic (8), version (1) and
# chunk size (4).
FINGERPRINT = slice(13, 21)


@pytest.fixture
def backup(personas, backup_key, media_root, tmp_path):
    fill_archive(personas, media_root)
    path = tmp_path / "archive.irumbak"
    call_command("backup", str(path), stdout=StringIO())
    empty_database()
    for p in media_root.rglob("*"):
        if p.is_file():
            p.unlink()
    return path


def test_it_refuses_a_wrong_key_with_a_clear_message(backup, media_root, monkeypatch):
    monkeypatch.setenv("IRUM_BACKUP_KEY", new_key())
    assert_refused(backup, "This backup was made with a different key", media_root)


def test_it_refuses_a_wrong_key_read_from_a_file(backup, media_root, monkeypatch, tmp_path):
    key_file = tmp_path / "backup_key"
    key_file.write_text(new_key() + "\n")
    monkeypatch.delenv("IRUM_BACKUP_KEY")
    monkeypatch.setenv("IRUM_BACKUP_KEY_FILE", str(key_file))
    assert_refused(backup, "different key", media_root)


def test_the_right_key_read_from_a_file_restores(backup, backup_key, monkeypatch, tmp_path):
    key_file = tmp_path / "backup_key"
    key_file.write_text(base64.b64encode(backup_key).decode() + "\n")
    monkeypatch.delenv("IRUM_BACKUP_KEY")
    monkeypatch.setenv("IRUM_BACKUP_KEY_FILE", str(key_file))
    out = StringIO()
    call_command("restore", str(backup), stdout=out)
    assert "Audit log verified" in out.getvalue()


def test_a_forged_fingerprint_does_not_open_the_content(backup):
    # Someone who writes another key's fingerprint into the header still cannot read the
    # content with that key: the segments do not open.
    other = base64.b64decode(new_key())
    with backup.open("rb") as src, pytest.raises(WrongKey):
        read_header(src, other)
    data = bytearray(backup.read_bytes())
    data[FINGERPRINT] = key_fingerprint(other)
    backup.write_bytes(bytes(data))
    with backup.open("rb") as src, pytest.raises(BackupDamaged, match="does not authenticate"):
        for _event in read_archive(src, other):
            pass
