"""Who sees and who changes what, for every archive model in the admin and the report.

Generated, not hand-picked: every model the archive registers in the admin is walked for
every persona and every confidentiality level, so a new admin page is covered at once.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from irum.accounts.testing import verified_login
from irum.archive import services
from irum.archive.models import Case, Event, Person, Source
from irum.reports.tests.builders import person_with_chain

PERSONAS = ["alice", "bob", "carol", "dave", "anonymous"]

# (label, owner, confidentiality, shared with)
CASES = [
    ("public-a", "partner_a", "public", None),
    ("partners-a", "partner_a", "partners", None),
    ("restricted-a", "partner_a", "restricted", None),
    ("restricted-b-shared-a", "partner_b", "restricted", "partner_a"),
]

MAY_VIEW = {
    "public-a": {"alice", "bob", "carol"},
    "partners-a": {"alice", "bob", "carol"},
    "restricted-a": {"alice", "bob"},
    "restricted-b-shared-a": {"alice", "bob", "carol"},
}
MAY_CHANGE = {
    "public-a": {"alice"},
    "partners-a": {"alice"},
    "restricted-a": {"alice"},
    "restricted-b-shared-a": {"carol"},
}


@pytest.fixture
def world(gazetteer, actor, personas):
    records = {}
    for label, owner, confidentiality, shared in CASES:
        person = person_with_chain(
            actor,
            ("arrest", "2014", "hyesan", "nk-state-security"),
            pseudonym=f"pseudonym-{label}",
            full_name=f"NAME-{label}",
        )
        case = person.case
        services.case_update(
            actor=actor,
            case=case,
            owner=personas[owner],
            confidentiality=confidentiality,
            title=f"title-{label}",
        )
        if shared:
            case.shared_with.add(personas[shared])
        event = person.events.get()
        source = services.source_create(actor=actor, ref=f"src-{label}")
        services.event_update(actor=actor, event=event, sources=[source])
        records[label] = {Case: case, Person: person, Event: event, Source: source}
    return records


def _client(personas, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        verified_login(client, personas[who])
    return client


ARCHIVE_MODELS = [
    m for m in admin.site._registry if m._meta.app_label == "archive" and not m._meta.proxy
]
# The deleted-record pages (proxies) have their own matrix: test_deleted_records_access.py.
DELETED_MODELS = [
    m for m in admin.site._registry if m._meta.app_label == "archive" and m._meta.proxy
]


def test_every_archive_admin_page_is_in_a_matrix():
    assert set(ARCHIVE_MODELS) == {Case, Person, Event, Source}
    assert {m._meta.concrete_model for m in DELETED_MODELS} == {Case, Person, Event, Source}


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("model", ARCHIVE_MODELS, ids=lambda m: m._meta.model_name)
def test_each_persona_sees_exactly_the_records_it_may(world, personas, who, model):
    client = _client(personas, who)
    opts = model._meta
    listing = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    for label, records in world.items():
        obj = records[model]
        page = client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )
        allowed = who in MAY_VIEW[label]
        html = page.content.decode()
        if allowed:
            assert page.status_code == 200, (who, label)
            assert listing.status_code == 200
        else:
            assert page.status_code in (302, 403, 404), (who, label, page.status_code)
            assert f"NAME-{label}" not in html and f"title-{label}" not in html
            assert f"pseudonym-{label}" not in listing.content.decode()
        can_save = 'name="_save"' in html
        assert can_save == (who in MAY_CHANGE[label]), (who, label, model)


@pytest.mark.parametrize("who", PERSONAS)
def test_the_report_counts_only_what_the_persona_may_see(world, personas, who):
    response = _client(personas, who).get(reverse("reports:figures"))
    if who == "anonymous":
        assert response.status_code == 302
        return
    if who == "dave":
        assert response.status_code == 403
        return
    visible = sum(1 for label in MAY_VIEW if who in MAY_VIEW[label])
    assert f'data-figure="individuals">{visible}<' in response.content.decode()


def test_a_viewer_cannot_change_a_case_by_posting(world, personas):
    case = world["restricted-a"][Case]
    client = _client(personas, "bob")
    url = reverse("admin:archive_case_change", args=[case.pk])
    response = client.post(url, {"ref": case.ref, "title": "changed by bob"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.title == "title-restricted-a"


def test_an_editor_files_new_cases_only_under_her_own_partner(world, personas):
    client = _client(personas, "alice")
    html = client.get(reverse("admin:archive_case_add")).content.decode()
    assert "Partner A" in html and "Partner B" not in html
