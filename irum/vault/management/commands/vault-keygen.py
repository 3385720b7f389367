from django.core.management.base import BaseCommand

from irum.vault.keys import new_key


class Command(BaseCommand):
    help = (
        "Print a new random 32-byte key, base64-encoded, for IRUM_FIELD_KEYS (as id:key) "
        "or IRUM_BLIND_INDEX_KEY. Keep it out of the database and the repository."
    )

    def add_arguments(self, parser):
        parser.add_argument("--id", help="prefix the key with this key id, as id:key")

    def handle(self, *args, id=None, **options):
        key = new_key()
        self.stdout.write(f"{id}:{key}" if id else key)
