"""A comment naming a person whose identity the archive protects is held, however the
name is written, and the names are matched through the vault's blind index: the check
never holds a name in clear."""

from __future__ import annotations

import pytest

from irum.discussion.moderation.base import Comment, Context, Decision, Reason
from irum.discussion.moderation.contacts import contact_spans
from irum.discussion.moderation.names import ProtectedNameCheck, name_digests
from irum.discussion.tests import evaluation
from irum.vault.crypto import blind_index

NAMES = ["Kim Young-hee", "김영희", "Pak Chol-ung", "강성호", "Cho Hye-jin", "경애 할머니"]


@pytest.fixture
def context() -> Context:
    return Context(protected_digests=name_digests(NAMES, blind_index))


def spans(text: str, context: Context) -> list[str]:
    findings = ProtectedNameCheck()(Comment("1", text, None), context)
    assert all(f.reason == Reason.PRIVACY and f.decision is Decision.HOLD for f in findings)
    return [text[f.start : f.end] for f in findings]


@pytest.mark.parametrize(
    "text, name",
    [
        ("I know Kim Young-hee from Musan.", "Kim Young-hee"),
        ("KIM YOUNG HEE was born in 1968.", "KIM YOUNG HEE"),
        ("Kim Younghee is alive.", "Kim Younghee"),
        ("Young-hee Kim lives in Ansan.", "Young-hee Kim"),
        ("Hyejin Cho was in my class.", "Hyejin Cho"),
        ("Pak Chol-ung is my neighbour.", "Pak Chol-ung"),
        ("김영희가 사실 그 사람이에요.", "김영희가"),
        ("김영희 씨를 알아요.", "김영희"),
        ("강 성호 씨는 서울에 살아요.", "강 성호"),
        ("영희 김 씨 이야기죠?", "영희 김"),
        ("경애 할머니 연락처 아세요?", "경애 할머니"),
    ],
)
def test_a_protected_name_is_found_however_it_is_written(context, text, name):
    assert name in spans(text, context)


@pytest.mark.parametrize(
    "text",
    [
        "Ri A. was arrested in 2013; her family still waits.",  # a public pseudonym
        "Kim Jong Un took power in December 2011.",
        "The Kim family has ruled since 1948.",
        "김 씨 성을 가진 사람이 많습니다.",
        "영희라는 이름은 흔합니다.",
        "Young people in Hyesan crossed the river.",
    ],
)
def test_pseudonyms_common_words_and_parts_of_a_name_are_not_protected_names(context, text):
    assert spans(text, context) == []


def test_without_protected_names_the_check_finds_nothing():
    assert spans("Kim Young-hee", Context()) == []


def test_the_context_holds_digests_not_names(context):
    assert all(len(d) == 64 and "kim" not in d for d in context.protected_digests)


def test_every_privacy_comment_of_the_evaluation_set_is_held_and_no_clean_one():
    context = Context(protected_digests=name_digests(evaluation.protected_names(), blind_index))
    check = ProtectedNameCheck()
    rows = evaluation.comments()
    missed, flagged = [], []
    for row in rows:
        found = check(Comment(row["id"], row["text"], None), context) or contact_spans(row["text"])
        if "privacy" in row["reasons"] and not found:
            missed.append(row["id"])
        if row["expected"] == "publish" and found:
            flagged.append(row["id"])
    assert missed == [] and flagged == []


def test_the_index_gives_the_vaults_blind_index_for_the_same_name():
    from irum.discussion.moderation.names import NameIndex
    from irum.lib.text import fold

    index = NameIndex()
    for name in ("Kim Young-hee", "김영희", "경애 할머니", "Wu Jing'ai"):
        assert index.digest(fold(name)) == blind_index(name)


@pytest.mark.parametrize("text", ["Sunny Pak's brother lives here.", "Sunny Pak’s brother."])
def test_a_name_with_a_possessive_is_found(text):
    context = Context(protected_digests=name_digests(["Sunny Pak"], blind_index))
    assert spans(text, context) == [text[: text.index("Pak") + 5]]
