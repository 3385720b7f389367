"""Writes for reader comments (issue 7): accounts, comments, flags, moderation, strikes,
blocks and appeals. Views, the admin and `irum moderate` come through here.

Every comment is moderated when it is posted and each time it is edited
(irum.discussion.moderation). Moderators' actions, registrations, renames, blocks and
appeals are audited in the same transaction as the change; comments keep their history
rows (simple_history), so an edited or removed comment can always be read as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from irum.archive.models import Case
from irum.audit.services import audit_record
from irum.discussion import selectors
from irum.discussion.models import (
    DISPLAY_NAME_MAX,
    TEXT_MAX_CHARS,
    Appeal,
    Comment,
    CommentStatus,
    Flag,
    Reader,
    Strike,
)
from irum.discussion.moderation import base
from irum.discussion.moderation.base import Decision, Reason
from irum.discussion.moderation.checks import _fold as display_key
from irum.discussion.moderation.checks import imitates
from irum.discussion.moderation.pipeline import Verdict
from irum.discussion.moderation.strikes import NOT_A_STRIKE, Level, Standing
from irum.lib import pagecache
from irum.stories.models import Story

Actor = AbstractBaseUser | None
VERIFY_SALT = "irum.discussion.verify-email"
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,30}$")


class Refused(Exception):
    """A comment that is not taken at all (too long, or the author may not post): the
    message says why, in the reader's language, and the form keeps the text."""

    def __init__(self, message: str, *, reasons: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.reasons = reasons


# Accounts


def _name_taken() -> str:
    return _("Another reader already uses this name, or one that looks the same.")


def display_name_problems(name: str, *, reader: Reader | None = None) -> list[str]:
    """Why NAME may not be a reader's display name, if it may not."""
    name = " ".join(name.split())
    if len(name) < 2:
        return [_("Choose a display name of at least 2 characters.")]
    if len(name) > DISPLAY_NAME_MAX:
        return [_("A display name has at most %(max)d characters.") % {"max": DISPLAY_NAME_MAX}]
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in name):
        return [_("A display name may not contain control or invisible characters.")]
    key = display_key(name)
    if len(key) < 2:
        return [_("A display name needs letters or digits.")]
    if imitates(name, selectors.reserved_names()):
        return [
            _(
                "This name belongs to, or looks like, the site's staff or a story's author. "
                "Choose a name of your own."
            )
        ]
    others = Reader.objects.filter(display_key=key)
    if reader is not None:
        others = others.exclude(pk=reader.pk)
    if others.exists():
        return [_name_taken()]
    return []


@transaction.atomic
def reader_register(
    *,
    username: str,
    email: str,
    display_name: str,
    password: str,
    language: str = "en",
) -> Reader:
    """A new reader account, not yet verified: it may comment once its e-mail address is
    confirmed (reader_verify_email)."""
    User = get_user_model()
    errors: dict[str, list[str]] = {}
    username = username.strip()
    email = email.strip().lower()
    display_name = " ".join(display_name.split())
    if not USERNAME.match(username):
        errors["username"] = [
            _("Use 3 to 30 letters, digits, dots, hyphens or underscores for the username.")
        ]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken.")]
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account with this e-mail address already exists.")]
    if problems := display_name_problems(display_name):
        errors["display_name"] = problems
    if "username" not in errors and imitates(username, selectors.reserved_names()):
        errors["username"] = [_("This username belongs to, or looks like, the site's staff.")]
    candidate = User(username=username, email=email)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(username=username, email=email, password=password)
    try:
        with transaction.atomic():
            reader = Reader.objects.create(
                user=user,
                display_name=display_name,
                display_key=display_key(display_name),
                language=language if language in ("en", "ko") else "en",
            )
    except IntegrityError:  # the same name taken a moment ago by someone else
        raise ValidationError({"display_name": [_name_taken()]}) from None
    audit_record(actor=user, kind="create", record=reader, summary="reader registered")
    return reader


def verification_token(reader: Reader) -> str:
    # The address is inside the token: a token sent before the address changed opens
    # nothing.
    return signing.dumps({"r": reader.pk, "e": reader.user.email}, salt=VERIFY_SALT)


