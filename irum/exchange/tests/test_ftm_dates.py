"""EDTF dates become FtM date prefixes that claim no more precision than the record."""

from __future__ import annotations

import pytest

from irum.exchange.ftm import ftm_dates


@pytest.mark.parametrize(
    ("edtf", "expected"),
    [
        ("", {}),
        ("2013", {"date": "2013"}),
        ("2013-04", {"date": "2013-04"}),
        ("2013-04-05", {"date": "2013-04-05"}),
        # FtM has no qualifiers; the event's name keeps them.
        ("2013-04~", {"date": "2013-04"}),
        ("2013-04-05?", {"date": "2013-04-05"}),
        ("2013-21", {"date": "2013"}),  # spring: more than a month, within the year
        ("201X", {"startDate": "2010", "endDate": "2019"}),
        ("2012/2014", {"startDate": "2012", "endDate": "2014"}),
        ("2012-03/2014-06~", {"startDate": "2012-03", "endDate": "2014-06"}),
        ("2012-03-01/2012-03-09", {"startDate": "2012-03-01", "endDate": "2012-03-09"}),
        ("2012/..", {"startDate": "2012"}),
        ("../2014-06", {"endDate": "2014-06"}),
        ("[2012, 2014]", {"startDate": "2012", "endDate": "2014"}),
        ("not a date", {}),
    ],
)
def test_it_keeps_the_precision_of_the_record(edtf, expected):
    assert ftm_dates(edtf) == expected
