"""A discussion's pages take the same number of queries for many comments as for few:
the story page (published comments, cached) and the discussion page (with the reader's
own comments)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from irum.discussion import services

pytestmark = pytest.mark.django_db


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def comment_round(site, readers, start):
    for i, reader in enumerate(readers):
        first = services.comment_post(
            author=reader.user, target=site["story"], text=f"Thoughts number {start + i}."
        )
        services.comment_post(
            author=reader.user, target=site["story"], text=f"A reply {start + i}.", parent=first
        )


@pytest.mark.parametrize(
    "path", ["/en/stories/taken-at-hyesan/", "/en/stories/taken-at-hyesan/comments/"]
)
def test_a_thread_page_does_not_grow_queries_with_comments(client, site, make_reader, erin, path):
    client.force_login(erin.user)
    readers = [make_reader(f"reader{i}") for i in range(6)]
    comment_round(site, readers[:2], 0)
    services.comment_post(author=erin.user, target=site["story"], text="I knew Sunny Pak.")
    few = queries(client, path)
    comment_round(site, readers[2:], 10)
    cache.clear()  # the story page is cached: render it again
    assert queries(client, path) == few
