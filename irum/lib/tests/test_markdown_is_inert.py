"""Story bodies are Markdown from editors, shown to the public: nothing in them can run,
load from another site or break the page's heading outline (irum.lib.markdown).

Each hostile case is checked on the parsed output, as a browser would read it, not on
substrings: every element and attribute is collected, and each link's scheme is taken
the way a browser takes it."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from irum.lib.markdown import MAX_LENGTH, TAGS, link_is_safe, plain_text, render


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def scheme(href: str) -> str | None:
    """The scheme a browser would see: leading spaces and controls dropped, tabs and
    newlines removed anywhere, case folded."""
    probe = re.sub(r"[\t\n\r]", "", href).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08 \x0b\x0c")
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", probe)
    return match[1].lower() if match else None


def links(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parsed(html).elements if tag == "a"]


def assert_inert(html: str) -> None:
    for tag, attrs in parsed(html).elements:
        assert tag in TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name in {"href", "title", "rel", "start"}, (tag, name)
            if name == "href":
                assert scheme(value or "") in (None, "http", "https", "mailto"), value


RAW_HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=https://evil.example></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    '<div onmouseover="alert(1)">x</div>',
    "<body onload=alert(1)>",
    "<style>body{background:url(https://evil.example)}</style>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    "<!-- <script>alert(1)</script> -->",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<form action=https://evil.example><input name=password></form>",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    "<details open ontoggle=alert(1)>",
    "text <b onclick=alert(1)>inline</b> text",
    "<div>\n\n*markdown inside* <img src=x onerror=alert(1)>\n\n</div>",
]


@pytest.mark.parametrize("source", RAW_HTML)
def test_it_never_passes_raw_html_through(source):
    html = render(source)
    assert_inert(html)
    assert not {"script", "img", "svg", "iframe", "style", "div", "b", "math"} & {
        tag for tag, _attrs in parsed(html).elements
    }


def test_raw_html_is_shown_as_the_text_it_is():
    html = render("<script>alert(1)</script>")
    assert "".join(parsed(html).text).strip() == "<script>alert(1)</script>"


HOSTILE_LINKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#X6a;&#x61;&#x76;&#x61;script:alert(1))",
    "[x](&#0000106;avascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#x0A;ascript:alert(1))",
    "[x](jav&#x0D;ascript:alert(1))",
    "[x](&#14;javascript:alert(1))",
    "[x](&#x20;javascript:alert(1))",
    "[x](<java\tscript:alert(1)>)",
    "[x](< javascript:alert(1)>)",
    "[x](java%0ascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](%256Aavascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    '[x](javascript:alert(1) "title")',
    "[x](javascript://%0Aalert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](livescript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](DATA:text/html,x)",
    "[x](data:image/png;base64,iVBORw0KGgo=)",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]: <javascript:alert(1)>",
    "[x][ref]\n\n[ref]: &#106;avascript:alert(1) 'title'",
    "[**bold [inner](javascript:alert(1))**](https://ok.example)",
    "[![x](javascript:alert(1))](javascript:alert(2))",
    "> * [x](javascript:alert(1))",
    "| a |\n|---|\n| [x](javascript:alert(1)) |",
    "# [x](javascript:alert(1))",
]


@pytest.mark.parametrize("source", HOSTILE_LINKS)
def test_it_drops_every_link_that_could_run(source):
    html = render(source)
    assert_inert(html)
    for attrs in links(html):
        assert scheme(attrs["href"] or "") in (None, "http", "https", "mailto"), attrs


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](jav&#x09;ascript:alert(1))",
        "[x](data:text/html,x)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_a_dropped_link_leaves_no_link_at_all(source):
    assert links(render(source)) == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\nscript:alert(1)",
        "java%09script:alert(1)",
        "&#106;avascript:alert(1)",
        "vbscript:x",
        "data:text/html,x",
        "ftp://example.org",
    ],
)
def test_link_check_refuses_other_schemes_however_spelt(url):
    assert not link_is_safe(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org",
        "http://example.org/a:b",
        "mailto:a@example.org",
        "/stories/x",
        "#notes",
        "../a?b=c:d",
        "x.html",
    ],
)
def test_link_check_allows_web_mail_and_relative_addresses(url):
    assert link_is_safe(url)


ATTRIBUTE_BREAKOUTS = [
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    '[x](https://ok.example"onmouseover="alert(1))',
    '[x](<https://ok.example" onmouseover="alert(1)>)',
    '[x" onmouseover="alert(1)](https://ok.example)',
    "`<img src=x onerror=alert(1)>`",
    "```\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\<script>alert(1)\\</script>",
    "*<img src=x onerror=alert(1)>*",
    "~~<svg onload=alert(1)>~~",
]


@pytest.mark.parametrize("source", ATTRIBUTE_BREAKOUTS)
def test_text_cannot_break_out_into_markup(source):
    html = render(source)
    assert_inert(html)
    assert not {"script", "img", "svg"} & {tag for tag, _attrs in parsed(html).elements}


def test_code_shows_markup_as_text():
    html = render("`<script>`")
    assert parsed(html).elements == [("p", {}), ("code", {})]
    assert "".join(parsed(html).text).strip() == "<script>"


@pytest.mark.parametrize(
    "source",
    [
        "![a photo](https://evil.example/track.png)",
        "![a photo][p]\n\n[p]: https://evil.example/x.png",
    ],
)
def test_an_image_shows_its_alt_text_and_is_never_fetched(source):
    html = render(source)
    assert [tag for tag, _attrs in parsed(html).elements] == ["p"]
    assert "".join(parsed(html).text).strip() == "a photo"


def test_an_image_alt_cannot_smuggle_markup():
    html = render('![x" onerror="alert(1)<script>](https://evil.example/x.png)')
    assert_inert(html)
    assert [tag for tag, _attrs in parsed(html).elements] == ["p"]


def test_every_link_is_nofollow_noopener_noreferrer():
    html = render("[a](https://example.org) [b](/x) [c](#n) <https://example.org> <a@example.org>")
    rels = [attrs.get("rel") for attrs in links(html)]
    assert rels == ["nofollow noopener noreferrer"] * 5


def test_it_renders_ordinary_korean_and_english_text():
    source = (
        "2013년 4월, 그는 혜산에서 체포되었다.\n"
        "가족은 아직 소식을 듣지 못했다.\n\n"
        "He was **arrested** in Hyesan, and his family has *not* heard from him since."
    )
    html = render(source)
    assert_inert(html)
    assert [tag for tag, _ in parsed(html).elements] == ["p", "p", "strong", "em"]
    assert "2013년 4월, 그는 혜산에서 체포되었다." in html
    assert "<strong>arrested</strong>" in html


def test_it_renders_lists_blockquotes_and_rules():
    html = render("- 하나\n- two\n\n3. three\n4. four\n\n> 증언\n\n---\n\n~~withdrawn~~")
    assert_inert(html)
    tags = [(tag, attrs) for tag, attrs in parsed(html).elements]
    assert tags == [
        ("ul", {}),
        ("li", {}),
        ("li", {}),
        ("ol", {"start": "3"}),
        ("li", {}),
        ("li", {}),
        ("blockquote", {}),
        ("p", {}),
        ("hr", {}),
        ("p", {}),
        ("del", {}),
    ]


def test_it_renders_tables_without_alignment_attributes():
    html = render("| 장소 | 연도 |\n|:--|--:|\n| 혜산 | 2013 |")
    assert_inert(html)
    tags = [(tag, attrs) for tag, attrs in parsed(html).elements]
    assert tags == [
        ("table", {}),
        ("thead", {}),
        ("tr", {}),
        ("th", {}),
        ("th", {}),
        ("tbody", {}),
        ("tr", {}),
        ("td", {}),
        ("td", {}),
    ]
    assert [t.strip() for t in parsed(html).text if t.strip()] == ["장소", "연도", "혜산", "2013"]


def test_it_renders_links_with_their_address_and_title():
    html = render('[보고서](https://example.org/report "2014 report") and [notes](#notes)')
    assert [(a["href"], a.get("title")) for a in links(html)] == [
        ("https://example.org/report", "2014 report"),
        ("#notes", None),
    ]


def test_it_returns_a_safe_string():
    assert isinstance(render("plain"), SafeString)
    assert render("") == ""


def _headings(html: str) -> list[str]:
    return [tag for tag, _attrs in parsed(html).elements if re.fullmatch(r"h\d", tag)]


@pytest.mark.parametrize(
    ("source", "top", "levels"),
    [
        ("# a\n## b\n### c", 2, ["h2", "h3", "h4"]),
        ("# a\n## b", 3, ["h3", "h4"]),
        ("### a\n# b", 2, ["h2", "h2"]),
        ("# a\n#### b\n###### c\n## d", 2, ["h2", "h3", "h4", "h3"]),
        ("## a\n### b\n## c", 2, ["h2", "h3", "h2"]),
        ("### a\n#### b\n# c\n### d", 2, ["h2", "h3", "h2", "h3"]),
        ("# a\n## b\n### c\n#### d\n##### e\n###### f", 2, ["h2", "h3", "h4", "h5", "h6", "h6"]),
        ("> # quoted\n\n- ### in a list", 2, ["h2", "h3"]),
    ],
)
def test_headings_start_below_the_headline_and_never_skip_a_level(source, top, levels):
    assert _headings(render(source, top_heading=top)) == levels


@pytest.mark.parametrize("top", [0, 1, 7])
def test_the_top_heading_is_below_the_page_headline(top):
    with pytest.raises(ValueError, match="top_heading"):
        render("# a", top_heading=top)


def test_it_refuses_a_text_over_the_limit_and_says_so():
    too_long = "a" * (MAX_LENGTH + 1)
    with translation.override("en"):
        with pytest.raises(ValueError, match=f"{MAX_LENGTH + 1} characters long; the limit is"):
            render(too_long)
        with pytest.raises(ValueError, match="characters long"):
            plain_text(too_long)


def test_the_editor_reads_the_refusal_in_their_language():
    with translation.override("ko"), pytest.raises(ValueError, match=f"{MAX_LENGTH + 1}자"):
        render("a" * (MAX_LENGTH + 1))


def test_it_takes_a_text_at_the_limit():
    assert render("a" * MAX_LENGTH).startswith("<p>a")


def _python_calls(function, *args) -> int:
    """The Python function calls FUNCTION makes: a measure of work that does not depend
    on the machine (tests never assert on timings)."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event == "call":
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        function(*args)
    finally:
        sys.setprofile(previous)
    return calls


