"""CSV files in UTF-8 (with or without a BOM) and in CP949/EUC-KR, what Korean Excel
writes, are all read correctly; anything else is refused in plain words."""

from __future__ import annotations

import pytest

from irum.archive.models import Case, Person, Source
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import csv_bytes, sample, write_folder, write_zip


def _assert_hangul_intact():
    assert Case.objects.get(ref="C-002").title == "한 교사의 실종"
    assert Case.objects.get(ref="C-001").summary_public.startswith("2013년 4월 투먼에서")
    assert Person.objects.get(ref="P-001").full_name_ko == "김미란"
    assert Person.objects.get(ref="P-001").aliases == "Miran; 미란이"
    assert (
        Source.objects.get(ref="S-002").content_restricted == "가족 진술: 보위부가 데려갔다고 함."
    )


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", False), ("utf-8", True), ("cp949", False), ("euc-kr", False)],
    ids=["utf-8", "utf-8-bom", "cp949", "euc-kr"],
)
def test_it_reads_hangul_in_every_encoding_korean_excel_writes(
    gazetteer, actor, tmp_path, encoding, bom
):
    path = write_folder(tmp_path / "wb", sample(), encoding=encoding, bom=bom)

    result = workbook_import(actor=actor, path=path)

    assert result.problems == []
    _assert_hangul_intact()


def test_it_reads_a_zip_of_cp949_files(gazetteer, actor, tmp_path):
    path = write_zip(tmp_path / "wb.zip", sample(), encoding="cp949")

    assert workbook_import(actor=actor, path=path).problems == []
    _assert_hangul_intact()


def test_it_reads_syllables_that_only_cp949_and_not_euc_kr_can_encode(gazetteer, actor, tmp_path):
    book = sample()
    # 똠 and 쀍 are outside the 2,350 syllables of EUC-KR (KS X 1001); CP949, which
    # Korean Excel writes, gives them two bytes each.
    book["cases"][1]["title"] = "똠방각하 쀍"
    assert len("똠".encode("cp949")) == 2
    path = write_folder(tmp_path / "wb", book, encoding="cp949")

    assert workbook_import(actor=actor, path=path).problems == []
    assert Case.objects.get(ref="C-002").title == "똠방각하 쀍"


def test_it_reads_a_bom_in_only_some_of_the_files(gazetteer, actor, tmp_path):
    path = write_folder(tmp_path / "wb", sample())
    (path / "cases.csv").write_bytes(csv_bytes(sample(), "cases", bom=True))

    assert workbook_import(actor=actor, path=path).problems == []
    assert Case.objects.count() == 3


def test_it_refuses_bytes_that_are_neither_utf8_nor_cp949(db, actor, tmp_path):
    path = write_folder(tmp_path / "wb", sample())
    # 0x80 and 0xFF start no character in UTF-8 or CP949.
    (path / "persons.csv").write_bytes(b"person_ref,case_ref\r\nP-1,\x80\xff\x80\xff\r\n")

    result = workbook_import(actor=actor, path=path)

    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("persons", None, "")
    assert "neither UTF-8 nor CP949/EUC-KR" in problem.reason
    assert Case.objects.count() == 0


def test_it_refuses_utf16_text_instead_of_misreading_it(db, actor, tmp_path):
    path = write_folder(tmp_path / "wb", sample())
    # Excel's "Unicode text" is UTF-16: every other byte of ASCII text is a NUL.
    (path / "cases.csv").write_bytes(csv_bytes(sample(), "cases", encoding="utf-16"))

    result = workbook_import(actor=actor, path=path)

    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("cases", None, "")]
    assert "not a CSV text file" in result.problems[0].reason
    assert Case.objects.count() == 0
