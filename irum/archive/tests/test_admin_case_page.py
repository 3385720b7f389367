"""The case page in the admin: one screen for the case, its persons and their chains."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from irum.archive import services
from irum.archive.models import Case
from irum.gazetteer.models import Agency, Place
from irum.reports.tests.builders import person_with_chain

STEPS = [
    ("arrest", "2013-04", "shenyang", "cn-public-security"),
    ("detention", "2013-05", "tumen-border-detention-centre", "cn-public-security"),
    ("repatriation", "2013-06", "tumen-border-bridge-tumen-namyang", "cn-border-defence"),
    ("detention", "2013-06", "onsong-mss-holding-detention-centre", "nk-state-security"),
]


def _queries(admin_client, case: Case) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = admin_client.get(reverse("admin:archive_case_change", args=[case.pk]))
    assert response.status_code == 200
    return len(ctx)


def test_the_case_page_shows_every_person_and_event_in_chain_order(admin_client, gazetteer, actor):
    person = person_with_chain(actor, *STEPS)
    html = admin_client.get(
        reverse("admin:archive_case_change", args=[person.case.pk])
    ).content.decode()
    assert (
        html.index('value="2013-04"')
        < html.index('value="2013-05"')
        < html.index('value="2013-06"')
    )
    assert 'name="persons-0-events-3-kind"' in html


def test_the_case_page_does_not_query_once_per_event(admin_client, gazetteer, actor):
    person = person_with_chain(actor, *STEPS[:1])
    few = _queries(admin_client, person.case)
    source = services.source_create(actor=actor, ref="S1", kind="testimony")
    camp = Place.objects.get(slug="kwalliso-no-16-hwasong-camp-16")
    mss = Agency.objects.get(slug="nk-state-security")
    for i in range(8):
        services.event_record(
            actor=actor,
            person=person,
            kind="transfer",
            date=f"{2014 + i}",
            place=camp,
            agency=mss,
            sources=[source],
        )
    assert _queries(admin_client, person.case) == few


def test_the_case_list_searches_and_filters(admin_client, gazetteer, actor):
    services.case_create(
        actor=actor, ref="HYESAN-1", title="Taken at the market", confidentiality="public"
    )
    services.case_create(
        actor=actor, ref="MUSAN-2", title="Crossed the river", confidentiality="restricted"
    )
    url = reverse("admin:archive_case_changelist")
    assert "HYESAN-1" in admin_client.get(url, {"q": "market"}).content.decode()
    filtered = admin_client.get(url, {"confidentiality__exact": "restricted"}).content.decode()
    assert "MUSAN-2" in filtered and "HYESAN-1" not in filtered


def test_staff_find_a_person_by_exact_name_though_names_are_encrypted(
    admin_client, gazetteer, actor
):
    case = services.case_create(actor=actor, ref="C-NAME")
    services.person_create(
        actor=actor, ref="P-NAME", case=case, full_name_ko="김가명", pseudonym="Mr K"
    )
    url = reverse("admin:archive_person_changelist")
    assert "P-NAME" in admin_client.get(url, {"q": "김가명"}).content.decode()
    assert "P-NAME" not in admin_client.get(url, {"q": "김가"}).content.decode()
