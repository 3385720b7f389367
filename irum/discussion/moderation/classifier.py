"""The profanity classifier check: a model that ships inside a pip package (issue 7).

`ClassifierCheck` scores English comments with alt-profanity-check (a TF-IDF + linear SVM
model, calibrated to a probability, inside the wheel: nothing is downloaded) and holds a
comment that scores at or above the threshold for a moderator, as profanity. It never
rejects: a classifier is a second pair of eyes beside the curated word lists
(irum.discussion.moderation.lexicon), not a judge. It gives no span: the model scores the
comment as a whole.

What it does not read:

- Korean. The model knows English only, so a comment whose letters are mostly Hangul (or
  any other non-Latin script) is left to the word lists.
- The archive's own subject. The model was trained on social-media comments, where "kill",
  "rape", "shot", "hell" and "sex" mostly come with abuse; here they come with testimony
  ("shoot to kill" orders, "sex trafficking", "it was a living hell"), and on their own
  they push such sentences over any useful threshold. Those words are taken out before
  the model reads the text (`NEUTRAL_WORDS`), so the rest of the sentence decides.
- First names that are also vulgar words: a capitalised "Dick" (a commenter's name, as the
  word lists take it too) and "Ho" (a Korean surname, as in the public pseudonym "Ho F.").

Loading the model takes about a second and imports scikit-learn, so it happens on the first
comment scored, once per process, never on import or when the pipeline is built.
`prime()` scores a batch in one vectorised call, which `irum moderate` uses: sklearn's
overhead per call is much larger than the cost of one more row.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence

from irum.discussion.moderation.base import Comment, Context, Decision, Finding, Reason

# Chosen on tests/moderation/comments.jsonl (English, with the words below taken out): the
# highest clean comment scores 0.702 ("the bastard title page", a printing term) and the
# violations above it start at 0.799. 0.75 is midway, so neither side sits on the edge.
DEFAULT_THRESHOLD = 0.75

# Words of testimony and news about the archive's subject (killing, shooting, sexual
# violence, torture, death, detention searches) and neutral identity words, which the model
# scores as abusive by themselves. Insults and swearing are not here: "bastards",
# "stupid" and "crap" still count, whatever their target.
NEUTRAL_WORDS = frozenset(
    """
    kill kills killed killing killings killer killers
    shoot shoots shooting shootings shot shots
    rape rapes raped raping rapist rapists
    sex sexual sexually naked nude strip stripped stripping
    murder murders murdered murderer murderers
    execute executed execution executions
    dead death deaths die died dying blood bloody corpse corpses body bodies
    torture tortured torturing hell hellish
    gay gays lesbian lesbians black
    prostitution prostitute prostitutes trafficking abortion abortions
    """.split()
)

# Capitalised, these are names, not words (case-sensitive on purpose: "dick" and "ho" in
# lower case are still read).
_NAMES = re.compile(r"\b(?:Dick|Ho)\b")

# The end of Latin Extended-B: after NFKC, English (accented or not) is below it.
_LATIN_END = "\u0250"


@functools.cache
def _predict_prob() -> Callable[[list[str]], Sequence[float]]:
    """The package's scorer. Importing it loads the model from the wheel (joblib), so this
    is done on first use and kept for the life of the process."""
    from profanity_check import predict_prob

    return predict_prob


def _english(text: str) -> str | None:
    """TEXT as the model should read it, or None when the model cannot read it: no
    letters, or mostly Hangul (or another script that is not Latin)."""
    if text.isascii():
        return text if any(c.isalpha() for c in text) else None
    # Fullwidth and styled letters (ｆｕｃｋ, 𝐟𝐮𝐜𝐤) are ASCII to the model only after NFKC.
    text = unicodedata.normalize("NFKC", text)
    letters = latin = 0
    for c in text:
        if c.isalpha():
            letters += 1
            latin += c < _LATIN_END
    if latin * 2 <= letters:
        return None
    return text


class ClassifierCheck:
    """Holds an English comment for a moderator, as profanity, when the classifier's
    probability reaches THRESHOLD."""

    name = "classifier"

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        neutral_words: Iterable[str] = NEUTRAL_WORDS,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
        self.threshold = threshold
        words = sorted({w.lower() for w in neutral_words}, key=len, reverse=True)
        self._neutral = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
            if words
            else None
        )
        # Scores of the last primed batch, by text; None for a text the model does not read.
        self._primed: dict[str, float | None] = {}

    def _prepare(self, text: str) -> str | None:
        english = _english(text)
        if english is None:
            return None
        english = _NAMES.sub(" ", english)
        if self._neutral is not None:
            english = self._neutral.sub(" ", english)
        return english

    def scores(self, texts: Sequence[str]) -> list[float | None]:
        """The probability that each text is abusive, in one call to the model; None for a
        text it does not read (Korean, or no letters)."""
        prepared = [self._prepare(text) for text in texts]
        to_score = [p for p in prepared if p is not None]
        if not to_score:
            return [None] * len(texts)
        scored = iter(float(s) for s in _predict_prob()(to_score))
        return [None if p is None else next(scored) for p in prepared]

    def prime(self, texts: list[str]) -> None:
        """Score a batch at once for the calls that follow. The batch replaces the last one,
        so memory stays at one batch however long the input; a text not in it is scored on
        its own when it comes."""
        self._primed = dict(zip(texts, self.scores(texts), strict=True))

    def score(self, text: str) -> float | None:
        """The primed score of TEXT if there is one, else the model's score now."""
        try:
            return self._primed[text]
        except KeyError:
            return self.scores([text])[0]

    def __call__(self, comment: Comment, context: Context) -> list[Finding]:
        score = self.score(comment.text)
        if score is None or score < self.threshold:
            return []
        # Hold, never reject: the model is wrong often enough that a person decides.
        return [Finding(Reason.PROFANITY, Decision.HOLD)]
