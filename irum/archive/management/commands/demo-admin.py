"""Create (or reset) the demo's administrator and print the login.

The password is generated on first run and kept in var/demo-admin-password, so the
repository never holds one and each demo machine has its own. The second factor is not
made here: the administrator enrols an authenticator app at first sign-in, through the
same page a real deployment uses (irum.accounts).
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from irum.accounts.services import two_factor_reset
from irum.archive.actors import system_actor


class Command(BaseCommand):
    help = "Create the demo administrator (demo only) and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--reset-2fa",
            action="store_true",
            help="Remove the administrator's authenticator (lost phone): set it up again.",
        )

    def handle(self, *args, username: str, reset_2fa: bool = False, **options):
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
        if reset_2fa:
            two_factor_reset(user=user, actor=system_actor())
        self.stdout.write("")
        self.stdout.write(
            "  Irum demo: http://127.0.0.1:8000/  (public site: /en/ and /ko/, "
            "report: /reports/, map: /maps/public/, archive: /admin/)"
        )
        self.stdout.write(f"  Admin login: {username} / {password}")
        self.stdout.write(f"  (the password is kept in {path})")
        reader_path = settings.VAR_DIR / "demo-reader-password"
        if reader_path.exists():
            self.stdout.write(
                f"  Demo reader (comments): reader / {reader_path.read_text().strip()} at "
                "/en/account/sign-in/; the moderators' queue: /admin/discussion/comment/"
            )
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            # As in a real deployment: the password alone opens nothing.
            self.stdout.write(
                "  First sign-in asks you to set up two-factor sign-in: scan the QR code"
            )
            self.stdout.write(
                "  with an authenticator app (FreeOTP, Aegis, ...) or type in the key shown."
            )
        else:
            self.stdout.write(
                "  Then enter the code from your authenticator app (lost it? demo-admin "
                "--reset-2fa)."
            )
        self.stdout.write("")