def send_verification(reader: Reader, *, link: str) -> None:
    """Mail the reader a link (LINK, ending with the token) that confirms the address."""
    with translation.override(reader.language):
        subject = _("Confirm your e-mail address for Irum")
        body = _(
            "Hello %(name)s,\n\nSomeone (we hope you) opened a reader account on Irum with "
            "this address. To comment, confirm the address by opening this link within "
            "%(days)d days:\n\n%(link)s\n\nIf it was not you, ignore this message.\n"
        ) % {"name": reader.display_name, "link": link, "days": settings.IRUM_EMAIL_VERIFY_DAYS}
    send_mail(subject, body, None, [reader.user.email])


@transaction.atomic
def reader_verify_email(*, token: str) -> Reader:
    try:
        data = signing.loads(
            token, salt=VERIFY_SALT, max_age=dt.timedelta(days=settings.IRUM_EMAIL_VERIFY_DAYS)
        )
    except signing.SignatureExpired:
        raise ValidationError(_("This link has expired. Sign in and ask for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid.")) from None
    reader = (
        Reader.objects.select_for_update()
        .select_related("user")
        .filter(pk=data.get("r") if isinstance(data, dict) else None)
        .first()
    )
    if reader is None or reader.user.email != data.get("e"):
        raise ValidationError(_("This link is not valid."))
    if reader.email_verified_at is None:
        reader.email_verified_at = timezone.now()
        reader.save(update_fields=["email_verified_at"])
        audit_record(actor=reader.user, kind="update", record=reader, summary="e-mail verified")
    return reader


@transaction.atomic
def reader_rename(*, reader: Reader, display_name: str) -> Reader:
    display_name = " ".join(display_name.split())
    if display_name == reader.display_name:
        return reader
    if problems := display_name_problems(display_name, reader=reader):
        raise ValidationError({"display_name": problems})
    before = reader.display_name
    reader.display_name = display_name
    reader.display_key = display_key(display_name)
    try:
        with transaction.atomic():
            reader.save(update_fields=["display_name", "display_key"])
    except IntegrityError:
        raise ValidationError({"display_name": [_name_taken()]}) from None
    audit_record(
        actor=reader.user,
        kind="update",
        record=reader,
        summary="reader renamed",
        changes={"display_name": [before, display_name]},
    )
    # Published comments show the name: their pages are rendered afresh.
    pagecache.clear_on_commit()
    return reader


# Comments


def _moderate(user: Any, reader: Reader, text: str, standing: Standing) -> Verdict:
    context = base.Context(
        reserved_names=selectors.reserved_names(),
        history={user.username: selectors.history_texts(user)},
        protected_digests=selectors.StoredDigests(),
        recent_posts=selectors.recent_posts(user),
        now=timezone.now(),
    )
    comment = base.Comment(
        id="", text=text, author=base.Author(user.username, reader.display_name, True)
    )
    return selectors.pipeline().moderate(comment, context, standing)


def refusal_message(standing: Standing) -> str:
    if standing.level is Level.SUSPENDED and standing.until is not None:
        return _(
            "Your account may not comment until %(until)s, after repeated breaches of the "
            "comment guidelines. You may appeal from your account page."
        ) % {"until": timezone.localtime(standing.until).strftime("%Y-%m-%d %H:%M UTC")}
    return _(
        "Your account is blocked from commenting, after repeated breaches of the comment "
        "guidelines. You may appeal from your account page."
    )


def _check_may_post(user: Any) -> tuple[Reader, Standing]:
    reader = Reader.objects.filter(user=user).first() if user is not None else None
    if reader is None or not user.is_active:
        raise Refused(_("Sign in with a reader account to comment."))
    if not reader.email_verified:
        raise Refused(_("Confirm your e-mail address before you comment."))
    standing = selectors.standing_of(user)
    if not standing.may_post(timezone.now()):
        raise Refused(refusal_message(standing), reasons=(Reason.BLOCKED_AUTHOR,))
    return reader, standing


