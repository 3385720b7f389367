"""The backup key: required, well-formed, and not one of the field keys. Each mistake is
a clear message, and a backup refused for it leaves no file and no audit entry."""

from __future__ import annotations

import base64
import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from irum.audit.models import AuditEntry
from irum.backups.tests.helpers import new_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_backup_key(monkeypatch):
    monkeypatch.delenv("IRUM_BACKUP_KEY", raising=False)
    monkeypatch.delenv("IRUM_BACKUP_KEY_FILE", raising=False)


def _refused(command, path, match):
    with pytest.raises(CommandError, match=match):
        call_command(command, str(path), stdout=StringIO())


def test_backup_without_a_key_says_which_setting_is_missing(no_backup_key, tmp_path):
    _refused(
        "backup", tmp_path / "b.irumbak", "IRUM_BACKUP_KEY or IRUM_BACKUP_KEY_FILE must be set"
    )
    assert list(tmp_path.iterdir()) == []
    assert not AuditEntry.objects.exists()


def test_restore_without_a_key_says_which_setting_is_missing(no_backup_key, tmp_path):
    path = tmp_path / "b.irumbak"
    path.write_bytes(b"IRUMBAK\x00")
    _refused("restore", path, "IRUM_BACKUP_KEY or IRUM_BACKUP_KEY_FILE must be set")


def test_it_refuses_a_key_that_is_not_base64(monkeypatch, tmp_path):
    monkeypatch.setenv("IRUM_BACKUP_KEY", "not base64 at all!")
    _refused("backup", tmp_path / "b.irumbak", "IRUM_BACKUP_KEY is not valid base64")


def test_it_refuses_a_key_of_the_wrong_length(monkeypatch, tmp_path):
    monkeypatch.setenv("IRUM_BACKUP_KEY", base64.b64encode(os.urandom(16)).decode())
    _refused("backup", tmp_path / "b.irumbak", "16 bytes; it must be 32")


def test_it_refuses_an_unreadable_key_file(no_backup_key, monkeypatch, tmp_path):
    monkeypatch.setenv("IRUM_BACKUP_KEY_FILE", str(tmp_path / "missing"))
    _refused("backup", tmp_path / "b.irumbak", "IRUM_BACKUP_KEY_FILE=.* cannot be read")


def test_it_refuses_both_the_key_and_its_file(monkeypatch, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(new_key())
    monkeypatch.setenv("IRUM_BACKUP_KEY", new_key())
    monkeypatch.setenv("IRUM_BACKUP_KEY_FILE", str(key_file))
    _refused("backup", tmp_path / "b.irumbak", "not both")


def test_it_refuses_a_field_key_as_the_backup_key(monkeypatch, tmp_path):
    field_key = os.environ["IRUM_FIELD_KEYS"].split(",")[0].partition(":")[2]
    monkeypatch.setenv("IRUM_BACKUP_KEY", field_key)
    _refused("backup", tmp_path / "b.irumbak", "must not be a field-encryption or blind-index key")
    assert [p for p in tmp_path.iterdir()] == []


def test_it_refuses_the_blind_index_key_as_the_backup_key(monkeypatch, tmp_path):
    monkeypatch.setenv("IRUM_BACKUP_KEY", os.environ["IRUM_BLIND_INDEX_KEY"])
    _refused("backup", tmp_path / "b.irumbak", "must not be a field-encryption or blind-index key")
