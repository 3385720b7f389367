"""Snapshots of the database, to compare before and after an import.

`archive_snapshot` is the archive as a documenter sees it: every field of every case,
person, event and source, with foreign keys replaced by refs and slugs so that two
archives built by different imports compare equal when they hold the same record.
`database_dump` is every row of every table, for proving that nothing was written.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.apps import apps
from django.db import models

from irum.archive.models import Case, Event, EventSource, Person, Source

# Row bookkeeping, not record content. An event's `position` is its order of entry, only
# the last tie-breaker of the chain order, which the snapshot keeps as list order.
_SKIP = {"id", "created_at", "updated_at", "version"}


def _natural(obj: models.Model | None) -> str | None:
    if obj is None:
        return None
    return getattr(obj, "ref", None) or getattr(obj, "slug", None) or str(obj.pk)


def _fields(obj: models.Model, skip: Collection[str] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in _SKIP or f.name in skip:
            continue
        out[f.name] = _natural(getattr(obj, f.name)) if f.is_relation else getattr(obj, f.name)
    return out


def archive_snapshot() -> dict[str, Any]:
    sources_of: dict[int, list[str]] = {}
    for link in EventSource.objects.select_related("source").order_by("pk"):
        sources_of.setdefault(link.event_id, []).append(link.source.ref)
    persons = {}
    for person in Person.objects.select_related("case", "home_province", "first_deprivation"):
        events = []
        for event in person.events.select_related("place", "agency").order_by("chain_index"):
            row = _fields(event, {"person", "position"})
            row["sources"] = sources_of.get(event.pk, [])
            events.append(row)
        fdl = person.first_deprivation
        persons[person.ref] = {
            **_fields(person, {"first_deprivation"}),
            # Which step is the first deprivation, by its place in the chain.
            "first_deprivation": fdl.chain_index if fdl else None,
            "events": events,
        }
    return {
        "cases": {c.ref: _fields(c) for c in Case.objects.select_related("owner")},
        "persons": persons,
        "sources": {s.ref: _fields(s) for s in Source.objects.all()},
    }


def assert_same_archive(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    """Compare two snapshots record by record, so a failure names the record."""
    for section in ("cases", "persons", "sources"):
        assert sorted(actual[section]) == sorted(expected[section]), section
        for ref, record in expected[section].items():
            assert actual[section][ref] == record, f"{section} {ref}"


def empty_archive() -> None:
    """Remove every record so the same refs can be imported again (places stay)."""
    Event.objects.all().delete()
    Person.objects.all().delete()
    Case.objects.all().delete()
    Source.objects.all().delete()


def database_dump() -> dict[str, list[dict[str, Any]]]:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
    }
