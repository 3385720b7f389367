from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from irum.audit.models import AuditEntry
from irum.audit.services import audit_record
from irum.partners.models import Organization

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:audit_auditentry_changelist")


def _entries(n, django_user_model):
    for i in range(n):
        user, _ = django_user_model.objects.get_or_create(username=f"user{i % 7}")
        partner, _ = Organization.objects.get_or_create(
            slug=f"partner-{i % 5}", defaults={"name": f"Partner {i % 5}"}
        )
        audit_record(
            actor=user, partner=partner, kind="update", record_type="archive.case", record_id=i
        )


def _queries_for_list(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL)
    assert response.status_code == 200
    return len(queries)


def test_it_lists_entries_with_a_constant_number_of_queries(admin_client, django_user_model):
    _entries(5, django_user_model)
    few = _queries_for_list(admin_client)
    _entries(45, django_user_model)
    assert AuditEntry.objects.count() == 50
    many = _queries_for_list(admin_client)
    assert few == many


def test_it_filters_and_searches_entries(admin_client, django_user_model):
    _entries(6, django_user_model)
    response = admin_client.get(LIST_URL, {"kind": "update", "q": "archive.case"})
    assert response.status_code == 200
    response = admin_client.get(LIST_URL, {"actor__id__exact": 1, "record_type": "archive.case"})
    assert response.status_code == 200


def test_it_shows_an_entry_read_only(admin_client, django_user_model):
    _entries(1, django_user_model)
    entry = AuditEntry.objects.get()
    response = admin_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content


def test_it_forbids_adding_changing_and_deleting_entries(admin_client, django_user_model):
    _entries(1, django_user_model)
    entry = AuditEntry.objects.get()
    assert admin_client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    delete_url = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert admin_client.get(delete_url).status_code == 403
    change_url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    response = admin_client.post(change_url, {"summary": "forged"})
    assert response.status_code == 403
    assert AuditEntry.objects.get().summary == ""
