"""Every archive write, import and export leaves one entry in the chained audit log, in
the same transaction as the change, and never a plaintext identity."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from irum.archive import services
from irum.audit.models import AuditEntry
from irum.exchange.exporter import workbook_export
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import write_workbook


def test_a_service_write_records_actor_kind_record_and_what_changed(db, actor):
    case = services.case_create(actor=actor, ref="A-1", title="first")
    services.case_update(actor=actor, case=case, title="second", change_reason="new testimony")
    created, updated = AuditEntry.objects.order_by("seq")
    assert (created.kind, created.record_type, created.record_id) == (
        "create",
        "archive.case",
        str(case.pk),
    )
    assert created.actor == actor
    assert updated.changes == {"title": ["first", "second"]}
    assert updated.reason == "new testimony"


def test_an_identity_change_is_recorded_without_the_name(db, actor):
    case = services.case_create(actor=actor, ref="A-2")
    person = services.person_create(actor=actor, ref="P-2", case=case, full_name="Secret Name")
    services.person_update(actor=actor, person=person, full_name="Other Secret")
    stored = str(list(AuditEntry.objects.values_list("changes", "summary")))
    assert "Secret" not in stored
    assert AuditEntry.objects.filter(kind="update", changes__has_key="full_name").exists()


def test_a_refused_write_leaves_no_entry(db, actor):
    with pytest.raises(ValidationError):
        services.case_create(actor=actor, ref="A-3", reported_on="last spring")
    assert not AuditEntry.objects.exists()


def test_an_import_and_an_export_are_each_one_entry(gazetteer, actor, tmp_path):
    before = AuditEntry.objects.count()
    assert workbook_import(actor=actor, path=write_workbook(tmp_path / "in")).ok
    workbook_export(actor=actor, path=tmp_path / "out")
    kinds = list(
        AuditEntry.objects.filter(seq__gt=before).order_by("seq").values_list("kind", flat=True)
    )
    assert kinds == ["import", "export"]


def test_the_chain_verifies_after_real_work(gazetteer, actor, tmp_path):
    assert workbook_import(actor=actor, path=write_workbook(tmp_path)).ok
    services.case_create(actor=actor, ref="A-4")
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "verified" in out.getvalue()
