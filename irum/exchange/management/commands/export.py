from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from irum.archive.actors import person_actor
from irum.exchange.exporter import ExportError, workbook_export


class Command(BaseCommand):
    help = "Export the archive as a workbook (format v1): .xlsx, .zip, or a folder of CSVs."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--actor",
            required=True,
            help="the user exporting: the export holds only what they may see, and is "
            "recorded in the audit log as theirs",
        )

    def handle(self, *args, path, actor=None, **options):
        try:
            result = workbook_export(actor=person_actor(actor), path=Path(path))
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        # Sheet names are the format's identifiers (docs/workbook.md), never translated.
        counts = ", ".join(f"{sheet} {n}" for sheet, n in result.counts.items())
        self.stdout.write(
            _("Exported to %(path)s: %(counts)s") % {"counts": counts, "path": result.path}
        )
