"""The public site in a browser (issue 6): the home page, a story, a case and the figures,
in English and Korean, at a phone's width (375 px) and a desktop's (1280 px).

Every page must pass axe-core's WCAG 2.1 A and AA rules, have a real title, a meta
description, an og:title, the right <html lang> and one h1, and fit a phone's width
without sideways scrolling. The case page's table of legs must be reached with the Tab
key; Korean must be drawn in a Korean font, not as empty boxes; and every page but the
map must read in full with JavaScript switched off. Every request that is not to the
live server is blocked, and none may be attempted. Full-page screenshots go to
$IRUM_TEST_OUTPUT/screenshots/ (default test-output/screenshots/, which git ignores),
named page-language-width.png.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import pytest

from irum.stories.tests.builders import jpeg

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
LANGUAGES = ("en", "ko")
PAGES = ("home", "story", "case", "figures")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe-core 4.12, as the axe-playwright-python package ships it. Its own wrapper is not
# used: the check below asks for the WCAG tags and formats the violations itself.
AXE_SCRIPT = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")

STORY_SLUG = "taken-at-hyesan"
HEADLINE_KO = "혜산에서 끌려가다"
UPDATE_NOTE = "The dates of the transfer were corrected after a second testimony."

# The page's checks that need no library, as one object: what is wrong is said in Python.
PAGE_FACTS_JS = """() => ({
  title: document.title,
  lang: document.documentElement.lang,
  description: document.querySelector('meta[name="description"]')?.content ?? null,
  ogTitle: document.querySelector('meta[property="og:title"]')?.content ?? null,
  siteName: document.querySelector('meta[property="og:site_name"]')?.content ?? null,
  h1: document.querySelectorAll('h1').length,
  scrollWidth: document.documentElement.scrollWidth,
})"""

# The outermost elements that reach past the right edge of WIDTH (as e2e/test_route_map).
TOO_WIDE_JS = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width)
  .filter((e, _, all) => !all.includes(e.parentElement))
  .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`)"""

LOAD_IMAGES_JS = """async () => {
  await document.fonts.ready;
  const images = [...document.images];
  images.forEach(img => { img.loading = 'eager'; });
  await Promise.all(images.map(img => img.decode().catch(() => null)));
}"""

# The images that did not load (a broken link, or one refused by the Content-Security-Policy).
BROKEN_IMAGES_JS = """() => [...document.images]
  .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src)"""

# What has the keyboard focus, as a short selector-like name.
FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return 'body';
  return e.tagName.toLowerCase() + (e.className ? '.' + [...e.classList].join('.') : '')
    + (e.id ? '#' + e.id : '');
}"""


# ------------------------------------------------------------------------------ helpers


@pytest.fixture
def site(transactional_db, settings, tmp_path) -> dict[str, str]:
    """A small public world written through the services: two public cases (six persons,
    so the headline count is over the suppression threshold), a published story about
    the first with a photo and an update, and a draft. The pages' paths, by name."""
    from irum.archive import services as archive_services
    from irum.archive.actors import system_actor
    from irum.archive.models import Case
    from irum.gazetteer.services import gazetteer_load
    from irum.partners.models import Organization
    from irum.reports.tests.builders import person_with_chain
    from irum.stories import services
    from irum.stories.models import Author

    settings.MEDIA_ROOT = str(tmp_path / "media")
    gazetteer_load(actor=None)
    actor = system_actor()
    partner = Organization.objects.create(slug="partner-a", name="Partner A")
    chain = (
        ("arrest", "2013-05", "hyesan", "nk-state-security", 1),
        ("transfer", "2013-06", "hyesan-mss-facility", "nk-state-security", 2),
        ("transfer", "2014", "kyohwaso-no-12-jongo-ri-chongori", "nk-social-security", 3),
    )
    cases: list[Case] = []
    for n, (pseudonym, sex, born) in enumerate(
        (
            ("Ri A.", "female", 1975),
            ("Kim B.", "male", 1970),
            ("Pak C.", "female", 1988),
            ("Choe D.", "male", 1962),
            ("Han E.", "female", 1991),
            ("Jo F.", "male", 1980),
        )
    ):
        case = cases[0] if n == 1 else (cases[1] if n > 2 else None)
        person = person_with_chain(
            actor, *chain, case=case, pseudonym=pseudonym, sex=sex, birth_year=born
        )
        if person.case not in cases:
            cases.append(person.case)
    for case in cases:
        archive_services.case_update(
            actor=actor,
            case=case,
            owner=partner,
            confidentiality="public",
            summary_public="Relatives arrested in Hyesan and moved to a prison camp.",
        )
    author = services.author_save(
        actor=actor, author=Author(slug="reporter", name="A. Reporter", name_ko="기자")
    )
    story = services.story_create(
        actor=actor,
        slug=STORY_SLUG,
        headline="Taken at Hyesan",
        headline_ko=HEADLINE_KO,
        dek="A family waits.",
        dek_ko="한 가족이 기다린다.",
        body="A **family** waits.\n\n## What the record shows\n\nThree steps of custody.",
        body_ko="한 가족이 기다린다.\n\n## 기록이 보여주는 것\n\n구금의 세 단계.",
        author=author,
        photo=jpeg(1200, 800),
        photo_alt="A river at dusk",
        photo_alt_ko="해질녘의 강",
        photo_caption="The Yalu at Hyesan.",
        photo_caption_ko="혜산의 압록강.",
        photo_credit="(Irum demo)",
        status="published",
        related_cases=[cases[0]],
    )
    services.story_update(
        actor=actor,
        story=story,
        substantive=True,
        body=story.body + "\n\nThe second testimony dates the transfer to June.",
        body_ko=story.body_ko + "\n\n두 번째 증언은 이송을 6월로 본다.",
        update_note=UPDATE_NOTE,
        update_note_ko="두 번째 증언 뒤 이송 날짜를 고쳤다.",
    )
    services.story_create(actor=actor, slug="draft", headline="Not yet", body="x")
    return {
        "home": "",
        "story": f"stories/{STORY_SLUG}/",
        "case": f"cases/{cases[0].public_id}/",
        "figures": "figures/",
    }


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[..., object]]:
    """A page in a new browser context: `open_page(viewport, javascript=True)`. Like
    e2e/conftest.py's `page`, each context blocks every request that is not to the live
    server; at the end none may have been attempted."""
    allowed = urlparse(live_server.url).netloc
    blocked: list[str] = []
    contexts = []

    def guard(route):
        if urlparse(route.request.url).netloc == allowed or route.request.url.startswith("data:"):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    def make(viewport=DESKTOP, *, javascript: bool = True):
        context = browser.new_context(
            locale="en-GB", viewport=viewport, java_script_enabled=javascript
        )
        context.route("**/*", guard)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not blocked, f"the pages tried to reach other hosts: {blocked}"


