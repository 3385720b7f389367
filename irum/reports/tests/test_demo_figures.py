"""The demo data set reproduces TJWG's published table (shared/data/published-figures.md).

The demo is loaded once for the module, inside a transaction that is rolled back at the
end, and every test reads the figures that `compute()` (the report itself) gives.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from irum.archive.actors import system_actor
from irum.archive.demo import demo_data_load
from irum.archive.models import Event, Person, Source
from irum.gazetteer.models import Place, PlaceKind
from irum.gazetteer.services import gazetteer_load
from irum.reports.figures import compute


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        gazetteer_load(actor=None)
        places_before = Place.objects.count()
        result = demo_data_load(actor=system_actor())
        yield {"result": result, "places_before": places_before}
        transaction.set_rollback(True)


@pytest.fixture
def figures(demo, db):
    return compute().as_dict()


def test_it_counts_113_individuals_in_66_cases(figures):
    assert figures["individuals"] == 113
    assert figures["cases"] == 66


def test_it_places_90_disappearances_in_north_korea_and_23_abroad(figures):
    assert figures["disappearance_place"] == {
        "KP": 90,
        "abroad": 23,
        "unknown": 0,
        "by_country": {"CN": 20, "KP": 90, "RU": 3},
    }


def test_it_counts_62_under_the_mss_alone_30_after_another_body_and_92_in_all(figures):
    assert figures["mss"] == {"sole": 62, "after_other_agency": 30, "total": 92}


def test_it_splits_the_eras_7_68_35_and_3_unknown(figures):
    assert figures["era"] == {
        "kim_il_sung": 7,
        "kim_jong_il": 68,
        "kim_jong_un": 35,
        "unknown": 3,
    }


def test_it_counts_66_men_and_47_women(figures):
    assert figures["sex"] == {"male": 66, "female": 47, "unknown": 0}


def test_it_counts_44_in_their_twenties_and_thirties_and_13_under_ten(figures):
    ages = figures["age_at_disappearance"]
    assert ages["20s"] + ages["30s"] == 44
    assert ages["under_10"] == 13
    assert sum(ages.values()) == 113


def test_it_counts_the_published_reasons(figures):
    reasons = figures["reason"]
    published = {
        "escape_repatriated": 21,
        "escape_attempt": 12,
        "escape_preparing": 7,
        "escape_helping": 5,
        "guilt_by_association": 29,
        "outside_contact": 10,
    }
    assert {key: reasons[key] for key in published} == published
    # "The rest: criticism of the leadership, religion, other."
    rest = {key: n for key, n in reasons.items() if key not in published and n}
    assert set(rest) <= {"criticism", "religion", "other", "unknown"}
    assert sum(rest.values()) == 29


def test_it_counts_54_victims_who_are_relatives_of_the_interviewee(demo, db):
    relatives = Person.objects.filter(
        events__sources__kind="testimony", events__sources__connection="relative"
    ).distinct()
    assert relatives.count() == 54


def test_every_person_has_events_from_a_testimony(demo, db):
    without = Person.objects.exclude(events__sources__kind="testimony")
    assert not without.exists()
    assert Source.objects.filter(kind="testimony").count() == 66


def test_it_uses_only_places_of_the_sourced_gazetteer(demo, db):
    assert demo["result"].places_created == 0
    assert Place.objects.count() == demo["places_before"]


def test_no_first_deprivation_of_liberty_is_on_a_border_crossing(demo, db):
    # Figures count an FDL on a crossing as an unknown country (docs/figures.md).
    firsts = {}
    for event in Event.objects.filter(kind__in=["arrest", "abduction", "detention"]).order_by(
        "person_id", "chain_index"
    ):
        firsts.setdefault(event.person_id, event)
    assert len(firsts) == 113
    crossings = [
        e for e in firsts.values() if e.place and e.place.kind == PlaceKind.BORDER_CROSSING
    ]
    assert crossings == []
