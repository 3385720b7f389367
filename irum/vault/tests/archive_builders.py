"""Records with every kind of encrypted value, and ways to look at the raw database."""

from __future__ import annotations

from typing import Any

from django.db import connection

from irum.archive import services
from irum.archive.models import Case, Event, Person, Source

# Plaintext per record and field, Hangul included: what every read must give back.
CASE_NARRATIVE = "가족이 보위부에 끌려갔다 — taken at night"
PERSONS = {
    "ROT-P1": {
        "full_name": "Kim Chol-su",
        "full_name_ko": "김철수",
        "aliases": "Chol-su; 철수",
        "date_of_birth": "1975-03",
        "address": "회령시 남문동 12",
        "family_contacts": "sister in Seoul, +82 10-0000-0000",
    },
    "ROT-P2": {"full_name": "Ri Yong-hui", "full_name_ko": "리영희"},
    "ROT-P3": {"pseudonym": "Mr O"},  # no identity at all: nothing to rotate
}
SOURCE_CONTENT = "증언: 2013년 4월 온성에서 보았다"
EVENT_DESCRIPTION = "interrogated for 3 weeks; 조사 3주"


def build_archive(actor: Any) -> None:
    """A case, three persons, a source and an event, each written and then edited through
    the services, so that every table and its history hold encrypted values."""
    case = services.case_create(actor=actor, ref="ROT-C1", narrative_restricted="draft")
    services.case_update(actor=actor, case=case, narrative_restricted=CASE_NARRATIVE)
    for ref, fields in PERSONS.items():
        person = services.person_create(actor=actor, ref=ref, case=case, **fields)
        if "full_name" in fields:
            services.person_update(actor=actor, person=person, **fields)
    source = services.source_create(actor=actor, ref="ROT-S1", content_restricted="first")
    services.source_update(actor=actor, source=source, content_restricted=SOURCE_CONTENT)
    services.event_record(
        actor=actor,
        person=Person.objects.get(ref="ROT-P1"),
        kind="interrogation",
        date="2013-04",
        description_restricted=EVENT_DESCRIPTION,
        sources=[source],
    )


def assert_archive_reads_back() -> None:
    """Every record and its newest history row decrypt to the values written."""
    case = Case.objects.get(ref="ROT-C1")
    assert case.narrative_restricted == CASE_NARRATIVE
    assert case.history.first().narrative_restricted == CASE_NARRATIVE
    assert [h.narrative_restricted for h in case.history.order_by("history_id")] == [
        "draft",
        CASE_NARRATIVE,
    ]
    for ref, fields in PERSONS.items():
        person = Person.objects.get(ref=ref)
        for history in [person, *person.history.all()]:
            for name, value in fields.items():
                assert getattr(history, name) == value, (ref, name)
    source = Source.objects.get(ref="ROT-S1")
    assert source.content_restricted == SOURCE_CONTENT
    assert [h.content_restricted for h in source.history.order_by("history_id")] == [
        "first",
        SOURCE_CONTENT,
    ]
    event = Event.objects.get(person__ref="ROT-P1")
    assert event.description_restricted == EVENT_DESCRIPTION
    assert {h.description_restricted for h in event.history.all()} == {EVENT_DESCRIPTION}


def raw_rows() -> dict[str, list[tuple]]:
    """Every row of every table as the database stores it (no field decrypts anything),
    in a stable order."""
    rows = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def raw_text() -> str:
    return "\n".join(
        str(value) for rows in raw_rows().values() for row in rows for value in row if value
    )
