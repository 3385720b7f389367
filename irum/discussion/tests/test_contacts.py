"""Phone numbers, e-mail addresses, resident registration numbers and street addresses in
a comment are found (and held), in English and Korean text, without flagging dates,
years, case numbers or ordinary figures."""

from __future__ import annotations

import pytest

from irum.discussion.moderation.base import Comment, Context, Decision, Reason
from irum.discussion.moderation.contacts import ContactCheck, contact_spans
from irum.discussion.tests import evaluation


def found(text: str) -> list[str]:
    return [text[a:b] for a, b in contact_spans(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("call 010-1234-5678 tonight", "010-1234-5678"),
        ("새 번호 010-1234-5678입니다", "010-1234-5678"),
        ("번호는 01012345678", "01012345678"),
        ("연락처 010 2345 6789 입니다", "010 2345 6789"),
        ("+82 10 1234 5678", "+82 10 1234 5678"),
        ("전화는 +82-10-3456-7890.", "+82-10-3456-7890"),
        ("in Yanji on +86 139 1234 5678, she", "+86 139 1234 5678"),
        ("office 02-123-4567", "02-123-4567"),
        ("write to kim.family@example.com please", "kim.family@example.com"),
        ("kim.family [at] example [dot] com", "kim.family [at] example [dot] com"),
        ("주민번호 610925-1847303 이에요", "610925-1847303"),
        ("ID 900101 1234567", "900101 1234567"),
        ("she lives at 12 Baker Street in Ansan", "12 Baker Street"),
        ("221 Maple Avenue, Flushing", "221 Maple Avenue"),
        ("서울특별시 강남구 테헤란로 123, 5층", "서울특별시 강남구 테헤란로 123"),
        ("안산시 단원구 고잔로 45에서", "안산시 단원구 고잔로 45"),
        ("부산광역시 해운대구 우동 1408-3 에 살아요", "부산광역시 해운대구 우동 1408-3"),
    ],
)
def test_a_contact_detail_is_found_with_its_exact_span(text, expected):
    assert found(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "She was held from 1997-2003 and again in 2013.04.05.",
        "Case C7KX2ABCD, 113 individuals in 66 cases, 23 abroad.",
        "2011년 12월 이후 35명이 실종되었다.",
        "He was sentenced to 15 years in Kwalliso No. 15.",
        "The UN report (A/HRC/25/63) documents this.",
        "보위부 조사실에서 3개월, 교화소에서 5년을 보냈다.",
        "Call the UN, not the ministry.",
        "Camp 14 held about 15,000 prisoners.",
        "전거리 교화소로 2013년에 이송되었다.",
        "보위부 활동 3년 만에 체포되었다.",
        "국경까지 거리 5km, 이동 2일.",
        "그는 함흥으로 3개월 뒤에 옮겨졌다.",
    ],
)
def test_dates_years_and_figures_are_not_contact_details(text):
    assert found(text) == []


def test_the_check_holds_for_privacy():
    comment = Comment(id="1", text="Her number is 010-1234-5678.", author=None)
    findings = ContactCheck()(comment, Context())
    assert [(f.reason, f.decision) for f in findings] == [(Reason.PRIVACY, Decision.HOLD)]


def test_it_finds_every_contact_detail_of_the_evaluation_set_and_nothing_in_clean_comments():
    rows = evaluation.comments()
    clean = [r for r in rows if r["expected"] == "publish"]
    assert [r["id"] for r in clean if contact_spans(r["text"])] == []
    # The privacy comments that give a number, an e-mail or an address (the others name a
    # protected person: the name check's job).
    with_details = {
        "en-privacy-001", "en-privacy-003", "en-privacy-004", "en-privacy-007",
        "en-privacy-008", "en-privacy-009", "en-privacy-010", "en-privacy-011",
        "en-privacy-014", "ko-privacy-001", "ko-privacy-003", "ko-privacy-005",
        "ko-privacy-006", "ko-privacy-007", "ko-privacy-009", "ko-privacy-010",
        "ko-privacy-011", "ko-privacy-012", "ko-privacy-013", "ko-privacy-015",
    }  # fmt: skip
    missed = [r["id"] for r in rows if r["id"] in with_details and not contact_spans(r["text"])]
    assert missed == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\x02" * 1000,
        "0" * 100_000,
        "1-" * 50_000,
        "a@" * 50_000,
        "가로 " * 30_000,
        "\ud800 lone surrogate 010-1234-5678",
        "e\u0301\u0301\u0301" * 10_000,
    ],
)
def test_hostile_input_never_raises(text):
    # The patterns have no nested repetition, so input like this cannot make them
    # backtrack without end; the suite would hang here if one did.
    assert isinstance(contact_spans(text), list)
