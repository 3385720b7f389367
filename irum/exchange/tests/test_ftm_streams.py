"""The export streams: the number of queries grows with the chunks, never with the rows
(a 100,000-person export in constant memory)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from irum.archive import services
from irum.exchange import ftm
from irum.exchange.ftm import FtmOptions, ftm_lines
from irum.reports.tests.builders import person_with_chain


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _add_persons(actor, case, n):
    source = services.source_create(actor=actor, ref=f"s-{case.ref}-{n}")
    for _ in range(n):
        person = person_with_chain(
            actor,
            ("arrest", "2014", "hyesan", "nk-state-security"),
            ("transfer", "2015", "kwalliso-no-16-hwasong-camp-16", "nk-state-security"),
            case=case,
        )
        services.event_update(actor=actor, event=person.events.first(), sources=[source])


def _queries(user, **options) -> tuple[int, int]:
    # The user's memberships are read once and kept on the user: count a warm export.
    list(ftm_lines(actor=user))
    with CaptureQueriesContext(connection) as queries:
        lines = sum(1 for _ in ftm_lines(actor=user, options=FtmOptions(**options)))
    return len(queries), lines


@pytest.mark.parametrize("restricted", [False, True])
def test_the_query_count_does_not_grow_with_the_rows(gazetteer, actor, personas, restricted):
    case = services.case_create(actor=actor, ref="stream", owner=personas["partner_a"])
    _add_persons(actor, case, 2)
    few, few_lines = _queries(personas["alice"], include_restricted=restricted)
    _add_persons(actor, case, 6)
    many, many_lines = _queries(personas["alice"], include_restricted=restricted)

    assert many_lines > few_lines
    assert many == few


def test_it_reads_events_in_chunks_with_one_query_each(gazetteer, actor, personas, monkeypatch):
    case = services.case_create(actor=actor, ref="chunks", owner=personas["partner_a"])
    _add_persons(actor, case, 4)  # 8 events
    whole, _ = _queries(personas["alice"])
    monkeypatch.setattr(ftm, "CHUNK", 3)
    chunked, _ = _queries(personas["alice"])

    # One EventSource query for each batch of events: 3 batches instead of 1. (SQLite
    # reads the other chunks from the same cursor; PostgreSQL's server-side cursor too.)
    assert chunked == whole + 2
