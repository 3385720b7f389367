"""A workbook missing a sheet or a required column, or with a column the format does not
know, is refused before any row is read, with the sheet and column named."""

from __future__ import annotations

import zipfile

import pytest

from irum.archive.models import Case, Event, Source
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import (
    csv_bytes,
    sample,
    where,
    write_folder,
    write_workbook,
    write_xlsx,
)


def _import(actor, path):
    return workbook_import(actor=actor, path=path)


@pytest.mark.parametrize(
    ("sheet", "column"),
    [
        ("cases", "case_ref"),
        ("persons", "person_ref"),
        ("persons", "case_ref"),
        ("events", "person_ref"),
        ("events", "kind"),
        ("sources", "source_ref"),
    ],
)
@pytest.mark.parametrize("form", ["folder", "xlsx"])
def test_it_rejects_a_sheet_missing_a_required_column(db, actor, tmp_path, sheet, column, form):
    book = sample()
    for row in book[sheet]:
        del row[column]

    result = _import(actor, write_workbook(tmp_path, book, form=form))

    assert where(result.problems) == [(sheet, 1, column, "")]
    assert result.problems[0].reason == "is a required column and is missing"
    assert Case.objects.count() == 0


def test_it_rejects_a_column_the_format_does_not_know(db, actor, tmp_path):
    book = sample()
    for row in book["persons"]:
        row["nickname"] = "K"

    result = _import(actor, write_workbook(tmp_path, book))

    assert where(result.problems) == [("persons", 1, "nickname", "")]
    assert "is not a column of this sheet" in result.problems[0].reason
    assert "person_ref, case_ref" in result.problems[0].reason
    assert Case.objects.count() == 0


def test_it_rejects_a_column_named_twice(db, actor, tmp_path):
    path = write_workbook(tmp_path)
    (path / "sources.csv").write_text("source_ref,kind,Kind\r\nS-9,media,media\r\n")

    result = _import(actor, path)

    assert where(result.problems) == [("sources", 1, "kind", "")]
    assert result.problems[0].reason == "appears twice in the header"


def test_it_reads_columns_in_any_order_and_any_case(gazetteer, actor, tmp_path):
    book = sample()
    book["events"] = [
        {f" {k.upper()} ": v for k, v in reversed(list(row.items()))} for row in book["events"]
    ]

    result = _import(actor, write_workbook(tmp_path, book))

    assert result.problems == []
    assert Event.objects.count() == 15


def test_it_imports_a_workbook_with_only_the_required_columns(gazetteer, actor, tmp_path):
    book = {
        "cases": [{"case_ref": "C-1"}],
        "persons": [{"person_ref": "P-1", "case_ref": "C-1"}],
        "events": [{"person_ref": "P-1", "kind": "disappearance"}],
    }

    result = _import(actor, write_workbook(tmp_path, book))

    assert result.problems == []
    event = Event.objects.get()
    assert (event.date, event.place, event.agency, event.custody_acknowledged) == (
        "",
        None,
        None,
        "unknown",
    )
    assert Case.objects.get().confidentiality == "restricted"  # the safe default


@pytest.mark.parametrize("missing", ["cases", "persons", "events"])
@pytest.mark.parametrize("form", ["folder", "zip", "xlsx"])
def test_it_rejects_a_workbook_without_a_required_sheet(db, actor, tmp_path, missing, form):
    book = sample()
    del book[missing]

    result = _import(actor, write_workbook(tmp_path, book, form=form))

    assert where(result.problems) == [(missing, None, "", "")]
    assert f"needs a {missing}.csv sheet" in result.problems[0].reason
    assert Case.objects.count() == 0


def test_it_imports_a_workbook_without_sources(gazetteer, actor, tmp_path):
    book = sample()
    del book["sources"]
    for event in book["events"]:
        event["source_refs"] = ""

    assert _import(actor, write_workbook(tmp_path, book)).problems == []
    assert Source.objects.count() == 0


