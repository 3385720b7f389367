"""The abuse lexicon check: curated English and Korean word lists, matched offline.

`LexiconCheck` finds profanity, obscenity, personal attacks, harassment, sexism and racism
from the files in `data/` (one entry a line, see the comments at the top of each file) and
returns a Finding per match with its span in the comment's original text.

Why not plain substring search: abuse hides behind spelling (f*ck, sh1t, F U C K, 시1발,
ㅅ.ㅂ) and ordinary words contain abusive letter sequences (Scunthorpe, cocktail, 개선,
보지 못했다, 새끼 고양이). So the text is first put in one form with a map back to the
original characters, English is matched on whole tokens after undoing the usual
obfuscations, and Korean is matched from the start of an eojeol with the entry's own rules
for what may follow, what must not be near it, and an allowlist.

Everything is compiled once per LexiconCheck; a typical comment takes well under a
millisecond.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from irum.discussion.moderation.base import Comment, Context, Decision, Finding, Reason

DATA_DIR = Path(__file__).resolve().parent / "data"

REASONS = (
    Reason.PROFANITY,
    Reason.OBSCENITY,
    Reason.PERSONAL_ATTACK,
    Reason.HARASSMENT,
    Reason.SEXISM,
    Reason.RACISM,
)

# ---------------------------------------------------------------------------------------
# One form for the text, with a map back to the original characters.
# ---------------------------------------------------------------------------------------

_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_SYLLABLE_FIRST, _SYLLABLE_LAST = 0xAC00, 0xD7A3


def _conjoining_to_compatibility() -> dict[str, str]:
    # Conjoining jamo that stand alone (ᄉᄇ typed with an old IME, or a final without a
    # syllable) are shown as the compatibility letters ㅅㅂ; match them as those. The
    # table comes from the character names: HANGUL CHOSEONG SIOS -> HANGUL LETTER SIOS.
    table: dict[str, str] = {}
    for code in range(0x1100, 0x1200):
        char = chr(code)
        name = unicodedata.name(char, "")
        parts = name.split(" ", 2)
        if len(parts) != 3 or parts[1] not in ("CHOSEONG", "JUNGSEONG", "JONGSEONG"):
            continue
        try:
            table[char] = unicodedata.lookup("HANGUL LETTER " + parts[2])
        except KeyError:
            continue
    return table


_JAMO_TO_COMPAT = _conjoining_to_compatibility()


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character in the matching form: '' to drop it, or one or more characters."""
    code = ord(char)
    if code < 0x80:
        if char.isprintable():
            return char.lower()
        return " "  # control characters separate words, like a space
    if _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST or 0x3131 <= code <= 0x318E:
        # Hangul syllables and compatibility jamo are kept as they are. NFKC would turn
        # ㄱ into a conjoining ᄀ, and conjoining jamo compose with what follows
        # (ㄱㅐ -> 개), which is how naive normalisation makes 개선 look like abuse.
        return char
    if char in _JAMO_TO_COMPAT:
        return _JAMO_TO_COMPAT[char]
    if char in _ZERO_WIDTH:
        return ""
    category = unicodedata.category(char)
    if category in ("Mn", "Me"):
        return ""  # combining marks: f̶u̶c̶k̶ is fuck
    if category in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"):
        return " "  # lone surrogates (from JSON), private use, separators
    if category == "Cf":
        return ""
    # Fullwidth and styled letters (ｆｕｃｋ, 𝐟𝐮𝐜𝐤) and accents (fück) fold to ASCII.
    decomposed = unicodedata.normalize("NFKD", char)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    out = []
    for c in folded:
        if c in _JAMO_TO_COMPAT:
            out.append(_JAMO_TO_COMPAT[c])
        elif 0x1100 <= ord(c) <= 0x11FF:
            continue
        else:
            out.append(c)
    return "".join(out)


def normalise(text: str) -> tuple[str, list[int]]:
    """The matching form of `text` and, for each of its characters, the index of the
    original character it came from."""
    if text.isascii():
        folded = "".join(_fold_char(c) for c in text) if not text.isprintable() else text.lower()
        return folded, list(range(len(text)))
    out: list[str] = []
    index: list[int] = []
    i, n = 0, len(text)
    while i < n:
        code = ord(text[i])
        # A conjoining initial + medial (+ final) written as separate code points is a
        # syllable on screen; compose it here (this is all NFC would do for Hangul).
        if 0x1100 <= code <= 0x1112 and i + 1 < n and 0x1161 <= ord(text[i + 1]) <= 0x1175:
            lead, vowel, tail, j = code - 0x1100, ord(text[i + 1]) - 0x1161, 0, i + 2
            if j < n and 0x11A8 <= ord(text[j]) <= 0x11C2:
                tail, j = ord(text[j]) - 0x11A7, j + 1
            out.append(chr(_SYLLABLE_FIRST + (lead * 21 + vowel) * 28 + tail))
            index.append(i)
            i = j
            continue
        for c in _fold_char(text[i]):
            out.append(c)
            index.append(i)
        i += 1
    return "".join(out), index


