"""Contact details and identity numbers in a comment: phone numbers (Korean and
international), e-mail addresses, Korean resident registration numbers, street addresses.

A comment that gives a family's phone number or address puts the family in reach of
whoever wants to find them, so each is held for a moderator (never published on a guess,
never rejected outright: a reader may be offering help with their own address). The
patterns prefer holding a date range or an ordinary number to missing a phone number.
"""

from __future__ import annotations

import re

from irum.discussion.moderation.base import Comment, Context, Decision, Finding, Reason

# Separators people type inside a number: a space, a hyphen, a dot, a slash.
_SEP = r"[\s\-./]?"

PHONE = re.compile(
    r"(?<![\d+])(?:"
    # International: +CC then 7–12 more digits in groups (+82 10 1234 5678, +86-139-...).
    rf"\+\d{{1,3}}{_SEP}\(?\d{{1,4}}\)?(?:{_SEP}\d{{2,4}}){{2,4}}"
    # Korean mobile: 010-1234-5678, 010 1234 5678, 01012345678.
    rf"|01[016789]{_SEP}\d{{3,4}}{_SEP}\d{{4}}"
    # Korean landline: 02-123-4567, 031-1234-5678.
    rf"|0(?:2|[3-6][1-5]|70){_SEP}\d{{3,4}}{_SEP}\d{{4}}"
    r")(?!\d)"
)

EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s*[\[(]\s*at\s*[\])]\s*)[\w-]+(?:(?:\.|\s*[\[(]\s*dot\s*[\])]\s*)[\w-]+)+",
    re.IGNORECASE,
)

# A resident registration number: birth date YYMMDD, then the digit for sex and century
# (1–8; since 2020 the rest is random, so no checksum is asked of it), then six digits.
RRN = re.compile(r"(?<!\d)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\s?-?\s?[1-8]\d{6}(?!\d)")

_KO_ADMIN = r"[가-힣]{1,10}(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구)"
# A number followed by a counter is a quantity, not a building number: "교화소로 2013년에",
# "활동 3년", "거리 5km".
_NOT_A_QUANTITY = r"(?!\d|\s?(?:년|월|일|명|개|세|살|시간|시|분|초|차|번째|회|km|킬로|미터|m\b|%|퍼센트|건|곳|kg))"
KOREAN_ADDRESS = re.compile(
    # A road-name address: ... 테헤란로 123, 고잔로 45, 중앙길 7-2 (with or without a
    # city or district before it).
    rf"(?:{_KO_ADMIN}\s+)*[가-힣0-9]{{1,12}}(?:대로|로|길)\s?\d{{1,4}}(?:-\d{{1,4}})?(?:번길\s?\d{{1,4}})?{_NOT_A_QUANTITY}"
    # A lot-number address: 우동 1408-3, 역삼동 123번지.
    rf"|(?:{_KO_ADMIN}\s+)*[가-힣0-9]{{1,10}}(?:동|리|읍|면)\s?\d{{1,5}}(?:-\d{{1,4}})?(?:번지)?{_NOT_A_QUANTITY}"
)
ENGLISH_ADDRESS = re.compile(
    r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][\w'-]*\s+){1,3}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl"
    r"|Terrace|Close|Crescent|Square|Sq|Highway|Hwy)\b\.?",
)

PATTERNS = (PHONE, EMAIL, RRN, KOREAN_ADDRESS, ENGLISH_ADDRESS)

# A date range or a year span is not a phone number ("1997-2003", "2013.04.05").
_DATE_LIKE = re.compile(r"(?:19|20)\d{2}(?:[\-./]\d{1,2}){0,2}(?:\s?[-~–]\s?(?:19|20)\d{2})?")


def contact_spans(text: str) -> list[tuple[int, int]]:
    """The spans of TEXT that look like a phone number, e-mail, RRN or street address."""
    spans: list[tuple[int, int]] = []
    for pattern in PATTERNS:
        for match in pattern.finditer(text):
            if pattern is PHONE and _DATE_LIKE.fullmatch(match.group().strip()):
                continue
            spans.append((match.start(), match.end()))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class ContactCheck:
    name = "contacts"

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        return [
            Finding(Reason.PRIVACY, Decision.HOLD, start, end)
            for start, end in contact_spans(comment.text)
        ]
