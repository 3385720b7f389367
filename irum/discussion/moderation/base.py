"""The moderation pipeline's vocabulary: what a check sees, and what it says.

A check looks at one comment (its text and its author) with what the pipeline knows
beside it (the author's history, the names the archive protects) and returns findings:
a reason from the fixed vocabulary, the decision that reason calls for, and where in the
text it was found. The pipeline (irum.discussion.moderation.pipeline) runs the checks in
order and keeps the strictest decision: reject over hold over publish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol


class Digests(Protocol):
    """The protected names' digests: a frozenset in memory (`irum moderate`) or the
    ProtectedName table (the site), asked once a comment."""

    def __bool__(self) -> bool: ...

    def intersection(self, digests: Iterable[str], /) -> frozenset[str] | set[str]: ...


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
    protected_digests: Digests = frozenset()
    # The author's comments in the last few minutes (the site counts them; a batch has no
    # clock): a burst is held as spam (checks.RateCheck).
    recent_posts: int = 0
    # The time the standing is judged at (a suspension ends): now, or the batch's clock.
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


class Check(Protocol):
    """One step of the pipeline."""

    name: str

    def __call__(self, comment: Comment, context: Context) -> list[Finding]: ...
