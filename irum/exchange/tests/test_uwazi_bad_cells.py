"""Each kind of bad cell in an Uwazi export is one problem that names the Uwazi row, the
column as the file spells it, the value and the reason; and the import writes nothing,
however many good rows there are."""

from __future__ import annotations

from pathlib import Path

import pytest

from irum.exchange.tests.snapshots import database_dump
from irum.exchange.uwazi import uwazi_import

FIXTURES = Path(__file__).parent / "fixtures" / "uwazi"
ROW_2 = (FIXTURES / "victims.csv").read_text(encoding="utf-8").splitlines()[1]


def _import_with_row_2(actor, tmp_path, old, new):
    text = (FIXTURES / "victims.csv").read_text(encoding="utf-8")
    assert old in ROW_2
    (tmp_path / "victims.csv").write_text(text.replace(ROW_2, ROW_2.replace(old, new)), "utf-8")
    return uwazi_import(
        actor=actor,
        path=tmp_path / "victims.csv",
        template="victims",
        mapping_path=FIXTURES / "victims.yaml",
    )


@pytest.mark.parametrize(
    ("old", "new", "column", "reason"),
    [
        # A thesaurus value the mapping does not know.
        (",Male,", ",Mle,", "Sex", "is not one of the values the mapping gives for this column"),
        (",Disappeared,", ",Vanished,", "Status", "is not one of the values the mapping gives"),
        # A select with no value map: the workbook rules name the allowed values.
        (",Tumen,", ",Atlantis,", "Place of arrest", "is not in the gazetteer"),
        # Broken geolocations.
        ("41.834384|129.72528", "41.834384", "Place of detention", "is not a geolocation"),
        ("41.834384|129.72528", "41.8N|129.7E", "Place of detention", "is not a geolocation"),
        ("41.834384|129.72528", "141.8|129.7", "Place of detention", "out of range"),
        ("41.834384|129.72528", "nan|129.7", "Place of detention", "is not a geolocation"),
        ("41.834384|129.72528", "37.5665|126.978", "Place of detention", "is not within 2 km"),
        # Dates.
        (",12/04/2013,", ",31/02/2013,", "Date of arrest", "is not a date in the form DD/MM/YYYY"),
        (",12/04/2013,", ",last spring,", "Date of arrest", "is not a date in the form"),
        ("15/04/2013:30/06/2013", "15/04/2013", "Detention period", "is not a date range"),
        ("15/04/2013:30/06/2013", "30/06/2013:15/04/2013", "Detention period", "ends before"),
        # A number that is not one.
        (",1968,", ",sixty-eight,", "Year of birth", "is not a number"),
        (",1968,", ",1768,", "Year of birth", "must be a year between 1880"),
        # A formula, in a plain and in a multi-value cell.
        (",김철수,", ',=HYPERLINK("http://x"),', "Full name (Korean)", "is a spreadsheet formula"),
        ("Kim Chul-soo|Chol", "Kim Chul-soo|=1+1", "Other names", "is a spreadsheet formula"),
        # Several values where one is taken.
        (",Tumen arrests 2013,", ",Tumen arrests 2013|Hyesan 2016,", "Case", "holds 2 values"),
        # An empty id.
        (",V-0001,", ",,", "Victim ID", "is empty: every row needs an id"),
        # An id used twice.
        (",V-0001,", ",V-0003,", "Victim ID", "appears twice in this sheet"),
    ],
)
def test_it_reports_a_bad_cell_at_its_uwazi_row_and_column(
    gazetteer, actor, tmp_path, old, new, column, reason
):
    before = database_dump()

    result = _import_with_row_2(actor, tmp_path, old, new)

    rows = sorted({p.row for p in result.problems})
    assert [p.column for p in result.problems] == [column], result.problems
    assert rows == ([2] if "twice" not in reason else [5])
    assert reason in result.problems[0].reason
    assert database_dump() == before


def test_it_shows_the_value_as_the_file_holds_it(gazetteer, actor, tmp_path):
    result = _import_with_row_2(actor, tmp_path, ",Male,", ",Mle,")

    assert str(result.problems[0]).startswith("victims.csv row 2, Sex: 'Mle' is not one of")


def test_it_reports_every_bad_cell_of_a_row_at_once(gazetteer, actor, tmp_path):
    text = (FIXTURES / "victims.csv").read_text(encoding="utf-8")
    broken = ROW_2.replace(",Male,", ",Mle,").replace("41.834384|129.72528", "41.8")
    (tmp_path / "victims.csv").write_text(text.replace(ROW_2, broken), "utf-8")

    result = uwazi_import(
        actor=actor,
        path=tmp_path / "victims.csv",
        template="victims",
        mapping_path=FIXTURES / "victims.yaml",
    )

    assert [(p.row, p.column) for p in result.problems] == [
        (2, "Sex"),
        (2, "Place of detention"),
    ]
