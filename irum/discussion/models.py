"""Reader accounts, comments, flags, strikes and appeals (issue 7).

A comment is always signed: its author is an account, and the name shown is the account's
display name (Reader.display_name), never a field of the comment. Every comment goes
through the moderation pipeline (irum.discussion.moderation) when it is posted and again
each time it is edited; the pipeline's decision, its reasons and the spans it found are
kept on the comment for the author and the moderator to read.

A strike is one rejected comment. The author's standing (pre-moderated, suspended,
blocked) is replayed from their strikes (moderation.strikes), so a moderator who overturns
a rejection cancels its strike and the standing follows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from irum.discussion.moderation.base import Reason

DISPLAY_NAME_MAX = 40
# A comment of 400 words is about 3,000 characters in English and fewer in Korean. A
# longer text is refused as too long and kept in the form; past this it is not even read.
TEXT_MAX_CHARS = 10_000

# The reasons as moderators read them in the queue: short, one word or two.
REASON_NAMES = {
    Reason.PROFANITY: _("profanity"),
    Reason.OBSCENITY: _("obscenity"),
    Reason.PERSONAL_ATTACK: _("personal attack"),
    Reason.HARASSMENT: _("harassment"),
    Reason.DEFAMATION: _("defamation"),
    Reason.SEXISM: _("sexism"),
    Reason.RACISM: _("racism"),
    Reason.PRIVACY: _("privacy"),
    Reason.UNSIGNED: _("unsigned"),
    Reason.IMPERSONATION: _("impersonation"),
    Reason.TOO_LONG: _("too long"),
    Reason.SPAM: _("spam"),
    Reason.BLOCKED_AUTHOR: _("author restricted"),
}

# The reasons as the comment's author reads them: what the comment may contain.
REASON_LABELS = {
    Reason.PROFANITY: _("profanity"),
    Reason.OBSCENITY: _("obscenity"),
    Reason.PERSONAL_ATTACK: _("a personal attack"),
    Reason.HARASSMENT: _("harassment"),
    Reason.DEFAMATION: _("a possibly defamatory claim about a named person"),
    Reason.SEXISM: _("sexism"),
    Reason.RACISM: _("racism"),
    Reason.PRIVACY: _(
        "private information about a person (a name the archive protects, a phone number, an e-mail or street address, an ID number)"
    ),
    Reason.UNSIGNED: _("no signature"),
    Reason.IMPERSONATION: _("a signature in someone else's name"),
    Reason.TOO_LONG: _("more than 400 words"),
    Reason.SPAM: _("links, advertising or a repeated comment"),
    Reason.BLOCKED_AUTHOR: _("the account's commenting restrictions"),
}


class Reader(models.Model):
    """The public side of an account that comments. Staff accounts have none."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="reader",
    )
    display_name = models.CharField(_("display name"), max_length=DISPLAY_NAME_MAX)
    # The display name as compared (moderation.checks._fold): unique, so that two readers
    # cannot take names that differ only in case, spacing or look-alike digits.
    display_key = models.CharField(max_length=DISPLAY_NAME_MAX * 2, unique=True, editable=False)
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    # A moderator's block, beyond the automatic steps; lifted when an appeal is granted.
    blocked_at = models.DateTimeField(_("blocked by a moderator"), null=True, blank=True)
    block_reason = models.TextField(_("reason for the block"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reader")
        verbose_name_plural = _("readers")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held for a moderator")
    REJECTED = "rejected", _("Rejected")
    REMOVED = "removed", _("Removed by a moderator")
    WITHDRAWN = "withdrawn", _("Withdrawn by its author")


class Comment(models.Model):
    story = models.ForeignKey(
        "stories.Story",
        verbose_name=_("story"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    case = models.ForeignKey(
        "archive.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="comments",
    )
    # Replies are one level deep: a reply to a reply answers the same first comment.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    text = models.TextField(_("text"), max_length=TEXT_MAX_CHARS)
    status = models.CharField(_("status"), max_length=12, choices=CommentStatus.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # [[start, end, reason], ...] in the text: the moderator's highlighting.
    spans = models.JSONField(_("spans"), default=list, blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    decision_note = models.TextField(_("note to the author"), blank=True)
    # A comment that put someone at risk (a family's phone number, a protected name) may
    # have its text erased by a moderator, from its history rows too: the one place where
    # keeping everything would do harm. Who wrote it, when, and the decision are kept.
    erased_at = models.DateTimeField(_("text erased"), null=True, blank=True)
    flag_count = models.PositiveIntegerField(_("flags"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        permissions = [("moderate_comment", _("Can moderate reader comments"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(story__isnull=False, case__isnull=True)
                | Q(story__isnull=True, case__isnull=False),
                name="comment_on_a_story_or_a_case",
            )
        ]
        indexes = [
            models.Index(fields=["story", "status", "created_at"], name="comment_story_thread"),
            models.Index(fields=["case", "status", "created_at"], name="comment_case_thread"),
            models.Index(fields=["author", "created_at"], name="comment_author_recent"),
            models.Index(fields=["status", "created_at"], name="comment_queue"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def target(self) -> models.Model:
        return self.story if self.story_id else self.case  # type: ignore[return-value]

    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS.get(r, r)) for r in self.reasons]

    def reason_names(self) -> list[str]:
        return [str(REASON_NAMES.get(r, r)) for r in self.reasons]


class Flag(models.Model):
    class Why(models.TextChoices):
        ABUSE = "abuse", _("Abusive or hateful")
        PRIVACY = "privacy", _("Puts someone's privacy or safety at risk")
        FALSE = "false", _("A false accusation against a person")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="flags")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    why = models.CharField(_("why"), max_length=10, choices=Why.choices)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader"], name="one_flag_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.get_why_display()} ({self.comment_id})"


class Strike(models.Model):
    """One rejected comment, counted towards its author's standing."""

    class Origin(models.TextChoices):
        PIPELINE = "pipeline", _("Rejected on posting")
        MODERATOR = "moderator", _("Rejected by a moderator")
        BATCH = "batch", _("Rejected by `irum moderate`")

    # The account's username: `irum moderate` reads authors by username and may meet
    # ones with no account here; `user` is set when there is one.
    username = models.CharField(_("username"), max_length=150, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="strikes",
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="strikes"
    )
    reasons = models.JSONField(_("reasons"), default=list)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    created_at = models.DateTimeField(_("time"), db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("strike")
        verbose_name_plural = _("strikes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.username} {self.created_at:%Y-%m-%d}"


class Appeal(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        GRANTED = "granted", _("Granted")
        DENIED = "denied", _("Denied")

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    text = models.TextField(_("appeal"), max_length=4000)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("filed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    response = models.TextField(_("answer to the reader"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_state_display()})"
