"""Fixtures for the comment tests: a published story and a public case with a person whose
names the archive protects, and reader accounts beside the staff personas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from irum.archive import services as archive_services
from irum.discussion import services
from irum.discussion.apps import MODERATORS
from irum.reports.tests.builders import person_with_chain
from irum.stories import services as story_services
from irum.stories.models import Author


@pytest.fixture
def site(gazetteer, actor, personas):
    person = person_with_chain(
        actor,
        ("arrest", "2013-05", "hyesan", "nk-state-security", 1),
        pseudonym="Ri A.",
        full_name="Pak Sun-hui",
        full_name_ko="박순희",
        aliases="Sunny Pak; 순이",
    )
    archive_services.case_update(
        actor=actor, case=person.case, owner=personas["partner_a"], confidentiality="public"
    )
    private = person_with_chain(
        actor, ("arrest", "2014", "hyesan", "nk-state-security", 1), pseudonym="Kim B."
    )
    author = story_services.author_save(
        actor=actor, author=Author(slug="reporter", name="Grace Reporter", name_ko="기자")
    )
    story = story_services.story_create(
        actor=actor,
        slug="taken-at-hyesan",
        headline="Taken at Hyesan",
        headline_ko="혜산에서 끌려가다",
        body="A family waits.",
        body_ko="한 가족이 기다린다.",
        author=author,
        status="draft",
        related_cases=[person.case],
    )
    # Published without a photo: the comment tests are not about photos.
    type(story).objects.filter(pk=story.pk).update(
        status="published", published_at=timezone.now() - dt.timedelta(hours=1)
    )
    story.refresh_from_db()
    return {"person": person, "case": person.case, "private_case": private.case, "story": story}


@pytest.fixture
def make_reader(db):
    def make(
        username: str,
        display_name: str | None = None,
        *,
        verified: bool = True,
        language: str = "en",
    ):
        reader = services.reader_register(
            username=username,
            email=f"{username}@example.org",
            display_name=display_name or username.title(),
            password=f"{username}-long-test-pass",
            language=language,
        )
        if verified:
            services.reader_verify_email(token=services.verification_token(reader))
            reader.refresh_from_db()
        return reader

    return make


@pytest.fixture
def erin(make_reader):
    """A verified reader."""
    return make_reader("erin", "Erin W.")


@pytest.fixture
def moderator(personas, db):
    """dave (staff, no partner) in the Moderators group."""
    dave = personas["dave"]
    dave.groups.add(Group.objects.get(name=MODERATORS))
    return dave
