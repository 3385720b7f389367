"""Demo stories for the demo archive: synthetic, like the demo data, in English and Korean.

Each story says it is synthetic, is about the demo's public cases (chosen by what their
custody chains hold, so the links are true of the demo data), and has a photo drawn here
with Pillow: no real photograph, no file shipped, nothing fetched.
"""

from __future__ import annotations

import io
import random
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from PIL import Image, ImageDraw, ImageFilter

from irum.archive.models import Case, Event
from irum.gazetteer.models import Place
from irum.partners import visibility
from irum.stories import services
from irum.stories.models import Author, Story

SYNTHETIC = (
    "*This is a synthetic story for the Irum demo. The people in it, and their cases, do "
    "not exist.*"
)
SYNTHETIC_KO = (
    "*이 글은 Irum 데모를 위해 만든 가상의 이야기입니다. 등장하는 사람과 사건은 실재하지 않습니다.*"
)


@dataclass(frozen=True)
class DemoStory:
    slug: str
    headline: str
    headline_ko: str
    dek: str
    dek_ko: str
    body: str
    body_ko: str
    photo_alt: str
    photo_alt_ko: str
    caption: str
    caption_ko: str
    palette: tuple[tuple[int, int, int], tuple[int, int, int]]
    # Which public cases the story is about: a filter on their events.
    cases: Q
    update_note: str = ""
    update_note_ko: str = ""


STORIES: tuple[DemoStory, ...] = (
    DemoStory(
        slug="sent-back-across-the-river",
        headline="Sent back across the river",
        headline_ko="강을 건너 되돌려 보내지다",
        dek="Arrested in China, handed over at the border, and then nothing.",
        dek_ko="중국에서 체포되어 국경에서 넘겨진 뒤, 소식이 끊겼다.",
        body=(
            "Her sister last heard from her in a border city in China. Weeks later a "
            "broker said she had been **arrested by the Chinese police** and handed to "
            "North Korean officers at a crossing on the Tumen River.\n\n"
            "## What the record shows\n\n"
            "The archive follows each step of the custody chain: the arrest, the holding "
            "cell, the forced repatriation, and the State Security interrogation centre "
            "where she was last seen. Every step carries its source and a date as uncertain "
            "as the testimony that gave it.\n\n"
            "Follow the route on the [map](/en/map/) or read the related cases below."
        ),
        body_ko=(
            "언니가 마지막으로 연락을 받은 곳은 중국의 한 국경 도시였다. 몇 주 뒤 브로커는 "
            "그녀가 **중국 공안에 체포되어** 두만강의 한 통상구에서 북한 보위원들에게 "
            "넘겨졌다고 전했다.\n\n"
            "## 기록이 보여주는 것\n\n"
            "아카이브는 구금 경로의 각 단계를 따라간다. 체포, 구류, 강제송환, 그리고 그녀가 "
            "마지막으로 목격된 국가보위성 조사시설까지. 각 단계에는 출처와, 증언만큼이나 "
            "불확실한 날짜가 붙어 있다.\n\n"
            "[지도](/ko/map/)에서 경로를 따라가거나 아래의 관련 사건을 읽어 보십시오."
        ),
        photo_alt="A wide river at dusk, with low hills on the far bank.",
        photo_alt_ko="해질녘의 넓은 강과 건너편의 낮은 언덕.",
        caption="A river border at dusk (generated image).",
        caption_ko="해질녘의 강 국경 (생성된 이미지).",
        palette=((38, 62, 92), (214, 150, 96)),
        cases=Q(kind="repatriation"),
        update_note="Adds the route of the forced repatriation.",
        update_note_ko="강제송환 경로를 추가했습니다.",
    ),
    DemoStory(
        slug="taken-with-his-family",
        headline="Taken with his family",
        headline_ko="가족과 함께 끌려가다",
        dek="Guilt by association sent whole families to the camps.",
        dek_ko="연좌제는 온 가족을 수용소로 보냈다.",
        body=(
            "When one man was accused, his wife, his parents and his children were taken "
            "with him. Under guilt by association (*yeonjwaje*) a family shared the "
            "punishment of one of its members.\n\n"
            "## Counting the people, not the cases\n\n"
            "A case in the archive is one family; the figures count each person. That is "
            "why the number of individuals is larger than the number of cases in the "
            "[figures](/en/figures/)."
        ),
        body_ko=(
            "한 남자가 고발당하자 그의 아내와 부모, 자녀들도 함께 끌려갔다. 연좌제 아래에서 "
            "가족은 구성원 한 사람의 처벌을 함께 짊어졌다.\n\n"
            "## 사건이 아니라 사람을 센다\n\n"
            "아카이브에서 한 사건은 한 가족이다. 통계는 한 사람 한 사람을 센다. 그래서 "
            "[통계](/ko/figures/)에서 피해자 수가 사건 수보다 많다."
        ),
        photo_alt="A valley with a road between dark hills under a grey sky.",
        photo_alt_ko="잿빛 하늘 아래 어두운 언덕 사이로 길이 난 골짜기.",
        caption="A mountain valley (generated image).",
        caption_ko="산골짜기 (생성된 이미지).",
        palette=((70, 78, 84), (150, 160, 150)),
        cases=Q(person__reason="guilt_by_association"),
    ),
    DemoStory(
        slug="the-last-sighting",
        headline="The last sighting",
        headline_ko="마지막 목격",
        dek="A fellow detainee saw him in a holding centre. No one has seen him since.",
        dek_ko="함께 구금되었던 사람이 구류장에서 그를 보았다. 그 뒤로 그를 본 사람은 없다.",
        body=(
            "For many families the last thing known is a sighting: a former detainee who "
            "remembers a face in a holding centre, a date given as a season and a year.\n\n"
            "The archive keeps that date as it was told, *spring 2014, perhaps*, and "
            "never makes it more precise than the testimony."
        ),
        body_ko=(
            "많은 가족에게 마지막으로 알려진 것은 목격담이다. 구류장에서 본 얼굴을 기억하는 "
            "전 수감자, 계절과 연도로만 전해지는 날짜.\n\n"
            "아카이브는 그 날짜를 들은 그대로, *아마도 2014년 봄*으로 간직하며, 증언보다 "
            "더 정확하게 만들지 않는다."
        ),
        photo_alt="A grey wall with a small barred window, in fog.",
        photo_alt_ko="안개 속 작은 창살 창문이 있는 잿빛 벽.",
        caption="A wall in fog (generated image).",
        caption_ko="안개 속의 벽 (생성된 이미지).",
        palette=((96, 100, 108), (190, 192, 196)),
        cases=Q(kind="sighting") | Q(kind="last_contact"),
    ),
    DemoStory(
        slug="what-the-figures-say",
        headline="What the figures say, and what they cannot",
        headline_ko="통계가 말하는 것과 말하지 못하는 것",
        dek="Each number is a person. Small numbers are withheld to protect them.",
        dek_ko="숫자 하나하나가 한 사람이다. 작은 숫자는 그들을 보호하기 위해 가린다.",
        body=(
            "The figures count people by where they disappeared, by the agency that took "
            "them and by era: before and after Kim Jong Un took power in December 2011.\n\n"
            "Where a group is so small that a reader could recognise someone in it, the "
            "number is not shown. See the [figures](/en/figures/)."
        ),
        body_ko=(
            "통계는 사람들이 사라진 곳, 그들을 데려간 기관, 그리고 시기(2011년 12월 김정은 "
            "집권 전과 후)에 따라 센다.\n\n"
            "집단이 너무 작아 독자가 그 안의 누군가를 알아볼 수 있는 경우 숫자를 보여주지 "
            "않는다. [통계](/ko/figures/)를 보십시오."
        ),
        photo_alt="Rows of pale lines on a dark ground, like a tally.",
        photo_alt_ko="어두운 바탕 위에 셈표처럼 늘어선 옅은 선들.",
        caption="A tally (generated image).",
        caption_ko="셈표 (생성된 이미지).",
        palette=((28, 34, 48), (120, 140, 170)),
        cases=Q(pk__in=[]),
    ),
)


