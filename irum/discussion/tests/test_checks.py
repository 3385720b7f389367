"""The checks without word lists: length, signature, links, adverts and repeats."""

from __future__ import annotations

import pytest

from irum.discussion.moderation.base import Author, Comment, Context, Decision, Reason
from irum.discussion.moderation.checks import (
    LengthCheck,
    SignatureCheck,
    SpamCheck,
    imitates,
    word_count,
)

READER = Author("reader1", "Min-ji", True)


def run(check, text, author=READER, context=None):
    findings = check(Comment("1", text, author), context or Context())
    return {(f.reason, f.decision) for f in findings}


def test_four_hundred_words_pass_and_four_hundred_and_one_are_refused():
    assert word_count("하나 둘  셋\n넷") == 4
    assert run(LengthCheck(), "word " * 400) == set()
    assert run(LengthCheck(), "word " * 401) == {(Reason.TOO_LONG, Decision.REJECT)}
    assert run(LengthCheck(), "말 " * 401) == {(Reason.TOO_LONG, Decision.REJECT)}


def test_a_comment_without_an_author_or_a_name_is_unsigned():
    assert run(SignatureCheck(), "Thank you.", author=None) == {(Reason.UNSIGNED, Decision.REJECT)}
    blank = Author("u", "   ", True)
    assert run(SignatureCheck(), "Thank you.", author=blank) == {(Reason.UNSIGNED, Decision.REJECT)}


@pytest.mark.parametrize(
    "name",
    [
        "Irum Editor",
        "IRUM  editors",
        "Ir1um Ed1tor",
        "Moderator Kim",
        "이룸 편집부",
        "운영자",
        "A. Reporter",
        "a reporter",
    ],
)
def test_a_display_name_that_imitates_staff_or_an_author_is_refused(name):
    assert imitates(name, ("A. Reporter", "Irum demo desk"))


@pytest.mark.parametrize("name", ["Min-ji", "Reader from Busan", "김철수", "Irum reader", "Dick"])
def test_an_ordinary_display_name_is_fine(name):
    assert not imitates(name, ("A. Reporter",))


@pytest.mark.parametrize(
    "text",
    [
        "The camps must close. — posted by the UN Special Rapporteur",
        "We will fix it tomorrow. Sincerely, the editors of Irum",
        "국제형사재판소에 회부해야 합니다. — 유엔 특별보고관",
        "탈북민 여러분을 응원합니다. 통일부 장관 드림",
    ],
)
def test_a_comment_signed_as_an_office_or_the_site_is_impersonation(text):
    assert run(SignatureCheck(), text) == {(Reason.IMPERSONATION, Decision.REJECT)}


@pytest.mark.parametrize(
    "text",
    [
        "The Special Rapporteur's report is worth reading in full.",
        "I wrote to the minister — no answer yet.",
        "장관이 이 문제를 외면한다는 게 답답합니다.",
        "Thanks for this story. — Min-ji",
        "늘 응원합니다. 민지 드림",
    ],
)
def test_mentioning_an_office_or_signing_with_ones_own_name_is_fine(text):
    assert run(SignatureCheck(), text) == set()


def test_a_link_is_held_and_an_advert_is_rejected():
    assert run(SpamCheck(), "See https://example.org/report for the UN text.") == {
        (Reason.SPAM, Decision.HOLD)
    }
    assert run(SpamCheck(), "More at cheap-visa.cn") == {(Reason.SPAM, Decision.HOLD)}
    advert = "Cheap flights to Seoul, 50% off this week only, DM us!"
    assert (Reason.SPAM, Decision.REJECT) in run(SpamCheck(), advert)
    korean = "당일 대출 가능 신용 무관 카톡 문의 주세요"
    assert (Reason.SPAM, Decision.REJECT) in run(SpamCheck(), korean)


@pytest.mark.parametrize(
    "text",
    [
        "I searched for my uncle's name for years; please, if anyone knows, ask the archive.",
        "UN 인권사무소에 문의했지만 아직 답이 없습니다.",
        "Twenty years, and the cost of silence is still paid by the families.",
        "Version 2.0 of the report is out.",
    ],
)
def test_ordinary_comments_are_not_spam(text):
    assert run(SpamCheck(), text) == set()


def test_the_same_comment_again_is_rejected_and_a_near_copy_is_held():
    first = "The world must act now on the camps! Write to your MP today!"
    history = Context(history={"reader1": [first]})
    assert run(SpamCheck(), first, context=history) == {(Reason.SPAM, Decision.REJECT)}
    near = "The world must act NOW on the camps!! Write to your MP today!!!"
    assert (Reason.SPAM, Decision.HOLD) in run(SpamCheck(), " " + near, context=history)
    other = Context(history={"someone-else": [first]})
    assert run(SpamCheck(), first, context=other) == set()