def test_it_rejects_an_empty_folder(db, actor, tmp_path):
    (tmp_path / "empty").mkdir()

    result = _import(actor, tmp_path / "empty")

    assert where(result.problems) == [
        ("cases", None, "", ""),
        ("persons", None, "", ""),
        ("events", None, "", ""),
    ]


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b"\xef\xbb\xbf", b" , ,\r\n"])
def test_it_rejects_an_empty_csv_file(db, actor, tmp_path, content):
    path = write_workbook(tmp_path)
    (path / "persons.csv").write_bytes(content)

    result = _import(actor, path)

    assert where(result.problems) == [("persons", None, "", "")]
    assert "is empty" in result.problems[0].reason
    assert Case.objects.count() == 0


@pytest.mark.parametrize("name", ["workbook.xlsx", "workbook.zip", "workbook.csv"])
def test_it_rejects_an_empty_file(db, actor, tmp_path, name):
    (tmp_path / name).write_bytes(b"")

    result = _import(actor, tmp_path / name)

    assert where(result.problems) == [(name, None, "", "")]
    assert result.problems[0].reason == "is empty"


def test_it_imports_a_sheet_with_a_header_and_no_rows(gazetteer, actor, tmp_path):
    book = sample()
    book["events"] = []

    assert _import(actor, write_workbook(tmp_path, book)).problems == []
    assert (Case.objects.count(), Event.objects.count()) == (3, 0)


def test_it_rejects_an_xlsx_whose_sheet_is_blank(db, actor, tmp_path):
    path = write_xlsx(tmp_path / "wb.xlsx", sample())
    import openpyxl

    book = openpyxl.load_workbook(path)
    book.remove(book["events"])
    book.create_sheet("events")
    book.save(path)

    result = _import(actor, path)

    assert where(result.problems) == [("events", None, "", "")]


def test_it_reads_xlsx_sheet_names_in_any_case(gazetteer, actor, tmp_path):
    path = write_xlsx(tmp_path / "wb.xlsx", sample())
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["cases"]
    sheet.title = "renaming"  # openpyxl refuses a rename that differs only in case
    sheet.title = " Cases "
    book["events"].title = "events.csv"
    book.save(path)

    assert _import(actor, path).problems == []


def test_it_rejects_a_single_csv_file_as_an_incomplete_workbook(db, actor, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes(csv_bytes(sample(), "cases"))

    result = _import(actor, path)

    assert where(result.problems) == [("persons", None, "", ""), ("events", None, "", "")]


def test_it_reads_a_zip_whose_files_sit_in_a_folder_beside_mac_metadata(gazetteer, actor, tmp_path):
    book = sample()
    path = tmp_path / "wb.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for sheet in book:
            archive.writestr(f"export 2024/{sheet}.csv", csv_bytes(book, sheet))
            archive.writestr(f"__MACOSX/export 2024/._{sheet}.csv", b"\x00\x05\x16\x07junk")
        archive.writestr("export 2024/README.txt", "not a sheet")

    assert _import(actor, path).problems == []
    assert Case.objects.count() == 3


def test_it_rejects_a_path_that_does_not_exist(db, actor, tmp_path):
    result = _import(actor, tmp_path / "nowhere.xlsx")

    assert where(result.problems) == [(str(tmp_path / "nowhere.xlsx"), None, "", "")]
    assert result.problems[0].reason == "does not exist"


def test_it_rejects_a_file_that_is_not_a_workbook(db, actor, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("case_ref\nC-1\n")

    result = _import(actor, path)

    assert where(result.problems) == [("notes.txt", None, "", "")]
    assert "is not a workbook" in result.problems[0].reason


def test_it_reads_a_folder_with_upper_case_file_names(gazetteer, actor, tmp_path):
    path = write_folder(tmp_path / "wb", sample())
    for f in list(path.iterdir()):
        f.rename(path / f.name.upper())

    assert _import(actor, path).problems == []
