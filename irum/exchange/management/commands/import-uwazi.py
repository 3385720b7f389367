from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from irum.archive.actors import person_actor
from irum.exchange.cli import report_import
from irum.exchange.uwazi import TEMPLATES, uwazi_import
from irum.partners.models import Organization


class Command(BaseCommand):
    help = (
        "Import an Uwazi CSV export all or nothing, as a mapping file directs. See docs/uwazi.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV file Uwazi exported")
        parser.add_argument(
            "--template",
            required=True,
            choices=TEMPLATES,
            help="what each row is: a victim (a person) or a case",
        )
        parser.add_argument(
            "--mapping",
            required=True,
            help="YAML file saying which Uwazi column becomes which Irum field",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--partner", help="slug of the partner organisation that owns the new cases"
        )
        parser.add_argument(
            "--actor",
            required=True,
            help="the user importing: their partner rights apply, and they are recorded as "
            "the author of the change",
        )

    def handle(
        self, *args, path, template, mapping, dry_run=False, partner=None, actor=None, **options
    ):
        owner = None
        if partner:
            owner = Organization.objects.filter(slug=partner).first()
            if owner is None:
                raise CommandError(
                    _("No partner organisation with id %(slug)r") % {"slug": partner}
                )
        # As `irum import` does: anything written on the way (an actor account created
        # on first use) shares the import's fate.
        with transaction.atomic():
            result = uwazi_import(
                actor=person_actor(actor),
                path=Path(path),
                template=template,
                mapping_path=Path(mapping),
                partner=owner,
                dry_run=dry_run,
            )
            if result.problems or dry_run:
                transaction.set_rollback(True)
        for warning in result.warnings:
            self.stderr.write(_("warning: %(notice)s") % {"notice": warning})
        report_import(self, result, dry_run=dry_run)
