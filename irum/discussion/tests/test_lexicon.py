"""The abuse lexicon check (issue 7): traps, obfuscation, spans, the evaluation set,
sentences the lexicon was not written from, and hostile input."""

from __future__ import annotations

import collections

import pytest

from irum.discussion.moderation.base import Comment, Context, Decision, Finding, Reason
from irum.discussion.moderation.lexicon import REASONS, LexiconCheck, normalise
from irum.discussion.tests import evaluation


@pytest.fixture(scope="module")
def check() -> LexiconCheck:
    return LexiconCheck()


def flagged(check: LexiconCheck, text: str) -> list[Finding]:
    return [f for f in check.scan(text) if f.decision is not Decision.PUBLISH]


def spans(check: LexiconCheck, text: str) -> list[str]:
    return [text[f.start : f.end] for f in flagged(check, text)]  # type: ignore[misc]


# --- traps: ordinary language that contains abusive letter sequences --------------------

KOREAN_TRAPS = [
    "수용소 경비견이 강아지일 때부터 사람보다 잘 먹였다고 합니다.",
    "그날 이후 아버지를 다시는 보지 못했다고 합니다.",
    "처형 영상은 끝까지 보지 않았습니다.",
    "사흘 동안 잠을 자지 못하게 했다고 합니다.",
    "신의주역이 북송 열차의 시발역이었습니다.",
    "이 사건이 국제 사회가 관심을 갖게 된 시발점이었습니다.",
    "수용소에서 새끼 고양이를 몰래 키웠다고 합니다.",
    "돼지가 새끼를 낳자 수감자들이 한 마리를 훔쳤습니다.",
    "수감 환경이 개선되었다는 주장은 믿기 어렵습니다.",
    "개인적으로는 이 기록이 가장 중요하다고 생각합니다.",
    "핵 개발에 쓴 돈이면 많은 사람을 살렸을 겁니다.",
    "할머니는 병신년(1956년)에 태어나셨습니다.",
    "2016년 병신년 이후로 국경 경비가 강화되었습니다.",
    "총소리가 나자 미친 듯이 달렸다고 합니다.",
    "이 보고서가 여론에 큰 영향을 미친 것은 분명합니다.",
    "밤이면 마을의 불이 모두 꺼져 있었습니다.",
    "지난주 한남동에서 열린 증언 행사에 다녀왔습니다.",
    "그녀는 18세에 처음 두만강을 건넜습니다.",
    "옥수수 씨앗 몇 알 때문에 노동단련대에 보내졌습니다.",
    "오후 세 시 발표가 있었다고 합니다.",
    "조선족 이웃 덕분에 살아남았다는 증언도 많습니다.",
]

ENGLISH_TRAPS = [
    "I grew up in Scunthorpe and had never heard the word kwanliso.",
    "A state does not need an assassin when it can make a person disappear.",
    "The cocktail of hunger and forced labour killed most prisoners.",
    "I visited the river at Dandong last spring. — Dick",
    "Hellish conditions in the labour training camps.",
    "He sharpened tools with a bastard file every day.",
    "The bastard title page has the old date.",
    "My cousin in Essex used the cumulative analysis on your figures page.",
    "Reading Dickens at school I thought workhouses were history.",
    "She was tortured in detention and kept standing for days.",
    "The testimony about sexual violence in holding centres matches the UN report.",
    "Guards fired at the soldier as he ran for the line.",
    "He was killed at the border in 2011.",
    "Rape as a weapon was used in the holding centres.",
    "The report found chinks in the armour of the regime's story.",
    "Dick Marty's report to the Council of Europe is worth reading.",
    "The Chinese police are not neutral bystanders.",
]


@pytest.mark.parametrize("text", KOREAN_TRAPS)
def test_it_passes_korean_words_that_contain_abusive_syllables(
    check: LexiconCheck, text: str
) -> None:
    assert flagged(check, text) == []


@pytest.mark.parametrize("text", ENGLISH_TRAPS)
def test_it_passes_english_words_and_reporting_that_look_abusive(
    check: LexiconCheck, text: str
) -> None:
    assert flagged(check, text) == []


# --- obfuscation and spans ---------------------------------------------------------------

