"""Defamation: a named person together with an accusation. Held for a moderator, never
published on the pipeline's word.

Whether an accusation is true is not something a program can know; a witness naming a
guard may be giving testimony. So the check does not reject: it holds, and a moderator
decides. Institutions (the MSS, the police, a ministry) are not persons here: criticising
them is not defamation. Heads of state and other public figures named below are not held
either: reporting on what they did is the archive's subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from irum.discussion.moderation.base import Comment, Context, Decision, Finding, Reason
from irum.discussion.moderation.names import NameIndex, stems

# Common Korean and Chinese surnames, romanised as people write them.
_LATIN_SURNAMES = (
    "Kim Lee Yi Ri Rhee Park Pak Bak Bae Pae Choi Choe Jung Jong Chung Kang Cho Jo Yoon Yun "
    "Jang Chang Lim Rim Im Han Oh O Seo So Suh Shin Sin Kwon Hwang Ahn An Song Jeon Jon Hong "
    "Yoo Yu Ryu Ko Koh Moon Mun Yang Ryang Son Sohn Baek Paek Heo Ho Nam Sim Shim Noh No Ha "
    "Kwak Sung Cha Joo Ju Woo U Gu Ku Min Na Ra Jin Ji Chi Eom Um Chae Won Bang Pang Gong Kong "
    "Hyun Hyon Ham Byun Pyon Yeom Yeo Choo Do To Gil Kil Tak Kye Ok Ma Wang Zhang Li Liu Chen "
    "Huang Zhao Wu Zhou Xu Sun Zhu Hu Guo He Lin Luo Gao Zheng Liang Xie Tang Feng Piao Cui Jiang"
).split()
LATIN_NAME = re.compile(
    r"\b(?:" + "|".join(_LATIN_SURNAMES) + r")\s+[A-Z][a-z]+(?:[-'][A-Za-z]+)?(?:\s+[A-Z][a-z]+)?\b"
)
_KO_SURNAMES = set(
    "김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구민류나진"
    "지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉"
)
# Words that follow a person's name as a title or an honorific: "권태식 대표", "길상만 씨".
_KO_TITLES = frozenset(
    "씨 님 대표 목사 신부 스님 계호원 보위원 안전원 반장 인민반장 선생 선생님 사장 회장 원장 "
    "소장 과장 부장 위원장 브로커 영사 교수 기자 장로 집사 전도사".split()
)
# Syllables Korean given names are made of. A three-syllable word whose last two are not
# among them ("성폭행", "정치범") is not read as a name.
_GIVEN = frozenset(
    "영희철수민준서지현우진호성상길미옥창건국태식복남동일만명혜경애순숙정광은자용석훈재형규"
    "연주아윤선화향란춘금봉학기범환욱혁웅원빈송설하나다라리유율해효승익열섭근덕두득룡림무문"
    "백병보부산삼세소신실심안양언엽예오완왕요운위의이인임장전제조종중찬채천청초충치택평표필"
    "한항헌협홍황회흥희옥분녀단님랑련령례룡름린봉비사선성손수슬신아애야엄여연열염영오온옥완"
)
# Words that come before one: "브로커 왕건국", "인민반장 황미옥".
_KO_ROLES_BEFORE = re.compile(r"(?:브로커|인민반장|반장|계호원|보위원|안전원|목사|영사|대표|사장)$")
_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")
# 3-syllable words that start like a surname but are not names.
_NOT_NAMES = frozenset(
    "이야기 정치범 조선족 한국인 김정은 김정일 김일성 김여정 이번에 오늘날 고문실 신의주 "
    "정부군 정권이 강제로 이웃집 이사를 하루가 주민들 우리들 남한에 유엔이 여성들 남성들 "
    "안전부 보위부 보안서 구류장 교화소 노동당 조사관 심문관 경비대 국경지 도시의 한국에".split()
)
# People whose public acts are the archive's subject: naming them is reporting.
PUBLIC_FIGURES = re.compile(
    r"Kim\s+Jong[\s-]?Un|Kim\s+Jong[\s-]?Il|Kim\s+Il[\s-]?Sung|Kim\s+Yo[\s-]?Jong|"
    r"Xi\s+Jinping|Vladimir\s+Putin|Moon\s+Jae[\s-]?in|Yoon\s+Suk[\s-]?yeol|Lee\s+Jae[\s-]?myung|"
    r"김정은|김정일|김일성|김여정|시진핑|푸틴|문재인|윤석열|이재명",
    re.IGNORECASE,
)

ACCUSATION = re.compile(
    r"report(?:ed|s)?\b[^.]{0,40}\bto\s+the\s+(?:MSS|police|authorities|bowibu|security)"
    r"|informer|informant|snitch|\bspy\b|traitor|turned\s+in|denounced"
    r"|\bsold\b|sells\b|traffick|bribe|pocketed|embezzl|stole|\bthief\b|swindl|scam"
    r"|beat\b[^.]{0,30}\bto\s+death|\bkilled\b|murder|\braped?\b|molest|abused"
    r"|made\s+up|fabricat|\blie[sd]?\b|\bliar\b|lying|\bfake\b|\bfraud"
    r"|밀고|신고했|신고한|끄나풀|간첩|프락치|뇌물|빼돌|횡령|착복|훔쳤|도둑|사기"
    r"|팔아넘|팔았|인신매매|때려\s?죽|죽였|살해|성폭행|강간|추행"
    r"|지어낸|지어냈|조작|거짓말|거짓",
    re.IGNORECASE,
)


def _korean_names(text: str) -> Iterator[tuple[int, int]]:
    """Korean words that read as a person's name: three syllables starting with a surname,
    with a particle or honorific after them, a title next to them, or a role before."""
    words = list(_HANGUL_WORD.finditer(text))
    for i, word in enumerate(words):
        raw = word.group()
        for stem in stems(raw):
            if (
                len(stem) != 3
                or stem[0] not in _KO_SURNAMES
                or stem[1] not in _GIVEN
                or stem[2] not in _GIVEN
                or stem in _NOT_NAMES
                or ACCUSATION.search(stem)
            ):
                continue
            following = words[i + 1].group() if i + 1 < len(words) else ""
            adjacent = following and text[word.end() : words[i + 1].start()].isspace()
            before = words[i - 1].group() if i else ""
            if (
                stem != raw
                or (adjacent and any(t in _KO_TITLES for t in stems(following)))
                or _KO_ROLES_BEFORE.search(before)
            ):
                yield word.start(), word.start() + len(stem)
                break


class DefamationCheck:
    name = "defamation"

    def __init__(self, index: NameIndex | None = None) -> None:
        self.index = index

    def named_persons(self, text: str, context: Context) -> list[tuple[int, int]]:
        spans = [
            (m.start(), m.end())
            for m in LATIN_NAME.finditer(text)
            if not PUBLIC_FIGURES.fullmatch(m.group())
        ]
        spans += [s for s in _korean_names(text) if not PUBLIC_FIGURES.fullmatch(text[s[0] : s[1]])]
        if self.index is not None:
            spans += self.index.find(text, context.protected_digests)
        return spans

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        accusations = list(ACCUSATION.finditer(comment.text))
        if not accusations:
            return []
        names = self.named_persons(comment.text, context)
        if not names:
            return []
        spans = {*names, *((m.start(), m.end()) for m in accusations)}
        return [Finding(Reason.DEFAMATION, Decision.HOLD, s, e) for s, e in sorted(spans)]
