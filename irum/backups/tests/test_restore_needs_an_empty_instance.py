"""Restore writes only into an empty instance: a database with data, a media folder with
files or a database not yet migrated is refused, and nothing is changed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from irum.audit.services import audit_record
from irum.backups.tests.helpers import empty_database, fill_archive
from irum.backups.tests.restore_helpers import assert_refused


@pytest.fixture
def backup(personas, backup_key, media_root, tmp_path):
    fill_archive(personas, media_root)
    path = tmp_path / "archive.irumbak"
    call_command("backup", str(path), stdout=StringIO())
    return path


def test_it_refuses_a_database_that_holds_the_archive(backup, media_root):
    for p in media_root.rglob("*"):
        if p.is_file():
            p.unlink()
    assert_refused(backup, "Restore needs an empty instance.*archive_case", media_root)


def test_it_refuses_a_database_with_a_single_user(backup, media_root):
    from django.contrib.auth import get_user_model

    empty_database()
    for p in media_root.rglob("*"):
        if p.is_file():
            p.unlink()
    get_user_model().objects.create_user("eve", password="eve-long-test-pass")
    assert_refused(backup, "already holds data \\(auth_user\\)", media_root)


def test_it_refuses_an_audit_log_alone(backup, media_root):
    empty_database()
    for p in media_root.rglob("*"):
        if p.is_file():
            p.unlink()
    audit_record(actor=None, kind="other", summary="an instance already in use")
    assert_refused(backup, "audit_auditentry", media_root)


def test_it_refuses_a_media_folder_with_files(backup, media_root):
    empty_database()
    for p in media_root.rglob("*"):
        if p.is_file():
            p.unlink()
    (media_root / "left-over.pdf").write_bytes(b"%PDF")
    assert_refused(backup, "already holds files", media_root)


def test_empty_folders_in_the_media_folder_are_no_obstacle(backup, media_root):
    empty_database()
    for p in media_root.rglob("*"):
        if p.is_file():
            p.unlink()
    assert (media_root / "attachments" / "2024").is_dir()
    call_command("restore", str(backup), stdout=StringIO())
    assert (media_root / "attachments" / "2024" / "testimony.txt").is_file()
