"""FtM entity ids cannot be guessed from what someone already knows about a person: they
come from the random public id or from a keyed HMAC of an internal id, never from names
or dates of birth."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from irum.archive import services
from irum.exchange.ftm import EntityIds, FtmOptions, ftm_entities
from irum.reports.tests.builders import person_with_chain

NAME, NAME_KO, BIRTH = "Kim Chol Ung", "김철웅", "1983-02-11"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def namesakes(gazetteer, actor, personas):
    """Two persons with the same name and date of birth, each arrested the same day."""
    case = services.case_create(actor=actor, ref="namesakes", owner=personas["partner_a"])
    return [
        person_with_chain(
            actor,
            ("arrest", "2014-04-05", "hyesan", "nk-state-security"),
            case=case,
            full_name=NAME,
            full_name_ko=NAME_KO,
            date_of_birth=BIRTH,
            pseudonym="Same pseudonym",
        )
        for _ in range(2)
    ]


def _digests(value: str) -> set[str]:
    data = value.encode()
    return {
        getattr(hashlib, algo)(data).hexdigest()[:12]
        for algo in ("md5", "sha1", "sha256", "sha512")
    }


def test_namesakes_get_unrelated_ids(namesakes, personas):
    entities = list(
        ftm_entities(actor=personas["alice"], options=FtmOptions(include_restricted=True))
    )
    persons = [e for e in entities if e["schema"] == "Person"]
    events = [e for e in entities if e["schema"] == "Event"]

    assert [p["properties"]["name"] for p in persons] == [[NAME, NAME_KO]] * 2
    assert {p["id"] for p in persons} == {f"irum-person-{p.public_id}" for p in namesakes}
    assert len({e["id"] for e in events}) == 2
    for entity in persons + events:
        ident = entity["id"].lower()
        for known in (NAME, NAME_KO, BIRTH, "kim", "chol", "1983"):
            assert known.lower() not in ident
        for known in (NAME, NAME_KO, BIRTH, NAME + BIRTH, NAME.lower()):
            for digest in _digests(known):
                assert digest not in ident


def test_event_and_source_ids_are_keyed_and_hide_the_row_number(db):
    ids = EntityIds(key=b"k" * 32)

    assert ids.event(7) == EntityIds(key=b"k" * 32).event(7)  # stable across exports
    assert ids.event(7) != EntityIds(key=b"x" * 32).event(7)  # unguessable without the key
    assert ids.event(7) != ids.source(7)
    assert re.fullmatch(r"irum-event-[0-9a-f]{32}", ids.event(7))
    for digest in _digests("7") | _digests("event:7"):
        assert digest not in ids.event(7)


def test_the_ids_stay_the_same_from_one_export_to_the_next(namesakes, personas):
    first = [e["id"] for e in ftm_entities(actor=personas["alice"])]
    services.person_update(actor=personas["alice"], person=namesakes[0], pseudonym="Renamed")
    second = [e["id"] for e in ftm_entities(actor=personas["alice"])]

    assert first == second
    assert "Renamed" in json.dumps(list(ftm_entities(actor=personas["alice"])))
