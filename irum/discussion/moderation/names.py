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

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Iterator

from irum.discussion.moderation.base import Comment, Context, Decision, Digests, Finding, Reason
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
MAX_WORDS_IN_NAME = 3  # Kim Young Hee; four-word names are rare and cost many keys
MIN_FOLDED = 4  # shorter keys ("kim", "이") would match too much by chance


def name_digests(names: Iterable[str], digest: Callable[[str], str]) -> frozenset[str]:
    """The digests to look for: each name as given."""
    return frozenset(d for d in (digest(n) for n in names if n) if d)


def stems(word: str) -> Iterator[str]:
    """A Korean word and the word without what a name may carry after it."""
    yield word
    for tail in _KO_TAILS:
        if word.endswith(tail) and len(word) - len(tail) >= 2:
            yield word[: -len(tail)]


def candidates(text: str) -> Iterator[tuple[str, int, int]]:
    """Word sequences of TEXT that could be a name, folded as the blind index folds
    (irum.lib.text.fold): (folded key, start, end). Folding works character by character,
    so each word is folded once and the keys are joined from the folded words."""
    tokens = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        if _HANGUL.fullmatch(word):
            forms = [fold(stem) for stem in stems(word)]
        elif word[-2:] in ("'s", "’s") and len(word) > 3:  # Sunny Pak's brother
            forms = [fold(word), fold(word[:-2])]
        else:
            forms = [fold(word)]
        tokens.append((forms, m.start(), m.end()))
    for i in range(len(tokens)):
        for n in range(1, MAX_WORDS_IN_NAME + 1):
            window = tokens[i : i + n]
            if len(window) < n:
                break
            start, end = window[0][1], window[-1][2]
            before = "".join(forms[0] for forms, _, _ in window[:-1])
            # The last word may carry a particle or an honorific (김영희가, 성호 씨): its
            # forms are the word and its stems; other words count as written.
            for last in window[-1][0]:
                yield before + last, start, end
                if n >= 2:  # given name first: Hyejin Cho, 영희 김
                    yield last + before, start, end


class NameIndex:
    """The vault's blind index (irum.vault.crypto.blind_index) for many candidates: the
    keyed HMAC is set up once and copied for each key, and each distinct key is hashed
    once a comment."""

    def __init__(self, key: bytes | None = None) -> None:
        if key is None:
            from irum.vault.keys import blind_index_key

            key = blind_index_key()
        self._mac = hmac.new(key, digestmod=hashlib.sha256)
        # The last answer: the name check and the defamation check ask about the same text.
        self._last: tuple[str, Digests, list[tuple[int, int]]] | None = None

    def digest(self, folded: str) -> str:
        mac = self._mac.copy()
        mac.update(folded.encode("utf-8"))
        return mac.hexdigest()

    def find(self, text: str, protected: Digests) -> list[tuple[int, int]]:
        """The spans of TEXT that are protected names."""
        if not protected:
            return []
        if self._last is not None and self._last[0] is text and self._last[1] is protected:
            return self._last[2]
        digests: dict[str, str] = {}
        places: list[tuple[str, int, int]] = []
        for key, start, end in candidates(text):
            if len(key) < MIN_FOLDED and not _HANGUL.search(key):
                continue
            if key not in digests:
                digests[key] = self.digest(key)
            places.append((key, start, end))
        # One lookup for the whole comment: against a set in memory, or (on the site) one
        # query against the ProtectedName table (irum.discussion.context.StoredDigests).
        found = protected.intersection(digests.values())
        spans: dict[tuple[int, int], None] = {}
        for key, start, end in places:
            if digests[key] in found:
                spans[(start, end)] = None
        result = list(spans)
        self._last = (text, protected, result)
        return result


class ProtectedNameCheck:
    name = "protected_names"

    def __init__(self, index: NameIndex | None = None) -> None:
        self.index = index or NameIndex()

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        return [
            Finding(Reason.PRIVACY, Decision.HOLD, start, end)
            for start, end in self.index.find(comment.text, context.protected_digests)
        ]
