from django.conf import settings
from django.core.management.base import BaseCommand

from irum.discussion.demo import demo_comments_load


class Command(BaseCommand):
    help = (
        "Create the demo's reader accounts and their comments (some published, some held "
        "or rejected by the moderation pipeline). Demo only."
    )

    def handle(self, *args, **options):
        written, password = demo_comments_load(var_dir=settings.VAR_DIR)
        self.stdout.write(f"Demo comments written: {written}.")
        self.stdout.write(
            f"  Demo reader: sign in at /en/account/sign-in/ as 'reader' with password {password}"
        )
