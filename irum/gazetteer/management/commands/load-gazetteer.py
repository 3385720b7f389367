from django.core.management.base import BaseCommand

from irum.archive.actors import command_actor
from irum.gazetteer.services import gazetteer_load


class Command(BaseCommand):
    help = "Load the sourced gazetteer: provinces, places and agencies (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--actor", help="username recorded as the author of the change")

    def handle(self, *args, actor=None, **options):
        result = gazetteer_load(actor=command_actor(actor))
        self.stdout.write(
            f"Gazetteer loaded: {result.provinces} provinces, {result.places} places, "
            f"{result.agencies} agencies."
        )
