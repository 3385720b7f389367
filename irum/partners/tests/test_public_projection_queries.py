"""The bulk projection runs the same queries however many persons it projects."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from irum.archive.models import Person
from irum.partners.projection import project_persons
from irum.partners.visibility import public_cases
from irum.reports.tests.builders import Canaries, seed_case


def _project() -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        projected = project_persons(Person.objects.filter(case__in=public_cases()))
    return len(projected), len(queries)


def test_the_number_of_queries_does_not_grow_with_the_persons(gazetteer, actor):
    canary = Canaries()
    seed_case(actor, canary, label="one", confidentiality="public", persons=1)
    few_persons, few_queries = _project()
    for i in range(4):
        seed_case(actor, canary, label=f"more{i}", confidentiality="public", persons=3)
    many_persons, many_queries = _project()
    assert (few_persons, many_persons) == (1, 13)
    assert many_queries == few_queries
