"""The moderation pipeline: ordered, pluggable checks, one verdict per comment.

Each check returns findings (irum.discussion.moderation.base). The verdict keeps the
strictest decision among them (reject over hold over publish), every reason once in the
order the checks found them, and the spans with their reasons for the moderator's
highlighting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from irum.discussion.moderation.base import Check, Comment, Context, Decision, Finding, Reason
from irum.discussion.moderation.strikes import Standing

if TYPE_CHECKING:
    from irum.discussion.moderation.names import NameIndex


# Reasons that settle the decision (reject) before the text is read further.
FINAL = frozenset({Reason.UNSIGNED, Reason.TOO_LONG, Reason.BLOCKED_AUTHOR})


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    reasons: tuple[str, ...]
    spans: tuple[tuple[int, int, str], ...]  # (start, end, reason), in text order

    def as_dict(self, comment_id: str) -> dict[str, object]:
        """The verdict as `irum moderate` writes it, one JSON object a line."""
        return {
            "id": comment_id,
            "decision": self.decision.label,
            "reasons": list(self.reasons),
            "spans": [list(span) for span in self.spans],
        }


def verdict(findings: Sequence[Finding]) -> Verdict:
    decision = max((f.decision for f in findings), default=Decision.PUBLISH)
    reasons = tuple(dict.fromkeys(f.reason for f in findings))
    spans = sorted(
        {(f.start, f.end, f.reason) for f in findings if f.start is not None and f.end is not None}
    )
    return Verdict(decision, reasons, tuple(spans))  # type: ignore[arg-type]


class Pipeline:
    def __init__(self, checks: Sequence[Check]) -> None:
        self.checks = tuple(checks)

    @classmethod
    def default(cls, index: NameIndex | None = None) -> Pipeline:
        """Every check, in the order a moderator reads them: who wrote it, how long it is,
        what it says about people, then the words. INDEX finds the protected names (the
        vault's blind index, with the configured key unless given)."""
        from irum.discussion.moderation.checks import (
            LengthCheck,
            RateCheck,
            SignatureCheck,
            SpamCheck,
        )
        from irum.discussion.moderation.classifier import ClassifierCheck
        from irum.discussion.moderation.contacts import ContactCheck
        from irum.discussion.moderation.defamation import DefamationCheck
        from irum.discussion.moderation.lexicon import LexiconCheck
        from irum.discussion.moderation.names import NameIndex, ProtectedNameCheck

        index = index or NameIndex()

        return cls(
            [
                SignatureCheck(),
                LengthCheck(),
                ProtectedNameCheck(index),
                ContactCheck(),
                DefamationCheck(index),
                SpamCheck(),
                RateCheck(),
                LexiconCheck(),
                # Last: English abuse the word lists lack (a model shipped in its wheel).
                ClassifierCheck(),
            ]
        )

    def prime(self, texts: list[str]) -> None:
        """Let checks that are faster in batches (a classifier) score TEXTS together
        before they are moderated one by one (`irum moderate`)."""
        for check in self.checks:
            prime = getattr(check, "prime", None)
            if prime is not None and texts:
                prime(texts)

    def moderate(
        self, comment: Comment, context: Context, standing: Standing | None = None
    ) -> Verdict:
        """The verdict on COMMENT. With the author's STANDING: a blocked or suspended
        author is refused unread; a pre-moderated author's comment is held even when
        nothing is found in it (reason blocked_author)."""
        if standing is not None and not standing.may_post(context.now):
            return Verdict(Decision.REJECT, (Reason.BLOCKED_AUTHOR,), ())
        result = self._run(comment, context)
        if (
            standing is not None
            and standing.premoderated(context.now)
            and result.decision is Decision.PUBLISH
        ):
            return Verdict(Decision.HOLD, (*result.reasons, Reason.BLOCKED_AUTHOR), result.spans)
        return result

    def _run(self, comment: Comment, context: Context) -> Verdict:
        findings: list[Finding] = []
        for check in self.checks:
            found = check(comment, context)
            findings.extend(found)
            if any(f.reason in FINAL for f in found):
                # Refused whatever else it says, and checked again in full once the author
                # signs or shortens it; a 500-word comment is also the costliest to read.
                break
        return verdict(findings)
