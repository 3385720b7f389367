"""Reads for reader comments: threads, standings, and what the pipeline knows beside a
comment (the reserved names, the author's history, the protected names)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone

from irum.archive.models import Case, ProtectedName
from irum.discussion.models import Comment, CommentStatus, Reader, Strike
from irum.discussion.moderation import strikes
from irum.discussion.moderation.pipeline import Pipeline
from irum.stories.models import Author, Story

# How far back the pipeline looks for an author's repeated comments.
HISTORY_DAYS = 30
HISTORY_COMMENTS = 20
_LOOKUP_CHUNK = 500  # parameters per query: far under SQLite's and PostgreSQL's limits


class StoredDigests:
    """The ProtectedName table as the name check asks it: all of a comment's candidate
    digests in one query (moderation.base.Digests)."""

    def __bool__(self) -> bool:
        return True

    def intersection(self, digests: Iterable[str], /) -> set[str]:
        wanted = list(dict.fromkeys(digests))
        found: set[str] = set()
        for i in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[i : i + _LOOKUP_CHUNK]
            found.update(
                ProtectedName.objects.filter(digest__in=chunk).values_list("digest", flat=True)
            )
        return found


def all_protected_digests() -> frozenset[str]:
    """Every protected digest in memory, for a batch (`irum moderate`)."""
    return frozenset(
        ProtectedName.objects.values_list("digest", flat=True).distinct().iterator(chunk_size=5000)
    )


@cache
def pipeline() -> Pipeline:
    """The site's pipeline, built once per process (the word lists are read once)."""
    return Pipeline.default()


def reserved_names() -> tuple[str, ...]:
    """Names a reader may not take or sign with: staff accounts and story authors."""
    User = get_user_model()
    names: list[str] = list(Author.objects.values_list("name", flat=True))
    for username, first, last in User.objects.filter(is_staff=True).values_list(
        "username", "first_name", "last_name"
    ):
        names.append(username)
        full = f"{first} {last}".strip()
        if full:
            names += [full, f"{last} {first}".strip(), f"{last}{first}"]
    return tuple(n for n in names if n)


def thresholds() -> strikes.Thresholds:
    return strikes.Thresholds(
        rejections=settings.IRUM_STRIKES_PER_STEP,
        window=dt.timedelta(days=settings.IRUM_STRIKE_WINDOW_DAYS),
        suspension=dt.timedelta(days=settings.IRUM_SUSPENSION_DAYS),
    )


def active_strikes(user: Model) -> QuerySet[Strike]:
    return Strike.objects.filter(user=user, cancelled_at__isnull=True)


def standing_of(user: Model) -> strikes.Standing:
    """The account's standing: replayed from its strikes, or blocked by a moderator."""
    reader = Reader.objects.filter(user=user).only("blocked_at").first()
    blocked_at = reader.blocked_at if reader is not None else None
    if blocked_at is not None:  # no need to read the strikes
        return standing_from(blocked_at, [])
    return standing_from(None, active_strikes(user).values_list("created_at", flat=True))


def standing_from(
    blocked_at: dt.datetime | None, strike_times: Iterable[dt.datetime]
) -> strikes.Standing:
    """The standing from what was read already (a list of readers reads it for all)."""
    if blocked_at is not None:
        return strikes.Standing(strikes.Level.BLOCKED, since=blocked_at)
    return strikes.standing(strike_times, thresholds())


def history_texts(user: Model) -> list[str]:
    """The author's recent comments, oldest first: what a repeat is compared with."""
    since = timezone.now() - dt.timedelta(days=HISTORY_DAYS)
    texts = (
        Comment.objects.filter(author=user, created_at__gte=since)
        .exclude(status=CommentStatus.WITHDRAWN)
        .order_by("-created_at")
        .values_list("text", flat=True)[:HISTORY_COMMENTS]
    )
    return list(reversed(texts))


def recent_posts(user: Model) -> int:
    since = timezone.now() - dt.timedelta(minutes=settings.IRUM_COMMENT_RATE_MINUTES)
    return Comment.objects.filter(author=user, created_at__gte=since).count()


def edit_deadline(comment: Comment) -> dt.datetime:
    return comment.created_at + dt.timedelta(minutes=settings.IRUM_COMMENT_EDIT_MINUTES)


def may_edit(comment: Comment, user: Model, now: dt.datetime | None = None) -> bool:
    """The author may edit until the window closes, unless a moderator has decided."""
    return (
        comment.author_id == getattr(user, "pk", None)
        and comment.decided_by_id is None
        and comment.status in (CommentStatus.PUBLISHED, CommentStatus.HELD, CommentStatus.REJECTED)
        and (now or timezone.now()) < edit_deadline(comment)
    )


def _target_filter(target: Story | Case) -> Q:
    return Q(story=target) if isinstance(target, Story) else Q(case=target)


@dataclass(frozen=True)
class Thread:
    comments: list[Comment]  # first comments, each with `.shown_replies`
    published: int


def thread(target: Story | Case, viewer: Model | None = None) -> Thread:
    """The comments readers see on TARGET, oldest first, with their replies; and the
    viewer's own comments in any state but withdrawn, so that an author sees hers held
    or rejected with the reasons. A fixed number of queries, whatever the thread's size."""
    shown = Q(status=CommentStatus.PUBLISHED)
    if viewer is not None and getattr(viewer, "is_authenticated", False):
        shown |= Q(author=viewer) & ~Q(status=CommentStatus.WITHDRAWN)
    base = Comment.objects.filter(_target_filter(target)).filter(shown)
    replies = base.filter(parent__isnull=False).select_related("author__reader")
    first = list(
        base.filter(parent__isnull=True)
        .select_related("author__reader")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="shown_replies"))
    )
    published = Comment.objects.filter(
        _target_filter(target), status=CommentStatus.PUBLISHED
    ).count()
    return Thread(first, published)


def author_comments(user: Model) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(author=user)
        .exclude(status=CommentStatus.WITHDRAWN)
        .select_related("story", "case")
        .order_by("-created_at")
    )
