"""Uwazi dates become EDTF: in the collection's format or the forms Uwazi always reads
(app/api/csv/specs/typeParsers.spec.js), as Unix timestamps, and as `from:to` ranges,
never more precise than the cell."""

from __future__ import annotations

import pytest

from irum.exchange.uwazi import _Bad, uwazi_date, uwazi_range

DMY, MDY, YMD = ("D", "M", "Y"), ("M", "D", "Y"), ("Y", "M", "D")


@pytest.mark.parametrize(
    ("cell", "order", "edtf"),
    [
        # The table of Uwazi's own parser tests, day by day.
        ("2014 11 6", DMY, "2014-11-06"),
        ("2014 11 6", MDY, "2014-11-06"),
        ("December 17, 1995", DMY, "1995-12-17"),
        ("December 17, 1995", YMD, "1995-12-17"),
        ("12/01/2021", DMY, "2021-01-12"),
        ("12/01/2021", MDY, "2021-12-01"),
        ("2021/12/01", YMD, "2021-12-01"),
        ("12-01-2021", DMY, "2021-01-12"),
        ("12-01-2021", MDY, "2021-12-01"),
        ("2021-12-01", DMY, "2021-12-01"),
        # Uwazi makes a bare year 1 January; Irum keeps it a year, and a month a month.
        ("2014", DMY, "2014"),
        ("04/2013", DMY, "2013-04"),
        ("2013-04", DMY, "2013-04"),
        # Unix timestamps, as Uwazi stores dates (seconds, UTC).
        ("1365724800", DMY, "2013-04-12"),
        ("-86400", DMY, "1969-12-31"),
    ],
)
def test_it_reads_a_date_as_uwazi_does(cell, order, edtf):
    assert uwazi_date(cell, order, "DD/MM/YYYY") == edtf


@pytest.mark.parametrize("cell", ["31/02/2013", "13/13/2013", "spring 2013", "2013?", "12/01/21"])
def test_it_refuses_what_is_not_a_date(cell):
    with pytest.raises(_Bad, match="is not a date in the form DD/MM/YYYY"):
        uwazi_date(cell, DMY, "DD/MM/YYYY")


def test_it_refuses_a_timestamp_out_of_range():
    with pytest.raises(_Bad, match="out of range"):
        uwazi_date("99999999999999999", DMY, "DD/MM/YYYY")


@pytest.mark.parametrize(
    ("cell", "edtf"),
    [
        ("2014:2015", "2014/2015"),
        ("12/01/2021:12/01/2022", "2021-01-12/2022-01-12"),
        ("2021/12/01:", "2021-12-01/.."),
        (":2021/12/01", "../2021-12-01"),
        # Uwazi's own export joins the ends with `~`.
        ("2013-04-15~2013-06-30", "2013-04-15/2013-06-30"),
        (":", ""),
    ],
)
def test_it_reads_a_date_range_as_an_edtf_interval(cell, edtf):
    assert uwazi_range(cell, DMY, "DD/MM/YYYY") == edtf


@pytest.mark.parametrize("cell", ["2014", "2014:2015:2016"])
def test_it_refuses_a_range_without_two_ends(cell):
    with pytest.raises(_Bad, match="is not a date range"):
        uwazi_range(cell, DMY, "DD/MM/YYYY")
