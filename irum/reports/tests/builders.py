"""Small builders for figure tests: a person and their chain, written through services."""

from __future__ import annotations

import itertools

from irum.archive import services
from irum.gazetteer.models import Agency, Place

_refs = itertools.count(1)


def person_with_chain(actor, *steps, case=None, **person_fields):
    """steps: (kind, date, place slug or None, agency slug or None[, seq])."""
    n = next(_refs)
    case = case or services.case_create(actor=actor, ref=f"C{n}")
    person = services.person_create(actor=actor, ref=f"P{n}", case=case, **person_fields)
    for step in steps:
        kind, date, place, agency, *rest = step
        services.event_record(
            actor=actor,
            person=person,
            kind=kind,
            date=date,
            place=Place.objects.get(slug=place) if place else None,
            agency=Agency.objects.get(slug=agency) if agency else None,
            seq=rest[0] if rest else None,
        )
    return person
