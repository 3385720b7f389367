"""List endpoints answer in a fixed number of queries, whatever the page size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from irum.reports.tests.builders import person_with_chain


@pytest.fixture
def many(world, actor):
    case = world["public-a"]["case"]
    for _ in range(12):
        person_with_chain(
            actor,
            ("arrest", "2001", "hyesan", "nk-social-security", 1),
            ("transfer", "2002", "hyesan-mss-facility", None, 2),
            case=case,
        )


@pytest.mark.parametrize("who", ["alice", "anonymous"])
@pytest.mark.parametrize(
    "endpoint", ["cases", "persons", "events", "sources", "places", "agencies"]
)
def test_queries_do_not_grow_with_the_page_size(many, client_for, who, endpoint):
    client = client_for(who)
    if who == "anonymous" and endpoint in ("events", "sources"):
        return
    counts = []
    for size in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/{endpoint}/", {"page_size": size})
        assert response.status_code == 200
        assert response.json()["results"]
        counts.append(len(queries))
    assert counts[0] == counts[1], (endpoint, who, counts)
