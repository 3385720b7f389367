"""Everything an editor types reaches the story page inert: the Markdown body through
irum.lib.markdown, the plain texts (headline, summary, alt text, caption, credit, author)
through the templates' escaping, including inside the meta and Open Graph tags."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from irum.stories import services
from irum.stories.models import Author
from irum.stories.tests.builders import jpeg

HOSTILE_BODY = """
<script>alert('body')</script>

<img src=x onerror="alert('img')">

[click](javascript:alert('link'))  [data](data:text/html;base64,PHNjcmlwdD4=)

[spaced](  JaVaScRiPt:alert('case') )  [entity](&#106;avascript:alert('entity'))

<a href="https://example.org" onclick="alert('a')">raw link</a>

<iframe src="https://example.org"></iframe> <style>body{display:none}</style>

![tracker](https://example.org/pixel.png)

**bold** stays, and [a real link](https://example.org/report) too.
"""

HOSTILE_TEXT = "\"><script>alert('t')</script><svg onload=alert(1)>"


@pytest.fixture
def hostile_story(db, actor):
    author = services.author_save(
        actor=actor,
        author=Author(slug="x", name=HOSTILE_TEXT, role=HOSTILE_TEXT, bio=HOSTILE_TEXT),
    )
    return services.story_create(
        actor=actor,
        slug="hostile",
        status="published",
        author=author,
        headline=HOSTILE_TEXT,
        dek=HOSTILE_TEXT,
        body=HOSTILE_BODY,
        headline_ko=HOSTILE_TEXT,
        body_ko=HOSTILE_BODY,
        photo=jpeg(),
        photo_alt=HOSTILE_TEXT,
        photo_alt_ko=HOSTILE_TEXT,
        photo_caption=HOSTILE_TEXT,
        photo_credit=HOSTILE_TEXT,
    )


class Markup(HTMLParser):
    """The tags and attributes a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def markup(page: str) -> list[tuple[str, dict[str, str]]]:
    parser = Markup()
    parser.feed(page)
    return parser.tags


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("path", ["stories/hostile/", "stories/", ""])
def test_hostile_story_texts_come_out_inert(client, hostile_story, language, path):
    response = client.get(f"/{language}/{path}")
    assert response.status_code == 200
    for tag, attrs in markup(response.content.decode()):
        assert tag not in ("script", "iframe", "style", "svg", "object", "embed", "form"), tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "srcset"):
            address = "".join(attrs.get(name, "").split()).lower()
            if tag == "link" and attrs.get("rel") == "icon":
                continue  # the empty favicon, data:, so no request for /favicon.ico
            assert not address.startswith(("javascript:", "data:", "vbscript:")), (tag, attrs)
            if tag == "img":
                # Nothing from another host is loaded; links to one are fine.
                assert not address.startswith(("http:", "https:", "//")), (tag, attrs)


def test_the_markdown_that_is_allowed_still_renders(client, hostile_story):
    page = client.get("/en/stories/hostile/").content.decode()
    assert "<strong>bold</strong>" in page
    assert 'href="https://example.org/report"' in page
    # The escaped script is shown as text, so the editor can see what went wrong.
    assert "&lt;script&gt;" in page
