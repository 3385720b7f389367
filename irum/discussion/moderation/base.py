"""The moderation pipeline's vocabulary: what a check sees, and what it says.

A check looks at one comment (its text and its author) with what the pipeline knows
beside it (the author's history, the names the archive protects) and returns findings:
a reason from the fixed vocabulary, the decision that reason calls for, and where in the
text it was found. The pipeline (irum.discussion.moderation.pipeline) runs the checks in
order and keeps the strictest decision: reject over hold over publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol


class Reason:
    """The fixed vocabulary (issue 7). Stored, exported and shown to moderators as is."""

    PROFANITY = "profanity"
    OBSCENITY = "obscenity"
    PERSONAL_ATTACK = "personal_attack"
    HARASSMENT = "harassment"
    DEFAMATION = "defamation"
    SEXISM = "sexism"
    RACISM = "racism"
    PRIVACY = "privacy"
    UNSIGNED = "unsigned"
    IMPERSONATION = "impersonation"
    TOO_LONG = "too_long"
    SPAM = "spam"
    BLOCKED_AUTHOR = "blocked_author"

    ALL = (
        PROFANITY,
        OBSCENITY,
        PERSONAL_ATTACK,
        HARASSMENT,
        DEFAMATION,
        SEXISM,
        RACISM,
        PRIVACY,
        UNSIGNED,
        IMPERSONATION,
        TOO_LONG,
        SPAM,
        BLOCKED_AUTHOR,
    )


class Decision(IntEnum):
    # Ordered by strictness: the pipeline keeps the highest.
    PUBLISH = 0
    HOLD = 1
    REJECT = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Author:
    username: str
    display_name: str
    email_verified: bool = False


@dataclass(frozen=True)
class Comment:
    id: str
    text: str
    author: Author | None


@dataclass(frozen=True)
class Finding:
    reason: str  # one of Reason.ALL
    decision: Decision
    start: int | None = None  # the span in the comment's text, when there is one
    end: int | None = None


@dataclass
class Context:
    """What the checks know beside the comment. Filled by the caller: the site (from
    the database) or `irum moderate` (from its input and its in-memory history)."""

    # Display names a commenter may not take or imitate: staff, story authors, the site.
    reserved_names: tuple[str, ...] = ()
    # Earlier comments by author username, oldest first (texts only): repeats and rate.
    history: dict[str, list[str]] = field(default_factory=dict)
    # Blind-index digests of the names the archive protects (irum.vault.crypto.blind_index
    # of each name, Korean name and alias): names are matched without being decrypted.
    protected_digests: frozenset[str] = frozenset()


class Check(Protocol):
    """One step of the pipeline."""

    name: str

    def __call__(self, comment: Comment, context: Context) -> list[Finding]: ...
