"""`irum rotate-keys` re-encrypts every stored value under the active key, after which the
old key can be removed (DESIGN.md, "Encryption at rest")."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from irum.archive.models import Case, Person
from irum.audit.models import AuditEntry
from irum.audit.verify import verify_chain
from irum.vault.rotation import encrypted_tables
from irum.vault.tests.archive_builders import (
    assert_archive_reads_back,
    build_archive,
    raw_rows,
    raw_text,
)


def _rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate-keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def archive_under_a(actor, field_keys):
    field_keys("A")
    build_archive(actor)
    assert "v1:A:" in raw_text()


def test_every_record_and_history_row_reads_with_only_the_new_key(archive_under_a, field_keys):
    field_keys("B", "A")
    _rotate()
    field_keys("B")  # the old key is gone
    assert_archive_reads_back()
    text = raw_text()
    assert "v1:A:" not in text
    assert "v1:B:" in text


def test_it_finds_the_archive_tables_and_their_history_tables(db):
    names = {t.name for t in encrypted_tables()}
    for table in ("case", "person", "source", "event"):
        assert f"archive_{table}" in names
        assert f"archive_historical{table}" in names


def test_rotation_is_not_an_edit(archive_under_a, field_keys):
    history = {ref: Person.history.filter(ref=ref).count() for ref in ("ROT-P1", "ROT-P2")}
    before = {p.ref: (p.updated_at, p.version) for p in Person.objects.all()}
    case_before = Case.objects.values_list("updated_at", "version").get()
    field_keys("B", "A")
    _rotate()
    after = {p.ref: (p.updated_at, p.version) for p in Person.objects.all()}
    assert after == before
    assert Case.objects.values_list("updated_at", "version").get() == case_before
    assert {ref: Person.history.filter(ref=ref).count() for ref in history} == history


def test_it_reports_progress_per_table_and_a_summary(archive_under_a, field_keys):
    field_keys("B", "A")
    out = _rotate("--batch-size", "2")
    # Four person rows hold values under A (three persons, one without an identity).
    assert "archive_person: rows re-encrypted 2 / 2" in out
    assert "archive_historicalperson: rows re-encrypted 2 / 4" in out
    assert "archive_historicalperson: rows re-encrypted 4 / 4" in out
    assert "archive_case: rows re-encrypted 1 / 1" in out
    assert "Every value is now under key B." in out
    assert "Keys no longer needed for reading: A." in out


def test_a_second_run_finds_nothing_to_do(archive_under_a, field_keys):
    field_keys("B", "A")
    _rotate()
    before, entries = raw_rows(), AuditEntry.objects.count()
    out = _rotate()
    assert "Nothing needs rotation: every value is under key B." in out
    assert raw_rows() == before
    assert AuditEntry.objects.count() == entries


def test_the_dry_run_counts_values_per_key_and_writes_nothing(archive_under_a, field_keys):
    field_keys("B", "A")
    before = raw_rows()
    out = _rotate("--dry-run")
    assert "archive_person: rows 3, to re-encrypt 2; stored values per key id: A: 8" in out
    assert "archive_case: rows 1, to re-encrypt 1; stored values per key id: A: 1" in out
    assert "Nothing was written (dry run)." in out
    assert raw_rows() == before


def test_it_writes_one_audit_entry_per_table_and_the_chain_still_verifies(
    archive_under_a, field_keys
):
    field_keys("B", "A")
    first_new = AuditEntry.objects.order_by("-seq").first().seq + 1
    _rotate("--batch-size", "1")
    entries = AuditEntry.objects.filter(seq__gte=first_new)
    by_type = {e.record_type: e for e in entries}
    assert len(by_type) == entries.count()
    person = by_type["archive.person"]
    assert person.kind == "other" and person.actor_label == "irum-system"
    assert person.summary == "field keys rotated: archive_person"
    assert person.changes == {"archive_person": 2, "from_key_ids": {"A": 8}, "to_key_id": "B"}
    assert "archive.historicalperson" in by_type
    result = verify_chain()
    assert result.ok, result.reason


def test_the_audit_log_itself_is_left_as_it_was(archive_under_a, field_keys):
    def log() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM audit_auditentry ORDER BY seq")
            return cursor.fetchall()

    before = log()
    field_keys("B", "A")
    _rotate()
    assert log()[: len(before)] == before
