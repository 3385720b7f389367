from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# ASCII digits only: str.isdigit() would also take Arabic-Indic or full-width digits,
# which int() then quietly reads as a number.
_CODE = re.compile(r"[0-9]{6}|[0-9]{8}")
# People type codes as "123 456" or "123-456", or paste them with a trailing space.
_SEPARATORS = re.compile(r"[\s-]")


class TokenForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        # Room for separators; anything longer is refused before it is looked at.
        max_length=20,
        strip=True,
        error_messages={
            "required": _("Enter the code from your authenticator app."),
            "max_length": _("Enter the 6-digit code from your authenticator app."),
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "size": 10,
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = _SEPARATORS.sub("", self.cleaned_data["code"])
        if not _CODE.fullmatch(code):
            raise forms.ValidationError(
                _("Enter the 6-digit code from your authenticator app."), code="format"
            )
        return code


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, refusing a username longer than any account can have.

    Django's form only tells the browser the limit; without this, a 5,000-character
    username reaches django-axes, whose attempt table cannot hold it, and the login
    page fails with a server error on PostgreSQL."""

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def clean(self) -> dict[str, Any]:
        if self.has_error("username", code="max_length"):
            # Not a login anyone could pass, but an attempt all the same: recorded.
            from irum.accounts.signals import audit_failed_login

            audit_failed_login(self.request, self.data.get("username"), note="username too long")
        return super().clean()
