"""Markdown that cannot run: story bodies written by editors, shown to the public.

Two walls. markdown-it-py renders CommonMark (plus tables and strikethrough) with raw
HTML off, so `<script>` in the source is text; its link check is ours, and lets through
only http, https, mailto and relative addresses. Then nh3 (Ammonia) sanitises the HTML
against a short list of tags and attributes, so a bug or a new feature in the first
wall still cannot put a script, an event handler or a foreign request on the page.

Images are not allowed in a body: a reader's browser must never fetch from another site
(the story's hero photo is stored and served separately). `![alt](url)` shows its alt.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Sequence

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

# A long story is some 50,000 characters; four times that is a paste gone wrong.
MAX_LENGTH = 200_000

LINK_SCHEMES = frozenset({"http", "https", "mailto"})

TAGS = frozenset(
    {
        *("p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote"),
        *("strong", "em", "del", "code", "pre", "a", "ul", "ol", "li"),
        *("table", "thead", "tbody", "tr", "th", "td"),
    }
)
# `rel` is not listed: nh3 sets it on every link (LINK_REL). Table alignment is dropped
# (markdown-it writes it as a style attribute, and no style is allowed).
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
LINK_REL = "nofollow noopener noreferrer"

# How a browser reads a scheme: it ignores leading spaces and control characters and
# tabs and newlines anywhere ("java\tscript:"), and case ("JaVaScRiPt:").
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


def link_is_safe(url: str) -> bool:
    """Whether URL may be a link's target: http, https, mailto, or no scheme at all (a
    relative address or a #fragment). markdown-it has already decoded entities and
    percent-encoded what a URL cannot hold; we undo the percent-encoding too, so no
    spelling of a scheme gets past, and refuse when in doubt."""
    probe = url
    for _round in range(3):  # "%256A" is "%6A" is "j"
        probe = html.unescape(urllib.parse.unquote(probe))
    probe = _IGNORED_IN_URL.sub("", probe).lower()
    match = _SCHEME.match(probe)
    return match is None or match[1] in LINK_SCHEMES


def _image_as_alt(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    return html.escape(self.renderInlineAsText(tokens[idx].children or [], options, env))


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.validateLink = link_is_safe
    md.add_render_rule("image", _image_as_alt)
    return md


_md = _parser()


def _check_length(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise ValueError(
            _("is %(n)d characters long; the limit is %(max)d")
            % {"n": len(text), "max": MAX_LENGTH}
        )


def _adjust(tokens: list[Token], top_heading: int) -> None:
    """`#` becomes TOP_HEADING, and each heading sits one level below the nearest heading
    above it that the source ranks higher, so the outline never skips a level (WCAG: the
    page's <h1> is the story's headline, above every heading of the body). Strikethrough
    is <del>, the element the allowed tags name (markdown-it writes <s>)."""
    above: list[int] = []  # the source levels of the headings the next one may sit under
    opened: list[str] = []
    for token in tokens:
        if token.type == "heading_open":
            level = int(token.tag[1])
            while above and above[-1] >= level:
                above.pop()
            token.tag = f"h{min(top_heading + len(above), 6)}"
            above.append(level)
            opened.append(token.tag)
        elif token.type == "heading_close" and opened:
            token.tag = opened.pop()
        for child in token.children or ():
            if child.type in ("s_open", "s_close"):
                child.tag = "del"


def render(text: str, *, top_heading: int = 2) -> SafeString:
    """TEXT (Markdown) as HTML that is safe to put on a public page. Raises ValueError
    for text longer than MAX_LENGTH, with a message for the editor."""
    if not 2 <= top_heading <= 6:
        raise ValueError("top_heading is 2 to 6: the page's <h1> is its headline")
    text = text or ""
    _check_length(text)
    tokens = _md.parse(text)
    _adjust(tokens, top_heading)
    rendered = _md.renderer.render(tokens, _md.options, {})
    clean = nh3.clean(
        rendered,
        tags=set(TAGS),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(clean)  # sanitised just above, by both walls


def _inline_text(children: Sequence[Token]) -> list[str]:
    words: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif child.children:  # an image: its alt text
            words.extend(_inline_text(child.children))
    return words


def plain_text(text: str, limit: int | None = None) -> str:
    """TEXT (Markdown) as plain text, for meta descriptions and summaries: no markup,
    whitespace collapsed. Over LIMIT characters, cut at a word boundary and ended with
    "…" (the result, "…" included, is at most LIMIT long; a single word longer than
    LIMIT is cut inside). Not escaped: templates escape it."""
    text = text or ""
    _check_length(text)
    words: list[str] = []
    for token in _md.parse(text):
        if token.type == "inline":
            words.extend(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            words.append(token.content)
        words.append(" ")  # between blocks and table cells
    plain = " ".join("".join(words).split())
    if limit is None or len(plain) <= limit:
        return plain
    cut = plain[: max(limit - 1, 0)]
    if plain[len(cut)] != " " and " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:!?-–—") + "…"
