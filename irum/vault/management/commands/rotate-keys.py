"""`irum rotate-keys`: re-encrypt every stored value under the active field key.

See docs/operations.md, "Rotating field keys", and irum.vault.rotation.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from irum.archive.actors import command_actor
from irum.vault.keys import VaultError, keyring
from irum.vault.rotation import DEFAULT_BATCH_SIZE, rotate, survey


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be a whole number of at least 1"))
    return value


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value (records and their history) under the first key "
        "in IRUM_FIELD_KEYS, so that older keys can be removed. Safe to interrupt and run "
        "again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="only count stored values per key id and rows to re-encrypt; write nothing",
        )
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=DEFAULT_BATCH_SIZE,
            help=f"rows re-encrypted per transaction (default {DEFAULT_BATCH_SIZE})",
        )
        parser.add_argument("--actor", help="username recorded in the audit log")

    def handle(
        self,
        *args: Any,
        dry_run: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        actor: str | None = None,
        **options: Any,
    ) -> None:
        try:
            ring = keyring()
        except VaultError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Active key: %(active)s; configured keys: %(ids)s")
            % {"active": ring.active_id, "ids": ", ".join(ring.keys)}
        )
        if dry_run:
            self._dry_run()
            return
        who = command_actor(actor)
        try:
            result = rotate(actor=who, batch_size=batch_size, progress=self._progress)
        except VaultError as exc:  # RotationError included: it names table, row and key
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            # E.g. SQLite's "database is locked" when another writer got in between: the
            # batch rolled back, and a rerun continues from there.
            raise CommandError(
                _(
                    "The database refused a batch (%(error)s). Nothing of that batch was "
                    "written; run the command again."
                )
                % {"error": exc}
            ) from None
        if not result.rotated and not result.remaining:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Nothing needs rotation: every value is under key %(key)s.")
                    % {"key": result.active_id}
                )
            )
            return
        self.stdout.write(
            ngettext(
                "Re-encrypted %(n)d row under key %(key)s.",
                "Re-encrypted %(n)d rows under key %(key)s.",
                result.rotated,
            )
            % {"n": result.rotated, "key": result.active_id}
        )
        if result.remaining:
            # Only rows saved back under an old key during the run can be left: a rare
            # race, and a second run takes them.
            raise CommandError(
                ngettext(
                    "%(n)d row is still under an older key; run the command again.",
                    "%(n)d rows are still under an older key; run the command again.",
                    result.remaining,
                )
                % {"n": result.remaining}
            )
        old = [key_id for key_id in ring.keys if key_id != result.active_id]
        message = _("Every value is now under key %(key)s.") % {"key": result.active_id}
        if old:
            message += " " + _("Keys no longer needed for reading: %(ids)s.") % {
                "ids": ", ".join(old)
            }
        self.stdout.write(self.style.SUCCESS(message))

    def _progress(self, table: str, done: int, total: int) -> None:
        if total == 0:
            self.stdout.write(_("%(table)s: nothing to re-encrypt") % {"table": table})
        elif done:
            self.stdout.write(
                _("%(table)s: rows re-encrypted %(done)d / %(total)d")
                % {"table": table, "done": done, "total": total}
            )

    def _dry_run(self) -> None:
        tables = survey()
        pending = 0
        for t in tables:
            pending += t.pending
            keys = ", ".join(f"{k}: {n}" for k, n in sorted(t.values_by_key.items())) or "—"
            self.stdout.write(
                _(
                    "%(table)s: rows %(rows)d, to re-encrypt %(pending)d; "
                    "stored values per key id: %(keys)s"
                )
                % {"table": t.table, "rows": t.rows, "pending": t.pending, "keys": keys}
            )
        if pending:
            self.stdout.write(
                ngettext(
                    "%(n)d row would be re-encrypted. Nothing was written (dry run).",
                    "%(n)d rows would be re-encrypted. Nothing was written (dry run).",
                    pending,
                )
                % {"n": pending}
            )
        else:
            self.stdout.write(_("Nothing needs rotation. Nothing was written (dry run)."))
