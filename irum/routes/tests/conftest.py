"""Fixtures for route and flow tests: a small hand-made archive whose flows are worked
out by hand in the tests that use it."""

from __future__ import annotations

import pytest

from irum.archive import services
from irum.partners.models import Organization
from irum.reports.tests.builders import person_with_chain

MSS = "nk-state-security"
POLICE = "nk-social-security"
CN = "cn-public-security"


@pytest.fixture
def chains(gazetteer, actor):
    """Five persons (all public, owned by partner A, so every test sees all of them
    unless it changes that):

    P1  longjing (arrest 2010, CN) → tumen-border-detention-centre (detention 2010) →
        onsong-mss (repatriation 2010-05, MSS) → kwalliso-16 (detention 2011, MSS)
    P2  longjing (arrest 2013-03, CN) → tumen-border-detention-centre (detention 2013) →
        onsong-mss (repatriation 2013, MSS) → [interrogation, no place] → onsong-mss
        (trial 2014: same stop) → kyohwaso-12 (detention 2015, POLICE)
    P3  hyesan (arrest 2005, POLICE) → hyesan-mss (transfer 2005, MSS) → kwalliso-16
        (detention 2006, MSS)
    P4  onsong-mss (detention 2019, MSS) → kwalliso-16 (transfer 2020, MSS)
    P5  hyesan (arrest 1990, POLICE): one place, no leg.
    """
    spec = {
        "P1": [
            ("arrest", "2010-03", "longjing", CN),
            ("detention", "2010-04", "tumen-border-detention-centre", CN),
            ("repatriation", "2010-05", "onsong-mss-holding-detention-centre", MSS),
            ("detention", "2011", "kwalliso-no-16-hwasong-camp-16", MSS),
        ],
        "P2": [
            ("arrest", "2013-03", "longjing", CN),
            ("detention", "2013-04", "tumen-border-detention-centre", CN),
            ("repatriation", "2013-06", "onsong-mss-holding-detention-centre", MSS),
            ("interrogation", "2013-07", None, MSS),
            ("trial", "2014", "onsong-mss-holding-detention-centre", MSS),
            ("detention", "2015", "kyohwaso-no-12-jongo-ri-chongori", POLICE),
        ],
        "P3": [
            ("arrest", "2005-01", "hyesan", POLICE),
            ("transfer", "2005-02", "hyesan-mss-facility", MSS),
            ("detention", "2006", "kwalliso-no-16-hwasong-camp-16", MSS),
        ],
        "P4": [
            ("detention", "2019", "onsong-mss-holding-detention-centre", MSS),
            ("transfer", "2020", "kwalliso-no-16-hwasong-camp-16", MSS),
        ],
        "P5": [("arrest", "1990", "hyesan", POLICE)],
    }
    # The partner is made here, not through `personas`: hashing four passwords would
    # cost more than everything else these tests do. Tests that need the personas ask
    # for them too, and share this organisation.
    partner_a, _ = Organization.objects.get_or_create(
        slug="partner-a", defaults={"name": "Partner A"}
    )
    persons = {}
    for label, steps in spec.items():
        steps = [
            (kind, date, place, agency, i + 1)
            for i, (kind, date, place, agency) in enumerate(steps)
        ]
        person = person_with_chain(actor, *steps, pseudonym=f"pseudonym-{label}")
        services.case_update(
            actor=actor, case=person.case, owner=partner_a, confidentiality="public"
        )
        persons[label] = person
    return persons
