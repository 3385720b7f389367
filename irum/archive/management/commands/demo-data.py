from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from irum.archive.actors import command_actor
from irum.archive.demo import DEFAULT_SEED, DemoDataError, demo_data_load
from irum.archive.models import Case
from irum.gazetteer.models import Place
from irum.gazetteer.services import gazetteer_load


class Command(BaseCommand):
    help = (
        "Load the synthetic demo data set (no real person is in it), imported through the "
        "workbook importer. Its figures equal TJWG's published 2024 table."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="seed of the generator (default %(default)s)",
        )
        parser.add_argument("--out", metavar="DIR", help="keep the generated workbook in DIR")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the archive already has cases",
        )

    def handle(self, *args, seed=DEFAULT_SEED, out=None, if_empty=False, **options):
        if if_empty and Case.objects.exists():
            self.stdout.write(_("The archive already has cases; the demo data was not loaded."))
            return
        actor = command_actor(None)
        if not Place.objects.exists():
            loaded = gazetteer_load(actor=actor)
            self.stdout.write(
                _("Gazetteer loaded: %(places)d places, %(agencies)d agencies.")
                % {"places": loaded.places, "agencies": loaded.agencies}
            )
        try:
            result = demo_data_load(actor=actor, seed=seed, directory=Path(out) if out else None)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _(
                "Loaded the synthetic demo data: %(cases)d cases, %(persons)d persons, "
                "%(events)d events, %(sources)d sources."
            )
            % {
                "cases": result.cases,
                "persons": result.persons,
                "events": result.events,
                "sources": result.sources,
            }
        )
        if out:
            self.stdout.write(_("The workbook is kept in %(dir)s.") % {"dir": out})
