"""The importer flags persons whose name is already recorded, across partners, through the
blind index: a warning for the documenter, never a refusal and never a disclosure."""

from __future__ import annotations

from irum.archive import services
from irum.audit.models import AuditEntry
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import sample, write_workbook


def _carols_case(actor, personas, *, name="KIM  chol su", name_ko=""):
    case = services.case_create(actor=actor, ref="B-1", owner=personas["partner_b"])
    return services.person_create(
        actor=actor, ref="B-1-1", case=case, full_name=name, full_name_ko=name_ko
    )


def _import(personas, tmp_path, book=None, **kw):
    return workbook_import(
        actor=personas["alice"],
        path=write_workbook(tmp_path, book),
        partner=personas["partner_a"],
        **kw,
    )


def test_it_flags_a_name_another_partner_holds_without_saying_which_record(
    gazetteer, actor, personas, tmp_path
):
    other = _carols_case(actor, personas)

    result = _import(personas, tmp_path)

    assert result.ok and result.persons == 4
    flagged = [(p.sheet, p.row, p.column) for p in result.likely_duplicates]
    assert flagged == [("persons", 3, "full_name")]
    message = result.likely_duplicates[0].reason
    assert "another partner" in message
    assert other.public_id not in message and "B-1" not in message


def test_it_names_the_person_when_the_importer_may_see_the_match(
    gazetteer, actor, personas, tmp_path
):
    case = services.case_create(actor=actor, ref="A-1", owner=personas["partner_a"])
    mine = services.person_create(actor=actor, ref="A-1-1", case=case, full_name_ko="김 철수")

    result = _import(personas, tmp_path)

    assert [(p.row, p.column) for p in result.likely_duplicates] == [(3, "full_name_ko")]
    assert mine.public_id in result.likely_duplicates[0].reason


def test_it_flags_the_same_name_twice_in_one_workbook(gazetteer, personas, tmp_path):
    book = sample()
    book["persons"][2]["full_name"] = "kim mi-ran"

    result = _import(personas, tmp_path, book, dry_run=True)

    rows = sorted((p.row, p.column) for p in result.likely_duplicates)
    assert rows == [(2, "full_name"), (4, "full_name")]
    assert "row 4" in result.likely_duplicates[0].reason


def test_a_dry_run_flags_the_same_as_the_import(gazetteer, actor, personas, tmp_path):
    _carols_case(actor, personas)

    dry = _import(personas, tmp_path, dry_run=True)

    assert [(p.row, p.column) for p in dry.likely_duplicates] == [(3, "full_name")]


def test_it_ignores_deleted_persons_and_empty_names(gazetteer, actor, personas, tmp_path):
    other = _carols_case(actor, personas)
    services.person_delete(actor=actor, person=other, change_reason="entered twice")

    result = _import(personas, tmp_path)

    assert result.likely_duplicates == []


def test_the_import_audit_entry_counts_the_likely_duplicates(gazetteer, actor, personas, tmp_path):
    _carols_case(actor, personas)

    _import(personas, tmp_path)

    entry = AuditEntry.objects.filter(kind="import", record_type="exchange.workbook").get()
    assert entry.changes["likely_duplicates"] == 1
    assert "Kim" not in str(entry.changes) and "김" not in str(entry.changes)
