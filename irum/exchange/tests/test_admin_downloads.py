"""The download actions on the admin's case and person lists: the selection, as the
user may see it, with no identity field, and audited."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from irum.accounts.testing import verified_login
from irum.audit.models import AuditEntry
from irum.exchange.tests.test_export_formats import archive  # noqa: F401 (fixture)


def download(who_client, model, pks, action):
    url = reverse(f"admin:archive_{model}_changelist")
    return who_client.post(url, {"action": action, "_selected_action": [str(pk) for pk in pks]})


@pytest.fixture
def alice(personas):
    client = Client()
    verified_login(client, personas["alice"])
    return client


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "action",
    ["download_zip", "download_xlsx", "download_json", "download_geojson", "download_ftm"],
)
def test_each_download_holds_the_selection_without_identities(archive, alice, action):  # noqa: F811
    chosen = archive["a-restricted"].case
    response = download(alice, "case", [chosen.pk], action)
    assert response.status_code == 200, response.content[:300]
    assert "attachment" in response["Content-Disposition"]
    data = body_of(response)
    if action == "download_zip":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            data = b"".join(z.read(name) for name in z.namelist())
    elif action == "download_xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        data = "".join(
            str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r
        ).encode()
    text = data.decode("utf-8", errors="replace")
    assert "pseudonym-a-restricted" in text or action == "download_geojson"
    assert "pseudonym-a-public" not in text  # not selected
    assert "Canary" not in text  # never identities from the admin
    assert AuditEntry.objects.filter(kind="export").latest("seq").actor.username == "alice"


def test_a_person_list_download_holds_their_cases(archive, alice):  # noqa: F811
    person = archive["a-public"]
    response = download(alice, "person", [person.pk], "download_json")
    data = json.loads(body_of(response))
    assert [c["public_id"] for c in data["cases"]] == [person.case.public_id]


def test_a_forged_selection_cannot_reach_a_case_the_user_may_not_see(archive, personas):  # noqa: F811
    carol = Client()
    verified_login(carol, personas["carol"])
    hidden = archive["a-restricted"].case
    mine = archive["b-restricted"].case
    response = download(carol, "case", [hidden.pk, mine.pk], "download_json")
    data = json.loads(body_of(response))
    assert [c["public_id"] for c in data["cases"]] == [mine.public_id]


def test_a_forged_selection_cannot_reach_a_hidden_case_through_followthemoney(archive, personas):  # noqa: F811
    carol = Client()
    verified_login(carol, personas["carol"])
    hidden = archive["a-restricted"].case
    mine = archive["b-restricted"].case
    response = download(carol, "case", [hidden.pk, mine.pk], "download_ftm")
    entities = [json.loads(line) for line in body_of(response).decode().splitlines()]
    text = json.dumps(entities, ensure_ascii=False)
    assert "pseudonym-b-restricted" in text and "pseudonym-a-restricted" not in text
    entry = AuditEntry.objects.filter(kind="export").latest("seq")
    assert entry.record_type == "exchange.ftm" and entry.changes["selection"] is True
    assert entry.changes["complete"] is True
