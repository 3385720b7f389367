"""Reader pages: the account (register, confirm the address, sign in, rename, appeal) and
each story's or case's discussion (post, reply, edit, withdraw, report).

These pages read the session, so unlike the rest of the public site they are never
cached (irum.lib.pagecache): each answer is private and not stored. The published
comments also appear on the cached story and case pages themselves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login, logout
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from irum.archive.models import Case
from irum.audit.services import audit_record
from irum.discussion import selectors, services, throttle
from irum.discussion.forms import (
    AppealForm,
    CommentForm,
    DisplayNameForm,
    FlagForm,
    ReaderPasswordResetForm,
    RegisterForm,
    SignInForm,
)
from irum.discussion.models import Appeal, Comment, CommentStatus, Reader
from irum.discussion.moderation.strikes import Level
from irum.public import selectors as public_selectors
from irum.public.views import _page as render_page
from irum.stories.models import Story
from irum.stories.services import guidelines


def _meta(title: str) -> dict[str, str]:
    return {
        "title": title,
        "description": _(
            "Readers' comments on Irum's stories and case pages, moderated under the "
            "published comment guidelines."
        ),
    }


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _reader(request: HttpRequest) -> Reader | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return Reader.objects.filter(user=user).first()


def _sign_in_url(request: HttpRequest) -> str:
    return f"{reverse('discussion:sign_in')}?{REDIRECT_FIELD_NAME}={request.get_full_path()}"


# The account


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(
            "register",
            throttle.client_address(request),
            limit=settings.IRUM_REGISTRATIONS_PER_HOUR,
            seconds=3600,
        ):
            form.add_error(
                None,
                _(
                    "Too many accounts were opened from your network in the last hour. Try "
                    "again later."
                ),
            )
            response = render_page(
                request,
                "discussion/register.html",
                {"form": form, "meta": _meta(_("Create an account"))},
            )
            response.status_code = 429
            return response
        try:
            reader = services.reader_register(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
                language=(get_language() or "en")[:2],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            _send_link(request, reader)
            login(request, reader.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Your account is open. We sent a link to %(email)s: open it to comment.")
                % {"email": reader.user.email},
            )
            return redirect("discussion:account")
    return render_page(
        request,
        "discussion/register.html",
        {"form": form, "meta": _meta(_("Create an account"))},
    )


def _send_link(request: HttpRequest, reader: Reader) -> None:
    token = services.verification_token(reader)
    link = request.build_absolute_uri(reverse("discussion:verify", args=[token]))
    services.send_verification(reader, link=link)


@never_cache
@require_http_methods(["GET"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reader = services.reader_verify_email(token=token[:500])
    except ValidationError as exc:
        return render_page(
            request,
            "discussion/message.html",
            {"message": " ".join(exc.messages), "meta": _meta(_("Confirm your address"))},
        )
    messages.success(request, _("Your e-mail address is confirmed. You can comment now."))
    if request.user.is_authenticated and request.user.pk == reader.user_id:
        return redirect("discussion:account")
    return redirect("discussion:sign_in")


@never_cache
@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return HttpResponseRedirect(_sign_in_url(request))
    if not reader.email_verified:
        if throttle.allow(
            "confirm-mail",
            str(reader.pk),
            limit=settings.IRUM_CONFIRMATION_MAILS_PER_DAY,
            seconds=86400,
        ):
            _send_link(request, reader)
            messages.success(
                request, _("We sent a new link to %(email)s.") % {"email": reader.user.email}
            )
        else:
            messages.error(
                request,
                _("We have sent you several links today. Look for them, or try again tomorrow."),
            )
    return redirect("discussion:account")


@method_decorator(never_cache, name="dispatch")
class SignIn(LoginView):
    form_class = SignInForm
    template_name = "discussion/sign_in.html"
    redirect_authenticated_user = False

    def form_valid(self, form: SignInForm) -> HttpResponse:
        if form.get_user().is_staff:
            # Staff sign in to the admin, with their second factor, never here.
            form.add_error(None, _("Staff accounts sign in at the archive's admin pages."))
            return self.form_invalid(form)
        return super().form_valid(form)

    def get_default_redirect_url(self) -> str:
        return reverse("discussion:account")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        context.setdefault("meta", _meta(_("Sign in")))
        return render_page(self.request, self.template_name, context)


@method_decorator(never_cache, name="dispatch")
class PasswordReset(PasswordResetView):
    """Forgotten password: a link by e-mail, in the reader's language. The page says the
    same whether or not an account uses the address, so it tells nobody who reads Irum."""

    form_class = ReaderPasswordResetForm
    template_name = "discussion/password_reset.html"
    email_template_name = "discussion/password_reset_email.txt"
    subject_template_name = "discussion/password_reset_subject.txt"
    success_url = reverse_lazy("discussion:sign_in")

    def form_valid(self, form: ReaderPasswordResetForm) -> HttpResponse:
        if not throttle.allow(
            "password-link",
            throttle.client_address(self.request),
            limit=settings.IRUM_PASSWORD_LINKS_PER_HOUR,
            seconds=3600,
        ):
            form.add_error(None, _("Too many password links were asked for. Try again later."))
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        response = super().form_valid(form)
        messages.info(
            self.request,
            _(
                "If a reader account uses %(email)s, we sent it a link to choose a new "
                "password. The link works once, for a few days."
            )
            % {"email": form.cleaned_data["email"]},
        )
        return response

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        context["meta"] = _meta(_("Forgotten password"))
        return render_page(self.request, self.template_name, context)


@method_decorator(never_cache, name="dispatch")
class PasswordResetConfirm(PasswordResetConfirmView):
    template_name = "discussion/password_reset_confirm.html"
    success_url = reverse_lazy("discussion:sign_in")

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.save()
        audit_record(actor=user, kind="update", record=user, summary="reader password reset")
        messages.success(self.request, _("Your password is changed. Sign in with it."))
        return redirect("discussion:sign_in")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        context["meta"] = _meta(_("Choose a new password"))
        return render_page(self.request, self.template_name, context)


@never_cache
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("public:home")


@never_cache
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    reader = _reader(request)
    if reader is None:
        return HttpResponseRedirect(_sign_in_url(request))
    name_form = DisplayNameForm(
        request.POST if "display_name" in request.POST else None,
        initial={"display_name": reader.display_name},
    )
    appeal_form = AppealForm(request.POST if "appeal" in request.POST else None)
    if request.method == "POST":
        if "display_name" in request.POST and name_form.is_valid():
            try:
                services.reader_rename(
                    reader=reader, display_name=name_form.cleaned_data["display_name"]
                )
            except ValidationError as exc:
                _errors_to_form(name_form, exc)
            else:
                messages.success(request, _("Your display name is changed."))
                return redirect("discussion:account")
        elif "appeal" in request.POST and appeal_form.is_valid():
            try:
                services.appeal_file(reader=request.user, text=appeal_form.cleaned_data["text"])
            except ValidationError as exc:
                _errors_to_form(appeal_form, exc)
            else:
                messages.success(request, _("Your appeal is sent. A moderator will answer it."))
                return redirect("discussion:account")
    standing = selectors.standing_of(request.user)
    return render_page(
        request,
        "discussion/account.html",
        {
            "reader": reader,
            "name_form": name_form,
            "appeal_form": appeal_form,
            "standing": standing,
            "restricted": standing.level is not Level.GOOD,
            "block_message": services.refusal_message(standing)
            if not standing.may_post(timezone.now())
            else "",
            "premoderated": standing.premoderated(timezone.now()),
            "block_reason": reader.block_reason,
            "strikes": selectors.active_strikes(request.user).select_related("comment")[:50],
            "appeals": Appeal.objects.filter(reader=request.user)[:10],
            "open_appeal": Appeal.objects.filter(
                reader=request.user, state=Appeal.State.OPEN
            ).exists(),
            "comments": selectors.author_comments(request.user)[:100],
            "meta": _meta(_("Your account")),
        },
    )


# Threads


def _target(kind: str, key: str) -> Story | Case:
    if kind == "story":
        story = public_selectors.published_stories().filter(slug=key).first()
        if story is None:
            raise Http404
        return story
    case = public_selectors.public_case(key)
    if case is None:
        raise Http404
    return case


def _target_url(target: Model) -> str:
    if isinstance(target, Story):
        return reverse("public:story", args=[target.slug])
    return reverse("public:case", args=[target.public_id])


def _thread_url(target: Model) -> str:
    if isinstance(target, Story):
        return reverse("discussion:story_thread", args=[target.slug])
    return reverse("discussion:case_thread", args=[target.public_id])


def _target_title(target: Model) -> str:
    if isinstance(target, Story):
        return target.text(get_language() or "en").headline
    return _("Case %(id)s") % {"id": target.public_id}


@never_cache
@require_http_methods(["GET", "POST"])
def story_thread(request: HttpRequest, slug: str) -> HttpResponse:
    return _thread(request, _target("story", slug[:200]))


@never_cache
@require_http_methods(["GET", "POST"])
def case_thread(request: HttpRequest, public_id: str) -> HttpResponse:
    return _thread(request, _target("case", public_id[:32]))


def _thread(request: HttpRequest, target: Story | Case) -> HttpResponse:
    reader = _reader(request)
    form = CommentForm(request.POST or None, initial={"parent": request.GET.get("reply")})
    refusal = ""
    if request.method == "POST":
        if reader is None:
            return HttpResponseRedirect(_sign_in_url(request))
        if form.is_valid():
            parent = None
            if form.cleaned_data.get("parent"):
                parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
                if parent is None:
                    form.add_error(None, _("The comment you replied to is no longer there."))
            if not form.errors:
                try:
                    comment = services.comment_post(
                        author=request.user,
                        target=target,
                        text=form.cleaned_data["text"],
                        parent=parent,
                    )
                except services.Refused as exc:
                    refusal = exc.message
                except ValidationError as exc:
                    _errors_to_form(form, exc)
                else:
                    messages.add_message(request, *_posted_message(comment))
                    return HttpResponseRedirect(f"{_thread_url(target)}#comment-{comment.pk}")
    reply_to = None
    if form["parent"].value():
        reply_to = (
            Comment.objects.filter(pk=_int(form["parent"].value()), status=CommentStatus.PUBLISHED)
            .select_related("author__reader")
            .first()
        )
    now = timezone.now()
    thread = selectors.thread(target, request.user)
    for comment in thread.comments:
        comment.editable = selectors.may_edit(comment, request.user, now)
        for reply in comment.shown_replies:
            reply.editable = selectors.may_edit(reply, request.user, now)
    standing = selectors.standing_of(request.user) if reader else None
    return render_page(
        request,
        "discussion/thread.html",
        {
            "target": target,
            "target_url": _target_url(target),
            "thread_url": _thread_url(target),
            "title": _target_title(target),
            "thread": thread,
            "form": form,
            "reply_to": reply_to,
            "refusal": refusal,
            "reader": reader,
            "may_post": bool(reader and reader.email_verified and standing.may_post(now)),
            "blocked_message": services.refusal_message(standing)
            if standing and not standing.may_post(now)
            else "",
            "flag_form": FlagForm(),
            "guidelines": guidelines().in_language(get_language() or "en"),
            "sign_in_url": _sign_in_url(request),
            "meta": _meta(_("Comments: %(title)s") % {"title": _target_title(target)}),
        },
    )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _posted_message(comment: Comment) -> tuple[int, str]:
    if comment.status == CommentStatus.PUBLISHED:
        return messages.SUCCESS, _("Your comment is published.")
    reasons = ", ".join(comment.reason_labels())
    if comment.status == CommentStatus.HELD:
        return messages.INFO, _(
            "Your comment is waiting for a moderator, because it may contain: %(reasons)s."
        ) % {"reasons": reasons}
    return messages.ERROR, _(
        "Your comment was not published, because it contains: %(reasons)s. See the comment "
        "guidelines."
    ) % {"reasons": reasons}


def _own_comment(request: HttpRequest, pk: int) -> Comment:
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Comment.objects.select_related("story", "case"), pk=pk, author=request.user
    )


@never_cache
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    target = comment.target
    if not selectors.may_edit(comment, request.user):
        messages.error(request, _("This comment can no longer be edited."))
        return HttpResponseRedirect(_thread_url(target))
    form = CommentForm(request.POST or None, initial={"text": comment.text})
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.comment_edit(
                author=request.user, comment=comment, text=form.cleaned_data["text"]
            )
        except services.Refused as exc:
            refusal = exc.message
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.add_message(request, *_posted_message(comment))
            return HttpResponseRedirect(f"{_thread_url(target)}#comment-{comment.pk}")
    return render_page(
        request,
        "discussion/edit.html",
        {
            "comment": comment,
            "form": form,
            "refusal": refusal,
            "thread_url": _thread_url(target),
            "deadline": selectors.edit_deadline(comment),
            "meta": _meta(_("Edit your comment")),
        },
    )


@never_cache
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_comment(request, pk)
    try:
        services.comment_withdraw(author=request.user, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your comment is withdrawn."))
    return HttpResponseRedirect(_thread_url(comment.target))


@never_cache
@require_POST
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("story", "case"), pk=pk, status=CommentStatus.PUBLISHED
    )
    target = comment.target
    if _reader(request) is None:
        return HttpResponseRedirect(_sign_in_url(request))
    form = FlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why you report this comment."))
    else:
        try:
            done = services.comment_flag(
                reader=request.user, comment=comment, why=form.cleaned_data["why"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Thank you. A moderator will look at this comment.")
                if done
                else _("You have already reported this comment."),
            )
    return HttpResponseRedirect(f"{_thread_url(target)}#comment-{comment.pk}")
