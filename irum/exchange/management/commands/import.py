from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from irum.archive.actors import person_actor
from irum.exchange.cli import report_import
from irum.exchange.importer import workbook_import
from irum.partners.models import Organization


class Command(BaseCommand):
    help = "Import a workbook (format v1) all or nothing. See docs/workbook.md."

    def add_arguments(self, parser):
        parser.add_argument("path", help=".xlsx file, .zip of CSV files, or a folder of CSV files")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--partner", help="slug of the partner organisation that owns the cases"
        )
        parser.add_argument(
            "--actor",
            required=True,
            help="the user importing: their partner rights apply, and they are recorded as "
            "the author of the change",
        )

    def handle(self, *args, path, dry_run=False, partner=None, actor=None, **options):
        owner = None
        if partner:
            owner = Organization.objects.filter(slug=partner).first()
            if owner is None:
                raise CommandError(
                    _("No partner organisation with id %(slug)r") % {"slug": partner}
                )
        # The default actor is an account created on first use. Creating it is itself a
        # write, so it shares the import's fate: a dry run or a refused workbook leaves
        # the database exactly as it was.
        with transaction.atomic():
            result = workbook_import(
                actor=person_actor(actor), path=Path(path), partner=owner, dry_run=dry_run
            )
            if result.problems or dry_run:
                transaction.set_rollback(True)
        report_import(self, result, dry_run=dry_run)