def _photo(seed: int, palette: tuple[tuple[int, int, int], tuple[int, int, int]]) -> io.BytesIO:
    """A landscape-like picture: a sky gradient, layered hills and a river band."""
    rng = random.Random(seed)
    width, height = 1600, 900
    top, bottom = palette
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for layer in range(4):
        base = height * (0.45 + layer * 0.12)
        shade = tuple(max(0, round(c * (0.55 - layer * 0.1))) for c in top)
        points = [(0, height)]
        for x in range(0, width + 80, 80):
            points.append((x, base - rng.uniform(0, 120 - layer * 20)))
        points.append((width, height))
        draw.polygon(points, fill=shade)
    river = tuple(min(255, round(c * 1.1)) for c in bottom)
    draw.rectangle([0, round(height * 0.8), width, round(height * 0.86)], fill=river)
    image = image.filter(ImageFilter.GaussianBlur(2))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    out.seek(0)
    return out


def _related(cases: Q) -> tuple[list[Case], list[Place]]:
    public = visibility.public_cases()
    events = Event.objects.filter(person__case__in=public).filter(cases)
    chosen = list(public.filter(persons__events__in=events).distinct().order_by("public_id")[:4])
    places = Counter(
        Event.objects.filter(person__case__in=chosen, place__isnull=False).values_list(
            "place_id", flat=True
        )
    )
    top = [pk for pk, _n in places.most_common(2)]
    return chosen, list(Place.objects.filter(pk__in=top).order_by("name"))


@transaction.atomic
def demo_stories_load(*, actor: AbstractBaseUser | None) -> int:
    """Write the demo stories (and their author) if they are not there; return how many
    were written."""
    author = Author.objects.filter(slug="irum-demo-desk").first()
    if author is None:
        author = services.author_save(
            actor=actor,
            author=Author(
                slug="irum-demo-desk",
                name="Irum demo desk",
                name_ko="Irum 데모 데스크",
                role="Synthetic byline",
                role_ko="가상의 필자",
                bio="Writes the demo's synthetic stories.",
                bio_ko="데모용 가상의 이야기를 씁니다.",
            ),
        )
    written = 0
    for n, demo in enumerate(STORIES):
        if Story.all_objects.filter(slug=demo.slug).exists():
            continue
        cases, places = _related(demo.cases)
        story = services.story_create(
            actor=actor,
            slug=demo.slug,
            status="published",
            author=author,
            headline=demo.headline,
            headline_ko=demo.headline_ko,
            dek=demo.dek,
            dek_ko=demo.dek_ko,
            body=f"{SYNTHETIC}\n\n{demo.body}",
            body_ko=f"{SYNTHETIC_KO}\n\n{demo.body_ko}",
            photo=_photo(n, demo.palette),
            photo_alt=demo.photo_alt,
            photo_alt_ko=demo.photo_alt_ko,
            photo_caption=demo.caption,
            photo_caption_ko=demo.caption_ko,
            photo_credit="(Irum demo/generated)",
            related_cases=cases,
            related_places=places,
        )
        if demo.update_note:
            services.story_update(
                actor=actor,
                story=story,
                body=story.body + "\n\nThe route now shows the forced repatriation.",
                body_ko=story.body_ko + "\n\n이제 지도에 강제송환 경로가 표시됩니다.",
                update_note=demo.update_note,
                update_note_ko=demo.update_note_ko,
            )
        written += 1
    return written
