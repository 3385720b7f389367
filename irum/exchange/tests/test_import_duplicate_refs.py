"""A ref or public id used twice, in the workbook or against the archive, is reported
with the row that repeats it; a seq used twice in one person's chain likewise."""

from __future__ import annotations

import pytest

from irum.archive.models import Case, Event
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import sample, where, write_workbook


def _import(actor, path):
    return workbook_import(actor=actor, path=path)


@pytest.mark.parametrize(
    ("sheet", "column", "row"),
    [("cases", "case_ref", 5), ("persons", "person_ref", 6), ("sources", "source_ref", 5)],
)
def test_it_rejects_a_ref_that_appears_twice_in_a_sheet(
    gazetteer, actor, tmp_path, sheet, column, row
):
    book = sample()
    copy = dict(book[sheet][0])
    copy.pop("public_id", None)
    book[sheet].append(copy)

    result = _import(actor, write_workbook(tmp_path, book))

    assert where(result.problems) == [(sheet, row, column, copy[column])]
    assert "appears twice" in result.problems[0].reason
    assert Case.objects.count() == 0


@pytest.mark.parametrize(("sheet", "row"), [("cases", 3), ("persons", 3)])
def test_it_rejects_a_public_id_that_appears_twice_in_a_sheet(
    gazetteer, actor, tmp_path, sheet, row
):
    book = sample()
    book[sheet][1]["public_id"] = book[sheet][0]["public_id"].lower()

    result = _import(actor, write_workbook(tmp_path, book))

    assert where(result.problems) == [(sheet, row, "public_id", book[sheet][0]["public_id"])]
    assert "appears twice" in result.problems[0].reason


def test_it_rejects_every_ref_and_public_id_already_in_the_archive(gazetteer, actor, tmp_path):
    assert _import(actor, write_workbook(tmp_path / "first")).problems == []
    before = Case.objects.count(), Event.objects.count()

    result = _import(actor, write_workbook(tmp_path / "again"))

    found = {(p.sheet, p.column) for p in result.problems}
    assert found == {
        ("cases", "case_ref"),
        ("cases", "public_id"),
        ("persons", "person_ref"),
        ("persons", "public_id"),
        ("sources", "source_ref"),
        # P-001's numbered steps are in the archive already.
        ("events", "seq"),
    }
    assert ("cases", 2, "case_ref", "C-001") in where(result.problems)
    assert ("persons", 5, "person_ref", "P-004") in where(result.problems)
    assert ("sources", 4, "source_ref", "S-003") in where(result.problems)
    assert (Case.objects.count(), Event.objects.count()) == before


def test_it_rejects_a_public_id_already_used_by_another_record(gazetteer, actor, tmp_path):
    assert _import(actor, write_workbook(tmp_path / "first")).problems == []
    book = {
        "cases": [{"case_ref": "C-100", "public_id": "C7K2M9QX0"}],
        "persons": [{"person_ref": "P-100", "case_ref": "C-100", "public_id": "p0a1b2c3d"}],
        "events": [],
    }

    result = _import(actor, write_workbook(tmp_path / "second", book))

    assert where(result.problems) == [
        ("cases", 2, "public_id", "C7K2M9QX0"),
        ("persons", 2, "public_id", "P0A1B2C3D"),
    ]
    assert {p.reason for p in result.problems} == {"is already used in the archive"}


def test_it_rejects_a_seq_used_twice_in_one_persons_chain(gazetteer, actor, tmp_path):
    book = sample()
    book["events"][2]["seq"] = "2"
    # The same seq for another person is fine.
    book["events"][5]["seq"] = "2"

    result = _import(actor, write_workbook(tmp_path, book))

    assert where(result.problems) == [("events", 4, "seq", "2")]
    assert result.problems[0].reason == "is used twice for the same person"


def test_it_rejects_a_seq_already_used_in_the_archive_for_that_person(gazetteer, actor, tmp_path):
    assert _import(actor, write_workbook(tmp_path / "first")).problems == []
    book = {
        "cases": [],
        "persons": [],
        "events": [
            {"person_ref": "P-001", "seq": "6", "kind": "sighting"},
            {"person_ref": "P-001", "seq": "3", "kind": "sighting"},
        ],
    }

    result = _import(actor, write_workbook(tmp_path / "second", book))

    assert where(result.problems) == [("events", 3, "seq", "3")]
    assert "already used" in result.problems[0].reason
    assert Event.objects.filter(person__ref="P-001").count() == 5
