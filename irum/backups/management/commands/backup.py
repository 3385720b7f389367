"""`irum backup PATH`: write an encrypted, integrity-checked backup of the archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from irum.archive.actors import command_actor
from irum.backups.archive import BackupError, backup_key
from irum.backups.services import backup_create


class Command(BaseCommand):
    help = (
        "Write an encrypted backup of the database and the attachments to PATH, under "
        "IRUM_BACKUP_KEY (or IRUM_BACKUP_KEY_FILE). See docs/operations.md."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="the backup file to write")
        parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
        parser.add_argument("--actor", help="username recorded as the author of the backup")

    def handle(
        self, *args: Any, path: str, force: bool = False, actor: str | None = None, **options: Any
    ) -> None:
        try:
            # Checked before the audit entry is written: a backup that cannot start is
            # not recorded as made.
            key = backup_key()
            result = backup_create(
                actor=command_actor(actor),
                path=Path(path),
                key=key,
                force=force,
                progress=self._progress,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            ngettext("%(files)d media file", "%(files)d media files", result.files)
            % {"files": result.files}
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written to %(path)s (SHA-256 %(sha256)s)")
                % {"path": result.path, "sha256": result.sha256}
            )
        )

    def _progress(self, table: str, rows: int) -> None:
        self.stdout.write(
            ngettext("%(table)s: %(rows)d row", "%(table)s: %(rows)d rows", rows)
            % {"table": table, "rows": rows}
        )
