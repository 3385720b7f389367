"""The demo's stories: published in both languages with generated photos, about the
demo data's public cases only, and loaded once however often `make demo` runs."""

from __future__ import annotations

import pytest

from irum.archive.actors import system_actor
from irum.archive.demo import demo_data_load
from irum.partners import visibility
from irum.stories.demo import STORIES, demo_stories_load
from irum.stories.models import Story


@pytest.fixture
def demo(gazetteer):
    actor = system_actor()
    demo_data_load(actor=actor)
    return demo_stories_load(actor=actor)


def test_every_demo_story_is_published_with_a_photo_and_about_public_cases(demo):
    assert demo == len(STORIES)
    public = set(visibility.public_cases().values_list("pk", flat=True))
    for story in Story.objects.all():
        assert story.is_public and story.photo and story.photo_small
        assert story.languages == ["en", "ko"]
        assert "synthetic" in story.body and "가상의" in story.body_ko
        assert set(story.related_cases.values_list("pk", flat=True)) <= public
    about_cases = [s for s in Story.objects.all() if s.related_cases.exists()]
    assert len(about_cases) >= 3
    updated = Story.objects.get(slug="sent-back-across-the-river")
    assert updated.revised_at is not None and updated.update_note


def test_loading_the_demo_stories_again_writes_nothing(demo):
    assert demo_stories_load(actor=system_actor()) == 0
    assert Story.objects.count() == len(STORIES)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_each_demo_story_page_renders_with_its_photo(client, demo, language):
    for story in Story.objects.all():
        response = client.get(f"/{language}/stories/{story.slug}/")
        assert response.status_code == 200
        assert client.get(f"/media/{story.photo_small}").status_code == 200
