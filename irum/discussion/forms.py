"""Reader forms. Each validates its fields; the service decides (irum.discussion.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from irum.discussion.models import DISPLAY_NAME_MAX, TEXT_MAX_CHARS, Flag, Reader


class RegisterForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=30,
        help_text=_("For signing in. Readers never see it."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a link to confirm it. It is never shown to anyone."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX,
        help_text=_("Shown with your comments. You may use a pseudonym."),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        help_text=_("At least 12 characters."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


class SignInForm(AuthenticationForm):
    pass


class DisplayNameForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=DISPLAY_NAME_MAX)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        # Over the limit is refused by the service with its own message; far over it is
        # refused here, before anything reads it.
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_MAX_CHARS}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class FlagForm(forms.Form):
    why = forms.ChoiceField(
        label=_("Why are you reporting this comment?"), choices=Flag.Why.choices
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Your appeal"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Say which decision you ask us to change, and why."),
    )


class ReaderPasswordResetForm(PasswordResetForm):
    """Django's reset by e-mail, for reader accounts only: a staff password is never reset
    from the public site (staff have their administrator and their second factor)."""

    def get_users(self, email: str) -> Any:
        return (
            user
            for user in super().get_users(email)
            if not user.is_staff and Reader.objects.filter(user=user).exists()
        )
