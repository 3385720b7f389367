"""The classifier check holds abusive English comments for a moderator, reads neither
Korean nor the archive's own language about violence as abuse, scores a primed batch once,
and on the labelled evaluation set (tests/moderation) adds no false positive. The real
model from the alt-profanity-check wheel is used throughout."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from irum.discussion.moderation.base import Author, Comment, Context, Decision, Finding, Reason
from irum.discussion.moderation.classifier import DEFAULT_THRESHOLD, ClassifierCheck
from irum.discussion.moderation.pipeline import Pipeline
from irum.discussion.tests import evaluation

AUTHOR = Author("reader", "A reader", True)
REPO = Path(__file__).resolve().parents[3]


def findings(text: str, check: ClassifierCheck | None = None) -> list[Finding]:
    return (check or ClassifierCheck())(Comment("c1", text, AUTHOR), Context())


class CountingCheck(ClassifierCheck):
    """The real check, recording each batch it sends to the model."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def scores(self, texts: Sequence[str]) -> list[float | None]:
        self.batches.append(list(texts))
        return super().scores(texts)


@pytest.mark.parametrize(
    "text",
    [
        "You're a brainwashed idiot if you believe a word of this.",
        "These fucking MSS thugs should rot in their own cells.",
        "ｆｕｃｋ ｙｏｕ, 𝐢𝐝𝐢𝐨𝐭",  # fullwidth and styled letters are read as ASCII
    ],
)
def test_it_holds_an_abusive_english_comment(text):
    # Held, never rejected, and with no span: the model scores the comment as a whole.
    assert findings(text) == [Finding(Reason.PROFANITY, Decision.HOLD)]


@pytest.mark.parametrize(
    "text",
    [
        "Guards fired at the soldier",
        "He was tortured in detention",
        "sexual violence in holding centres",
        "killed at the border",
        "the guards beat him with rifle butts",
        "prisoners were stripped and searched",
        "The guards were ordered to shoot to kill.",
        "Sex trafficking of North Korean women in China",
        "It was a living hell.",
        "The rapist was never punished.",
        "Gay and lesbian North Koreans face double persecution.",
        "They killed her husband in front of the children.",
        "Women were stripped naked and searched by male guards.",
        "Torture, rape and murder were routine.",
    ],
)
def test_news_language_about_violence_passes(text):
    assert findings(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, Dick, for the translation.",
        "Dick Hansen wrote a good piece about this.",
        "Ho F.",
        "Ho F.'s testimony is heartbreaking.",
    ],
)
def test_first_names_that_are_also_vulgar_words_pass(text):
    assert findings(text) == []


def test_the_same_words_in_lower_case_are_still_read():
    assert findings("you are a dick") and findings("you dumb ho")


@pytest.mark.parametrize(
    "text",
    [
        "보위부 개새끼들 다 죽어라",
        "Irum 이 개새끼들아 꺼져",
        # A public pseudonym in a Korean comment: "Ho F." alone would score high.
        "Ho F. 님 증언에 따르면 경비대원들이 뇌물을 받고 수감자를 가벼운 작업반으로 옮겨 주었다고 하네요.",
    ],
)
def test_korean_comments_are_left_to_the_word_lists(text):
    check = ClassifierCheck()
    assert check.scores([text]) == [None]
    assert findings(text, check) == []


def test_a_comment_without_letters_is_not_scored():
    assert ClassifierCheck().scores(["👍👍", "12345", ""]) == [None, None, None]


def test_primed_scores_are_used():
    check = CountingCheck()
    batch = [
        "What the f*ck is wrong with the world that this is still going on?",
        "Thank you for recording cases like his.",
        "Irum 이 개새끼들아 꺼져",
    ]
    check.prime(batch)
    assert check.batches == [batch]  # one call to the model for the whole batch

    primed = [check(Comment(str(i), text, AUTHOR), Context()) for i, text in enumerate(batch)]
    assert check.batches == [batch]  # and none for the comments it had primed
    assert primed == [[Finding(Reason.PROFANITY, Decision.HOLD)], [], []]
    # A batch scores each text as a call on its own would.
    alone = [ClassifierCheck().score(text) for text in batch]
    assert check.scores(batch) == pytest.approx(alone)

    check(Comment("4", "An unprimed comment.", AUTHOR), Context())
    assert check.batches[-1] == ["An unprimed comment."]


def test_a_new_batch_replaces_the_last():
    check = CountingCheck()
    check.prime(["first batch"])
    check.prime(["second batch"])
    check.score("first batch")
    assert check.batches[-1] == ["first batch"]  # scored again: only one batch is kept


def test_the_threshold_is_a_constructor_argument():
    text = "What the f*ck is wrong with the world that this is still going on?"  # about 0.96
    assert findings(text, ClassifierCheck())
    assert findings(text, ClassifierCheck(threshold=0.99)) == []
    assert ClassifierCheck().threshold == DEFAULT_THRESHOLD
    with pytest.raises(ValueError):
        ClassifierCheck(threshold=0)


def test_importing_and_building_the_check_does_not_load_the_model():
    # In a fresh interpreter: this process has loaded the model already.
    code = (
        "import sys\n"
        "import irum.discussion.moderation.pipeline\n"
        "from irum.discussion.moderation.classifier import ClassifierCheck\n"
        "ClassifierCheck()\n"
        "loaded = sorted(m for m in ('profanity_check', 'sklearn', 'joblib') if m in sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=120)


def test_on_the_evaluation_set_it_holds_no_clean_comment():
    rows = evaluation.comments()
    check = ClassifierCheck()
    check.prime([row["text"] for row in rows])
    held = {
        row["id"]
        for row in rows
        if check(Comment(row["id"], row["text"], evaluation.author_of(row)), Context())
    }
    false_positives = sorted(
        row["id"] for row in rows if row["expected"] == "publish" and row["id"] in held
    )
    caught = [row["id"] for row in rows if row["expected"] != "publish" and row["id"] in held]
    print(f"\nclassifier alone: {len(caught)} violations held, false positives {false_positives}")
    assert false_positives == []
    # The default threshold was chosen on this set with this model: 16 English violations
    # score above every clean comment. Fewer means the model changed; choose it again.
    assert len(caught) >= 16


def test_appended_to_the_default_pipeline_it_adds_no_false_positive():
    from irum.discussion.moderation.names import name_digests
    from irum.vault.crypto import blind_index

    context = Context(
        reserved_names=("A. Reporter", "Irum demo desk", "Irum 데모 데스크"),
        protected_digests=name_digests(evaluation.protected_names(), blind_index),
    )
    classifier = ClassifierCheck()
    pipeline = Pipeline([*Pipeline.default().checks, classifier])
    rows = evaluation.comments()
    classifier.prime([row["text"] for row in rows])
    violations = caught = 0
    false_positives = []
    for row in rows:  # in file order, with each author's history, as `irum moderate` does
        author = evaluation.author_of(row)
        result = pipeline.moderate(Comment(row["id"], row["text"], author), context)
        if author is not None:
            context.history.setdefault(author.username, []).append(row["text"])
        if row["expected"] == "publish":
            if result.decision is not Decision.PUBLISH:
                false_positives.append(row["id"])
        else:
            violations += 1
            caught += result.decision is not Decision.PUBLISH
    print(f"\nwith the classifier: recall {caught}/{violations}, false positives {false_positives}")
    assert false_positives == []
    assert caught / violations >= 0.9
