"""`irum audit verify`: check the audit log's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from irum.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks every entry's hash and its link to the one before."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify"], help="what to do: verify")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            self._verify()

    def _verify(self) -> None:
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                _("Audit log is broken at entry %(seq)s: %(reason)s (%(count)s entries read)")
                % {"seq": result.bad_seq, "reason": result.reason, "count": result.count}
            )
        self.stdout.write(
            self.style.SUCCESS(_("Audit log verified: %(n)s entries") % {"n": result.count})
        )
