"""A named person with an accusation is held as possible defamation; criticism of
institutions, reporting on heads of state, and accusations without a name pass."""

from __future__ import annotations

import pytest

from irum.discussion.moderation.base import Comment, Context, Decision, Reason
from irum.discussion.moderation.defamation import DefamationCheck
from irum.discussion.moderation.names import NameIndex, name_digests
from irum.discussion.tests import evaluation
from irum.vault.crypto import blind_index


def held(text: str, context: Context | None = None) -> bool:
    findings = DefamationCheck(NameIndex())(Comment("1", text, None), context or Context())
    assert all(f.reason == Reason.DEFAMATION and f.decision is Decision.HOLD for f in findings)
    return bool(findings)


@pytest.mark.parametrize(
    "text",
    [
        "Yun Sang-chol, the guard at Chongjin, stole food parcels from the families.",
        "Everyone knows Liu Wenbo sold the girls to a farmer in Heilongjiang.",
        "Seo Kwang-il is a liar, his book is fabricated.",
        "인민반장 남정순이 우리 집을 보위부에 신고했어요.",
        "계호원 최만길 씨가 사람들을 때려 죽였습니다.",
        "브로커 장국성이 여자들을 팔아넘겼다.",
    ],
)
def test_a_named_person_with_an_accusation_is_held(text):
    assert held(text)


@pytest.mark.parametrize(
    "text",
    [
        "The MSS tortured him in Onsong; the guards beat prisoners every night.",
        "Kim Jong Un ordered the border to be sealed and guards shot people who crossed.",
        "김정은 정권이 국경 봉쇄 뒤 탈북민을 사살했다는 보도가 있습니다.",
        "Ri A. was sold to a farmer in China and later forcibly returned.",  # a pseudonym, a victim
        "She was raped in the holding centre, her sister told the UN.",
        "성폭행을 당했다는 증언이 여러 건 있습니다.",
        "옥수수 씨앗 몇 알을 훔쳤다는 이유로 단련대에 보내졌다.",
        "Thank you, Kang Min-ho, for translating the testimony.",
    ],
)
def test_institutions_heads_of_state_victims_and_thanks_are_not_held(text):
    assert not held(text)


def test_a_protected_person_accused_is_held_through_the_blind_index():
    context = Context(protected_digests=name_digests(["김영희"], blind_index))
    assert held("영희 김 그 사람이 오빠를 밀고했어요", context)


def test_every_defamation_of_the_evaluation_set_is_held_and_no_clean_comment():
    context = Context(protected_digests=name_digests(evaluation.protected_names(), blind_index))
    rows = evaluation.comments()
    missed = [
        r["id"] for r in rows if "defamation" in r["reasons"] and not held(r["text"], context)
    ]
    flagged = [r["id"] for r in rows if r["expected"] == "publish" and held(r["text"], context)]
    assert missed == [] and flagged == []
