"""Names of the people whose identity the archive protects, found in a comment without
ever holding those names in clear.

The archive keeps names encrypted, with a blind index beside them (irum.vault.crypto:
an HMAC of the folded name). This check takes the comment's word sequences that could be
a name, folds and HMACs each the same way, and looks the digests up in the set of
protected digests. So the check needs no decrypted name, and a comment is matched however
the name is spaced, hyphenated or capitalised, or written given name first.

A comment that names a protected person is held: a family inside North Korea can be
reached through a name, and the moderator decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from irum.discussion.moderation.base import Comment, Context, Decision, Finding, Reason
from irum.lib.text import fold

# A run of letters (Latin or Hangul or Han), with inner hyphens and apostrophes.
_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
# What follows a Korean name inside the same word: particles, honorifics, copulas.
# Longest first, so that 이에요 is taken before 이.
_KO_TAILS = tuple(
    sorted(
        (
            "씨가 씨는 씨를 씨의 씨도 씨한테 씨에게 씨랑 씨와 씨 님이 님은 님의 님께 님 "
            "이에요 예요 입니다 이다 이랑 이와 이가 이는 이를 이의 이도 한테 에게 께서 "
            "가 는 을 를 의 도 와 과 랑 이"
        ).split(),
        key=len,
        reverse=True,
    )
)
MAX_WORDS_IN_NAME = 4
MIN_FOLDED = 4  # shorter keys ("kim", "이") would match too much by chance


def name_digests(names: Iterable[str], digest: Callable[[str], str]) -> frozenset[str]:
    """The digests to look for: each name as given."""
    return frozenset(d for d in (digest(n) for n in names if n) if d)


def _stems(word: str) -> Iterator[str]:
    """A Korean word and the word without what a name may carry after it."""
    yield word
    for tail in _KO_TAILS:
        if word.endswith(tail) and len(word) - len(tail) >= 2:
            yield word[: -len(tail)]


def candidates(text: str) -> Iterator[tuple[str, int, int]]:
    """Word sequences of TEXT that could be a name: (text to fold, start, end)."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    for i in range(len(tokens)):
        for n in range(1, MAX_WORDS_IN_NAME + 1):
            window = tokens[i : i + n]
            if len(window) < n:
                break
            words = [w for w, _, _ in window]
            start, end = window[0][1], window[-1][2]
            if _HANGUL.fullmatch(words[-1]):
                # The last word may carry a particle or an honorific: 김영희가, 성호 씨.
                for stem in _stems(words[-1]):
                    yield "".join([*words[:-1], stem]), start, end
                    if n >= 2:  # 영희 김 → 김영희
                        yield stem + "".join(words[:-1]), start, end
            else:
                yield "".join(words), start, end
                if n >= 2:  # given name first: Hyejin Cho, Young-hee Kim
                    yield words[-1] + "".join(words[:-1]), start, end


class ProtectedNameCheck:
    name = "protected_names"

    def __init__(self, digest: Callable[[str], str]) -> None:
        self.digest = digest

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        protected = context.protected_digests
        if not protected:
            return []
        found: dict[tuple[int, int], None] = {}
        for candidate, start, end in candidates(comment.text):
            if len(fold(candidate)) < MIN_FOLDED and not _HANGUL.search(candidate):
                continue
            if self.digest(candidate) in protected:
                found[(start, end)] = None
        return [Finding(Reason.PRIVACY, Decision.HOLD, start, end) for start, end in found]
