"""Workbooks for the exchange tests.

`sample()` is a small but realistic archive: two custody chains that run from a Chinese
arrest through a border crossing to an MSS holding centre and a camp, one chain inside
North Korea, and one that adds a place the gazetteer does not know. Every test starts
from it, breaks exactly one thing, and writes it in one of the three container forms the
importer reads (a folder of CSV files, a .zip of them, an .xlsx).

A book is a dict of sheet name -> rows, each row a dict of column -> cell. The header of
a sheet is the columns of its first row, so dropping a key from every row drops the
column, and adding one adds a column.
"""

from __future__ import annotations

import copy
import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from irum.exchange.formats import SHEETS

Row = dict[str, Any]
Book = dict[str, list[Row]]

FORMS = ("folder", "zip", "xlsx")

_SAMPLE: Book = {
    "cases": [
        {
            "case_ref": "C-001",
            "public_id": "C7K2M9QX0",
            "title": "Kim family, taken together at Tumen",
            "summary_public": "2013년 4월 투먼에서 체포됨.\n부녀가 함께 북송되었다.",
            "narrative_restricted": 'The daughter said "we will be back by Chuseok", then nothing.',
            "reported_on": "2014-02",
            "verification": "corroborated",
            "confidentiality": "partners",
        },
        {
            "case_ref": "C-002",
            "public_id": "C3HV8W1RT",
            "title": "한 교사의 실종",
            "summary_public": "",
            "narrative_restricted": "",
            "reported_on": "2016?",
            "verification": "reported",
            "confidentiality": "restricted",
        },
        {
            "case_ref": "C-003",
            "public_id": "C9N4P6ZE2",
            "title": "Worker seized in Yanji, repatriated via Sinuiju",
            "summary_public": "Abducted from a safe house; last seen in Sinuiju.",
            "narrative_restricted": "Broker's name withheld, see S-002.",
            "reported_on": "2019/2020",
            "verification": "verified",
            "confidentiality": "public",
        },
    ],
    "persons": [
        {
            "person_ref": "P-001",
            "case_ref": "C-001",
            "public_id": "P0A1B2C3D",
            "pseudonym": "Daughter K",
            "full_name": "Kim Mi-ran",
            "full_name_ko": "김미란",
            "aliases": "Miran; 미란이",
            "sex": "female",
            "birth_year": "1990",
            "home_province": "North Hamgyong",
            "status": "missing",
            "reason": "escape_repatriated",
        },
        {
            "person_ref": "P-002",
            "case_ref": "C-001",
            "public_id": "P5E6F7G8H",
            "pseudonym": "Father K",
            "full_name": "Kim Chol-su",
            "full_name_ko": "김철수",
            "aliases": "",
            "sex": "male",
            "birth_year": "1962",
            "home_province": "함경북도",
            "status": "detained",
            "reason": "escape_repatriated",
        },
        {
            "person_ref": "P-003",
            "case_ref": "C-002",
            "public_id": "P9J0K1M2N",
            "pseudonym": "Teacher L",
            "full_name": "Lee Young-hee",
            "full_name_ko": "이영희",
            "aliases": "",
            "sex": "female",
            "birth_year": "1975",
            "home_province": "Ryanggang",
            "status": "missing",
            "reason": "outside_contact",
        },
        {
            "person_ref": "P-004",
            "case_ref": "C-003",
            "public_id": "P3P4Q5R6S",
            "pseudonym": "Worker P",
            "full_name": "",
            "full_name_ko": "",
            "aliases": "",
            "sex": "unknown",
            "birth_year": "",
            "home_province": "",
            "status": "unknown",
            "reason": "unknown",
        },
    ],
    "events": [
        # P-001: numbered steps, arrest in China to a camp.
        {
            "person_ref": "P-001",
            "seq": "1",
            "kind": "arrest",
            "date": "2013-04~",
            "place": "Tumen",
            "place_country": "",
            "agency": "cn-public-security",
            "custody_acknowledged": "not_disclosed",
            "description_public": "Arrested at a safe house in Tumen, with her father.",
            "description_restricted": "",
            "source_refs": "S-001",
        },
        {
            "person_ref": "P-001",
            "seq": "2",
            "kind": "detention",
            "date": "2013-04/2013-05",
            "place": "Tumen border detention centre",
            "place_country": "",
            "agency": "cn-border-defence",
            "custody_acknowledged": "not_disclosed",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "S-001",
        },
        {
            "person_ref": "P-001",
            "seq": "3",
            "kind": "repatriation",
            "date": "2013-05",
            "place": "Tumen Border Bridge (Tumen-Namyang)",
            "place_country": "",
            "agency": "cn-border-defence",
            "custody_acknowledged": "unknown",
            "description_public": "Handed over at the bridge, 5 others, 2 children.",
            "description_restricted": "",
            "source_refs": "",
        },
        {
            "person_ref": "P-001",
            "seq": "4",
            "kind": "detention",
            "date": "2013-05/2013-07",
            "place": "Onsong MSS holding/detention centre",
            "place_country": "",
            "agency": "nk-state-security",
            "custody_acknowledged": "denied",
            "description_public": "Interrogated for two months.",
            "description_restricted": "Beaten during interrogation;\nsee S-001 and S-002.",
            "source_refs": "S-001;S-002",
        },
        {
            "person_ref": "P-001",
            "seq": "5",
            "kind": "transfer",
            "date": "2013-08?",
            "place": "Camp 16",
            "place_country": "",
            "agency": "국가보위성",
            "custody_acknowledged": "denied",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "S-002",
        },
        # P-002: no seq, entered out of date order, with two undated steps at the end.
        {
            "person_ref": "P-002",
            "seq": "",
            "kind": "detention",
            "date": "2013-06",
            "place": "Onsong MSS holding/detention centre",
            "place_country": "",
            "agency": "nk-state-security",
            "custody_acknowledged": "denied",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "S-002",
        },
        {
            "person_ref": "P-002",
            "seq": "",
            "kind": "arrest",
            "date": "2013-04",
            "place": "Tumen",
            "place_country": "",
            "agency": "PSB",
            "custody_acknowledged": "not_disclosed",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "",
        },
        {
            "person_ref": "P-002",
            "seq": "",
            "kind": "sighting",
            "date": "",
            "place": "Chongjin",
            "place_country": "",
            "agency": "",
            "custody_acknowledged": "unknown",
            "description_public": "Seen by a cousin at the Chongjin market.",
            "description_restricted": "",
            "source_refs": "S-003",
        },
        {
            "person_ref": "P-002",
            "seq": "",
            "kind": "last_contact",
            "date": "",
            "place": "",
            "place_country": "",
            "agency": "",
            "custody_acknowledged": "unknown",
            "description_public": "",
            "description_restricted": "A letter through a broker.",
            "source_refs": "",
        },
        # P-003: arrested inside North Korea.
        {
            "person_ref": "P-003",
            "seq": "",
            "kind": "arrest",
            "date": "2015-11-03",
            "place": "Hyesan",
            "place_country": "",
            "agency": "bowibu",
            "custody_acknowledged": "unknown",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "",
        },
        {
            "person_ref": "P-003",
            "seq": "",
            "kind": "detention",
            "date": "2015-11/2016-02",
            "place": "Hyesan MSS facility",
            "place_country": "",
            "agency": "nk-state-security",
            "custody_acknowledged": "not_disclosed",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "S-002",
        },
        {
            "person_ref": "P-003",
            "seq": "",
            "kind": "disappearance",
            "date": "2016",
            "place": "",
            "place_country": "",
            "agency": "",
            "custody_acknowledged": "unknown",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "",
        },
        # P-004: taken at a place the gazetteer does not know (created by the import).
        {
            "person_ref": "P-004",
            "seq": "",
            "kind": "abduction",
            "date": "2019-05~",
            "place": "Yanji safe house",
            "place_country": "CN",
            "agency": "",
            "custody_acknowledged": "unknown",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "",
        },
        {
            "person_ref": "P-004",
            "seq": "",
            "kind": "repatriation",
            "date": "2019-07",
            "place": "Sino-Korean Friendship Bridge (Dandong-Sinuiju)",
            "place_country": "",
            "agency": "cn-public-security",
            "custody_acknowledged": "unknown",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "",
        },
        {
            "person_ref": "P-004",
            "seq": "",
            "kind": "detention",
            "date": "2019-07/2019-09",
            "place": "Sinuiju MSS holding/detention centre",
            "place_country": "",
            "agency": "nk-state-security",
            "custody_acknowledged": "acknowledged",
            "description_public": "",
            "description_restricted": "",
            "source_refs": "",
        },
    ],
    "sources": [
        {
            "source_ref": "S-001",
            "kind": "testimony",
            "date": "2014-01",
            "connection": "co_detainee",
            "reliability": "high",
            "consent_public": "yes",
            "content_restricted": "Interview in Seoul.\nShe shared a cell with P-001 in Tumen.",
        },
        {
            "source_ref": "S-002",
            "kind": "family_report",
            "date": "2014-02",
            "connection": "relative",
            "reliability": "medium",
            "consent_public": "no",
            "content_restricted": "가족 진술: 보위부가 데려갔다고 함.",
        },
        {
            "source_ref": "S-003",
            "kind": "media",
            "date": "",
            "connection": "unknown",
            "reliability": "low",
            "consent_public": "no",
            "content_restricted": "",
        },
    ],
}


