"""Binary junk, zip bombs, oversized and malformed files are refused with a clear
problem, never a traceback, and nothing is written."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from irum.archive.models import Case
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import csv_bytes, sample, where, write_workbook, write_zip

MB = 2**20


def _import(actor, path):
    result = workbook_import(actor=actor, path=path)
    assert Case.objects.count() == 0 or result.ok
    return result


def _junk(n=64 * 1024, seed=20130401):
    return random.Random(seed).randbytes(n)


@pytest.mark.parametrize(
    ("name", "sheet", "reason"),
    [
        ("workbook.xlsx", "workbook", "is not a valid .xlsx or .zip file"),
        ("workbook.zip", "zip", "is not a valid .xlsx or .zip file"),
        ("cases.csv", "cases", "is a binary file, not a CSV text file"),
        ("workbook", "workbook", "is not a workbook: give an .xlsx file, a .zip, or a folder"),
    ],
)
def test_it_refuses_binary_junk_whatever_it_is_named(db, actor, tmp_path, name, sheet, reason):
    (tmp_path / name).write_bytes(_junk())

    result = _import(actor, tmp_path / name)

    assert where(result.problems) == [(sheet, None, "", "")]
    assert result.problems[0].reason.startswith(reason)


def test_it_refuses_binary_junk_in_a_folder(db, actor, tmp_path):
    path = write_workbook(tmp_path)
    (path / "events.csv").write_bytes(_junk())

    result = _import(actor, path)

    assert where(result.problems) == [("events", None, "", "")]
    assert "binary" in result.problems[0].reason


def test_it_refuses_a_zip_of_csv_files_named_xlsx(db, actor, tmp_path):
    path = write_zip(tmp_path / "workbook.xlsx", sample())

    result = _import(actor, path)

    assert where(result.problems) == [("workbook", None, "", "")]
    assert "cannot be read as an .xlsx workbook" in result.problems[0].reason


@pytest.mark.parametrize("form", ["zip", "xlsx"])
def test_it_refuses_a_truncated_archive(db, actor, tmp_path, form):
    path = write_workbook(tmp_path, form=form)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    result = _import(actor, path)

    assert len(result.problems) == 1
    assert result.problems[0].row is None
    assert result.problems[0].reason


def _declare_size(data: bytes, size: int) -> bytes:
    """Rewrite every member's declared uncompressed size, as a zip bomb's headers do."""
    out = bytearray(data)
    start = 0
    while (at := out.find(b"PK\x01\x02", start)) != -1:  # central directory entries
        out[at + 24 : at + 28] = size.to_bytes(4, "little")
        start = at + 4
    return bytes(out)


@pytest.mark.parametrize("form", ["zip", "xlsx"])
def test_it_refuses_an_archive_that_declares_a_huge_unpacked_size(db, actor, tmp_path, form):
    path = write_workbook(tmp_path, form=form)
    path.write_bytes(_declare_size(path.read_bytes(), 0xF000_0000))

    result = _import(actor, path)

    assert len(result.problems) == 1
    assert result.problems[0].row is None
    assert "more than the limit" in result.problems[0].reason


def test_it_refuses_a_zip_bomb_before_inflating_it(db, actor, tmp_path, settings):
    settings.IRUM_IMPORT_MAX_BYTES = 1 * MB
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cases.csv", csv_bytes(sample(), "cases"))
        archive.writestr("events.csv", b"person_ref,kind\r\n" + b"0" * (8 * MB))
    assert path.stat().st_size < 64 * 1024

    result = _import(actor, path)

    assert where(result.problems) == [("zip", None, "", "")]
    assert result.problems[0].reason == "unpacks to 8 MB, more than the limit of 4 MB"


def test_it_refuses_a_zip_member_larger_than_the_limit(db, actor, tmp_path, settings):
    settings.IRUM_IMPORT_MAX_BYTES = 1 * MB
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("events.csv", b"person_ref,kind\r\n" + b"P-1,arrest\r\n" * 200_000)

    result = _import(actor, path)

    assert where(result.problems) == [("events", None, "", "")]
    assert "larger than the limit of 1 MB" in result.problems[0].reason


def test_it_refuses_an_encrypted_zip_member(db, actor, tmp_path):
    path = write_zip(tmp_path / "wb.zip", sample())
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag on every member; zipfile then asks for a password.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (at := data.find(signature, start)) != -1:
            data[at + offset] |= 1
            start = at + 4
    path.write_bytes(bytes(data))

    result = _import(actor, path)

    assert len(result.problems) == 1
    assert result.problems[0].reason == "cannot be unpacked from the zip file"


def test_it_refuses_a_50_mb_file_with_a_cell_longer_than_any_narrative(db, actor, tmp_path):
    path = write_workbook(tmp_path)
    with (path / "events.csv").open("wb") as fh:
        fh.write(b'person_ref,kind,description_public\r\nP-001,arrest,"')
        block = b"A" * MB
        for _ in range(50):
            fh.write(block)
        fh.write(b'"\r\n')
    assert (path / "events.csv").stat().st_size > 50 * MB

    result = _import(actor, path)

    assert where(result.problems) == [("events", 2, "", "")]
    assert result.problems[0].reason == "has a cell longer than 200000 characters"


@pytest.mark.parametrize("form", ["folder", "zip", "xlsx"])
def test_it_refuses_a_file_larger_than_the_import_limit(db, actor, tmp_path, settings, form):
    settings.IRUM_IMPORT_MAX_BYTES = 64 * 1024
    book = sample()
    for i, case in enumerate(book["cases"]):
        # Random hex: it does not compress away in a .zip or .xlsx.
        case["narrative_restricted"] = _junk(15_000, seed=i).hex()
        case["summary_public"] = _junk(15_000, seed=100 + i).hex()
    path = write_workbook(tmp_path, book, form=form)
    if form == "folder":
        path = path / "cases.csv"
    assert path.stat().st_size > 64 * 1024

    result = _import(actor, path.parent if form == "folder" else path)

    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.sheet == ("cases" if form == "folder" else path.name)
    assert (problem.row, problem.column) == (None, "")
    assert "larger than the limit" in problem.reason


@pytest.mark.parametrize("form", ["folder", "xlsx"])
def test_it_refuses_a_sheet_with_more_rows_than_the_limit(db, actor, tmp_path, settings, form):
    settings.IRUM_IMPORT_MAX_ROWS = 10

    result = _import(actor, write_workbook(tmp_path, form=form))

    assert where(result.problems) == [("events", None, "", "")]
    assert result.problems[0].reason == "has more than 10 rows"


def _rewrite_members(path, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info.filename, data.replace(old, new))


def test_it_refuses_an_xlsx_cell_longer_than_any_narrative(db, actor, tmp_path):
    book = sample()
    book["sources"][2]["content_restricted"] = "PLACEHOLDER"
    path = write_workbook(tmp_path, book, form="xlsx")
    # openpyxl cuts what it writes to Excel's 32,767; another program may not.
    _rewrite_members(path, b"PLACEHOLDER", "가".encode() * 200_001)

    result = _import(actor, path)

    assert where(result.problems) == [("sources", 4, "", "")]
    assert result.problems[0].reason == "has a cell longer than 200000 characters"


@pytest.mark.parametrize(
    "text",
    [
        'case_ref,title\r\nC-1,"never closed\r\n',
        'case_ref,title\r\nC-1,"quoted" then more\r\n',
    ],
)
def test_it_refuses_malformed_csv(db, actor, tmp_path, text):
    path = write_workbook(tmp_path)
    (path / "cases.csv").write_text(text)

    result = _import(actor, path)

    assert len(result.problems) == 1
    problem = result.problems[0]
    assert (problem.sheet, problem.column) == ("cases", "")
    assert problem.reason.startswith("is not valid CSV")


def test_it_refuses_a_nul_character_hidden_past_the_binary_check(gazetteer, actor, tmp_path):
    book = sample()
    book["cases"][0]["narrative_restricted"] = "x" * 70_000
    book["cases"][2]["title"] = "before\x00after"

    result = _import(actor, write_workbook(tmp_path, book))

    assert where(result.problems) == [("cases", 4, "title", "before\x00after")]
    assert result.problems[0].reason == "contains a NUL character"


def test_it_refuses_a_nul_character_escaped_in_an_xlsx_cell(gazetteer, actor, tmp_path):
    book = sample()
    book["persons"][0]["pseudonym"] = "Daughter_x0000_K"

    result = _import(actor, write_workbook(tmp_path, book, form="xlsx"))

    assert where(result.problems) == [("persons", 2, "pseudonym", "Daughter\x00K")]


def test_it_reads_zip_members_by_their_base_name_only(gazetteer, actor, tmp_path):
    book = sample()
    path = tmp_path / "wb.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for sheet in book:
            archive.writestr(f"../../../tmp/{sheet}.csv", csv_bytes(book, sheet))
    path.write_bytes(buffer.getvalue())

    assert _import(actor, path).problems == []
    assert not (tmp_path.parent / "cases.csv").exists()
