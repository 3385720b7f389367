"""Event dates are published to the year, unless every source of the event consents."""

from __future__ import annotations

import pytest

from irum.archive import services
from irum.partners.projection import birth_decade, coarsen_to_year, project_case, project_person
from irum.reports.tests.builders import Canaries, seed_case


@pytest.mark.parametrize(
    ("date", "published"),
    [
        ("2013-04-05", "2013"),
        ("2013-04", "2013"),
        ("2013", "2013"),
        ("2013-04~", "2013~"),
        ("2013-04-05?", "2013?"),
        ("2013-04%", "2013%"),
        ("2012-03/2014-06", "2012/2014"),
        ("2012-03/2012-11", "2012"),
        ("2013-04~/2014-06?", "2013~/2014?"),
        ("2012-05/..", "2012/.."),
        ("../1990-02", "../1990"),
        ("2012-05/", "2012/"),
        ("201X", "201X"),
        ("2013-XX", "2013"),
        ("2004-?06-11", "2004"),  # only the month is uncertain: the year is not
        ("2004?-06-11", "2004?"),
        ("", ""),
        ("not a date", ""),  # unreadable: published as unknown, never as typed
    ],
)
def test_dates_are_coarsened_to_the_year(date, published):
    assert coarsen_to_year(date) == published


@pytest.mark.parametrize(("year", "decade"), [(1983, "198X"), (1990, "199X"), (None, None)])
def test_birth_years_become_decades(year, decade):
    assert birth_decade(year) == decade


def _dates(projected) -> list[str]:
    return [event.date for event in projected.events]


@pytest.fixture
def seeded(gazetteer, actor):
    def seed(*, consent: bool):
        return seed_case(
            actor, Canaries(), label="d", confidentiality="public", persons=1, consent=consent
        )

    return seed


def test_event_dates_are_coarsened_when_no_source_consents(seeded):
    person = seeded(consent=False)["persons"][0]
    assert _dates(project_person(person)) == ["2014", "2014~"]


def test_event_dates_are_kept_whole_when_every_source_consents(seeded):
    person = seeded(consent=True)["persons"][0]
    assert _dates(project_person(person)) == ["2014-04-05", "2014-06~"]


def test_one_source_without_consent_is_enough_to_coarsen(seeded, actor):
    records = seeded(consent=True)
    services.source_update(actor=actor, source=records["sources"][1], consent_public=False)
    assert _dates(project_person(records["persons"][0])) == ["2014", "2014~"]


def test_an_event_without_sources_has_no_consent_and_is_coarsened(seeded, actor):
    records = seeded(consent=True)
    event = records["events"][0]
    services.event_update(actor=actor, event=event, sources=[])
    # Per event: the transfer keeps its consenting sources, and its whole date.
    assert _dates(project_person(records["persons"][0])) == ["2014", "2014-06~"]


def test_source_and_report_dates_are_years_even_with_consent(seeded):
    records = seeded(consent=True)
    projected = project_case(records["case"])
    assert projected.reported == "2016"
    years = {s.year for p in projected.persons for e in p.events for s in e.sources}
    assert years == {"2017"}
