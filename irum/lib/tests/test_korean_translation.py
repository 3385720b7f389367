"""The Korean catalogue: complete, compiled, and used by the pages.

The .po is parsed by a small reader below rather than a library, so the check needs no
extra dependency; the compiled .mo (committed, so CI needs no gettext) is read with the
standard library's gettext.
"""

from __future__ import annotations

import ast
import gettext as stdlib_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "ko" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"

_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def _unquote(text: str) -> str:
    # A .po string is a C string; these escapes are also valid in a Python literal.
    return ast.literal_eval(text)


def read_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """Return the header fields and the entries (obsolete #~ entries are skipped)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if target is not None:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            if target is not None and not line.startswith("#~"):
                finish()
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: a string outside an entry"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
        else:
            keyword, _, value = line.partition(" ")
            if keyword == "msgctxt" or (keyword == "msgid" and target and target[0] == "msgstr"):
                finish()
            if keyword.startswith("msgstr["):
                target = ("msgstr", int(keyword[7:-1]))
                entry.msgstr[target[1]] = _unquote(value)
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = _unquote(value)
            elif keyword in ("msgid", "msgid_plural", "msgctxt"):
                if keyword == "msgid":
                    entry.line = number
                target = (keyword, 0)
                setattr(entry, keyword, _unquote(value))
            else:
                raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    finish()
    header_entries = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(header_entries) == 1, "the catalogue needs exactly one header"
    header = dict(
        line.split(": ", 1) for line in header_entries[0].msgstr[0].splitlines() if ": " in line
    )
    return header, [e for e in entries if e.msgid != "" or e.msgctxt is not None]


@pytest.fixture(scope="module")
def po():
    return read_po(PO)


@pytest.fixture(scope="module")
def entries(po):
    return po[1]


def in_language(language: str, english: str) -> str:
    # Not a literal gettext call, so makemessages does not take this file's strings.
    with translation.override(language):
        return translation.gettext(english)


def where(entry: Entry) -> str:
    return f"{PO.name}:{entry.line} {entry.msgid!r}"


@pytest.mark.parametrize(
    ("english", "korean"),
    [
        ("Place of disappearance", "실종 위치"),
        ("Era of disappearance", "실종 시기"),
        ("Forced repatriation", "강제송환"),
        ("Political prison camp (kwanliso)", "정치범수용소(관리소)"),
        ("Re-education camp (kyohwaso)", "교화소"),
        ("Labour training camp", "노동단련대"),
        ("Ministry of State Security (MSS)", "국가보위성"),
        ("Guilt by association (연좌제)", "연좌제"),
        ("Testimony", "증언"),
        ("pseudonym", "가명"),
        ("public id", "공개 ID"),
        ("confidentiality", "공개 범위"),
        ("verification", "검증 상태"),
        ("Gazetteer", "지명 사전"),
        ("agency", "기관"),
        ("partner organisation", "협력 단체"),
        ("Import and export", "가져오기 및 내보내기"),
        ("Individuals", "피해자 수"),
        ("Kim Il Sung era (before 8 Jul 1994)", "김일성 시기 (1994년 7월 8일 이전)"),
    ],
)
def test_key_terms_read_as_korean_human_rights_groups_write_them(english, korean):
    assert in_language("ko", english) == korean


def test_placeholders_are_filled_in_the_korean_sentence():
    text = in_language("ko", "%(sheet)s row %(row)s") % {"sheet": "persons.csv", "row": 3}
    assert text == "persons.csv 3행"


def test_english_stays_english():
    assert in_language("en", "Place of disappearance") == "Place of disappearance"


def test_the_header_says_korean_with_a_single_plural_form(po):
    header, _ = po
    assert header["Language"] == "ko"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_the_catalogue_is_not_empty(entries):
    assert len(entries) > 100


def test_every_entry_is_translated(entries):
    untranslated = [where(e) for e in entries if not all(e.msgstr.values()) or not e.msgstr]
    assert untranslated == []


def test_no_entry_is_left_fuzzy(entries):
    fuzzy = [where(e) for e in entries if "fuzzy" in e.flags]
    assert fuzzy == []
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")


def test_plural_entries_have_the_one_korean_form(entries):
    wrong = [where(e) for e in entries if e.msgid_plural is not None and set(e.msgstr) != {0}]
    assert wrong == []


def test_translations_keep_every_placeholder_and_tag(entries):
    def marks(text: str) -> list[str]:
        return sorted(_PLACEHOLDER.findall(text) + _TAG.findall(text))

    changed = [
        where(e) for e in entries for text in e.msgstr.values() if marks(text) != marks(e.msgid)
    ]
    assert changed == []


def test_the_compiled_catalogue_matches_the_po(entries):
    with MO.open("rb") as fp:
        mo = stdlib_gettext.GNUTranslations(fp)
    assert mo.info().get("language") == "ko"
    stale = []
    for e in entries:
        if e.msgid_plural is not None:
            if e.msgctxt is not None:
                got = mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
            else:
                got = mo.ngettext(e.msgid, e.msgid_plural, 1)
        elif e.msgctxt is not None:
            got = mo.pgettext(e.msgctxt, e.msgid)
        else:
            got = mo.gettext(e.msgid)
        if got != e.msgstr[0]:
            stale.append(where(e))
    assert stale == [], "django.mo is stale: compile it again (irum/locale/README.md)"


@pytest.mark.django_db
def test_the_report_page_is_in_korean_for_a_korean_browser(admin_client):
    response = admin_client.get(reverse("reports:figures"), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "실종 위치" in html
    assert "보고서 통계" in html
    assert "Place of disappearance" not in html


@pytest.mark.django_db
def test_the_language_switch_turns_the_report_page_korean(admin_client):
    figures = reverse("reports:figures")
    response = admin_client.post(reverse("set_language"), {"language": "ko", "next": figures})
    assert response.status_code == 302
    html = admin_client.get(figures, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "실종 위치" in html