OBFUSCATED = [
    # (text, the span the finding must cover, reason)
    ("What the f*ck is this", "f*ck", Reason.PROFANITY),
    ("Shut the f**k up", "f**k", Reason.PROFANITY),
    ("fuuuuuck this regime", "fuuuuuck", Reason.PROFANITY),
    ("F U C K the border guards", "F U C K", Reason.PROFANITY),
    ("this is sh1t journalism", "sh1t", Reason.PROFANITY),
    ("what a load of bullsh!t", "bullsh!t", Reason.PROFANITY),
    ("you b1tch", "b1tch", Reason.PROFANITY),
    ("b.i.t.c.h.", "b.i.t.c.h", Reason.PROFANITY),
    ("ｆｕｃｋ the regime", "ｆｕｃｋ", Reason.PROFANITY),
    ("f\u0336u\u0336c\u0336k\u0336 them", "f\u0336u\u0336c\u0336k\u0336", Reason.PROFANITY),
    ("the ch*nks at the border", "ch*nks", Reason.RACISM),
    ("씨 발 진짜 열받는다", "씨 발", Reason.PROFANITY),
    ("시1발 중국 공안", "시1발", Reason.PROFANITY),
    ("ㅅ.ㅂ 이런 나라가", "ㅅ.ㅂ", Reason.PROFANITY),
    ("ㅆㅂ 유엔은 뭐하냐", "ㅆㅂ", Reason.PROFANITY),
    ("병1신 같은 정권", "병1신", Reason.PROFANITY),
    ("졸나 어이없네", "졸나", Reason.PROFANITY),
    ("보위부 개새끼들 다 똑같다", "개새끼", Reason.PROFANITY),
    ("병신이 또 글을 썼네", "병신", Reason.PROFANITY),
    # Conjoining jamo (typed as separate code points) are the same letters.
    ("\u1109\u1107 진짜", "\u1109\u1107", Reason.PROFANITY),
    ("\u110a\u1175\u1107\u1161\u11af 진짜", "\u110a\u1175\u1107\u1161\u11af", Reason.PROFANITY),
]


@pytest.mark.parametrize(("text", "covered", "reason"), OBFUSCATED)
def test_it_catches_obfuscated_words_and_points_at_the_whole_word(
    check: LexiconCheck, text: str, covered: str, reason: str
) -> None:
    findings = flagged(check, text)
    assert any(
        f.reason == reason and text[f.start : f.end] == covered
        for f in findings  # type: ignore[misc]
    ), [(f.reason, text[f.start : f.end]) for f in findings]  # type: ignore[misc]


def test_it_finds_particles_after_a_korean_noun(check: LexiconCheck) -> None:
    assert spans(check, "개새끼가 또 왔네") == ["개새끼"]
    assert spans(check, "병신아 그게 말이 되냐") == ["병신"]


def test_it_tells_the_obscene_noun_from_the_verb(check: LexiconCheck) -> None:
    assert [f.reason for f in flagged(check, "보지 사진 올려봐")] == [Reason.OBSCENITY]
    assert flagged(check, "아들을 다시는 보지 못했다") == []


def test_it_holds_mild_and_quoted_abuse_instead_of_rejecting_it(check: LexiconCheck) -> None:
    for text in (
        "Damn. This is hard to read.",
        'The guard yelled "get up, you bitch" and kicked her.',
        "개빡치네 진짜",
        "경비원이 '이 간나 새끼야, 일어나'라고 욕했다고 합니다.",
    ):
        decisions = {f.decision for f in flagged(check, text)}
        assert decisions == {Decision.HOLD}, text


def test_it_does_not_read_a_mention_as_a_word(check: LexiconCheck) -> None:
    assert [f.reason for f in flagged(check, "@dick_hansen kys")] == [Reason.HARASSMENT]


def test_the_check_has_the_pipeline_interface(check: LexiconCheck) -> None:
    comment = Comment(id="c1", text="fucking MSS thugs", author=None)
    findings = check(comment, Context())
    assert check.name == "lexicon"
    assert [(f.reason, f.decision, f.start, f.end) for f in findings] == [
        (Reason.PROFANITY, Decision.REJECT, 0, 7)
    ]


def test_the_normal_form_keeps_a_map_to_the_original_text() -> None:
    text = "ｆ\u0336x\u1109\u1161y"
    norm, index = normalise(text)
    assert norm == "fx사y"
    assert [text[i] for i in index] == ["ｆ", "x", "\u1109", "y"]


# --- held-out sentences: written for these tests, not from the evaluation set -----------