def sample() -> Book:
    """A fresh copy of the valid sample workbook, safe to change."""
    return copy.deepcopy(_SAMPLE)


def header_of(book: Book, sheet: str) -> list[str]:
    rows = book[sheet]
    if not rows:
        return next(list(s.columns) for s in SHEETS if s.name == sheet)
    header = list(rows[0])
    for row in rows[1:]:
        header.extend(k for k in row if k not in header)
    return header


def _cells(header: list[str], row: Row) -> list[Any]:
    return [row.get(column, "") for column in header]


def csv_text(book: Book, sheet: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = header_of(book, sheet)
    writer.writerow(header)
    for row in book[sheet]:
        writer.writerow(_cells(header, row))
    return buffer.getvalue()


def csv_bytes(book: Book, sheet: str, *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    data = csv_text(book, sheet).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def write_folder(path: Path, book: Book, *, encoding: str = "utf-8", bom: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for sheet in book:
        (path / f"{sheet}.csv").write_bytes(csv_bytes(book, sheet, encoding=encoding, bom=bom))
    return path


def write_zip(path: Path, book: Book, *, encoding: str = "utf-8", bom: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet in book:
            archive.writestr(f"{sheet}.csv", csv_bytes(book, sheet, encoding=encoding, bom=bom))
    return path


def write_xlsx(path: Path, book: Book) -> Path:
    """One worksheet per sheet. A cell keeps its Python type, so an int is a number cell
    and a string starting with "=" is a formula, as a spreadsheet would save them."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in book:
        ws = workbook.create_sheet(sheet)
        header = header_of(book, sheet)
        ws.append(header)
        for row in book[sheet]:
            ws.append(_cells(header, row))
    workbook.save(path)
    return path


def write_workbook(directory: Path, book: Book | None = None, form: str = "folder") -> Path:
    """Write BOOK (default: the sample) under DIRECTORY in FORM; return what to import."""
    book = sample() if book is None else book
    directory.mkdir(parents=True, exist_ok=True)
    if form == "folder":
        return write_folder(directory / "workbook", book)
    if form == "zip":
        return write_zip(directory / "workbook.zip", book)
    if form == "xlsx":
        return write_xlsx(directory / "workbook.xlsx", book)
    raise ValueError(form)


def where(problems: list[Any]) -> list[tuple[str, int | None, str, str]]:
    """Each problem as (sheet, row, column, value): what a test asserts on."""
    return [(p.sheet, p.row, p.column, p.value) for p in problems]
