"""/reports/public/: the public figures, for anyone, from public cases only."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from irum.archive.actors import system_actor
from irum.gazetteer.services import gazetteer_load
from irum.reports.tests.builders import Canaries, seed_case

URL = "/reports/public/"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    # Seeded once for the module, in a transaction rolled back at its end.
    with django_db_blocker.unblock(), transaction.atomic():
        gazetteer_load(actor=None)
        actor, canary = system_actor(), Canaries()
        # 12 persons in 6 public cases, 2 each: one man and one woman.
        for i in range(6):
            seed_case(actor, canary, label=f"pub{i}", confidentiality="public")
        # And 14 more that the public figures must not count.
        for level in ("partners", "restricted"):
            for i in range(7):
                seed_case(actor, canary, label=f"{level}{i}", confidentiality=level)
        yield canary
        transaction.set_rollback(True)


@pytest.fixture
def world(seeded, db) -> Canaries:
    return seeded


def test_the_url_is_named(world):
    assert reverse("reports:public") == URL


def test_anonymous_visitors_see_the_public_figures(client, world):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="individuals">12<' in html
    assert 'data-figure="cases">6<' in html
    assert "Counts below 5 are not shown to protect the people counted." in html


@pytest.mark.parametrize("who", ["alice", "dave"])
def test_signed_in_users_see_the_same_public_figures(world, personas, who):
    client = Client()
    client.force_login(personas[who])
    html = client.get(URL).content.decode()
    assert 'data-figure="individuals">12<' in html


def test_small_counts_are_hidden_in_tables_and_charts(client, world):
    html = client.get(URL).content.decode()
    # Everyone is in the Kim Jong Un era (arrested 2014); the other eras are empty.
    assert html.count("data-suppressed") > 0
    assert "fewer than 5" in html
    # No bar for a hidden count: the era chart draws one bar (Kim Jong Un era) only.
    era_chart = html.split('data-section="era"')[1].split("</svg>")[0]
    assert era_chart.count("<rect") == 1


def test_the_json_form_has_null_for_hidden_counts_and_the_note(client, world):
    data = client.get(URL, {"format": "json"}).json()
    assert data["individuals"] == 12
    assert data["era"]["kim_il_sung"] is None
    assert data["suppression"]["threshold"] == 5
    assert "Counts below 5" in data["suppression"]["note"]


def test_no_name_or_restricted_text_is_on_the_page(client, world):
    for query in ({}, {"format": "json"}):
        assert world.found_in(client.get(URL, query).content.decode()) == []


@override_settings(IRUM_PUBLIC_MIN_COUNT=20)
def test_the_page_honours_the_threshold_setting(client, world):
    html = client.get(URL).content.decode()
    assert 'data-figure="individuals">fewer than 20<' in html
    assert "Counts below 20 are not shown" in html


@pytest.mark.parametrize(
    "query",
    [
        "format=xml",
        "format=",
        "format=%00",
        "format=%ff%fe",
        "format=<script>alert(1)</script>",
        "format=json&format=xml",
        "format=" + "j" * 5000,
    ],
)
def test_a_bad_format_is_a_clear_400_that_does_not_echo_it(client, world, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Unknown format" in body and "html, json" in body
    assert "<script>" not in body


@pytest.mark.parametrize(
    "query",
    [
        "threshold=0",
        "IRUM_PUBLIC_MIN_COUNT=1",
        "%ff=%fe",
        "a=%00&b",
        "&&&==&",
        "format=html&format=json",
        "page=-1&sort=__class__",
        "x=" + "%e2%82" * 2000,
    ],
)
def test_other_query_strings_are_ignored_and_never_lower_the_threshold(client, world, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert b"Counts below 5 are not shown" in response.content or (
        b'"threshold": 5' in response.content
    )


def test_only_reading_is_allowed(client, world):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200
