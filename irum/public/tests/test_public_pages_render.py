"""The public pages render in both languages for an anonymous reader, with a published
story, a public case and a place; a draft and a private case are not found."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from PIL import Image

from irum.archive import services as archive_services
from irum.gazetteer.models import Place
from irum.reports.tests.builders import person_with_chain
from irum.stories import services
from irum.stories.models import Author
from irum.stories.tests.builders import jpeg


@pytest.fixture
def site(gazetteer, actor, personas):
    person = person_with_chain(
        actor,
        ("arrest", "2013-05", "hyesan", "nk-state-security", 1),
        ("transfer", "2013-06", "hyesan-mss-facility", "nk-state-security", 2),
        pseudonym="Ri A.",
        full_name="Canary Secret Name",
    )
    archive_services.case_update(
        actor=actor, case=person.case, owner=personas["partner_a"], confidentiality="public"
    )
    author = services.author_save(
        actor=actor, author=Author(slug="reporter", name="A. Reporter", name_ko="기자")
    )
    story = services.story_create(
        actor=actor,
        slug="taken-at-hyesan",
        headline="Taken at Hyesan",
        headline_ko="혜산에서 끌려가다",
        dek="A family waits.",
        body="A **family** waits.",
        body_ko="한 가족이 기다린다.",
        author=author,
        photo=jpeg(),
        photo_alt="A river at dusk",
        photo_alt_ko="해질녘의 강",
        photo_credit="(Irum demo)",
        status="published",
        related_cases=[person.case],
    )
    draft = services.story_create(actor=actor, slug="draft", headline="Not yet", body="x")
    return {"person": person, "story": story, "draft": draft}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_it_renders_every_public_page_without_a_name(client, site, language):
    case = site["person"].case.public_id
    for path in (
        "",
        "stories/",
        "stories/taken-at-hyesan/",
        "cases/",
        f"cases/{case}/",
        "places/hyesan/",
        "figures/",
    ):
        response = client.get(f"/{language}/{path}")
        assert response.status_code == 200, (path, response.status_code)
        body = response.content.decode()
        assert "Canary" not in body
        assert f'lang="{language}"' in body
        assert "public" in response["Cache-Control"]
        assert "Cookie" not in response.get("Vary", ""), path
    story = client.get(f"/{language}/stories/taken-at-hyesan/").content.decode()
    assert ("혜산에서 끌려가다" if language == "ko" else "Taken at Hyesan") in story
    assert 'property="og:title"' in story and "/media/stories/" in story


def test_a_draft_and_a_private_case_are_not_found(client, site, actor):
    assert client.get("/en/stories/draft/").status_code == 404
    case = site["person"].case
    archive_services.case_update(actor=actor, case=case, confidentiality="restricted")
    assert client.get(f"/en/cases/{case.public_id}/").status_code == 404


def test_the_story_photo_is_served_and_carries_no_metadata(client, site):
    story = site["story"]
    response = client.get(f"/media/{story.photo}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(data)).getexif() == {}
    assert client.get("/media/stories/../secret.txt").status_code == 404


def test_a_drafts_photo_is_served_only_to_an_editor_past_the_second_factor(
    client, site, actor, personas, otp_login
):
    draft = services.story_update(actor=actor, story=site["draft"], photo=jpeg(700, 500))
    url = f"/media/{draft.photo}"
    assert client.get(url).status_code == 404

    dave = personas["dave"]
    client.force_login(dave)
    assert client.get(url).status_code == 404  # staff, but not an editor of stories

    dave.user_permissions.add(Permission.objects.get(codename="change_story"))
    dave = type(dave).objects.get(pk=dave.pk)  # permissions are cached on the instance
    client.force_login(dave)
    assert client.get(url).status_code == 404  # an editor, but without the second factor

    otp_login(client, dave)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    preview = client.get(f"/en/stories/preview/{draft.pk}/")
    assert preview.status_code == 200 and url in preview.content.decode()


def test_a_published_photo_may_be_cached_for_good(client, site):
    response = client.get(f"/media/{site['story'].photo_small}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_public_map_has_an_address_in_each_language(client, site, language):
    response = client.get(f"/{language}/map/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    assert client.get(f"/{language}/map/table/").status_code == 200


def test_a_korean_reader_gets_the_korean_place_name_first_with_the_english_as_a_variant(
    client, site
):
    korean = client.get("/ko/places/hyesan/").content.decode()
    english = client.get("/en/places/hyesan/").content.decode()
    place = Place.objects.get(slug="hyesan")
    assert place.name_ko
    assert f'<h1><span lang="ko">{place.name_ko}</span>' in korean
    assert f'(<span lang="en">{place.name}</span>)' in korean
    assert f'<h1><span lang="en">{place.name}</span>' in english


def test_a_story_card_in_the_other_language_says_which_language_it_is(client, site, actor):
    english_only = services.story_create(
        actor=actor,
        slug="english-only",
        headline="Only in English",
        dek="A summary in English.",
        body="Text.",
        author=site["story"].author,
        photo=jpeg(),
        photo_alt="A river",
        photo_credit="(Irum demo)",
        status="published",
    )
    page = client.get("/ko/stories/").content.decode()
    assert f'<h3 lang="en"><a href="/ko/stories/{english_only.slug}/">Only in English' in page
    assert '<p lang="en">A summary in English.</p>' in page