def _clean_text(text: str) -> str:
    text = (text or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": [_("Write something first.")]})
    if len(text) > TEXT_MAX_CHARS:
        raise Refused(
            _("This comment is over 400 words. Shorten it and post it again."),
            reasons=(Reason.TOO_LONG,),
        )
    return text


def _apply_verdict(comment: Comment, verdict: Verdict, now: dt.datetime) -> None:
    comment.reasons = list(verdict.reasons)
    comment.spans = [list(s) for s in verdict.spans]
    if verdict.decision is Decision.PUBLISH:
        comment.status = CommentStatus.PUBLISHED
        comment.published_at = comment.published_at or now
    elif verdict.decision is Decision.HOLD:
        comment.status = CommentStatus.HELD
    else:
        comment.status = CommentStatus.REJECTED


def _strike(comment: Comment, *, origin: str, reasons: list[str], when: dt.datetime) -> None:
    counted = [r for r in reasons if r not in NOT_A_STRIKE]
    if origin == Strike.Origin.PIPELINE and not counted:
        return
    Strike.objects.create(
        username=comment.author.username,
        user=comment.author,
        comment=comment,
        reasons=counted or reasons,
        origin=origin,
        created_at=when,
    )


def _refuse_if_final(verdict: Verdict, standing: Standing) -> None:
    if Reason.TOO_LONG in verdict.reasons:
        raise Refused(
            _("This comment is over 400 words. Shorten it and post it again."),
            reasons=(Reason.TOO_LONG,),
        )
    if verdict.reasons == (Reason.BLOCKED_AUTHOR,) and verdict.decision is Decision.REJECT:
        raise Refused(refusal_message(standing), reasons=verdict.reasons)


@transaction.atomic
def comment_post(
    *, author: Any, target: Story | Case, text: str, parent: Comment | None = None
) -> Comment:
    """Post TEXT on TARGET (a published story or a public case) as AUTHOR, moderated."""
    reader, standing = _check_may_post(author)
    text = _clean_text(text)
    if parent is not None:
        if parent.target != target or parent.status != CommentStatus.PUBLISHED:
            raise ValidationError({"parent": [_("You can only reply to a published comment.")]})
        parent = parent.parent or parent  # one level of replies
    verdict = _moderate(author, reader, text, standing)
    _refuse_if_final(verdict, standing)
    now = timezone.now()
    comment = Comment(
        story=target if isinstance(target, Story) else None,
        case=target if isinstance(target, Case) else None,
        parent=parent,
        author=author,
        text=text,
    )
    _apply_verdict(comment, verdict, now)
    comment._history_user = author  # type: ignore[attr-defined]
    comment.save()
    if comment.status == CommentStatus.REJECTED:
        _strike(comment, origin=Strike.Origin.PIPELINE, reasons=comment.reasons, when=now)
    if comment.status == CommentStatus.PUBLISHED:
        pagecache.clear_on_commit()
    return comment


@transaction.atomic
def comment_edit(*, author: Any, comment: Comment, text: str) -> Comment:
    """The author's correction, moderated again in full."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not selectors.may_edit(comment, author):
        raise ValidationError(_("This comment can no longer be edited."))
    reader, standing = _check_may_post(author)
    text = _clean_text(text)
    if text == comment.text:
        return comment
    was_published = comment.status == CommentStatus.PUBLISHED
    verdict = _moderate(author, reader, text, standing)
    _refuse_if_final(verdict, standing)
    now = timezone.now()
    was_rejected = comment.status == CommentStatus.REJECTED
    comment.text = text
    comment.edited_at = now
    _apply_verdict(comment, verdict, now)
    comment._history_user = author  # type: ignore[attr-defined]
    comment._change_reason = "edited by its author"  # type: ignore[attr-defined]
    comment.save()
    if comment.status == CommentStatus.REJECTED and not was_rejected:
        _strike(comment, origin=Strike.Origin.PIPELINE, reasons=comment.reasons, when=now)
    if was_published or comment.status == CommentStatus.PUBLISHED:
        pagecache.clear_on_commit()
    return comment


@transaction.atomic
def comment_withdraw(*, author: Any, comment: Comment) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != author.pk or comment.status == CommentStatus.WITHDRAWN:
        raise ValidationError(_("This comment cannot be withdrawn."))
    was_published = comment.status == CommentStatus.PUBLISHED
    comment.status = CommentStatus.WITHDRAWN
    comment._history_user = author  # type: ignore[attr-defined]
    comment.save(update_fields=["status"])
    if was_published:
        pagecache.clear_on_commit()
    return comment


@transaction.atomic
def comment_flag(*, reader: Any, comment: Comment, why: str) -> Flag | None:
    """A reader's report. Enough reports hold a published comment for a moderator.
    Returns None if this reader had already flagged it."""
    if not Reader.objects.filter(user=reader, email_verified_at__isnull=False).exists():
        raise ValidationError(_("Sign in with a verified reader account to report a comment."))
    if why not in Flag.Why.values:
        raise ValidationError({"why": [_("Choose why you report this comment.")]})
    if comment.status != CommentStatus.PUBLISHED or comment.author_id == reader.pk:
        raise ValidationError(_("This comment cannot be reported."))
    try:
        with transaction.atomic():
            flag = Flag.objects.create(comment=comment, reader=reader, why=why)
    except IntegrityError:
        return None
    Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    comment.refresh_from_db()
    if (
        comment.flag_count >= settings.IRUM_COMMENT_FLAGS_TO_HOLD
        and comment.status == CommentStatus.PUBLISHED
        and comment.decided_by_id is None  # a moderator who published it has spoken
    ):
        comment.status = CommentStatus.HELD
        comment._change_reason = "held after reader reports"  # type: ignore[attr-defined]
        comment.save(update_fields=["status"])
        pagecache.clear_on_commit()
    return flag


# Moderation


def _decide(*, actor: Actor, comment: Comment, status: str, note: str, summary: str) -> Comment:
    before = comment.status
    now = timezone.now()
    comment.status = status
    comment.decided_by = actor
    comment.decided_at = now
    comment.decision_note = note.strip()[:2000]
    if status == CommentStatus.PUBLISHED:
        comment.published_at = comment.published_at or now
    comment._history_user = actor  # type: ignore[attr-defined]
    comment._change_reason = summary  # type: ignore[attr-defined]
    comment.save()
    audit_record(
        actor=actor,
        kind="update",
        record=comment,
        summary=f"comment {summary}",
        changes={"status": [before, status]},
        reason=comment.decision_note,
    )
    if CommentStatus.PUBLISHED in (before, status):
        pagecache.clear_on_commit()
    return comment


@transaction.atomic
def comment_approve(*, actor: Actor, comment: Comment, note: str = "") -> Comment:
    """Publish a held comment, or overturn a rejection (its strike is cancelled)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == CommentStatus.WITHDRAWN:
        raise ValidationError(_("The author withdrew this comment."))
    if comment.erased_at is not None:
        raise ValidationError(_("This comment's text was erased: there is nothing to publish."))
    now = timezone.now()
    Strike.objects.filter(comment=comment, cancelled_at__isnull=True).update(
        cancelled_at=now, cancelled_by=actor
    )
    return _decide(
        actor=actor, comment=comment, status=CommentStatus.PUBLISHED, note=note, summary="approved"
    )


@transaction.atomic
def comment_reject(
    *, actor: Actor, comment: Comment, note: str = "", strike: bool = True, erase: bool = False
) -> Comment:
    """Reject a held comment, or remove a published one. With STRIKE (the default) it
    counts towards the author's standing. With ERASE its text is erased, from its history
    rows too (comment_erase)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == CommentStatus.WITHDRAWN:
        if erase:  # withdrawn, but its text is still stored: it may still be erased
            return comment_erase(actor=actor, comment=comment)
        raise ValidationError(_("The author withdrew this comment."))
    status = (
        CommentStatus.REMOVED
        if comment.status == CommentStatus.PUBLISHED
        else CommentStatus.REJECTED
    )
    already = Strike.objects.filter(comment=comment, cancelled_at__isnull=True).exists()
    comment = _decide(
        actor=actor,
        comment=comment,
        status=status,
        note=note,
        summary="removed" if status == CommentStatus.REMOVED else "rejected",
    )
    if strike and not already:
        _strike(
            comment,
            origin=Strike.Origin.MODERATOR,
            reasons=comment.reasons or ["moderator"],
            when=timezone.now(),
        )
    if erase:
        comment = comment_erase(actor=actor, comment=comment)
    return comment


ERASED = "[…]"


@transaction.atomic
def comment_erase(*, actor: Actor, comment: Comment) -> Comment:
    """Erase the text of a comment that is not published, and every earlier version of
    it in the history, for a comment that puts someone at risk. The erasure is audited
    (who, when, how many versions), never what was erased."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status == CommentStatus.PUBLISHED:
        raise ValidationError(_("Reject or remove the comment before erasing its text."))
    versions = comment.history.exclude(text=ERASED).update(text=ERASED, spans=[])
    comment.text = ERASED
    comment.spans = []
    comment.erased_at = timezone.now()
    # Saved without a new history row: the row would only repeat the erasure.
    Comment.objects.filter(pk=comment.pk).update(
        text=comment.text, spans=comment.spans, erased_at=comment.erased_at
    )
    audit_record(
        actor=actor,
        kind="update",
        record=comment,
        summary="comment text erased",
        changes={"text": ["erased", f"{versions} history version(s) erased too"]},
    )
    return comment


@transaction.atomic
def reader_block(*, actor: Actor, reader: Reader, reason: str) -> Reader:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why: the reader is shown the reason.")]})
    reader.blocked_at = timezone.now()
    reader.block_reason = reason[:2000]
    reader.save(update_fields=["blocked_at", "block_reason"])
    audit_record(actor=actor, kind="update", record=reader, summary="reader blocked", reason=reason)
    return reader


@transaction.atomic
def reader_unblock(*, actor: Actor, reader: Reader, reason: str = "") -> Reader:
    """Lift a moderator's block and cancel the strikes that earned the automatic steps."""
    now = timezone.now()
    reader.blocked_at = None
    reader.block_reason = ""
    reader.save(update_fields=["blocked_at", "block_reason"])
    cancelled = Strike.objects.filter(user=reader.user, cancelled_at__isnull=True).update(
        cancelled_at=now, cancelled_by=actor
    )
    audit_record(
        actor=actor,
        kind="update",
        record=reader,
        summary=f"reader unblocked; {cancelled} strike(s) cancelled",
        reason=reason,
    )
    return reader


@transaction.atomic
def appeal_file(*, reader: Any, text: str) -> Appeal:
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise ValidationError({"text": [_("Say why the decision should be changed.")]})
    if len(text) > 4000:
        raise ValidationError({"text": [_("An appeal has at most 4,000 characters.")]})
    standing = selectors.standing_of(reader)
    if standing.level is Level.GOOD:
        raise ValidationError(_("Your account has no restriction to appeal."))
    if Appeal.objects.filter(reader=reader, state=Appeal.State.OPEN).exists():
        raise ValidationError(_("You already have an appeal waiting for a moderator."))
    appeal = Appeal.objects.create(reader=reader, text=text)
    audit_record(actor=reader, kind="create", record=appeal, summary="appeal filed")
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Actor, appeal: Appeal, grant: bool, response: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.state != Appeal.State.OPEN:
        raise ValidationError(_("This appeal has already been decided."))
    response = response.strip()
    if not response:
        raise ValidationError({"response": [_("Write the answer the reader will read.")]})
    appeal.state = Appeal.State.GRANTED if grant else Appeal.State.DENIED
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.response = response[:4000]
    appeal.save()
    audit_record(
        actor=actor,
        kind="update",
        record=appeal,
        summary="appeal granted" if grant else "appeal denied",
        reason=appeal.response,
    )
    if grant:
        reader = Reader.objects.get(user=appeal.reader)
        reader_unblock(actor=actor, reader=reader, reason=f"appeal {appeal.pk} granted")
    return appeal
