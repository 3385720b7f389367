from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from irum.archive.actors import command_actor
from irum.stories.demo import demo_stories_load


class Command(BaseCommand):
    help = (
        "Publish the demo's synthetic stories (English and Korean, with generated photos), "
        "about the demo data's public cases. Stories already there are left as they are."
    )

    def handle(self, *args, **options):
        written = demo_stories_load(actor=command_actor(None))
        self.stdout.write(_("Demo stories published: %(n)d.") % {"n": written})
