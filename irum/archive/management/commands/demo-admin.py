"""Create (or reset) the demo's administrator and print the login.

The password is generated on first run and kept in var/demo-admin-password, so the
repository never holds one and each demo machine has its own.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo administrator (demo only) and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        path = settings.VAR_DIR / "demo-admin-password"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_text().strip():
            password = path.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            path.write_text(password + "\n")
            path.chmod(0o600)
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write("")
        self.stdout.write(
            "  Irum demo: http://127.0.0.1:8000/  (report: /reports/, archive: /admin/)"
        )
        self.stdout.write(f"  Admin login: {username} / {password}")
        self.stdout.write(f"  (the password is kept in {path})")
        self.stdout.write("")
