"""Every exported entity is valid FollowTheMoney, checked by the followthemoney library
itself: a known schema and properties, values its cleaning leaves unchanged, the schema's
required properties, and references only to entities in the same export."""

from __future__ import annotations

import pytest
from followthemoney import model

from irum.archive import services
from irum.exchange.ftm import FtmOptions, ftm_entities
from irum.reports.tests.builders import Canaries, seed_case


@pytest.fixture
def archive(gazetteer, actor, personas):
    canary = Canaries()
    public = seed_case(
        actor, canary, label="pub", confidentiality="public", owner=personas["partner_a"]
    )
    seed_case(actor, canary, label="res", confidentiality="restricted", owner=personas["partner_a"])
    # The shapes of date and place the archive holds besides plain days.
    person = public["persons"][0]
    for kind, date, place in (
        ("detention", "2014-21", "onsong"),  # a season
        ("release", "201X", None),  # a decade
        ("trial", "2015-03/2015-06~", None),
        ("sighting", "../2016", "hyesan"),
        ("last_contact", "", None),
    ):
        services.event_record(
            actor=actor,
            person=person,
            kind=kind,
            date=date,
            place=gazetteer_place(place),
        )
    services.person_update(
        actor=actor, person=person, date_of_birth="1983-02-11", address="12 Some St\n  Hyesan"
    )
    return public


def gazetteer_place(slug):
    from irum.gazetteer.models import Place

    return Place.objects.get(slug=slug) if slug else None


def _check(entities: list[dict]) -> None:
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids)), "an id is used twice"
    known = set(ids)
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None and not schema.abstract, data["schema"]
        unknown = set(data["properties"]) - set(schema.properties)
        assert not unknown, (data["schema"], unknown)
        schema.validate(data)  # raises InvalidData
        for name in schema.required:
            assert data["properties"].get(name), (data["schema"], name)
        # Cleaned by followthemoney as untrusted input, nothing changes: every value was
        # already what FtM would store.
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.to_dict() == data
        for prop, values in data["properties"].items():
            if schema.properties[prop].type.name == "entity":
                missing = set(values) - known
                assert not missing, (data["schema"], prop, missing)


@pytest.mark.parametrize("restricted", [False, True], ids=["pseudonymised", "restricted"])
def test_every_exported_entity_is_valid_followthemoney(archive, personas, restricted):
    entities = list(
        ftm_entities(actor=personas["alice"], options=FtmOptions(include_restricted=restricted))
    )

    schemata = {e["schema"] for e in entities}
    assert {"Person", "Event", "PublicBody", "Address", "PlainText"} <= schemata
    _check(entities)


def test_events_link_the_person_the_agency_the_place_and_the_sources(archive, personas):
    entities = {e["id"]: e for e in ftm_entities(actor=personas["alice"])}
    person = archive["persons"][0]
    events = [
        e
        for e in entities.values()
        if e["schema"] == "Event"
        and e["properties"]["involved"] == [f"irum-person-{person.public_id}"]
    ]
    arrest = next(e for e in events if e["properties"]["name"][0].startswith("Arrest"))
    props = arrest["properties"]
    assert props["date"] == ["2014-04-05"]
    assert entities[props["organizer"][0]]["schema"] == "PublicBody"
    place = entities[props["addressEntity"][0]]
    assert place["schema"] == "Address" and place["properties"]["country"] == ["kp"]
    assert props["location"] == place["properties"]["full"]
    assert props["summary"] == ["Public account of the arrest"]
    assert props["publisher"] == ["Partner A"]
    assert "Custody acknowledged: Denied" in props["keywords"]
    assert {entities[s]["schema"] for s in props["proof"]} == {"PlainText"}
    dated = {e["properties"]["name"][0].split(",")[0]: e["properties"] for e in events}
    assert dated[f"Detention of {person.public_id}"]["date"] == ["2014"]
    assert dated[f"Release of {person.public_id}"]["startDate"] == ["2010"]
    assert dated[f"Release of {person.public_id}"]["endDate"] == ["2019"]
    assert dated[f"Trial of {person.public_id}"]["startDate"] == ["2015-03"]
    assert dated[f"Trial of {person.public_id}"]["endDate"] == ["2015-06"]
    assert "startDate" not in dated[f"Sighting of {person.public_id}"]
    assert dated[f"Sighting of {person.public_id}"]["endDate"] == ["2016"]
    assert "date" not in dated[f"Last contact of {person.public_id}"]