HELD_OUT_ABUSE = [
    ("What the fck is wrong with these people", Reason.PROFANITY),
    ("You absolute m0r0n, read the report first", Reason.PERSONAL_ATTACK),
    ("shiiiit, twenty years in a camp", Reason.PROFANITY),
    ("Go back to your country, you filthy gook", Reason.RACISM),
    ("kill urself nobody wants you here", Reason.HARASSMENT),
    ("We found where she works. She should stop talking.", Reason.HARASSMENT),
    ("These refugees are parasites, all of them", Reason.RACISM),
    ("women are just liars when there is money involved", Reason.SEXISM),
    ("a s s h o l e", Reason.PROFANITY),
    ("씨빨 이게 말이 되냐", Reason.PROFANITY),
    ("ㅆ ㅂ 이게 뭐냐", Reason.PROFANITY),
    ("짱깨 놈들 다 똑같다", Reason.RACISM),
    ("기자 집 주소 알아냈다 조심해라", Reason.HARASSMENT),
    ("된장녀들이 또 난리네", Reason.SEXISM),
    ("진짜씨발 너무하네", Reason.PROFANITY),
    ("자지 크기 자랑하는 놈", Reason.OBSCENITY),
]

HELD_OUT_CLEAN = [
    "He was assassinated in 1997, according to the family.",
    "A peacock was painted on the wall of the guesthouse.",
    "The Dickensian conditions in the camps shocked the inspectors.",
    "강아지를 키우던 할머니가 증언해 주셨습니다.",
    "그 뒤로 아들을 다시 보지 못했습니다.",
    "제도 개선이 시급합니다.",
    "한남대교를 건너 증언 행사장에 갔습니다.",
    "소가 새끼를 낳았다는 이야기를 했습니다.",
    "그 사건이 모든 일의 시발점이었다.",
    "He ran like hell to reach the river before dawn.",
]


@pytest.mark.parametrize(("text", "reason"), HELD_OUT_ABUSE)
def test_it_generalises_to_abuse_it_was_not_written_from(
    check: LexiconCheck, text: str, reason: str
) -> None:
    assert reason in {f.reason for f in flagged(check, text)}


@pytest.mark.parametrize("text", HELD_OUT_CLEAN)
def test_it_generalises_to_clean_text_it_was_not_written_from(
    check: LexiconCheck, text: str
) -> None:
    assert flagged(check, text) == []


# --- the evaluation set -------------------------------------------------------------------


def test_it_meets_the_recall_and_false_positive_targets_on_the_evaluation_set(
    check: LexiconCheck,
) -> None:
    rows = evaluation.comments()
    mine = set(REASONS)
    caught: collections.Counter[tuple[str, str]] = collections.Counter()
    total: collections.Counter[tuple[str, str]] = collections.Counter()
    false_positives: collections.Counter[str] = collections.Counter()
    published: collections.Counter[str] = collections.Counter()
    for row in rows:
        hit = bool(flagged(check, row["text"]))
        reasons = mine.intersection(row["reasons"])
        for key in [("all", "all"), ("all", row["lang"])] + [(r, row["lang"]) for r in reasons]:
            if reasons or key[0] != "all":
                total[key] += 1
                caught[key] += hit
        if not row["reasons"]:
            published["all"] += 1
            published[row["lang"]] += 1
            false_positives["all"] += hit
            false_positives[row["lang"]] += hit
    for key in sorted(total):
        print(
            f"recall {key[0]:>15} {key[1]:>3}: {caught[key]}/{total[key]} = {caught[key] / total[key]:.3f}"
        )
    for lang in ("all", "en", "ko"):
        print(f"false positives {lang:>3}: {false_positives[lang]}/{published[lang]}")
    assert caught[("all", "all")] / total[("all", "all")] >= 0.9
    assert false_positives["all"] / published["all"] <= 0.05


# --- hostile input ------------------------------------------------------------------------

HOSTILE = [
    "",
    " \n\t ",
    "\x00\x01\x02fuck\x7f",
    "\ud800 lone surrogate \udfff",
    "e\u0301\u0301\u0301\u0301" * 1000,
    "\u1100" * 5000,
    "ㅅ" * 20_000,
    "a" * 100_000,
    "f u c k " * 12_000,
    "씨 " * 30_000,
    ("가나다라 " * 20_000)[:100_000],
    "*" * 100_000,
    "'" * 50_000,
    "\u200b".join("fuck") * 10_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:12]))
def test_it_survives_hostile_input(check: LexiconCheck, text: str) -> None:
    # Speed belongs to bench/, not to a test: here only that nothing raises and every span
    # is inside the text.
    findings = check.scan(text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)  # type: ignore[operator]
