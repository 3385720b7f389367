"""Checks that need no word lists: length, signature, links and repeats.

Each is a small class with a `name` and `__call__(comment, context) -> [Finding]`
(irum.discussion.moderation.base.Check), so the pipeline can run them in any order and a
site can add its own.
"""

from __future__ import annotations

import re
import unicodedata

from irum.discussion.moderation.base import Comment, Context, Decision, Finding, Reason

MAX_WORDS = 400  # the published guidelines: "more than 400 words"

_WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters. Korean is written with
    spaces between words (어절), so the same count holds for both languages."""
    return sum(1 for _ in _WORD.finditer(text))


class LengthCheck:
    """Over 400 words is refused with a message; the author keeps the text to shorten it."""

    name = "length"

    def __init__(self, max_words: int = MAX_WORDS) -> None:
        self.max_words = max_words

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        if word_count(comment.text) <= self.max_words:
            return []
        return [Finding(Reason.TOO_LONG, Decision.REJECT)]


def _fold(name: str) -> str:
    """A display name as compared: case, width, accents, spaces and punctuation dropped,
    look-alike digits read as letters ("Ir1um  Editor" is "irumeditor")."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = text.translate(str.maketrans("013457", "oieast"))
    return "".join(c for c in text if c.isalnum())


# Words that claim to speak for the site. A reader's display name may not contain them.
STAFF_WORDS = (
    "irumeditor",
    "irumstaff",
    "irumteam",
    "irumdesk",
    "editor",
    "moderator",
    "admin",
    "administrator",
    "official",
    "편집부",
    "편집자",
    "편집팀",
    "운영자",
    "운영진",
    "관리자",
    "관리팀",
    "편집국",
    "기자",
    "공식",
)

# Offices a reader may claim in a signature at the end of a comment ("— posted by the UN
# Special Rapporteur", "통일부 장관 드림"): a comment signed so is signed by someone else.
OFFICE_WORDS = re.compile(
    r"rapporteur|spokes(?:person|man|woman)|minister|ministry|ambassador|president|"
    r"secretary[- ]general|commissioner|editors?\b|moderators?\b|irum\b|"
    r"특별보고관|보고관|장관|대변인|대통령|대사|사무총장|위원장|편집부|편집국|편집자|운영자|관리자|이룸",
    re.IGNORECASE,
)
# Where a signature starts: a dash at the start of the last part, "posted by", "Sincerely,",
# or a Korean closing (드림, 올림) at the very end.
SIGNATURE = re.compile(
    r"(?:[—–]|--|(?<=\s)-)\s*(?P<dash>[^—–\n]{2,80})$"
    r"|(?:posted|signed|written)\s+by\s+(?P<by>.{2,80})$"
    r"|(?:sincerely|regards|yours),?\s+(?P<closing>.{2,80})$"
    r"|(?P<ko>[^.!?\n]{2,60})\s*(?:드림|올림|씀)\s*[.!]?$",
    re.IGNORECASE,
)


def signed_as_office(text: str) -> tuple[int, int] | None:
    """The span of a signature that claims an office or the site, if the text ends with
    one."""
    stripped = text.rstrip()
    # A signature is at the end: look at the last line or so, not the whole comment.
    tail_start = max(0, len(stripped) - 160)
    match = SIGNATURE.search(stripped, tail_start)
    if match is None:
        return None
    name = next(g for g in match.groups() if g)
    if OFFICE_WORDS.search(name) is None:
        return None
    return match.start(), match.end()


def imitates(display_name: str, reserved: tuple[str, ...] | list[str]) -> bool:
    """Whether DISPLAY_NAME passes itself off as staff, a story author or another
    reserved name: the same name once folded, or a staff word inside it."""
    folded = _fold(display_name)
    if not folded:
        return False
    if any(_fold(word) in folded for word in STAFF_WORDS):
        return True
    return any(folded == _fold(name) for name in reserved if _fold(name))


class SignatureCheck:
    """An unsigned comment, or one signed as someone else, is removed (the guidelines).
    On the site every comment is signed by its account's display name, checked at sign-up
    and at every rename; `irum moderate` reads the author from its input, so it checks here
    too."""

    name = "signature"

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        author = comment.author
        if author is None or not author.display_name.strip():
            return [Finding(Reason.UNSIGNED, Decision.REJECT)]
        if imitates(author.display_name, context.reserved_names):
            return [Finding(Reason.IMPERSONATION, Decision.REJECT)]
        signature = signed_as_office(comment.text)
        if signature is not None:
            return [Finding(Reason.IMPERSONATION, Decision.REJECT, *signature)]
        return []


LINK = re.compile(
    r"(?:https?://|www\.)\S+"
    # A bare domain: words then a dot and a known top-level domain ("cheap-visa.cn").
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|info|biz|io|co|kr|cn|ru|jp|xyz|top|me|ly|shop"
    r"|site|online|app|link|click)\b(?:/\S*)?",
    re.IGNORECASE,
)


# Advertising: two of these in one comment make it an advert, with or without a link.
PROMO = re.compile(
    r"\d+\s?%\s?(?:off|할인)|할인|쿠폰|coupon|promo(?:tion)?\s?code|\bcode\s+[A-Z0-9]{4,}"
    r"|limited time|buy\b|cheap|discount|followers|dm (?:us|me)|최저가|대출|신용\s?무관"
    r"|카톡\s?(?:문의|ID)|텔레그램|이벤트|상담|문의|지금 바로|당일|검색|☎|💰|kakao(?:talk)?\s?id",
    re.IGNORECASE,
)


def _shingles(text: str) -> set[str]:
    # Words only: "NOW!!" and "now!" are the same word to a reader.
    words = [w.casefold() for w in re.findall(r"\w+", text)]
    if len(words) < 3:
        return {" ".join(words)}
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def similarity(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


class SpamCheck:
    """Links are held for a moderator (a link can be a source, or an advert). A comment
    its author already posted is rejected; one nearly the same is held."""

    name = "spam"
    NEAR = 0.6  # share of three-word runs in common

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        findings = [
            Finding(Reason.SPAM, Decision.HOLD, m.start(), m.end())
            for m in LINK.finditer(comment.text)
        ]
        promo = list(PROMO.finditer(comment.text))
        if len({m.group().casefold() for m in promo}) >= 2:
            findings += [Finding(Reason.SPAM, Decision.REJECT, m.start(), m.end()) for m in promo]
        author = comment.author
        if author is None:
            return findings
        text = " ".join(comment.text.split()).casefold()
        for earlier in context.history.get(author.username, []):
            if " ".join(earlier.split()).casefold() == text:
                findings.append(Finding(Reason.SPAM, Decision.REJECT))
                break
            if similarity(earlier, comment.text) >= self.NEAR:
                findings.append(Finding(Reason.SPAM, Decision.HOLD))
                break
        return findings


class RateCheck:
    """A burst of comments from one account is held: people rarely write more than a few
    considered comments in ten minutes, and scripts do. The site counts the author's
    recent comments into the context (Context.recent_posts)."""

    name = "rate"

    def __init__(self, limit: int = 5) -> None:
        self.limit = limit

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        if context.recent_posts >= self.limit:
            return [Finding(Reason.SPAM, Decision.HOLD)]
        return []
