"""Binary junk, unreadable encodings, oversized files and cells are refused with a clear
problem, never a traceback, and nothing is written. A byte-order mark, and the CP949
that Korean Excel writes, are read as the workbook importer reads them."""

from __future__ import annotations

import random
from pathlib import Path

from irum.archive.models import Person
from irum.exchange.reader import MAX_CELL_CHARS
from irum.exchange.tests.snapshots import database_dump
from irum.exchange.uwazi import uwazi_import

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"
VICTIMS = (FIXTURES / "victims.csv").read_text(encoding="utf-8")


def _import(actor, tmp_path, data: bytes):
    (tmp_path / "export.csv").write_bytes(data)
    return uwazi_import(
        actor=actor,
        path=tmp_path / "export.csv",
        template="victims",
        mapping_path=FIXTURES / "victims.yaml",
    )


def _refused(result, reason, row=None):
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("export.csv", row, "")]
    assert result.problems[0].reason.startswith(reason), result.problems[0].reason


def test_it_refuses_binary_junk(db, actor, tmp_path):
    junk = random.Random(20130412).randbytes(4096)

    _refused(_import(actor, tmp_path, junk), "is a binary file, not a CSV text file")


def test_it_refuses_text_that_is_neither_utf8_nor_cp949(db, actor, tmp_path):
    data = VICTIMS.split("\n", 1)[0].encode() + b"\nKim \xff\xfe,V-1\n"

    _refused(_import(actor, tmp_path, data), "is neither UTF-8 nor CP949/EUC-KR text")


def test_it_refuses_an_empty_file(db, actor, tmp_path):
    _refused(_import(actor, tmp_path, b"  \n"), "is empty")


def test_it_refuses_a_file_that_is_not_there(db, actor, tmp_path):
    result = uwazi_import(
        actor=actor,
        path=tmp_path / "nowhere.csv",
        template="victims",
        mapping_path=FIXTURES / "victims.yaml",
    )

    assert [(p.sheet, p.reason) for p in result.problems] == [("nowhere.csv", "does not exist")]


def test_it_reads_a_file_with_a_byte_order_mark(gazetteer, actor, tmp_path):
    result = _import(actor, tmp_path, b"\xef\xbb\xbf" + VICTIMS.encode("utf-8"))

    assert result.problems == [] and result.persons == 3


def test_it_reads_a_file_saved_as_cp949_by_korean_excel(gazetteer, actor, tmp_path):
    result = _import(actor, tmp_path, VICTIMS.encode("cp949"))

    assert result.problems == []
    assert Person.objects.get(ref="V-0001").full_name_ko == "김철수"


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(db, actor, tmp_path, settings):
    settings.IRUM_IMPORT_MAX_BYTES = 1000

    result = _import(actor, tmp_path, VICTIMS.encode() + b"x" * 2000)

    _refused(result, "is 0 MB, larger than the limit of 0 MB (IRUM_IMPORT_MAX_BYTES)")


def test_it_refuses_a_file_with_more_rows_than_the_limit(db, actor, tmp_path, settings):
    settings.IRUM_IMPORT_MAX_ROWS = 2

    _refused(_import(actor, tmp_path, VICTIMS.encode()), "has more than 2 rows")


def test_it_refuses_a_cell_longer_than_the_limit(db, actor, tmp_path):
    huge = "Kim" + "x" * MAX_CELL_CHARS
    data = VICTIMS.replace("Ri Song-ho,", f"{huge},", 1).encode()

    _refused(_import(actor, tmp_path, data), "has a cell longer than 200000 characters", 5)


def test_it_refuses_formulas_in_every_kind_of_cell_and_writes_nothing(gazetteer, actor, tmp_path):
    before = database_dump()
    data = (
        VICTIMS.replace(",Kim Chul-soo|Chol,", ",=cmd|' /C calc'!A0,", 1)
        .replace("Ri Song-ho", "=1+1", 1)
        .replace("12/04/2013,Tumen", "=NOW(),Tumen", 1)
    )

    result = _import(actor, tmp_path, data.encode())

    assert [(p.row, p.column) for p in result.problems] == [
        (2, "Other names"),
        (2, "Date of arrest"),
        (5, "Title"),
    ]
    assert all("is a spreadsheet formula" in p.reason for p in result.problems)
    assert database_dump() == before


def test_it_keeps_text_that_starts_with_an_apostrophe_as_excel_marks_text(
    gazetteer, actor, tmp_path
):
    data = VICTIMS.replace(",김철수,", ",'=김철수,", 1).replace(",김영희,", ",''김영희,", 1)

    result = _import(actor, tmp_path, data.encode())

    assert result.problems == []
    assert Person.objects.get(ref="V-0001").full_name_ko == "=김철수"
    assert Person.objects.get(ref="V-0002").full_name_ko == "'김영희"
