"""A backup restored into an emptied instance gives back every row, history row, audit
entry and attachment, byte for byte, with the audit chain still verifying."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from irum.archive.models import Case, Person
from irum.audit.models import AuditEntry
from irum.audit.verify import verify_chain
from irum.backups import dump
from irum.backups.tests.helpers import (
    CANARY_NAME,
    CANARY_NAME_KO,
    CANARY_NARRATIVE,
    empty_database,
    fill_archive,
    media_files,
    raw_rows,
    row_counts,
)
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import write_workbook


@pytest.fixture
def archive(gazetteer, actor, personas, media_root, tmp_path):
    result = workbook_import(actor=actor, path=write_workbook(tmp_path / "book"))
    assert result.problems == []
    fill_archive(personas, media_root)
    return personas


def _backup_then_empty(tmp_path, media_root):
    path = tmp_path / "archive.irumbak"
    call_command("backup", str(path), stdout=StringIO())
    before, files = raw_rows(), media_files(media_root)
    empty_database()
    for p in sorted(media_root.rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    return path, before, files


def test_every_row_comes_back_byte_for_byte(archive, backup_key, media_root, tmp_path):
    path, before, _files = _backup_then_empty(tmp_path, media_root)
    # What `migrate` made is all that is left (irum.backups.dump.REGENERATED_TABLES).
    assert sum(row_counts().values()) == sum(len(before[t]) for t in dump.REGENERATED_TABLES)

    call_command("restore", str(path), stdout=StringIO())

    after = raw_rows()
    assert set(after) == set(before)
    for table, rows in before.items():
        if table.startswith("audit_"):
            continue
        assert after[table] == rows, table
    # The restore appends its own entry to the log; everything before it is unchanged.
    entries = before["audit_auditentry"]
    assert after["audit_auditentry"][: len(entries)] == entries
    assert len(after["audit_auditentry"]) == len(entries) + 1


def test_history_rows_and_audit_entries_are_all_there(archive, backup_key, media_root, tmp_path):
    path, before, _files = _backup_then_empty(tmp_path, media_root)
    call_command("restore", str(path), stdout=StringIO())

    assert len(raw_rows()["archive_historicalcase"]) == len(before["archive_historicalcase"]) > 3
    assert len(raw_rows()["archive_historicalevent"]) == len(before["archive_historicalevent"])
    result = verify_chain()
    assert result.ok, result.reason
    assert result.count == len(before["audit_auditentry"]) + 1


def test_the_encrypted_identities_decrypt_after_the_restore(
    archive, backup_key, media_root, tmp_path
):
    path, _before, _files = _backup_then_empty(tmp_path, media_root)
    call_command("restore", str(path), stdout=StringIO())

    person = Person.objects.get(ref="P-100")
    assert (person.full_name, person.full_name_ko) == (CANARY_NAME, CANARY_NAME_KO)
    assert Case.objects.get(ref="C-100").narrative_restricted == CANARY_NARRATIVE
    assert Person.objects.get(ref="P-001").full_name == "Kim Mi-ran"


def test_the_attachments_come_back(archive, backup_key, media_root, tmp_path):
    path, _before, files = _backup_then_empty(tmp_path, media_root)
    assert media_files(media_root) == {}

    call_command("restore", str(path), stdout=StringIO())

    assert media_files(media_root) == files
    assert "photo 사진.jpg" in files


def test_the_log_records_the_backup_and_the_restore(archive, backup_key, media_root, tmp_path):
    path, _before, _files = _backup_then_empty(tmp_path, media_root)
    call_command("restore", str(path), stdout=StringIO())

    backup, restore = AuditEntry.objects.filter(record_type="backups.backup").order_by("seq")
    # The backup's entry was written before the tables were read, so it is in the backup.
    assert backup.kind == "export" and restore.kind == "import"
    assert backup.record_id == restore.record_id
    assert restore.seq == AuditEntry.objects.order_by("-seq").first().seq


def test_new_rows_after_a_restore_never_reuse_an_id(archive, backup_key, media_root, tmp_path):
    from django.db import connection

    from irum.archive import services

    # A row removed outright (not soft-deleted) still has history naming its id: the
    # restored instance must not hand that id out again.
    gone = services.case_create(actor=archive["alice"], ref="C-GONE", title="removed")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM archive_case WHERE id = %s", [gone.pk])
    path, _before, _files = _backup_then_empty(tmp_path, media_root)
    call_command("restore", str(path), stdout=StringIO())

    case = services.case_create(actor=archive["alice"], ref="C-NEW", title="after the restore")
    assert case.pk > gone.pk
