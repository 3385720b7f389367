"""The API's test world: one case of each confidentiality, as in the access matrix."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from irum.accounts.testing import verified_login
from irum.archive import services
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
    "alice": {"public-a", "partners-a", "restricted-a", "restricted-b-shared-a"},
    "bob": {"public-a", "partners-a", "restricted-a", "restricted-b-shared-a"},
    "carol": {"public-a", "partners-a", "restricted-b-shared-a"},
    "dave": set(),
    "anonymous": set(),
}
PUBLIC = {"public-a"}


@pytest.fixture
def world(gazetteer, actor, personas):
    records = {}
    for label, owner, confidentiality, shared in CASES:
        person = person_with_chain(
            actor,
            ("arrest", "2014-02-03", "hyesan", "nk-social-security", 1),
            ("transfer", "2014-03", "hyesan-mss-facility", "nk-state-security", 2),
            pseudonym=f"pseudonym-{label}",
            full_name=f"NAME-{label}",
            address=f"ADDRESS-{label}",
        )
        case = person.case
        services.case_update(
            actor=actor,
            case=case,
            owner=personas[owner],
            confidentiality=confidentiality,
            title=f"title-{label}",
            narrative_restricted=f"NARRATIVE-{label}",
        )
        if shared:
            case.shared_with.add(personas[shared])
        source = services.source_create(
            actor=actor, ref=f"src-{label}", content_restricted=f"CONTENT-{label}"
        )
        event = person.events.order_by("chain_index").first()
        services.event_update(
            actor=actor, event=event, sources=[source], description_restricted=f"DESC-{label}"
        )
        case.refresh_from_db()
        records[label] = {"case": case, "person": person, "event": event, "source": source}
    return records


@pytest.fixture
def client_for(personas):
    def make(who: str) -> APIClient:
        client = APIClient()
        if who != "anonymous":
            verified_login(client, personas[who])
        return client

    return make