# ---------------------------------------------------------------------------------------
# Data files
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    pattern: str
    reason: str  # a reason, or for allowlists why the phrase is allowed
    flags: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def decision(self) -> Decision:
        return Decision.HOLD if "hold" in self.flags else Decision.REJECT


def load_entries(path: Path, *, allowlist: bool = False) -> list[Entry]:
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) < 2:
            raise ValueError(f"{path.name}:{number}: expected PATTERN<TAB>REASON")
        pattern, reason = columns[0].strip(), columns[1].strip()
        if not allowlist and reason not in REASONS:
            raise ValueError(f"{path.name}:{number}: unknown reason {reason!r}")
        flags: dict[str, tuple[str, ...]] = {}
        if len(columns) > 2:
            for flag in columns[2].split(","):
                flag = flag.strip()
                if not flag:
                    continue
                key, _, value = flag.partition("=")
                # near= holds a regex, kept whole; the other flags are word lists.
                flags[key] = (value,) if key == "near" else tuple(value.split("|"))
        entries.append(Entry(pattern, reason, flags))
    return entries


# ---------------------------------------------------------------------------------------
# English: tokens after de-obfuscation
# ---------------------------------------------------------------------------------------

_EN_TOKEN = re.compile(r"[a-z0-9@$!*#+_.'’\-]+")
_EN_STRIP_LEAD = ".'’-_!*#+"
_EN_STRIP_TRAIL = ".'’-_!*#+@$"
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "@": "a",
        "$": "s",
        "!": "i",
        "+": "t",
    }
)
_REPEATS = re.compile(r"(.)\1+")
_HIDDEN = re.compile(r"[*#]+")
_EN_SUFFIXES = ("", "s", "es", "ed", "ing", "in", "er", "ers", "y", "ty", "head", "hole")
# Words before "Dick" that make it the body part rather than a first name.
_NOT_A_NAME_AFTER = frozenset(
    {"my", "your", "his", "a", "the", "suck", "sucks", "big", "little", "tiny", "small", "ur"}
)


def _en_form(word: str) -> str:
    """A token in the form the English lexicon is compared in."""
    word = word.replace("-", "").replace("_", "").replace("'", "").replace("’", "")
    if not word.isdigit():
        word = word.translate(_LEET)
    return _REPEATS.sub(r"\1", word)


@dataclass
class _Token:
    form: str
    start: int  # in the normalised text
    end: int
    single: bool = False  # one visible letter: F U C K is four of them


