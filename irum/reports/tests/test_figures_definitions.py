"""Each figure follows docs/figures.md to the letter, boundaries included."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from irum.reports.figures import compute
from irum.reports.tests.builders import person_with_chain

MSS = "nk-state-security"
PSB = "cn-public-security"
POLICE = "nk-social-security"


@pytest.fixture
def fx(gazetteer, actor):
    return actor


@pytest.mark.parametrize(
    ("date", "era"),
    [
        ("1994-07-07", "kim_il_sung"),
        ("1994-07-08", "kim_jong_il"),
        ("2011-12-16", "kim_jong_il"),
        ("2011-12-17", "kim_jong_un"),
        ("2011-12", "unknown"),
        ("1994-06~", "kim_il_sung"),
        ("1990/2000", "unknown"),
        ("", "unknown"),
        ("2015/..", "kim_jong_un"),
        ("../1990", "kim_il_sung"),
        ("199X", "unknown"),
    ],
)
def test_the_era_comes_from_the_strict_interval_of_the_first_deprivation(fx, date, era):
    person_with_chain(fx, ("arrest", date, "hyesan", MSS))
    assert compute().era[era] == 1


def test_a_person_without_a_deprivation_has_an_unknown_era_and_place(fx):
    person_with_chain(fx, ("sighting", "2015", "hyesan", None))
    figures = compute()
    assert figures.era["unknown"] == 1
    assert figures.disappearance_place["unknown"] == 1
    assert figures.first_agency == {}


def test_the_place_of_disappearance_is_the_country_of_the_first_deprivation(fx):
    # Interrogated in North Korea first, but first *deprived of liberty* in China.
    person_with_chain(
        fx,
        ("interrogation", "2013-01", "hyesan", MSS, 1),
        ("arrest", "2013-04", "shenyang", PSB, 2),
        ("detention", "2013-05", "onsong-mss-holding-detention-centre", MSS, 3),
    )
    person_with_chain(fx, ("arrest", "2014", "hyesan", MSS))
    person_with_chain(fx, ("arrest", "2019", "vladivostok", "ru-fsb"))
    place = compute().disappearance_place
    assert place == {"KP": 1, "abroad": 2, "unknown": 0, "by_country": {"CN": 1, "KP": 1, "RU": 1}}


def test_a_first_deprivation_on_a_border_crossing_is_unknown_not_guessed(fx):
    person_with_chain(fx, ("arrest", "2014", "sino-korean-friendship-bridge-dandong-sinuiju", None))
    assert compute().disappearance_place["unknown"] == 1


def test_event_order_follows_seq_before_dates(fx):
    # By date the arrest in China comes first; by seq the North Korean arrest does.
    person_with_chain(
        fx,
        ("arrest", "2013-04", "shenyang", PSB, 2),
        ("arrest", "2015", "hyesan", MSS, 1),
    )
    figures = compute()
    assert figures.disappearance_place["KP"] == 1
    assert figures.first_agency == {MSS: 1}


def test_events_without_seq_follow_their_dates(fx):
    person_with_chain(
        fx,
        ("detention", "2015", "hyesan-mss-facility", MSS),
        ("arrest", "2013-04", "shenyang", PSB),
    )
    assert compute().first_agency == {PSB: 1}


def test_mss_sole_needs_every_custody_event_by_the_mss(fx):
    person_with_chain(
        fx,
        ("arrest", "2014", "hyesan", MSS),
        ("transfer", "2015", "kwalliso-no-16-hwasong-camp-16", MSS),
    )
    person_with_chain(
        fx,
        ("arrest", "2014", "hyesan", MSS),
        ("transfer", "2015", "kwalliso-no-16-hwasong-camp-16", None),
    )
    person_with_chain(fx, ("sighting", "2014", "hyesan", MSS))
    assert compute().mss == {"sole": 1, "after_other_agency": 0, "total": 2}


def test_mss_after_another_agency_needs_a_later_mss_custody_event(fx):
    person_with_chain(
        fx,
        ("arrest", "2013-04", "shenyang", PSB, 1),
        ("repatriation", "2013-05", "tumen-border-bridge-tumen-namyang", "cn-border-defence", 2),
        ("detention", "2013-05", "onsong-mss-holding-detention-centre", MSS, 3),
    )
    # MSS custody *before* the first deprivation (an interrogation) does not count as after.
    person_with_chain(
        fx,
        ("interrogation", "2013-01", "hyesan", MSS, 1),
        ("arrest", "2013-04", "hyesan", POLICE, 2),
    )
    # Arrested by the MSS and then held by the police: total only.
    person_with_chain(
        fx, ("arrest", "2014", "hyesan", MSS, 1), ("detention", "2014", "hyesan", POLICE, 2)
    )
    assert compute().mss == {"sole": 0, "after_other_agency": 1, "total": 3}


@pytest.mark.parametrize(
    ("birth_year", "band"),
    [
        (2005, "under_10"),
        (2004, "10s"),
        (1995, "10s"),
        (1994, "20s"),
        (1975, "30s"),
        (1954, "60_plus"),
        (None, "unknown"),
        (2020, "unknown"),
    ],
)
def test_age_is_the_deprivation_year_minus_the_birth_year(fx, birth_year, band):
    person_with_chain(fx, ("arrest", "2014-06", "hyesan", MSS), birth_year=birth_year)
    assert compute().age_at_disappearance[band] == 1


def test_it_counts_individuals_and_cases_not_events(fx):
    first = person_with_chain(
        fx, ("arrest", "2014", "hyesan", MSS), ("transfer", "2014", "hyesan", MSS)
    )
    person_with_chain(fx, ("arrest", "2014", "hyesan", MSS), case=first.case, sex="female")
    person_with_chain(fx, sex="male", reason="religion")
    figures = compute()
    assert (figures.individuals, figures.cases) == (3, 2)
    assert figures.sex == {"male": 1, "female": 1, "unknown": 1}
    assert figures.reason["religion"] == 1 and figures.reason["unknown"] == 2


def test_the_report_runs_the_same_queries_however_many_persons(fx):
    person_with_chain(fx, ("arrest", "2014", "hyesan", MSS))
    with CaptureQueriesContext(connection) as few:
        compute()
    for i in range(12):
        person_with_chain(
            fx,
            ("arrest", f"20{10 + i}", "shenyang", PSB),
            ("detention", "2015", "hyesan", MSS),
            birth_year=1980 + i,
        )
    with CaptureQueriesContext(connection) as many:
        compute()
    assert len(many) == len(few)
