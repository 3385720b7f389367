"""Name normalisation for lookups across Hangul and the many romanisations of Korean.

The same town is Hoeryong, Hoeryŏng, Hoiryeong and 회령 depending on who wrote the source.
`fold` gives a key that ignores case, diacritics, apostrophes, hyphens and spaces;
`loose` further collapses the spellings that McCune-Reischauer, Revised Romanization and
ad-hoc transcriptions disagree on, so that a variant nobody listed still finds its place.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)

# Ordered: longer patterns first, so "yeo" becomes "yo" before "eo" is touched.
_LOOSE_RULES: tuple[tuple[str, str], ...] = (
    ("yeo", "yo"),
    ("eo", "o"),
    ("eu", "u"),
    ("oi", "oe"),
    ("wo", "o"),
    ("sh", "s"),
    ("kk", "k"),
    ("tt", "t"),
    ("pp", "p"),
    ("ss", "s"),
    ("jj", "j"),
    ("ch", "j"),
    ("g", "k"),
    ("d", "t"),
    ("b", "p"),
    ("r", "l"),
)


def strip_diacritics(value: str) -> str:
    # NFKD splits ŏ into o + breve; Hangul syllables also decompose under NFKD, so we
    # recompose those afterwards to keep 회령 comparable with itself.
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def fold(value: str) -> str:
    """Case-, diacritic- and punctuation-insensitive key."""
    return _NON_WORD.sub("", strip_diacritics(value or "").casefold())


def loose(value: str) -> str:
    """A coarser key that also merges common romanisation differences."""
    key = fold(value)
    for old, new in _LOOSE_RULES:
        key = key.replace(old, new)
    return key


def normalise_whitespace(value: str) -> str:
    return " ".join((value or "").split())