N = 3000
NESTED = {
    "blockquotes": ">" * N + " x",
    "blockquotes on lines": "".join(">" * i + " x\n" for i in range(100)),
    "bullets": "* " * N + "x",
    "numbered": "1. " * N + "x",
    "quoted bullets": "> * " * N + "x",
    "indented lists": "".join(" " * min(i, 80) + "* x\n" for i in range(N // 50)),
    "brackets": "[" * N,
    "images": "![" * N,
    "links in links": "[a" * N + "](/x)" * N,
    "emphasis": "*a **b " * N,
    "stars": "*" * N + "a" + "*" * N,
    "underscores": "_" * N + "a",
    "angle brackets": "<" * N,
    "entities": "&#x" * N,
}


@pytest.mark.parametrize("source", NESTED.values(), ids=NESTED.keys())
def test_deep_nesting_takes_work_in_proportion_to_its_length(source):
    # Linear work with a bound per character: a quadratic parser would make millions of
    # calls more at this length, and a recursive one would blow the stack.
    assert _python_calls(render, source) < 200 * len(source)
    assert_inert(render(source))
    assert isinstance(plain_text(source, 100), str)


def test_a_table_cannot_multiply_its_cells():
    # Every row is padded to the header's width: 1,000 columns over 2,000 one-cell rows
    # would be two million cells from 8 KB. markdown-it-py (>= 4) stops at 65,536 padded
    # cells, and what follows is text.
    columns, rows = 1000, 2000
    source = "|x" * columns + "|\n" + "|-" * columns + "|\n" + "x\n" * rows
    cells = sum(tag == "td" for tag, _attrs in parsed(render(source)).elements)
    assert cells <= 65_536 + columns


def test_plain_text_drops_markup_and_collapses_whitespace():
    source = (
        "## 제목\n\nSome *emphasis*,   a [link](https://example.org) and ![a photo](x.png).\n\n"
        "- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code` &amp; <b>raw</b>"
    )
    assert plain_text(source) == (
        "제목 Some emphasis, a link and a photo. one two a b 1 2 code & <b>raw</b>"
    )


@pytest.mark.parametrize(
    ("source", "limit", "expected"),
    [
        ("one two three", 20, "one two three"),
        ("one two three", 13, "one two three"),
        ("one two three", 12, "one two…"),
        ("one two three", 8, "one two…"),
        ("one two three", 7, "one…"),
        ("one, two three", 9, "one, two…"),
        ("one, two three", 6, "one…"),
        ("북한에서 실종된 사람들의 이야기", 12, "북한에서 실종된…"),
        ("unbreakable", 5, "unbr…"),
    ],
)
def test_plain_text_is_cut_at_a_word_boundary(source, limit, expected):
    text = plain_text(source, limit)
    assert text == expected
    assert len(text) <= limit