def screenshot(page, name: str) -> Path:
    directory = Path(os.environ.get("IRUM_TEST_OUTPUT", "test-output")) / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def goto(page, url: str, *, javascript: bool = True) -> None:
    """Open URL and wait for its fonts and images: lazy images too, which a full-page
    screenshot would otherwise show blank."""
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    if javascript:
        page.evaluate(LOAD_IMAGES_JS)


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page, one readable line each. The
    site's Content-Security-Policy refuses an added <script>; page.evaluate runs the
    script through the DevTools protocol, which the policy does not govern."""
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in results["violations"]
    ]


def page_problems(page, language: str, width: int) -> list[str]:
    """What is wrong with the open page: its head, headings, fit and accessibility."""
    facts = page.evaluate(PAGE_FACTS_JS)
    problems = []
    title = (facts["title"] or "").strip()
    if not title or title == facts["siteName"]:
        problems.append(f"the title is only {title!r}")
    if not (facts["description"] or "").strip():
        problems.append("the meta description is empty")
    if not (facts["ogTitle"] or "").strip():
        problems.append("there is no og:title")
    if facts["lang"] != language:
        problems.append(f"<html lang> is {facts['lang']!r}, not {language!r}")
    if facts["h1"] != 1:
        problems.append(f"{facts['h1']} h1 elements, not one")
    if width == PHONE["width"] and facts["scrollWidth"] > width + 1:
        too_wide = page.evaluate(TOO_WIDE_JS, width + 1)
        problems.append(f"scrolls sideways: {facts['scrollWidth']}px wide; too wide: {too_wide}")
    broken = page.evaluate(BROKEN_IMAGES_JS)
    if broken:
        problems.append(f"images did not load: {broken}")
    problems.extend(f"axe: {line}" for line in axe_violations(page))
    return [f"{page.url} at {width}px: {problem}" for problem in problems]


# -------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_the_page_passes_axe_and_its_checks_at_phone_and_desktop_width(
    open_page, live_server, site, name, language
):
    problems = []
    for viewport in (PHONE, DESKTOP):
        page = open_page(viewport)
        goto(page, f"{live_server.url}/{language}/{site[name]}")
        screenshot(page, f"{name}-{language}-{viewport['width']}")
        problems.extend(page_problems(page, language, viewport["width"]))
    assert not problems, "\n".join(problems)


def test_the_story_page_shows_its_photo_byline_and_update_note(open_page, live_server, site):
    page = open_page(PHONE)
    goto(page, f"{live_server.url}/en/{site['story']}")
    assert page.locator("h1").inner_text() == "Taken at Hyesan"
    photo = page.locator("figure.hero img")
    assert photo.get_attribute("alt") == "A river at dusk"
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", photo.element_handle())
    assert "A. Reporter" in page.locator(".byline").inner_text()
    updated = page.locator("aside.updated")
    assert updated.is_visible()
    assert UPDATE_NOTE in updated.inner_text()
    assert page.locator(".byline time").count() == 2  # published and updated


def test_the_case_pages_table_of_legs_is_reached_with_the_tab_key(open_page, live_server, site):
    page = open_page(PHONE)
    goto(page, f"{live_server.url}/en/{site['case']}")
    tables = page.locator("table.legs")
    assert tables.count() == 2  # one route for each of the case's two persons
    first = tables.first
    assert first.locator("caption").inner_text().startswith("Legs of the route of ")
    headers = first.locator("thead th[scope='col']").all_inner_texts()
    assert headers == ["Leg", "From", "To", "Dates", "Agency", "Events"]
    assert first.locator("tbody tr").count() == 2  # Hyesan → MSS facility → Chongori

    # At a phone's width the table scrolls sideways inside its box, so that box must take
    # the keyboard's focus (or the columns past the edge are out of a keyboard user's
    # reach). Tab from the top of the page until it does.
    scroller = page.locator(".table-scroll").first
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth"), "the table fits: no test"
    visited = []
    for _ in range(60):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(FOCUSED_JS))
        if scroller.evaluate(
            "e => e === document.activeElement || e.contains(document.activeElement)"
        ):
            break
    else:
        pytest.fail(f"Tab never reached the table of legs; it went: {visited}")
    # Once there, the arrow keys scroll it to the columns past the edge (smoothly: wait).
    page.keyboard.press("ArrowRight")
    page.wait_for_function("e => e.scrollLeft > 0", arg=scroller.element_handle(), timeout=5000)
    screenshot(page, "case-en-375-legs-focused")

    # At a desktop's width the whole table is in view: nothing there needs a key.
    page.set_viewport_size(DESKTOP)
    assert not scroller.evaluate("e => e.scrollWidth > e.clientWidth")


@pytest.mark.parametrize(
    "name, selector",
    [
        pytest.param("story", "article h1", id="story-headline"),
        pytest.param("home", ".cards .card h3 a", id="home-story-card"),
    ],
)
def test_korean_is_drawn_in_a_korean_font_not_as_empty_boxes(
    open_page, live_server, site, name, selector
):
    page = open_page(PHONE)
    goto(page, f"{live_server.url}/ko/{site[name]}")
    heading = page.locator(selector)
    assert heading.inner_text() == HEADLINE_KO
    box = heading.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 10, box

    # The fonts Chromium really drew the headline with (not what the CSS asked for): a
    # missing Korean font shows here as a fallback font, or as no glyphs at all.
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    assert fonts and all("nanum" in f["familyName"].lower() for f in fonts), fonts
    assert sum(f["glyphCount"] for f in fonts) >= len(HEADLINE_KO.replace(" ", "")), fonts

    # And the glyphs are letters, not the one empty box drawn for every missing one: two
    # syllables drawn in the headline's font are not the same picture.
    different = page.evaluate(
        """([element, a, b]) => {
          const style = getComputedStyle(element);
          const draw = ch => {
            const c = document.createElement('canvas');
            c.width = c.height = 64;
            const g = c.getContext('2d');
            g.font = `48px ${style.fontFamily}`;
            g.fillText(ch, 4, 52);
            return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
          };
          return draw(a) !== draw(b);
        }""",
        [heading.element_handle(), "혜", "산"],
    )
    assert different, "two Hangul syllables are drawn the same: missing glyphs"


def test_the_story_figures_and_home_pages_read_in_full_without_javascript(
    open_page, live_server, site
):
    page = open_page(DESKTOP, javascript=False)
    expected = {
        "en": {"story": "Taken at Hyesan", "figures": "Figures", "home": "The record so far"},
        "ko": {"story": HEADLINE_KO, "figures": None, "home": None},
    }
    for language in LANGUAGES:
        for name in ("story", "figures", "home"):
            goto(page, f"{live_server.url}/{language}/{site[name]}", javascript=False)
            # Only the map needs a script: these pages have none to miss.
            assert page.locator("script").count() == 0, (language, name)
            main = page.locator("main")
            assert main.locator("h1").count() == 1
            text = expected[language][name]
            if text:
                assert text in main.inner_text(), (language, name)
            if name == "story":
                assert "waits" in main.inner_text() or "기다린다" in main.inner_text()
                assert main.locator("figure.hero img").evaluate("img => img.naturalWidth") > 0
            elif name == "figures":
                assert main.locator("table.figures tbody tr").count() > 0
                assert main.locator("[data-figure='individuals']").inner_text() == "6"
            else:
                assert main.locator("ul.cards li.card a").count() == 1
                assert main.locator(".home-map img").count() == 1
