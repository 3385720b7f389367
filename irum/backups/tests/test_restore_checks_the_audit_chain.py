"""Restore ends by verifying the audit chain. A log that was already broken when the
backup was made is refused, with everything written so far rolled back, unless a person
accepts it explicitly."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from irum.audit.models import AuditEntry
from irum.audit.tests.helpers import disable_audit_triggers, raw_sql
from irum.audit.verify import verify_chain
from irum.backups.tests.helpers import empty_database, fill_archive, media_files, row_counts


@pytest.fixture
def broken_backup(personas, backup_key, media_root, tmp_path):
    fill_archive(personas, media_root)
    disable_audit_triggers()
    raw_sql("UPDATE audit_auditentry SET summary = 'rewritten' WHERE seq = 2")
    path = tmp_path / "archive.irumbak"
    call_command("backup", str(path), stdout=StringIO())
    empty_database()
    for p in media_root.rglob("*"):
        if p.is_file():
            p.unlink()
    return path


def test_it_refuses_a_log_that_does_not_verify_and_keeps_nothing(broken_backup, media_root):
    counts = row_counts()
    with pytest.raises(CommandError, match="restored audit log does not verify \\(entry 2: "):
        call_command("restore", str(broken_backup), stdout=StringIO())
    # Every row had been written when the chain was checked: all of it was rolled back.
    assert row_counts() == counts
    assert media_files(media_root) == {}
    assert not [p for p in media_root.parent.iterdir() if p.name.startswith(".irum-restore")]


def test_a_person_may_accept_the_broken_log(broken_backup, media_root):
    out = StringIO()
    call_command("restore", str(broken_backup), "--accept-broken-audit-log", stdout=out)
    assert "The audit log does NOT verify: entry 2: hash does not match" in out.getvalue()
    assert verify_chain().bad_seq == 2
    restore = AuditEntry.objects.filter(record_type="backups.backup", kind="import").get()
    assert restore.summary.endswith("(audit log accepted broken)")
    assert "testimony.txt" in "".join(media_files(media_root))
