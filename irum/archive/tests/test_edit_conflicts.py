"""Two editors saving the same case from stale copies: the second gets a conflict, and
neither change is silently overwritten."""

import pytest
from django.urls import reverse

from irum.archive import services
from irum.archive.models import Case


def test_the_service_refuses_a_save_from_a_stale_copy(db, actor):
    services.case_create(actor=actor, ref="K-1", title="original")
    mine, theirs = Case.objects.get(ref="K-1"), Case.objects.get(ref="K-1")
    services.case_update(actor=actor, case=theirs, title="their change")
    with pytest.raises(services.EditConflict, match="changed by someone else"):
        services.case_update(actor=actor, case=mine, title="my change")
    assert Case.objects.get(ref="K-1").title == "their change"


def test_the_admin_shows_a_conflict_instead_of_overwriting(admin_client, db, actor):
    case = services.case_create(actor=actor, ref="K-2", title="original")
    url = reverse("admin:archive_case_change", args=[case.pk])
    form = {
        "ref": "K-2",
        "title": "my change",
        "confidentiality": "restricted",
        "verification": "reported",
        "opened_version": "1",
        "persons-TOTAL_FORMS": "0",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "1000",
    }
    services.case_update(actor=actor, case=Case.objects.get(pk=case.pk), title="their change")
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert Case.objects.get(pk=case.pk).title == "their change"
    form["opened_version"] = "2"
    assert admin_client.post(url, form).status_code == 302
    assert Case.objects.get(pk=case.pk).title == "my change"
