"""A workbook may add persons to cases, and events to persons, that an earlier import or
a documenter already put in the archive. What it adds comes after what is there."""

from __future__ import annotations

from irum.archive.models import Event, EventSource, Person
from irum.exchange.importer import workbook_import
from irum.exchange.tests.workbooks import write_workbook


def _import_ok(actor, path):
    result = workbook_import(actor=actor, path=path)
    assert result.problems == []
    return result


def test_it_adds_persons_to_a_case_already_in_the_archive(gazetteer, actor, tmp_path):
    _import_ok(actor, write_workbook(tmp_path / "first"))
    book = {
        "cases": [],
        "persons": [{"person_ref": "P-010", "case_ref": "C-001", "pseudonym": "Son K"}],
        "events": [],
    }

    result = _import_ok(actor, write_workbook(tmp_path / "second", book))

    assert (result.cases, result.persons) == (0, 1)
    assert list(
        Person.objects.filter(case__ref="C-001").order_by("position").values_list("ref", flat=True)
    ) == ["P-001", "P-002", "P-010"]


def test_it_appends_events_to_a_chain_already_in_the_archive(gazetteer, actor, tmp_path):
    _import_ok(actor, write_workbook(tmp_path / "first"))
    book = {
        "cases": [],
        "persons": [],
        "events": [
            # Undated: after the chain's undated steps, in file order.
            {"person_ref": "P-002", "kind": "death", "source_refs": "S-003"},
            # Dated: placed by its date among the dated steps.
            {"person_ref": "P-002", "kind": "interrogation", "date": "2013-05"},
            {"person_ref": "P-001", "seq": "6", "kind": "sighting", "date": "2016"},
        ],
    }

    result = _import_ok(actor, write_workbook(tmp_path / "second", book))

    assert result.events == 3
    chain = list(
        Event.objects.filter(person__ref="P-002").order_by("chain_index").values_list("kind")
    )
    assert [k for (k,) in chain] == [
        "arrest",
        "interrogation",
        "detention",
        "sighting",
        "last_contact",
        "death",
    ]
    assert [e.seq for e in Event.objects.filter(person__ref="P-001").order_by("chain_index")] == [
        1,
        2,
        3,
        4,
        5,
        6,
    ]
    death = Event.objects.get(person__ref="P-002", kind="death")
    assert EventSource.objects.filter(event_id=death.pk, source__ref="S-003").exists()
