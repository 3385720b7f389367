"""`irum restore PATH`: restore a backup into an empty, migrated instance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from irum.backups.archive import BackupError, backup_key
from irum.backups.services import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `irum backup` into an empty instance (run `irum migrate` "
        "first). The whole file is checked before anything is written, and everything is "
        "written in one transaction."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="the backup file to restore")
        parser.add_argument(
            "--actor", help="username (in the backup) recorded as the author of the restore"
        )
        parser.add_argument(
            "--accept-broken-audit-log",
            action="store_true",
            help="restore even if the audit log in the backup does not verify",
        )

    def handle(
        self,
        *args: Any,
        path: str,
        actor: str | None = None,
        accept_broken_audit_log: bool = False,
        **options: Any,
    ) -> None:
        try:
            result = backup_restore(
                path=Path(path),
                key=backup_key(),
                actor_username=actor,
                accept_broken_chain=accept_broken_audit_log,
                progress=self._progress,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            ngettext("%(files)d media file", "%(files)d media files", result.files)
            % {"files": result.files}
        )
        values = {
            "id": result.backup_id,
            "created": result.created_at,
            "rows": sum(result.tables.values()),
            "tables": len(result.tables),
            "files": result.files,
            "entries": result.audit_entries,
            "problem": result.audit_problem,
        }
        if result.audit_problem:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Restored backup %(id)s made %(created)s: %(rows)d rows in %(tables)d "
                        "tables, %(files)d media files. The audit log does NOT verify: "
                        "%(problem)s."
                    )
                    % values
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored backup %(id)s made %(created)s: %(rows)d rows in %(tables)d "
                    "tables, %(files)d media files. Audit log verified: %(entries)d entries."
                )
                % values
            )
        )

    def _progress(self, table: str, rows: int) -> None:
        self.stdout.write(
            ngettext("%(table)s: %(rows)d row", "%(table)s: %(rows)d rows", rows)
            % {"table": table, "rows": rows}
        )
