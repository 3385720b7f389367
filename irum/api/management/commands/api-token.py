"""irum api-token create USER --name NAME | list [USER] | revoke PREFIX

Tokens are for scripts that read or write the archive as a named user, with her rights.
Only someone holding the server makes one, and it is shown once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from irum.api.models import ApiToken
from irum.audit.services import audit_record


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="make a token for USER and print it once")
        create.add_argument("user")
        create.add_argument("--name", required=True, help="what the token is for")
        listing = sub.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("user", nargs="?")
        revoke = sub.add_parser("revoke", help="revoke the token with this prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(_("No active user is called %(name)s.") % {"name": username})
        return user

    def _create(self, *, user, name, **options):
        owner = self._user(user)
        with transaction.atomic():
            token, text = ApiToken.issue(user=owner, name=name[:100])
            audit_record(
                actor=None,
                kind="other",
                record=token,
                summary=f"API token {token.prefix} made for {owner.get_username()}",
            )
        self.stdout.write(text)
        self.stderr.write(
            _("Keep this token secret: it acts as %(user)s. It is not shown again.")
            % {"user": owner.get_username()}
        )

    def _list(self, *, user=None, **options):
        tokens = ApiToken.objects.select_related("user")
        if user:
            tokens = tokens.filter(user=self._user(user))
        for token in tokens:
            state = _("revoked") if token.revoked_at else _("active")
            used = token.last_used_at.isoformat() if token.last_used_at else "-"
            self.stdout.write(
                f"{token.prefix}\t{token.user.get_username()}\t{token.name}\t{state}\t{used}"
            )

    def _revoke(self, *, prefix, **options):
        with transaction.atomic():
            updated = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            if not updated:
                raise CommandError(_("No active token has the prefix %(p)s.") % {"p": prefix})
            audit_record(
                actor=None,
                kind="other",
                record_type="api.apitoken",
                record_id=prefix,
                summary=f"API token {prefix} revoked",
            )
        self.stdout.write(_("Revoked."))
