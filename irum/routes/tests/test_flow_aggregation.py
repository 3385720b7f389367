"""Flows: legs counted across persons in the database, checked against counts worked out
by hand from the `chains` fixture (see conftest.py for the five chains)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from irum.archive import services
from irum.archive.models import Person
from irum.gazetteer.models import Place
from irum.routes import filters as route_filters
from irum.routes import flows, routes

ONSONG = "onsong-mss-holding-detention-centre"
K16 = "kwalliso-no-16-hwasong-camp-16"
TUMEN = "tumen-border-detention-centre"

ALL_FLOWS = {
    ("longjing", TUMEN): (2, dt.date(2010, 4, 1), dt.date(2013, 4, 30)),
    (TUMEN, ONSONG): (2, dt.date(2010, 5, 1), dt.date(2013, 6, 30)),
    (ONSONG, K16): (2, dt.date(2011, 1, 1), dt.date(2020, 12, 31)),
    (ONSONG, "kyohwaso-no-12-jongo-ri-chongori"): (1, dt.date(2015, 1, 1), dt.date(2015, 12, 31)),
    ("hyesan", "hyesan-mss-facility"): (1, dt.date(2005, 2, 1), dt.date(2005, 2, 28)),
    ("hyesan-mss-facility", K16): (1, dt.date(2006, 1, 1), dt.date(2006, 12, 31)),
}


def computed(params=None, persons=None, *, user=None):
    parsed = route_filters.parse(params or {})
    if persons is None:
        persons = route_filters.scope_persons(parsed, user=user, public=True)
    slugs = dict(Place.objects.values_list("pk", "slug"))
    return {
        (slugs[f.from_place_id], slugs[f.to_place_id]): (f.persons, f.date_lower, f.date_upper)
        for f in flows.compute(persons, parsed)
    }


def counts(result):
    return {pair: n for pair, (n, _, _) in result.items()}


def test_it_counts_each_flow_by_distinct_persons_with_its_date_span(chains):
    assert computed() == ALL_FLOWS


def test_it_takes_one_query_however_many_persons(chains):
    with CaptureQueriesContext(connection) as queries:
        flows.compute(Person.objects.all())
    assert len(queries) == 1


def test_it_counts_a_person_moved_twice_along_a_flow_once_with_two_legs(chains, actor):
    p5 = chains["P5"]
    for kind, place in (
        ("transfer", "hyesan-mss-facility"),
        ("release", "hyesan"),
        ("transfer", "hyesan-mss-facility"),
    ):
        services.event_record(
            actor=actor, person=p5, kind=kind, date="1991", place=Place.objects.get(slug=place)
        )
    rows = {
        (f.from_place_id, f.to_place_id): (f.persons, f.legs)
        for f in flows.compute(Person.objects.filter(pk=p5.pk))
    }
    hyesan, mss = (Place.objects.get(slug=s).pk for s in ("hyesan", "hyesan-mss-facility"))
    assert rows == {(hyesan, mss): (1, 2), (mss, hyesan): (1, 1)}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": ["repatriation"]}, {(TUMEN, ONSONG): 2}),
        ({"agency": ["cn-public-security"]}, {("longjing", TUMEN): 2}),
        (
            {"agency": ["nk-state-security"]},
            {
                (TUMEN, ONSONG): 2,
                (ONSONG, K16): 2,
                ("hyesan", "hyesan-mss-facility"): 1,
                ("hyesan-mss-facility", K16): 1,
            },
        ),
        (
            {"era": ["kim_jong_un"]},
            {
                ("longjing", TUMEN): 1,
                (TUMEN, ONSONG): 1,
                (ONSONG, K16): 1,
                (ONSONG, "kyohwaso-no-12-jongo-ri-chongori"): 1,
            },
        ),
        (
            {"era": ["kim_jong_il"]},
            {
                ("longjing", TUMEN): 1,
                (TUMEN, ONSONG): 1,
                (ONSONG, K16): 1,
                ("hyesan", "hyesan-mss-facility"): 1,
                ("hyesan-mss-facility", K16): 1,
            },
        ),
        ({"era": ["kim_il_sung"]}, {}),
        (
            {"country": ["abroad"]},
            {
                ("longjing", TUMEN): 2,
                (TUMEN, ONSONG): 2,
                (ONSONG, K16): 1,
                (ONSONG, "kyohwaso-no-12-jongo-ri-chongori"): 1,
            },
        ),
        (
            {"country": ["KP"]},
            {
                (ONSONG, K16): 1,
                ("hyesan", "hyesan-mss-facility"): 1,
                ("hyesan-mss-facility", K16): 1,
            },
        ),
        (
            {"date_from": ["2012"], "date_to": ["2016"]},
            {
                ("longjing", TUMEN): 1,
                (TUMEN, ONSONG): 1,
                (ONSONG, "kyohwaso-no-12-jongo-ri-chongori"): 1,
            },
        ),
        ({"date_from": ["2016-01"]}, {(ONSONG, K16): 1}),
        (
            {"kind": ["detention"], "era": ["kim_jong_il"]},
            {("longjing", TUMEN): 1, (ONSONG, K16): 1, ("hyesan-mss-facility", K16): 1},
        ),
    ],
    ids=lambda value: str(value)[:40] if isinstance(value, dict) else None,
)
def test_each_filter_keeps_exactly_the_legs_it_names(chains, params, expected):
    assert counts(computed(params)) == expected


def test_it_filters_by_case_and_by_partner(chains, actor, personas):
    p4 = chains["P4"]
    assert counts(computed({"case": [p4.case.public_id]})) == {(ONSONG, K16): 1}
    services.case_update(actor=actor, case=chains["P3"].case, owner=personas["partner_b"])
    parsed = route_filters.parse({"partner": ["partner-b"]})
    persons = route_filters.scope_persons(parsed, user=personas["carol"], public=False)
    assert counts(computed({"partner": ["partner-b"]}, persons)) == {
        ("hyesan", "hyesan-mss-facility"): 1,
        ("hyesan-mss-facility", K16): 1,
    }


def test_the_era_filters_split_persons_as_the_report_figures_do(db, gazetteer):
    from irum.reports.figures import compute

    call_command("demo-data", verbosity=0)
    superuser = get_user_model().objects.create_superuser("root", password="x" * 20)
    figures = compute()

    def scoped(params):
        parsed = route_filters.parse(params)
        return route_filters.scope_persons(parsed, user=superuser, public=False).count()

    for era, expected in figures.era.items():
        assert scoped({"era": [era]}) == expected, era
    place = figures.disappearance_place
    for country in ("KP", "abroad", "unknown"):
        assert scoped({"country": [country]}) == place[country], country
    assert scoped({"country": ["CN"]}) == place["by_country"].get("CN", 0)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": ["transfer", "repatriation"]},
        {"agency": ["nk-state-security"]},
        {"date_from": ["2005"], "date_to": ["2012-06"]},
    ],
    ids=["all", "kinds", "agency", "dates"],
)
def test_flows_are_the_sum_of_the_routes_legs_on_the_demo_data(db, gazetteer, params):
    call_command("demo-data", verbosity=0)
    parsed = route_filters.parse(params)
    persons = Person.objects.all()
    by_routes: dict[tuple[int, int], set[int]] = {}
    legs: dict[tuple[int, int], int] = {}
    for route in routes.person_routes(persons, parsed, public=False):
        for leg in route.legs:
            pair = (leg.from_place_id, leg.to_place_id)
            by_routes.setdefault(pair, set()).add(route.person_id)
            legs[pair] = legs.get(pair, 0) + 1
    got = {
        (f.from_place_id, f.to_place_id): (f.persons, f.legs)
        for f in flows.compute(persons, parsed)
    }
    assert got == {pair: (len(people), legs[pair]) for pair, people in by_routes.items()}
    assert got  # the demo data has flows under each of these filters


def test_it_counts_persons_through_each_place(chains):
    slugs = dict(Place.objects.values_list("pk", "slug"))
    through = {slugs[pk]: n for pk, n in flows.place_counts(Person.objects.all()).items()}
    assert through[ONSONG] == 3 and through[K16] == 3 and through["hyesan"] == 2
    parsed = route_filters.parse({"kind": ["trial"]})
    assert {slugs[pk]: n for pk, n in flows.place_counts(Person.objects.all(), parsed).items()} == {
        ONSONG: 1
    }


def test_it_leaves_deleted_records_out(chains, actor):
    services.person_delete(actor=actor, person=chains["P4"])
    assert counts(computed())[(ONSONG, K16)] == 1


@pytest.mark.parametrize(
    "params",
    [{}, {"kind": ["detention"]}, {"agency": ["nk-state-security"]}, {"date_from": ["2012"]}],
    ids=["all", "kind", "agency", "dates"],
)
def test_flows_and_place_counts_in_one_query_agree_with_each_alone(chains, params):
    parsed = route_filters.parse(params)
    persons = Person.objects.all()
    with CaptureQueriesContext(connection) as queries:
        together, counts = flows.compute_with_place_counts(persons, parsed)
    assert len(queries) == 1
    assert together == flows.compute(persons, parsed)
    assert counts == flows.place_counts(persons, parsed)
