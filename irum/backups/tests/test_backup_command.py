"""`irum backup PATH`: progress per table, the file's place and SHA-256 on the last line,
an audit entry, and never a half-written or overwritten file."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from irum.audit.models import AuditEntry
from irum.backups import dump
from irum.backups.tests.helpers import fill_archive


@pytest.fixture
def archive(personas, backup_key, media_root):
    fill_archive(personas, media_root)
    return personas


def test_it_reports_each_table_and_ends_with_the_path_and_hash(archive, tmp_path):
    path = tmp_path / "archive.irumbak"
    out = StringIO()
    call_command("backup", str(path), stdout=out)

    lines = out.getvalue().splitlines()
    assert "archive_case: 1 row" in lines
    assert "archive_historicalcase: 2 rows" in lines
    assert {line.split(":")[0] for line in lines[:-2]} == {t.name for t in dump.tables()}
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    assert lines[-1] == f"Backup written to {path} (SHA-256 {sha256})"


def test_it_records_the_backup_in_the_audit_log(archive, tmp_path):
    path = tmp_path / "archive.irumbak"
    call_command("backup", str(path), "--actor", "alice", stdout=StringIO())
    entry = AuditEntry.objects.get(record_type="backups.backup")
    assert (entry.kind, entry.actor, entry.summary) == (
        "export",
        archive["alice"],
        f"backup to {path}",
    )


def test_it_leaves_no_temporary_file_behind(archive, tmp_path):
    call_command("backup", str(tmp_path / "archive.irumbak"), stdout=StringIO())
    assert [p.name for p in tmp_path.iterdir() if p.name != "media"] == ["archive.irumbak"]


def test_it_refuses_to_overwrite_a_file_without_force(archive, tmp_path):
    path = tmp_path / "archive.irumbak"
    path.write_bytes(b"yesterday's backup")
    with pytest.raises(CommandError, match="already exists; use --force to replace it"):
        call_command("backup", str(path), stdout=StringIO())
    assert path.read_bytes() == b"yesterday's backup"
    assert not AuditEntry.objects.filter(record_type="backups.backup").exists()


def test_it_overwrites_with_force(archive, tmp_path):
    path = tmp_path / "archive.irumbak"
    path.write_bytes(b"yesterday's backup")
    path.chmod(0o644)
    call_command("backup", str(path), "--force", stdout=StringIO())
    assert path.read_bytes().startswith(b"IRUMBAK\x00")
    assert path.stat().st_mode & 0o777 == 0o600


def test_it_refuses_a_folder_that_does_not_exist(archive, tmp_path):
    with pytest.raises(CommandError, match=r"The folder .*nowhere does not exist"):
        call_command("backup", str(tmp_path / "nowhere" / "b.irumbak"), stdout=StringIO())


def test_it_refuses_a_folder_as_the_path(archive, tmp_path):
    with pytest.raises(CommandError, match="is a folder; give a file name"):
        call_command("backup", str(tmp_path), stdout=StringIO())


def test_restore_of_a_missing_file_is_a_clear_error(archive, tmp_path):
    with pytest.raises(CommandError, match="cannot be read: No such file or directory"):
        call_command("restore", str(tmp_path / "missing.irumbak"), stdout=StringIO())