def _en_tokens(norm: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _EN_TOKEN.finditer(norm):
        raw, start = match.group(), match.start()
        lead = len(raw) - len(raw.lstrip(_EN_STRIP_LEAD))
        raw = raw[lead:].rstrip(_EN_STRIP_TRAIL)
        start += lead
        if not raw or raw.startswith("@"):
            continue  # @mentions are usernames, not words (@dick_hansen)
        if "@" in raw[1:] and "." in raw:
            continue  # an e-mail address
        pieces: list[tuple[str, int]]
        if "." in raw and not all(len(p) <= 1 for p in raw.split(".")):
            # Words joined by dots (a domain, end.Next) are separate words; dotted single
            # letters (s.e.x.t) are one word.
            pieces, offset = [], start
            for piece in raw.split("."):
                if piece:
                    pieces.append((piece, offset))
                offset += len(piece) + 1
        else:
            word = raw.replace(".", "")
            tokens.append(_Token(_en_form(word), start, start + len(raw), single=len(word) == 1))
            continue
        for piece, offset in pieces:
            tokens.append(
                _Token(_en_form(piece), offset, offset + len(piece), single=len(piece) == 1)
            )
    return _join_spaced_letters(tokens, norm)


def _join_spaced_letters(tokens: list[_Token], norm: str) -> list[_Token]:
    # "F U C K": three or more one-letter tokens a single space apart are one word.
    joined: list[_Token] = []
    i = 0
    while i < len(tokens):
        j = i
        while (
            j + 1 < len(tokens)
            and tokens[j].single
            and tokens[j + 1].single
            and tokens[j + 1].start - tokens[j].end == 1
        ):
            j += 1
        if j - i >= 2:
            form = _REPEATS.sub(r"\1", "".join(t.form for t in tokens[i : j + 1]))
            joined.append(_Token(form, tokens[i].start, tokens[j].end))
            i = j + 1
        else:
            joined.append(tokens[i])
            i += 1
    return joined


def _en_token_regex(token: str) -> str:
    alternatives = []
    for alt in token.split("|"):
        core = _en_form(alt.strip("*"))
        regex = re.escape(core)
        if alt.startswith("*"):
            regex = r"[^ ]*" + regex
        if alt.endswith("*"):
            regex += r"[^ ]*"
        alternatives.append(regex)
    return "(?:" + "|".join(alternatives) + ")"


def _en_pattern_regex(pattern: str) -> str:
    regex = ""
    for k, token in enumerate(pattern.split()):
        if token == "..":
            regex += r"(?: [^ ]+){0,3}"
        else:
            regex += (" " if k else "") + _en_token_regex(token)
    return r"(?<![^ ])" + regex + r"(?![^ ])"


class _Buckets:
    """Many patterns, tried only where one of them can start.

    One alternation of a few hundred patterns tried at every character is slow in `re`;
    grouping the patterns by their first character and trying, at each position, only
    the group for the character there is a small trie and keeps a comment well under a
    millisecond. Matches may overlap: a mild phrase must not hide a stronger one that
    starts a word later. At one position the first pattern in the given order wins.
    """

    def __init__(self, items: list[tuple[str, str, frozenset[str] | None]]) -> None:
        # items: (name, regex, first characters, or None for "any character")
        keys = set().union(*(f for _, _, f in items if f is not None)) if items else set()
        self._groups: dict[str, re.Pattern[str]] = {}
        self._any: re.Pattern[str] | None = None
        for key in keys:
            parts = [f"(?P<{n}>{r})" for n, r, f in items if f is None or key in f]
            self._groups[key] = re.compile("|".join(parts))
        wild = [f"(?P<{n}>{r})" for n, r, f in items if f is None]
        if wild:
            self._any = re.compile("|".join(wild))
        self.starts = (
            re.compile("[" + "".join(re.escape(k) for k in sorted(keys)) + "]") if keys else None
        )

    def match_at(self, text: str, position: int) -> re.Match[str] | None:
        pattern = self._groups.get(text[position : position + 1], self._any)
        return pattern.match(text, position) if pattern is not None else None

    def finditer(
        self, text: str, positions: Iterable[int] | None = None
    ) -> Iterator[re.Match[str]]:
        if positions is None:
            if self._any is not None:
                positions = range(len(text))
            elif self.starts is not None:
                positions = (m.start() for m in self.starts.finditer(text))
            else:
                return
        for position in positions:
            match = self.match_at(text, position)
            if match is not None:
                yield match


def _en_first_chars(pattern: str) -> frozenset[str] | None:
    first = pattern.split()[0]
    chars = set()
    for alt in first.split("|"):
        if alt.startswith("*"):
            return None
        chars.add(_en_form(alt.strip("*"))[:1])
    return frozenset(chars)


def _ko_first_chars(pattern: str) -> frozenset[str]:
    if pattern.startswith("("):
        alternatives = pattern[1 : pattern.index(")")].split("|")
    else:
        alternatives = [pattern[:2] if pattern[1:2] == "~" else pattern[:1]]
    chars: set[str] = set()
    for alt in alternatives:
        if alt[1:2] == "~":
            base = _SYLLABLE_FIRST + (ord(alt[0]) - _SYLLABLE_FIRST) // 28 * 28
            chars.update(chr(base + k) for k in range(28))
        else:
            chars.add(alt[:1])
    return frozenset(chars)


# ---------------------------------------------------------------------------------------
# Korean: syllables from the start of an eojeol
# ---------------------------------------------------------------------------------------

_HANGUL = "가-힣ㄱ-ㅎㅏ-ㅣ"
# Between the syllables of a word: what people insert to get past filters (씨 발, 시1발,
# ㅅ.ㅂ, 병*신). Bounded, so no backtracking blow-up on long texts.
_KO_FILLER = r"[\s\d.,·\-_*~^!'\"/\\|+=:;`]{0,3}"
_KO_PARTICLES = (
    "이",
    "가",
    "은",
    "는",
    "을",
    "를",
    "아",
    "야",
    "들",
    "도",
    "만",
    "의",
    "같",
    "처럼",
    "이야",
    "임",
    "잖",
)
_JAMO_ONLY = re.compile(r"^[ㄱ-ㅎㅏ-ㅣ]+$")
_KO_WORD_RUN = re.compile(r"[가-힣]*")


def _syllable_class(char: str) -> str:
    # The syllable with any final consonant (or none): 존 -> 조, 존, 졸, 좀, ... This is
    # the jamo decomposition (lead, vowel, tail) done on the code point.
    code = ord(char)
    if not _SYLLABLE_FIRST <= code <= _SYLLABLE_LAST:
        return re.escape(char)
    base = _SYLLABLE_FIRST + (code - _SYLLABLE_FIRST) // 28 * 28
    return f"[{chr(base)}-{chr(base + 27)}]"


def _ko_units(pattern: str) -> list[str]:
    units: list[str] = []
    for char in pattern:
        if char == "~" and units:
            units[-1] = _syllable_class(units[-1])
        else:
            units.append(char)
    return [u if u.startswith("[") else re.escape(u) for u in units]


def _ko_pattern_regex(pattern: str, *, mid: bool) -> tuple[str, bool]:
    """The regex for a Korean pattern and whether it is a single word (obfuscation
    allowed between its syllables)."""
    is_word = not any(c in pattern for c in " ().|?")
    if is_word:
        units = _ko_units(pattern)
        regex = _KO_FILLER.join(units)
    else:
        regex = ""
        i = 0
        while i < len(pattern):
            char = pattern[i]
            if pattern.startswith("..", i):
                regex += r"[^\n]{0,10}?"
                i += 2
                continue
            if char == " ":
                regex += r"\s*"
            elif char in "()|?":
                regex += char.replace("(", "(?:")
            elif char == "~" and regex:
                continue  # only meaningful in words
            else:
                regex += re.escape(char)
            i += 1
    if _JAMO_ONLY.match(pattern):
        # ㅅㅂ stands between other words or laughter (ㅋㅋ, ㅎㅎ), not inside ㅅㅂㄹ...
        regex = r"(?<![가-힣ㄱ-ㅊㅌㅍㅏ-ㅣ])" + regex + r"(?![ㄱ-ㅊㅌㅍㅏ-ㅣ])"
    elif not mid:
        regex = f"(?<![{_HANGUL}])" + regex
    return regex, is_word


# ---------------------------------------------------------------------------------------
# The check
# ---------------------------------------------------------------------------------------


def _original_end(index: list[int], end: int, length: int) -> int:
    # The end of a span in the normal form, in the original text: where the next
    # character came from, so a syllable composed of three code points is covered whole.
    if end < len(index):
        return index[end] if index[end] > index[end - 1] else index[end - 1] + 1
    return length


def _cover_trailing_marks(text: str, finding: Finding) -> Finding:
    # Marks dropped by normalise() after the last letter (f̶u̶c̶k̶) belong to the word.
    end = finding.end or 0
    while end < len(text) and (unicodedata.combining(text[end]) or text[end] in _ZERO_WIDTH):
        end += 1
    if end == finding.end:
        return finding
    return Finding(finding.reason, finding.decision, finding.start, end)


_QUOTES = re.compile(
    r"\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|‘[^’\n]{1,300}’|「[^」\n]{1,300}」|『[^』\n]{1,300}』"
    r"|(?<![A-Za-z0-9])'[^'\n]{1,300}'(?![A-Za-z])"
)


@dataclass(frozen=True)
class _Compiled:
    entries: list[Entry]
    regex: _Buckets
    words: list[bool]  # Korean: whether the entry is a single word


class LexiconCheck:
    """Abuse words and phrases in English and Korean, from the curated files in data/."""

    name = "lexicon"

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        en = load_entries(data_dir / "lexicon_en.txt")
        ko = load_entries(data_dir / "lexicon_ko.txt")
        en_allow = load_entries(data_dir / "allow_en.txt", allowlist=True)
        ko_allow = load_entries(data_dir / "allow_ko.txt", allowlist=True)

        def order(entries: list[Entry]) -> list[Entry]:
            # Clear abuse before the mild entries it contains (중국놈들 before ...들은
            # 원래), then longer before shorter.
            return sorted(entries, key=lambda e: (e.decision is Decision.HOLD, -len(e.pattern)))

        # English single words are looked up token by token; phrases are patterns over
        # the tokens. Apart, so that a phrase that takes in a word does not hide it.
        self._en_exact: dict[str, Entry] = {}
        self._en_prefixes: list[tuple[str, Entry]] = []
        self._en_infixes: list[tuple[str, Entry]] = []
        for entry in order([e for e in en if " " not in e.pattern]):
            for alt in entry.pattern.split("|"):
                core = _en_form(alt.strip("*"))
                if alt.startswith("*"):
                    self._en_infixes.append((core, entry))
                elif alt.endswith("*"):
                    self._en_prefixes.append((core, entry))
                else:
                    self._en_exact.setdefault(core, entry)
        self._en_prefixes.sort(key=lambda p: -len(p[0]))
        self._en_prefix_tuple = tuple(p for p, _ in self._en_prefixes)

        def en_compile(entries: list[Entry]) -> tuple[list[Entry], _Buckets]:
            ordered = order(entries)
            items = [
                (f"e{i}", _en_pattern_regex(e.pattern), _en_first_chars(e.pattern))
                for i, e in enumerate(ordered)
            ]
            return ordered, _Buckets(items)

        self._en_phrases = en_compile([e for e in en if " " in e.pattern])
        self._en_allow = en_compile(en_allow)

        def ko_compile(entries: list[Entry]) -> _Compiled:
            ordered = order(entries)
            compiled = [_ko_pattern_regex(e.pattern, mid="mid" in e.flags) for e in ordered]
            items = [
                (f"k{i}", r, _ko_first_chars(e.pattern))
                for i, ((r, _), e) in enumerate(zip(compiled, ordered, strict=True))
            ]
            return _Compiled(ordered, _Buckets(items), [w for _, w in compiled])

        self._ko = ko_compile(ko)
        self._ko_allow = ko_compile(ko_allow)
        self._ko_near = {
            i: re.compile(e.flags["near"][0])
            for i, e in enumerate(self._ko_allow.entries)
            if "near" in e.flags
        }

        # Hidden letters (f*ck, ch*nks) are resolved against the words the lexicon knows.
        vocabulary: set[str] = set()
        for entry in en:
            if " " in entry.pattern:
                continue
            for alt in entry.pattern.split("|"):
                stem = _en_form(alt.strip("*"))
                if alt.endswith("*") or alt.startswith("*"):
                    vocabulary.update(_REPEATS.sub(r"\1", stem + s) for s in _EN_SUFFIXES)
                else:
                    vocabulary.add(stem)
        self._vocabulary = sorted(vocabulary, key=len)

    # -- the Check interface --------------------------------------------------------

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        return self.scan(comment.text)

    def scan(self, text: str) -> list[Finding]:
        if not text:
            return []
        norm, index = normalise(text)
        if not norm.strip():
            return []
        findings = list(self._scan_en(text, norm, index))
        if any("\u3131" <= c <= "\ud7a3" for c in norm):
            findings.extend(self._scan_ko(text, norm, index))
        if not findings:
            return []
        findings = [_cover_trailing_marks(text, f) for f in findings]
        findings = self._quoted_abuse_is_held(text, findings)
        unique = dict.fromkeys(findings)
        return sorted(unique, key=lambda f: (f.start or 0, f.end or 0, f.reason))

    # -- English --------------------------------------------------------------------

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one check per process, small cache
    def _unhide(self, form: str) -> str:
        parts = _HIDDEN.split(form)
        if len(parts) < 2 or (not parts[0] and not parts[-1]):
            return form
        regex = re.compile("[a-z]{1,3}".join(re.escape(p) for p in parts))
        for word in self._vocabulary:
            if regex.fullmatch(word):
                return word
        return form

    def _scan_en(self, text: str, norm: str, index: list[int]) -> Iterator[Finding]:
        tokens = _en_tokens(norm)
        if not tokens:
            return
        forms = [
            self._unhide(t.form) if ("*" in t.form or "#" in t.form) else t.form for t in tokens
        ]
        joined = " ".join(forms)
        starts = []
        position = 0
        for form in forms:
            starts.append(position)
            position += len(form) + 1

        def span(a: int, b: int) -> tuple[int, int]:
            first = bisect.bisect_right(starts, a) - 1
            last = bisect.bisect_right(starts, b - 1) - 1
            return index[tokens[first].start], _original_end(index, tokens[last].end, len(text))

        token_starts = starts
        _entries, allow = self._en_allow
        allowed = [span(*m.span(m.lastgroup)) for m in allow.finditer(joined, token_starts)]

        def keep(entry: Entry, start: int, end: int, previous: str) -> bool:
            if any(a <= start and end <= b for a, b in allowed):
                return False
            return not ("name" in entry.flags and self._is_a_name(text[start:end], previous))

        for k, form in enumerate(forms):
            entry = self._en_word(form)
            if entry is not None:
                start, end = span(starts[k], starts[k] + len(form))
                if keep(entry, start, end, forms[k - 1] if k else ""):
                    yield Finding(entry.reason, entry.decision, start, end)

        entries, phrases = self._en_phrases
        for match in phrases.finditer(joined, token_starts):
            entry = entries[int(match.lastgroup[1:])]  # type: ignore[index]
            a, b = match.span(match.lastgroup)
            start, end = span(a, b)
            if keep(entry, start, end, ""):
                yield Finding(entry.reason, entry.decision, start, end)

    def _en_word(self, form: str) -> Entry | None:
        entry = self._en_exact.get(form)
        if entry is not None:
            return entry
        if form.startswith(self._en_prefix_tuple):
            for prefix, entry in self._en_prefixes:
                if form.startswith(prefix):
                    return entry
        for infix, entry in self._en_infixes:
            if infix in form:
                return entry
        return None

    @staticmethod
    def _is_a_name(word: str, previous: str) -> bool:
        # "— Dick" under a comment, or "That means you, Dick": capitalised and not after
        # a word that makes it the body part.
        if not (word[:1].isupper() and word[1:].islower()):
            return False
        return previous not in _NOT_A_NAME_AFTER

    # -- Korean ---------------------------------------------------------------------

    def _scan_ko(self, text: str, norm: str, index: list[int]) -> Iterator[Finding]:
        allowed: list[tuple[int, int]] = []
        for m in self._ko_allow.regex.finditer(norm):
            i = int(m.lastgroup[1:])  # type: ignore[index]
            near = self._ko_near.get(i)
            a, b = m.span(m.lastgroup)
            window = norm[max(0, a - 20) : b + 20]
            if near is None or near.search(window):
                allowed.append(m.span(m.lastgroup))
        for match in self._ko.regex.finditer(norm):
            i = int(match.lastgroup[1:])  # type: ignore[index]
            entry, is_word = self._ko.entries[i], self._ko.words[i]
            a, b = match.span(match.lastgroup)
            if any(x <= a and b <= y for x, y in allowed):
                continue
            if not self._ko_context_allows(entry, is_word, norm, a, b):
                continue
            yield Finding(
                entry.reason, entry.decision, index[a], _original_end(index, b, len(text))
            )

    @staticmethod
    def _ko_context_allows(entry: Entry, is_word: bool, norm: str, a: int, b: int) -> bool:
        rest = _KO_WORD_RUN.match(norm, b).group()  # type: ignore[union-attr]
        if is_word and any(c.isspace() for c in norm[a:b]):
            # 씨 발 is obfuscation only when the word ends there: not 시 발표.
            if rest and not rest.startswith(_KO_PARTICLES):
                return False
        if "end" in entry.flags:
            ends = entry.flags["end"]
            if not (rest == "" and "" in ends) and not any(e and rest.startswith(e) for e in ends):
                return False
        if "notnext" in entry.flags:
            after = norm[b + len(rest) :].lstrip()
            if after.startswith(tuple(w for w in entry.flags["notnext"] if w)):
                return False
        if "notprev" in entry.flags:
            before = norm[:a].rstrip().rsplit(None, 1)
            if before and before[-1] in entry.flags["notprev"]:
                return False
        if "ctx" in entry.flags:
            window = norm[max(0, a - 15) : b + 15]
            if any(w and w in window for w in entry.flags["ctx"]):
                return False
        return True

    # -- both -----------------------------------------------------------------------

    @staticmethod
    def _quoted_abuse_is_held(text: str, findings: list[Finding]) -> list[Finding]:
        # Abuse quoted inside testimony ("get up, you bitch", '이 간나 새끼야') goes to a
        # moderator instead of being refused: the guidelines call it borderline.
        if not any(q in text for q in "\"“‘'「『"):
            return findings
        quotes = [m.span() for m in _QUOTES.finditer(text)]
        out = []
        for f in findings:
            inside = any(a <= (f.start or 0) and (f.end or 0) <= b for a, b in quotes)
            if inside and f.decision is Decision.REJECT:
                f = Finding(f.reason, Decision.HOLD, f.start, f.end)
            out.append(f)
        return out
